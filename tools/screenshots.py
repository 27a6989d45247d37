"""Render the desktop application on demo data into PNG files (``make screenshots``).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py docs/screenshots [shot-name ...]

A demo register is built in a temporary folder through the real services
(``services.demo.populate``) with an in-memory keyring and a fixed clock, so the
pictures show real data and only change when the application does.

Adding a shot: write ``def my_view(demo: Demo) -> QWidget | QPixmap`` decorated with
``@shot("my-view")``; it gets a fresh main window with ``demo.window()`` (its
prompter never blocks) and returns what to render.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring  # noqa: E402
from megacase.store.memory_keyring import MemoryKeyring  # noqa: E402
from PySide6.QtCore import QCoreApplication, QThreadPool  # noqa: E402
from PySide6.QtGui import QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from megacase.services.demo import demo as demo_data  # noqa: E402
from megacase.services.session import create_profile  # noqa: E402
from megacase.services.workspace import Actor, Workspace  # noqa: E402
from megacase.store.keys import KeyStore  # noqa: E402

# The moment the demo register is looked at: fixed, so the pictures are reproducible.
NOW = datetime(2026, 11, 26, 10, 30, tzinfo=ZoneInfo("Europe/Brussels")).astimezone(timezone.utc)


@dataclass
class Demo:
    app: QApplication
    ws: Workspace
    folder: Path
    windows: list = field(default_factory=list)

    def window(self, size=(1440, 860)):
        """A fresh main window on the demo register, loaded and shown offscreen."""
        from megacase.ui.main_window import MainWindow
        from megacase.ui.prompter import ScriptedPrompter
        from megacase.ui.settings import UiSettings
        settings = UiSettings.in_folder(self.folder / f"settings-{len(self.windows)}")
        w = MainWindow(self.ws, settings, ScriptedPrompter())
        w.resize(*size)
        w.show()
        self.windows.append(w)
        self.settle(w)
        return w

    def settle(self, window=None) -> None:
        """Let background loads finish and the layout settle."""
        for _ in range(200):
            QThreadPool.globalInstance().waitForDone(50)
            self.app.processEvents()
            if window is None or window.pending == 0:
                break
        for _ in range(5):
            self.app.processEvents()

    def close(self) -> None:
        """Close the windows, let background work end and close the register's connections, so the temporary
        folder can go (SQLite removes its -wal and -shm files when the last connection closes)."""
        for w in self.windows:
            w.close()
        QThreadPool.globalInstance().waitForDone(30_000)
        self.settle()
        self.ws.engine.dispose()
        import gc
        gc.collect()

    def select(self, window, reference: str) -> None:
        window.select_reference(reference)
        self.settle(window)

    def case_where(self, predicate: Callable) -> str:
        from megacase.services.cases import queries
        return next(c.reference for c in queries.list_cases(self.ws) if predicate(c))


SHOTS: list[tuple[str, Callable[[Demo], QWidget | QPixmap]]] = []


def shot(name: str):
    def register(fn):
        SHOTS.append((name, fn))
        return fn
    return register


def _rich_case(demo: Demo) -> str:
    """An open case with some history: extended, with ticked processors."""
    return demo.case_where(lambda c: c.extended and c.is_open and not c.overdue)


@shot("main-window")
def main_window(demo: Demo):
    w = demo.window()
    demo.select(w, demo.case_where(lambda c: c.urgency == "due_soon"))
    return w


def _wide_detail(demo: Demo, reference: str, page: str = "overview"):
    w = demo.window(size=(1600, 900))
    w.splitter.setSizes([800, 800])
    demo.select(w, reference)
    w.detail.show_page(page)
    demo.settle(w)
    return w.detail


@shot("case-detail")
def case_detail(demo: Demo):
    return _wide_detail(demo, demo.case_where(lambda c: c.suspended))


@shot("case-processors")
def case_processors(demo: Demo):
    return _wide_detail(demo, _rich_case(demo), "checklist")


@shot("case-timeline")
def case_timeline(demo: Demo):
    return _wide_detail(demo, _rich_case(demo), "timeline")


@shot("overdue-list")
def overdue_list(demo: Demo):
    w = demo.window()
    w.case_list.set_quick("overdue")
    ref = demo.case_where(lambda c: c.overdue)
    demo.select(w, ref)
    return w


@shot("intake-dialog")
def intake_dialog(demo: Demo):
    from megacase.ui.dialogs.intake import IntakeDialog
    w = demo.window()
    dialogs: list[IntakeDialog] = []

    # A subject who already has an open case: the dialog warns of a likely duplicate.
    from megacase.services.cases import queries
    existing = next(c for c in queries.list_cases(demo.ws) if c.state.value == "in_progress")

    def fill(dialog: IntakeDialog) -> bool:
        dialog.choose_subject(existing.subject_name.split()[-1])
        dialog.type_boxes[existing.request_types[0].value].setChecked(True)
        dialog.channel.setCurrentIndex(dialog.channel.findData("web_form"))
        dialog.summary.setPlainText("Writes again about the same request; says the first reply never came.")
        dialogs.append(dialog)
        return False

    w.prompter.on_dialog("IntakeDialog", fill)
    w.case_actions.new_case.trigger()
    dialog = dialogs[0]
    dialog.show()
    dialog.adjustSize()
    demo.settle()
    from PySide6.QtTest import QTest
    QTest.qWait(400)            # the search box's clear button fades in: let it finish
    return dialog


@shot("ask-subject-dialog")
def ask_subject_dialog(demo: Demo):
    from megacase.ui.dialogs.identity import AskSubjectDialog
    w = demo.window()
    demo.select(w, demo.case_where(lambda c: c.state.value == "in_progress" and not c.overdue))
    dialog = AskSubjectDialog(w.current_detail(), lambda *a: None, demo.ws.today(), w)
    dialog.set_method("id_card")
    dialog.show()
    dialog.adjustSize()
    demo.settle()
    return dialog


@shot("dashboard")
def dashboard_view(demo: Demo):
    w = demo.window()
    w.show_view("dashboard")
    demo.settle(w)
    return w


@shot("manager-review")
def manager_review(demo: Demo):
    """The manager's session: the review with its approvals queue (officer actions hidden)."""
    real = demo.ws
    demo.ws = real.as_actor(Actor("marc", "manager"))
    try:
        w = demo.window()
    finally:
        demo.ws = real
    w.show_view("review")
    demo.settle(w)
    view = w.review_feature.review
    view.select_request(view.queue_model.rows()[0].id)
    view.queue_table.setFocus()
    demo.settle(w)
    return w


