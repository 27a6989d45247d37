"""Export files an officer saved from a system's admin, parsed into rows by category where the format is known.

- PayPal's Activity download (CSV: ``Date, Time, TimeZone, Name, Type, Status, Currency, Gross, Fee, Net,
  From Email Address, To Email Address, Transaction ID, Shipping Address, …``);
- a carrier's shipment list (CSV or XLSX with a tracking number column: bpost, PostNL, DPD, GLS exports);
- any other CSV or XLSX (one category, "records"), JSON (a list of objects, or an object of such lists:
  one category per key);
- PDF (and anything else): kept as the file itself, listed as a document.

A shop-wide export holds other people: when a file has an e-mail column, only the rows naming the subject's
address (or, failing that, their name) are kept, and the finding says how many were left out.
"""

from __future__ import annotations

import csv
import io
import json
import mimetypes
import re
from dataclasses import dataclass

from megacase.errors import InputError
from megacase.i18n import _, ngettext

MAX_BYTES = 25 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

PAYPAL_COLUMNS = {
    "payments": ("Date", "Time", "TimeZone", "Type", "Status", "Currency", "Gross", "Fee", "Net", "Transaction ID",
                 "Item Title", "Item ID", "Invoice Number", "Reference Txn ID", "Balance Impact"),
    "identity and contact": ("Name", "From Email Address", "To Email Address", "Contact Phone Number"),
    "addresses": ("Shipping Address", "Address Status", "Address Line 1", "Address Line 2/District/Neighborhood",
                  "Town/City", "State/Province/Region/County/Territory/Prefecture/Republic", "Zip/Postal Code",
                  "Country"),
}
CARRIER_CATEGORIES = {
    "shipments": ("tracking", "shipment", "date", "status", "service", "product", "weight", "order", "reference",
                  "carrier"),
    "delivery address": ("recipient", "name", "street", "address", "house", "number", "postcode", "zip", "city",
                         "country"),
    "contact": ("email", "e-mail", "phone", "mobile", "telephone"),
}


@dataclass(frozen=True)
class ParsedFile:
    format: str                              # paypal-activity | carrier-shipments | csv | xlsx | json | pdf | file
    mime_type: str
    categories: dict[str, list[dict]]
    kept_file: bool                          # the original file is kept (no rows: a document)
    left_out: int = 0                        # rows of other people dropped

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.categories.values())

    def summary(self) -> str:
        if self.kept_file and not self.row_count:
            return _("{format} document kept as received").format(format=self.format.upper())
        parts = [f"{len(rows)} {cat}" for cat, rows in self.categories.items() if rows]
        text = _("{format} export: {rows}").format(format=self.format, rows=", ".join(parts)) if parts else \
            _("{format} export: no rows for the subject").format(format=self.format)
        if self.left_out:
            text += " " + ngettext("({n} row of other people left out)", "({n} rows of other people left out)",
                                   self.left_out).format(n=self.left_out)
        return text


def _clean(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _table_from_csv(data: bytes) -> list[dict]:
    text = data.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    return [{(k or "").strip(): _clean(v) for k, v in row.items() if k} for row in reader]


def _table_from_xlsx(data: bytes) -> list[dict]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises several unrelated types for a damaged file
        raise InputError(_("The spreadsheet cannot be read ({name}).").format(name=type(exc).__name__)) from None
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    if not rows:
        return []
    header = [str(h).strip() if h is not None else f"column {i + 1}" for i, h in enumerate(rows[0])]
    return [{h: _clean(v.isoformat() if hasattr(v, "isoformat") else v) for h, v in zip(header, row)}
            for row in rows[1:] if any(v is not None for v in row)]


def _about_subject(rows: list[dict], email: str, name: str | None) -> tuple[list[dict], int]:
    """Only the rows naming the subject, when the table has an e-mail column (a shop-wide export)."""
    if not rows:
        return rows, 0
    has_email_column = any(v and _EMAIL.match(v) for row in rows[:50] for v in row.values())
    if not has_email_column:
        return rows, 0
    email_l, name_l = email.lower(), (name or "").lower()
    kept = [r for r in rows if any(v and (email_l in v.lower() or (name_l and v.lower() == name_l))
                                   for v in r.values())]
    return kept, len(rows) - len(kept)


def _split(rows: list[dict], columns: dict[str, tuple[str, ...]], exact: bool) -> dict[str, list[dict]]:
    """Rows spread over categories by column (exact names, or by words in the column name); the rest: other."""
    out: dict[str, list[dict]] = {cat: [] for cat in columns}
    out["other"] = []
    for row in rows:
        placed: dict[str, dict] = {cat: {} for cat in out}
        for col, value in row.items():
            low = col.lower()
            cat = next((c for c, names in columns.items()
                        if (col in names if exact else any(word in low for word in names))), "other")
            placed[cat][col] = value
        for cat, part in placed.items():
            if any(v is not None for v in part.values()):
                out[cat].append(part)
    return {cat: rows for cat, rows in out.items() if rows}


def _format_of(filename: str, header: list[str]) -> str:
    if {"Transaction ID", "Gross"} <= set(header):
        return "paypal-activity"
    if any("tracking" in h.lower() or "zendingnummer" in h.lower() or "barcode" in h.lower() for h in header):
        return "carrier-shipments"
    return filename.rsplit(".", 1)[-1].lower()


def parse(filename: str, data: bytes, email: str, name: str | None = None) -> ParsedFile:
    if len(data) > MAX_BYTES:
        raise InputError(_("{filename} is larger than 25 MB: export only the subject's rows.").format(
                             filename=filename))
    if not data:
        raise InputError(_("{filename} is empty.").format(filename=filename))
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if ext == "json":
        try:
            doc = json.loads(data.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            raise InputError(_("{filename} is not valid JSON.").format(filename=filename)) from None
        groups = doc if isinstance(doc, dict) and all(isinstance(v, list) for v in doc.values()) else {"records": doc}
        cats, left = {}, 0
        for cat, rows in groups.items():
            rows = [r if isinstance(r, dict) else {"value": r} for r in (rows if isinstance(rows, list) else [rows])]
            rows = [{k: v if isinstance(v, (str, int, float, bool)) or v is None else json.dumps(v, ensure_ascii=False)
                     for k, v in r.items()} for r in rows]
            kept, dropped = _about_subject(rows, email, name)
            cats[cat], left = kept, left + dropped
        return ParsedFile("json", mime, cats, False, left)
    if ext in ("csv", "txt", "xlsx"):
        rows = _table_from_xlsx(data) if ext == "xlsx" else _table_from_csv(data)
        header = list(rows[0]) if rows else []
        kind = _format_of(filename, header)
        rows, left = _about_subject(rows, email, name)
        if kind == "paypal-activity":
            cats = _split(rows, PAYPAL_COLUMNS, exact=True)
        elif kind == "carrier-shipments":
            cats = _split(rows, CARRIER_CATEGORIES, exact=False)
        else:
            cats = {"records": rows}
        return ParsedFile(kind, mime, cats, False, left)
    if ext == "pdf" and not data.startswith(b"%PDF"):
        raise InputError(_("{filename} is not a PDF file.").format(filename=filename))
    return ParsedFile("pdf" if ext == "pdf" else "file", mime, {}, True)
