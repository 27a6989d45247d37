"""Deadlines nobody misses: the dashboard, the manager's review, reminders, four-eyes and roles in the window.

- View > Dashboard (Ctrl+Shift+H) and View > Manager's review (Ctrl+Shift+M);
- a reminder banner at the top (and the system tray where there is one), checked at start and periodically;
- Case > Ask for approval… (an officer; four-eyes) and Case > Comment… (a manager);
- Tools > Reminders and review… (lead times, four-eyes, digest);
- the window shows only what the role may do: each action names the capability it needs
  (``window.add_action(..., needs=...)``, from the table in ``services.roles``, which the services enforce).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from megacase.errors import MegaCaseError
from megacase.i18n import _
from megacase.services import roles, settings
from megacase.services.review import approvals
from megacase.ui.dialogs.review_settings import ReviewSettingsDialog
from megacase.ui.reminders import ReminderBanner, ReminderCenter, system_tray
from megacase.ui.views.dashboard import DashboardView
from megacase.ui.views.review import ReviewView

class ReviewFeature:
    tray_factory = staticmethod(system_tray)     # tests replace it

    def __init__(self, window):
        self.w = window
        ws = window.ws
        self.can = roles.capabilities(ws)

        self.dashboard = DashboardView(ws)
        self.dashboard.busy_changed.connect(self._background_busy)
        self.dashboard.follows_list = True       # the window reads the list once; the figures come from it
        self.review = ReviewView(ws, window.prompter)
        self.review.busy_changed.connect(self._background_busy)
        window.add_view("dashboard", _("&Dashboard"), self.dashboard, "Ctrl+Shift+H")
        window.add_view("review", _("Manager's &review"), self.review, "Ctrl+Shift+M")
        self.dashboard.open_case.connect(self.open_case)
        self.review.open_case.connect(self.open_case)
        self.review.changed.connect(window.refresh)

        self.center = ReminderCenter(ws, window, self.tray_factory)
        self.center.busy_changed.connect(self._background_busy)
        self.center.tray_clicked = self._show_dashboard
        self.banner = ReminderBanner(self.center, lambda text: window.prompter.error(window, _("Reminders"), text))
        self.banner.show_requested.connect(self._show_dashboard)
        self.banner_bar = QToolBar(_("Reminders"))
        self.banner_bar.setObjectName("reminderBar")
        self.banner_bar.setMovable(False)
        self.banner_bar.setFloatable(False)
        self.banner_bar.setStyleSheet("QToolBar#reminderBar { background: #f5f6f8; border: none; padding: 4px 8px; }")
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_bar)
        self.banner_bar.addWidget(self.banner)
        self.banner_bar.toggleViewAction().setVisible(False)
        self.center.changed.connect(lambda pending: self.banner_bar.setVisible(bool(pending)))
        self.banner_bar.setVisible(False)

        self.ask_approval = QAction(_("Ask for &approval…"), window)
        self.ask_approval.setObjectName("askApproval")
        self.ask_approval.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.ask_approval.setStatusTip(_("Ask a manager to approve this case's refusal, fee request or extension "
                                         "(four-eyes review)"))
        self.ask_approval.triggered.connect(self.request_approval)
        self.comment = QAction(_("Co&mment…"), window)
        self.comment.setObjectName("reviewComment")
        self.comment.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.comment.setStatusTip(_("A reviewer's comment on this case, kept with its notes"))
        self.comment.triggered.connect(self.comment_case)
        window.add_action(self.ask_approval, "case", needs=roles.WORK_CASES)
        # The reviewer's comment; an officer writes a note instead (services.approvals accepts both).
        window.add_action(self.comment, "case", toolbar="review", needs=roles.REVIEW)
        self.settings_action = QAction(_("Reminders and &review…"), window)
        self.settings_action.setObjectName("reviewSettings")
        self.settings_action.setStatusTip(_("Reminder lead times, four-eyes review and the daily digest"))
        self.settings_action.triggered.connect(self.edit_settings)
        window.add_action(self.settings_action, "tools", needs=roles.ADMINISTER)
        self.users_action = QAction(_("&Users…"), window)
        self.users_action.setObjectName("users")
        self.users_action.setStatusTip(_("Who may sign in to this register, as officer or manager"))
        self.users_action.triggered.connect(self.edit_users)
        window.add_action(self.users_action, "tools", needs=roles.ADMINISTER)

        window.case_shown.connect(self._case_shown)
        window.cases_loaded.connect(self._register_changed)
        self._case_shown(None)
        QTimer.singleShot(0, self.center.check_later)        # reminders at start

    # --- following the window ---------------------------------------------------------------------
    def _case_shown(self, detail) -> None:
        self.ask_approval.setEnabled(detail is not None and self.can.works_cases)
        self.comment.setEnabled(detail is not None and self.can.comments)

    def _background_busy(self, on: bool) -> None:
        self.w.pending += 1 if on else -1     # the window's background loads include the dashboard and reminders

    def _register_changed(self, rows=None) -> None:
        self.dashboard.set_cases(rows)
        self.review.mark_dirty()
        self.center.check_later()

    def _show_dashboard(self) -> None:
        self.w.show_view("dashboard")
        self.w.raise_()
        self.w.activateWindow()

    def open_case(self, reference: str) -> None:
        """Show a case in the cases view, whatever its quick filter shows."""
        w = self.w
        w.show_view("cases")
        if not w.select_reference(reference):
            w.case_list.set_quick("all")
            w.select_reference(reference)

    # --- actions ----------------------------------------------------------------------------------
    def request_approval(self) -> None:
        w, d = self.w, self.w.current_detail()
        if d is None:
            return
        outcome = d.summary.outcome.value if d.summary.outcome else ""
        kind = approvals.KIND_FOR_OUTCOME.get(outcome, approvals.EXTENSION)
        label = {approvals.EXTENSION: _("Ask a manager to approve the extension of the deadline on {reference}."),
                 approvals.REFUSAL: _("Ask a manager to approve the refusal on {reference}."),
                 approvals.FEE: _("Ask a manager to approve the fee request on {reference}.")}[kind].format(
            reference=d.reference)
        label += "\n" + (_("The reason for the extension (the subject will be told it):")
                         if kind == approvals.EXTENSION else _("A note for the manager (optional):"))
        note = w.prompter.ask_text(w, _("Ask for approval"), label, d.extension_reason or "")
        if note is None:
            return
        try:
            request = approvals.request_approval(w.ws, d.reference, kind, note)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Ask for approval"), str(exc))
            return
        w.show_changed_case(w.load_case_now(d.reference),
                            _("{reference}: {kind} awaits a manager's approval").format(
                                reference=d.reference, kind=_(request.kind_label).lower()))

    def comment_case(self) -> None:
        w, d = self.w, self.w.current_detail()
        if d is None:
            return
        text = w.prompter.ask_text(w, _("Comment"), _("Your comment on {reference} (kept with its notes):").format(
            reference=d.reference))
        if text is None:
            return
        try:
            approvals.add_comment(w.ws, d.reference, text)
        except MegaCaseError as exc:
            w.prompter.error(w, _("Comment"), str(exc))
            return
        w.show_changed_case(w.load_case_now(d.reference), _("{reference}: comment added").format(reference=d.reference))

    def edit_settings(self) -> None:
        w = self.w
        values = {spec.key: value for spec, value in settings.all_values(w.ws)}
        dialog = ReviewSettingsDialog(values, self.can.reviews, lambda k, v: settings.set_value(w.ws, k, v), w)
        if w.prompter.run_dialog(dialog) and dialog.result_value:
            if settings.REMINDER_INTERVAL_MINUTES.key in dialog.result_value and self.center.enabled:
                self.center.timer.start(settings.get(w.ws, settings.REMINDER_INTERVAL_MINUTES.key) * 60_000)
            self.w.refresh()      # the list, then the figures and reminders from it
            w.statusBar().showMessage(_("Reminder and review settings saved"), 6000)


    def edit_users(self) -> None:
        from megacase.services import users
        from megacase.ui.dialogs.users import UsersDialog
        w = self.w
        dialog = UsersDialog(users.list_users(w.ws), lambda n, r, p: users.add_user(w.ws, n, r, p), w)
        if w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            u = dialog.result_value
            w.prompter.info(w, _("Users"), _("{name} ({role}) can now sign in. From the next start, MegaCase asks "
                                             "who is working after the register is unlocked.").format(
                name=u.name, role=u.role))


def start_view(window) -> str:
    """The view a session opens on: the manager's review for a manager, else the dashboard."""
    key = "review" if roles.is_manager(window.ws) else "dashboard"
    if key in window.view_actions:
        window.show_view(key)
    return key


def install(window) -> None:
    window.review_feature = ReviewFeature(window)
