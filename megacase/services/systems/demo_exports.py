"""Realistic export files, as an officer saves them from PayPal and a carrier, for the demo and the tests.

Each is a shop-wide export: the subject's rows among another customer's, so the
import's filtering to the subject is exercised too.
"""

from __future__ import annotations

import csv
import io

OTHER = ("Jan Peeters", "jan.peeters@telenet.be", "Kerkstraat 4", "2000", "Antwerpen")


def paypal_activity_csv(name: str, email: str, street: str, zipcode: str, city: str) -> bytes:
    """PayPal › Activity › Download (CSV, all transactions) for a period."""
    header = ["Date", "Time", "TimeZone", "Name", "Type", "Status", "Currency", "Gross", "Fee", "Net",
              "From Email Address", "To Email Address", "Transaction ID", "Shipping Address", "Address Status",
              "Item Title", "Item ID", "Invoice Number", "Contact Phone Number", "Balance Impact"]
    o_name, o_email, o_street, o_zip, o_city = OTHER
    rows = [
        ["03/11/2025", "14:03:12", "CET", name, "Express Checkout Payment", "Completed", "EUR", "249,00", "-8,72",
         "240,28", email, "info@megasecurity.eu", "4KX12345AB678901C", f"{street}, {zipcode} {city}, BE",
         "Confirmed", "Caméra IP extérieure 4K", "CAM-4K-EXT", "F-2025-0142", "+32 475 12 34 56", "Credit"],
        ["05/11/2025", "10:21:44", "CET", o_name, "Express Checkout Payment", "Completed", "EUR", "59,90", "-2,40",
         "57,50", o_email, "info@megasecurity.eu", "7GH98765ZY432109D", f"{o_street}, {o_zip} {o_city}, BE",
         "Confirmed", "Détecteur de fumée", "SMK-01", "F-2025-0150", "", "Credit"],
        ["27/09/2026", "21:12:05", "CEST", name, "Express Checkout Payment", "Completed", "EUR", "34,50", "-1,52",
         "32,98", email, "info@megasecurity.eu", "9PL55511QW220033E", f"{street}, {zipcode} {city}, BE",
         "Confirmed", "Pile lithium CR123A (x4)", "BAT-CR123-4", "F-2026-0107", "+32 475 12 34 56", "Credit"],
    ]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode("utf-8-sig")


def carrier_shipments_xlsx(name: str, email: str, street: str, zipcode: str, city: str) -> bytes:
    """A carrier's shipment list (bpost e-tracker style) as a spreadsheet."""
    from openpyxl import Workbook
    o_name, o_email, o_street, o_zip, o_city = OTHER
    book = Workbook()
    sheet = book.active
    sheet.title = "Envois"
    sheet.append(["Tracking number", "Shipment date", "Service", "Status", "Recipient name", "Street", "Postcode",
                  "City", "Country", "Email", "Phone", "Order reference"])
    sheet.append(["323299001234567890", "2025-11-04", "bpost domicile", "Delivered", name, street, zipcode, city,
                  "BE", email, "+32 475 12 34 56", "ORD10231"])
    sheet.append(["323299001234599999", "2025-11-06", "bpost domicile", "Delivered", o_name, o_street, o_zip, o_city,
                  "BE", o_email, None, "ORD10240"])
    sheet.append(["323299001234611111", "2026-02-19", "bpost point", "Delivered", name, street, zipcode, city, "BE",
                  email, "+32 475 12 34 56", "ORD10562"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
