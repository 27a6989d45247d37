"""Tools › Mail routing changes…: the manager approves or sends back a change of where mail goes.

Each pending change (sender, privacy contact, mail server, a processor's notice address) is shown with
its old and new values; the manager approves it (it takes effect) or sends it back with a comment.
"""

from __future__ import annotations

from PySide6.QtGui import QAction

from megacase.errors import MegaCaseError
from megacase.i18n import N_, _
from megacase.services import roles
from megacase.services.mail import mail_routes
from megacase.ui.format import moment

TITLE = N_("Mail routing changes")


def describe(change) -> str:
    lines = [_("Change {id} of {target}, asked by {who} on {moment}:").format(
        id=change.id, target=change.target, who=change.requested_by, moment=moment(change.requested_at))]
    empty = _("(empty)")
    lines += [f"• {key}: {old or empty} → {new or empty}" for key, (old, new) in sorted(change.changes.items())]
    return "\n".join(lines)


class MailRoutesFeature:
    def __init__(self, window):
        self.w = window
        self.action = QAction(_("Mail routing &changes…"), window)
        self.action.setObjectName("mailRouteChanges")
        self.action.setStatusTip(_("Changes of where letters go, waiting for a manager's approval"))
        self.action.triggered.connect(self.review)
        window.add_action(self.action, "tools")

    def review(self) -> None:
        w = self.w
        pending = mail_routes.list_changes(w.ws)
        if not pending:
            w.prompter.info(w, _(TITLE), _("No change of where mail goes is waiting for approval."))
            return
        if not roles.can(w.ws, roles.REVIEW):
            w.prompter.info(w, _(TITLE), _("Waiting for a manager's approval:") + "\n\n"
                            + "\n\n".join(describe(c) for c in pending))
            return
        for change in pending:
            try:
                if w.prompter.confirm(w, _(TITLE), describe(change) + "\n\n"
                                      + _("Approve it? It takes effect at once."), _("Approve")):
                    mail_routes.approve(w.ws, change.id)
                    w.statusBar().showMessage(_("Change {id} approved: in force.").format(id=change.id), 8000)
                    continue
                comment = w.prompter.ask_text(w, _(TITLE), _("Send change {id} back: why?").format(id=change.id))
                if comment:
                    mail_routes.send_back(w.ws, change.id, comment)
                    w.statusBar().showMessage(_("Change {id} sent back: nothing changed.").format(id=change.id), 8000)
            except MegaCaseError as exc:
                w.prompter.error(w, _(TITLE), str(exc))


def install(window) -> None:
    window.mail_routes_feature = MailRoutesFeature(window)
