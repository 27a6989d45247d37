"""Screenshots of the Mail dialog and the Inbox view (``make screenshots`` runs it too).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/mail_screenshots.py docs/screenshots

Uses the demo register of ``tools/screenshots.py``. The inbox is filled through the real
service that a fetch calls for each message (``inbox.receive``), with messages as a mail
server would hand them over: a new request, one whose display name claims a known
subject from another address, a reply to one of our letters, and a bounce of another.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from screenshots import NOW, ROOT, Demo, build_demo, render  # noqa: E402

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

BOX = "imap:privacy@megasecurity.eu@outlook.office365.com/INBOX"


def _mime(sender: str, subject: str, body: str, extra: str = "") -> bytes:
    return (f"From: {sender}\r\nTo: privacy@megasecurity.eu\r\nSubject: {subject}\r\n"
            f"Date: Thu, 26 Nov 2026 08:10:00 +0100\r\nMessage-ID: <{abs(hash(subject))}@mail.example>\r\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n").encode()


def _fill_inbox(demo: Demo) -> None:
    from sqlalchemy import select

    from megacase.services.intake import inbox
    from megacase.store.orm import Case, Letter, Subject
    ws = demo.ws
    with ws.reading() as s:
        sent = s.execute(select(Letter, Case).join(Case, Case.id == Letter.case_id)
                         .where(Letter.status == "sent").order_by(Letter.id.desc())).all()
        (reply_letter, reply_case), (bounce_letter, _) = sent[0], sent[1]
        reply_subject = s.get(Subject, reply_case.subject_id)
        known = s.execute(select(Subject).where(Subject.anonymised_at.is_(None))).scalars().all()[3]
        reply_from, reply_name, claimed_name = reply_subject.email, reply_subject.name, known.name
    messages = [
        (_mime("Jan Peeters <jan.peeters@telenet.be>", "Inzage in mijn gegevens",
               "Geachte, graag ontvang ik een kopie van al mijn gegevens (artikel 15 AVG)."), 95),
        (_mime(f'"{claimed_name}" <{claimed_name.split()[0].lower()}.private@gmail.com>', "Supprimez mon compte",
               "Bonjour, je vous demande d'effacer toutes mes données. Merci."), 70),
        (_mime(f"{reply_name} <{reply_from}>", f"RE: {reply_case.reference}",
               "Thank you, here is the information you asked for.",
               f"In-Reply-To: {reply_letter.message_id}\r\n"), 40),
        (("From: Mail Delivery System <MAILER-DAEMON@eur.outlook.com>\r\nTo: privacy@megasecurity.eu\r\n"
          "Subject: Undeliverable: your request\r\nDate: Thu, 26 Nov 2026 09:02:00 +0100\r\n"
          "Message-ID: <dsn-7@eur.outlook.com>\r\nMIME-Version: 1.0\r\n"
          'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
          "--B\r\nContent-Type: text/plain\r\n\r\nDelivery has failed to these recipients.\r\n"
          "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; eur.outlook.com\r\n\r\n"
          "Final-Recipient: rfc822; someone@example.org\r\nAction: failed\r\nStatus: 5.1.10\r\n"
          "Diagnostic-Code: smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found\r\n"
          f"--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: {bounce_letter.message_id}\r\n"
          "--B--\r\n").encode(), 20),
        (_mime("Newsletter <news@webshop-tools.example>", "Your weekly tips", "<p>Ten tips for your shop</p>"), 10),
    ]
    for i, (raw, minutes_ago) in enumerate(messages, 1):
        with ws.transaction() as session:
            inbox.receive(session, ws, BOX, f"1:{i}", raw, NOW - timedelta(minutes=minutes_ago))


def main(argv: list[str]) -> int:
    language = "en"
    if argv[:1] and argv[0].startswith("--lang="):       # the interface language: --lang=fr|nl|en
        language, argv = argv[0].split("=", 1)[1], argv[1:]
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    QCoreApplication.setOrganizationName("MegaSecurity-screenshots")
    app = QApplication.instance() or QApplication(["megacase-screenshots"])
    from megacase.ui.app import install_language
    install_language(app, language)
    from megacase.ui.style import apply_style
    apply_style(app)
    app.setCursorFlashTime(0)
    with tempfile.TemporaryDirectory(prefix="megacase-shots-", ignore_cleanup_errors=True) as tmp:
        demo = Demo(app, build_demo(Path(tmp)), Path(tmp))
        from megacase.i18n import _
        from megacase.services import mail
        mail.configure(demo.ws, "smtp.office365.com", 587, "starttls", "privacy@megasecurity.eu",
                       "privacy@megasecurity.eu", transport="smtp-oauth", tenant="megasecurity.onmicrosoft.com",
                       client_id="0f3c6a52-8e1d-4b7a-9c2e-5d4f1a7b3e90")
        _fill_inbox(demo)

        from megacase.ui.dialogs.mail_settings import MailSettingsDialog
        w = demo.window()
        dialog = MailSettingsDialog(demo.ws, w)
        result = mail.send_test_message(demo.ws)      # nobody signed in yet: what the officer sees first
        said = _("Sent: {line}") if result.ok else _("Not sent: {line}")     # as the dialog's Test button says it
        dialog.test_result.setText(said.format(line=result.line))
        dialog.test_result.setStyleSheet("" if result.ok else "color: #8c1d18;")
        dialog.test_result.show()
        dialog.resize(760, dialog.sizeHint().height())
        dialog.show()
        demo.settle()
        render(dialog, out / "mail-dialog.png")

        w = demo.window()
        w.show_view("inbox")
        feature = w.mailbox_feature
        feature.view.show_done.setChecked(True)
        demo.settle(w)
        rows = [feature.view.model.entry_at(r) for r in range(feature.view.model.rowCount())]
        feature.view.table.selectRow(next(i for i, e in enumerate(rows) if e.claims_subject))
        demo.settle(w)
        render(w, out / "inbox.png")
        demo.close()
    for name in ("mail-dialog", "inbox"):
        print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
