"""Tools › Mail routing changes…: the manager approves or sends back a change of where mail goes.

Each pending change (sender, privacy contact, mail server, a processor's notice address) is shown with
its old and new values; the manager approves it (it takes effect) or sends it back with a comment.
"""

from __future__ import annotations

from PySide6.QtGui import QAction

from megacase.errors import MegaCaseError
from megacase.services import roles
from megacase.services.mail import mail_routes

TITLE = "Mail routing changes"


def describe(change) -> str:
    lines = [f"Change {change.id} of {change.target}, asked by {change.requested_by} on "
             f"{change.requested_at:%d/%m/%Y %H:%M}:"]
    lines += [f"• {key}: {old or '(empty)'} → {new or '(empty)'}" for key, (old, new) in sorted(change.changes.items())]
    return "\n".join(lines)


class MailRoutesFeature:
    def __init__(self, window):
        self.w = window
        self.action = QAction("Mail routing &changes…", window)
        self.action.setObjectName("mailRouteChanges")
        self.action.setStatusTip("Changes of where letters go, waiting for a manager's approval")
        self.action.triggered.connect(self.review)
        window.add_action(self.action, "tools")

    def review(self) -> None:
        w = self.w
        pending = mail_routes.list_changes(w.ws)
        if not pending:
            w.prompter.info(w, TITLE, "No change of where mail goes is waiting for approval.")
            return
        if not roles.is_manager(w.ws):
            w.prompter.info(w, TITLE, "Waiting for a manager's approval:\n\n"
                            + "\n\n".join(describe(c) for c in pending))
            return
        for change in pending:
            try:
                if w.prompter.confirm(w, TITLE, describe(change) + "\n\nApprove it? It takes effect at once.",
                                      "Approve"):
                    mail_routes.approve(w.ws, change.id)
                    w.statusBar().showMessage(f"Change {change.id} approved: in force.", 8000)
                    continue
                comment = w.prompter.ask_text(w, TITLE, f"Send change {change.id} back: why?")
                if comment:
                    mail_routes.send_back(w.ws, change.id, comment)
                    w.statusBar().showMessage(f"Change {change.id} sent back: nothing changed.", 8000)
            except MegaCaseError as exc:
                w.prompter.error(w, TITLE, str(exc))


def install(window) -> None:
    window.mail_routes_feature = MailRoutesFeature(window)
