"""Build a sample case file and the register report from demo data, and render a page as PNG.

    .venv/bin/python tools/case_file_sample.py OUT_DIR [--screenshot docs/screenshots/case-file.png] [--page 1]

A register is built in a temporary folder through the real services (demo data,
then one case worked through every step), with an in-memory keyring and a fixed
clock, so the output only changes when the application does. Writes
OUT_DIR/case-file.pdf, OUT_DIR/register-2027.pdf and .csv; renders one page with
PDFium (pypdfium2).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from megacase.store.memory_keyring import MemoryKeyring  # noqa: E402

from megacase.services.cases import cases, checklist, queries  # noqa: E402
from megacase.services.demo import demo, demo_letters  # noqa: E402
from megacase.services.reports import case_file, register_report  # noqa: E402
from megacase.services.session import create_profile  # noqa: E402
from megacase.services.cases.subjects import NewSubject  # noqa: E402
from megacase.services.workspace import Actor  # noqa: E402
from megacase.store.keys import KeyStore  # noqa: E402

TZ = ZoneInfo("Europe/Brussels")
TYPES = ("access", "erasure")


class _Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, local: str) -> None:
        self.now = datetime.fromisoformat(local).replace(tzinfo=TZ).astimezone(timezone.utc)


def build(out: Path) -> tuple[Path, str]:
    keyring.set_keyring(MemoryKeyring())
    clock = _Clock(datetime(2027, 6, 20, 9, 0, tzinfo=timezone.utc))
    with tempfile.TemporaryDirectory() as tmp:
        ws = create_profile(Path(tmp) / "profile", "sample recovery passphrase", KeyStore(),
                            Actor("alice", "officer"), clock=clock)
        demo.populate(ws, 12)
        clock.set("2027-04-01 09:30")
        d = cases.open_case(ws, cases.NewCase(
            TYPES, "email", datetime(2027, 4, 1, 9, 30, tzinfo=TZ),
            new_subject=NewSubject("Zoë Lemaître", "zoe.lemaitre@telenet.be", "fr", "Rue de l'Église 1, 5000 Namur",
                                   "C-107700"),
            summary="Asks for a copy of all her data, then that her account and newsletter subscription be deleted."))
        ref = d.reference
        clock.set("2027-04-01 10:05")
        cases.start_work(ws, ref)
        cases.ask_subject(ws, ref, "additional_info", "The number of your last order.")
        clock.set("2027-04-06 15:00")
        cases.record_answer(ws, ref, "Order 100234 given; it matches the customer account.", "verified")
        for item in queries.get_case(ws, ref).checklist:
            if item.action == "Search":
                clock.now += timedelta(hours=2)
                checklist.mark_item(ws, item.id, True, "Searched by customer number and e-mail address.")
        clock.set("2027-04-20 10:00")
        # What was done at each recipient, then the Art. 19 notices (letters through the outbox), as the demo does.
        demo._carry_out(ws, ref, TYPES)
        clock.set("2027-04-23 16:00")
        demo._decide_each(ws, ref, TYPES, ["granted", "partly_granted"], "fr")
        clock.set("2027-04-23 16:30")
        demo_letters.send_decision_reply(ws, ref, "fr")     # the access copy and the erasure confirmation
        clock.set("2027-04-26 09:00")
        cases.close(ws, ref)
        clock.set("2027-06-20 11:00")
        out.mkdir(parents=True, exist_ok=True)
        pdf = out / "case-file.pdf"
        case_file.export_case(ws, ref, pdf, language="en")    # the README shows the English file beside the French
        register_report.export_register(ws, 2027, out / "register-2027.pdf", out / "register-2027.csv")
        ws.engine.dispose()
    return pdf, ref


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args()
    pdf, ref = build(args.out)
    print(f"{ref}: {pdf}")
    if args.screenshot:
        from PySide6.QtGui import QGuiApplication
        from megacase.ui.pdf_pages import page_images
        app = QGuiApplication.instance() or QGuiApplication([])   # QImage.save needs Qt's image plugins
        images, _count = page_images(Path(pdf).read_bytes(), args.dpi, first=args.page - 1)
        args.screenshot.parent.mkdir(parents=True, exist_ok=True)
        images[0].save(str(args.screenshot), "PNG")
        del app
        print(f"page {args.page}: {args.screenshot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