def _queue_demo_letters(demo: Demo) -> None:
    """A sent letter, one waiting for the mail server and one interrupted: what an outbox shows."""
    from megacase.services import mail
    from megacase.services.cases import queries
    from megacase.services.letters import letters, outbox
    import errno

    from megacase.i18n import _
    from megacase.services.mail import DeliveryError
    from megacase.services.mail.errors import network_failure

    class Accepts:
        def send(self, message, sender, recipient):
            return "250 2.0.0 OK <DB9PR10MB5337> [Hostname=DB9PR10MB5337.EURPRD10.PROD.OUTLOOK.COM]"

    class Down:       # what the SMTP transport raises when the network is down (services/mail/errors.py)
        def send(self, message, sender, recipient):
            raise network_failure(OSError(errno.ENETUNREACH, "Network is unreachable"), "smtp.office365.com", 587)

    class Breaks:
        def send(self, message, sender, recipient):
            raise DeliveryError(_("The connection broke while the message was being handed over ({error}): it "
                                  "may have arrived.").format(error="SMTPServerDisconnected"), uncertain=True,
                                kind="uncertain")

    if any(e.last_error for e in outbox.list_outbox(demo.ws, include_sent=False)):
        return          # done already (the demo's own waiting reply has never been tried)
    mail.configure(demo.ws, "smtp.office365.com", 587, "starttls", "privacy@megasecurity.eu")
    fresh = [c.reference for c in queries.list_cases(demo.ws) if c.state.value in ("received", "in_progress")]
    for ref, transport in zip(fresh, (Accepts, Accepts, Down, Breaks)):
        letters.send_letter(demo.ws, ref, "acknowledgement", transport_factory=lambda w, t=transport: t())


@shot("compose")
def compose_dialog(demo: Demo):
    from megacase.ui.dialogs.compose import ComposeDialog
    w = demo.window()
    ref = demo.case_where(lambda c: c.state.value == "in_progress" and not c.overdue
                          and c.request_types[0].value == "access" and "gmail" not in c.subject_email)
    demo.select(w, ref)
    dialog = ComposeDialog(demo.ws, ref, w.prompter, w, "access-reply")
    dialog.show()
    demo.settle()
    return dialog


@shot("outbox")
def outbox_view(demo: Demo):
    _queue_demo_letters(demo)
    w = demo.window()
    w.show_view("outbox")
    w.letters_feature.view.show_sent.setChecked(True)
    demo.settle(w)                       # the list is read again once "show sent" is ticked: select after
    view = w.letters_feature.view
    failed = next(r for r in range(view.model.rowCount()) if view.model.record_at(r).last_error)
    view.table.setCurrentIndex(view.model.index(failed, 0))
    demo.settle(w)
    return w


def _most_searched_case(demo: Demo) -> str:
    """The case whose systems gave the most findings (connectors and export files)."""
    from megacase.services import systems
    from megacase.services.cases import queries
    counts = {c.reference: (sum(1 for f in systems.case_findings(demo.ws, c.reference) if f.outcome == "found"),
                            c.is_open) for c in queries.list_cases(demo.ws)}
    return max(counts, key=lambda ref: (counts[ref][1], counts[ref][0], ref))


@shot("case-systems")
def case_systems(demo: Demo):
    w = demo.window(size=(1600, 1000))
    w.splitter.setSizes([640, 960])
    demo.select(w, _most_searched_case(demo))
    w.detail.show_page("checklist")
    w.systems_feature.panel.select("PayPal")
    demo.settle(w)
    return w.detail
    demo.settle()
    return w


@shot("access-package")
def access_package(demo: Demo):
    """Page 1 of the access package of that case, as the subject reads it (rendered with PDFium)."""
    from megacase.services import systems
    from megacase.ui.pdf_pages import page_images
    package = systems.build_package(demo.ws, _most_searched_case(demo))
    images, _count = page_images(package.files[0].data, 110)
    return QPixmap.fromImage(images[0])


def _two_rights_case(demo: Demo) -> str:
    """An open case with access and portability, worked to its decisions (once per run)."""
    from megacase.services.cases import cases, queries
    from megacase.services.demo import demo_letters
    ref = demo.case_where(lambda c: c.is_open and c.state.value == "in_progress"
                          and {t.value for t in c.request_types} == {"access", "portability"})
    detail = queries.get_case(demo.ws, ref)
    if not any(r.outcome for r in detail.rights):
        if not any(s.result == "verified" for s in detail.identity_steps):
            cases.record_identity_check(demo.ws, ref, "known_address", "verified",
                                        "Request sent from the known e-mail address.")
        cases.decide(demo.ws, ref, "granted", right="access")
        demo_letters.send(demo.ws, ref, "access-reply", attachments=demo_letters.attachments_for(
            demo.ws, ref, "access-reply"))
    return ref


@shot("decide-per-right")
def decide_per_right(demo: Demo):
    from megacase.services.cases import decisions
    from megacase.ui.dialogs.case_actions import DecideDialog
    ref = _two_rights_case(demo)
    w = demo.window()
    demo.select(w, ref)
    detail = w.current_detail()
    dialog = DecideDialog(detail, lambda *a, **k: None, w, earlier=decisions.earlier_requests(demo.ws, ref))
    dialog.set_right("portability")
    dialog.set_outcome("partly_granted")
    dialog.set_ground("art20_1_scope")
    dialog.reasons.setPlainText({
        "fr": "Les évaluations internes de vos commandes n'ont pas été fournies par vous : elles figurent dans "
              "la copie de vos données, pas dans le fichier portable.",
        "nl": "De interne beoordelingen van uw bestellingen werden niet door u verstrekt: ze staan in de kopie "
              "van uw gegevens, niet in het overdraagbare bestand.",
        "en": "Our internal assessments of your orders were not provided by you: they are in the copy of your "
              "data, not in the portable file."}[detail.subject.language])
    dialog.note.setPlainText("Checked the order export of Lightspeed; assessments are ours.")
    dialog.show()
    dialog.adjustSize()
    demo.settle()
    return dialog


@shot("case-per-right-answers")
def case_per_right_answers(demo: Demo):
    from megacase.services.cases import cases
    ref = _two_rights_case(demo)
    from megacase.services.cases import queries
    if queries.get_case(demo.ws, ref).rights[1].outcome is None:
        cases.decide(demo.ws, ref, "partly_granted", "art20_1_scope", right="portability",
                     reasons="Les évaluations internes de vos commandes n'ont pas été fournies par vous.")
    detail = _wide_detail(demo, ref)
    page = detail.overview
    page.ensureWidgetVisible(page.decision_block, 0, 0)     # the answers, right by right
    demo.settle()
    return detail


@shot("case-file-fr")
def case_file_french(demo: Demo):
    """The first page of a French case file, rendered from the PDF (pypdfium2)."""
    from megacase.services.cases import queries
    from megacase.services.reports import case_file
    from megacase.ui.pdf_pages import page_images
    ref = demo.case_where(lambda c: c.state.value == "closed" and c.outcome is not None
                          and c.outcome.value == "partly_granted"
                          and queries.get_case(demo.ws, c.reference).subject.language == "fr")
    images, _count = page_images(case_file.render_case_file(demo.ws, ref).pdf, 115)
    return QPixmap.fromImage(images[0])


def render(target: QWidget | QPixmap, path: Path) -> None:
    pixmap = target if isinstance(target, QPixmap) else target.grab()
    if not pixmap.save(str(path), "PNG"):
        raise SystemExit(f"could not write {path}")


def build_demo(folder: Path) -> Workspace:
    keyring.set_keyring(MemoryKeyring())
    # Set up under a name of its own: what is recorded in sophie's name once she has a key must carry her
    # signature (audit verify checks it), and the demo adds her at this very moment.
    ws = create_profile(folder / "profile", "demo recovery passphrase", KeyStore(), Actor("setup", "officer"),
                        clock=lambda: NOW, scrypt_n=2**12)
    demo_data.populate(ws, 40)
    from megacase.services import users
    # signed in, so that what the shots do is signed with sophie's own key
    return ws.as_actor(users.signing_actor(ws, "sophie", demo_data.DEMO_PASSWORDS["sophie"]))


def main(argv: list[str]) -> int:
    language = "en"
    if argv[:1] and argv[0].startswith("--lang="):       # the interface language: --lang=fr|nl|en
        language, argv = argv[0].split("=", 1)[1], argv[1:]
    out = Path(argv[0]) if argv else ROOT / "docs" / "screenshots"
    wanted = set(argv[1:])
    out.mkdir(parents=True, exist_ok=True)
    QCoreApplication.setOrganizationName("MegaSecurity-screenshots")
    app = QApplication.instance() or QApplication(["megacase-screenshots"])
    from megacase.ui.app import install_language
    install_language(app, language)
    from megacase.ui.style import apply_style
    apply_style(app)
    app.setCursorFlashTime(0)   # a steady text cursor: the same pictures on every run
    with tempfile.TemporaryDirectory(prefix="megacase-shots-", ignore_cleanup_errors=True) as tmp:
        demo = Demo(app, build_demo(Path(tmp)), Path(tmp))
        for name, fn in SHOTS:
            if wanted and name not in wanted:
                continue
            path = out / f"{name}.png"
            render(fn(demo), path)
            print(path)
        demo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
