"""Deadlines nobody misses: the dashboard, the manager's review, reminders, four-eyes and roles in the window.

- View > Dashboard (Ctrl+Shift+H) and View > Manager's review (Ctrl+Shift+M);
- a reminder banner at the top (and the system tray where there is one), checked at start and periodically;
- Case > Ask for approval… (an officer; four-eyes) and Case > Comment… (a manager);
- Tools > Reminders and review… (lead times, four-eyes, digest);
- the window shows only what the role may do: a manager's or viewer's session hides every action that
  changes a case or sends (the services refuse them anyway).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from megacase.errors import MegaCaseError
from megacase.services import roles, settings
from megacase.services.review import approvals
from megacase.ui.dialogs.review_settings import ReviewSettingsDialog
from megacase.ui.reminders import ReminderBanner, ReminderCenter, system_tray
from megacase.ui.views.dashboard import DashboardView
from megacase.ui.views.review import ReviewView

# Actions a reviewer may still use in the Case menu (by objectName); every other one there changes a case.
REVIEWER_CASE_ACTIONS = {"reviewComment"}
# Officer actions outside the Case menu (opening cases, editing what letters say).
OFFICER_ONLY = {"new_case", "importEml", "editTemplates"}


class ReviewFeature:
    tray_factory = staticmethod(system_tray)     # tests replace it

    def __init__(self, window):
        self.w = window
        ws = window.ws
        self.can = roles.capabilities(ws)

        self.dashboard = DashboardView(ws)
        self.review = ReviewView(ws, window.prompter)
        window.add_view("dashboard", "&Dashboard", self.dashboard, "Ctrl+Shift+H")
        window.add_view("review", "Manager's &review", self.review, "Ctrl+Shift+M")
        self.dashboard.open_case.connect(self.open_case)
        self.review.open_case.connect(self.open_case)
        self.review.changed.connect(window.refresh)

        self.center = ReminderCenter(ws, window, self.tray_factory)
        self.center.tray_clicked = self._show_dashboard
        self.banner = ReminderBanner(self.center, lambda text: window.prompter.error(window, "Reminders", text))
        self.banner.show_requested.connect(self._show_dashboard)
        self.banner_bar = QToolBar("Reminders")
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

        self.ask_approval = QAction("Ask for &approval…", window)
        self.ask_approval.setObjectName("askApproval")
        self.ask_approval.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.ask_approval.setStatusTip("Ask a manager to approve this case's refusal, fee request or extension "
                                       "(four-eyes review)")
        self.ask_approval.triggered.connect(self.request_approval)
        self.comment = QAction("Co&mment…", window)
        self.comment.setObjectName("reviewComment")
        self.comment.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self.comment.setStatusTip("A reviewer's comment on this case, kept with its notes")
        self.comment.triggered.connect(self.comment_case)
        if self.can.works_cases:
            window.add_action(self.ask_approval, "case")
        if self.can.comments and not self.can.works_cases:
            window.add_action(self.comment, "case", toolbar="review")
        self.settings_action = QAction("Reminders and &review…", window)
        self.settings_action.setObjectName("reviewSettings")
        self.settings_action.setStatusTip("Reminder lead times, four-eyes review and the daily digest")
        self.settings_action.triggered.connect(self.edit_settings)
        self.settings_action.setEnabled(self.can.comments)
        window.add_action(self.settings_action, "tools")
        self.users_action = QAction("&Users…", window)
        self.users_action.setObjectName("users")
        self.users_action.setStatusTip("Who may sign in to this register, as officer or manager")
        self.users_action.triggered.connect(self.edit_users)
        self.users_action.setEnabled(self.can.comments)
        window.add_action(self.users_action, "tools")

        window.case_shown.connect(self._case_shown)
        window.cases_loaded.connect(self._register_changed)
        self._case_shown(None)
        if not self.can.works_cases:
            self.restrict_to_review()
            QTimer.singleShot(0, self.restrict_to_review)    # also what features installed after this one add
        QTimer.singleShot(0, self.center.check)              # reminders at start

    # --- what the role may do ---------------------------------------------------------------------
    def restrict_to_review(self) -> None:
        """Hide every action that changes a case or sends: a manager reviews, a viewer reads."""
        for action in self.w.menus["case"].actions():
            if not action.isSeparator() and action.objectName() not in REVIEWER_CASE_ACTIONS:
                action.setVisible(False)
                action.setEnabled(False)
        for action in self.w.actions():
            if action.objectName() in OFFICER_ONLY:
                action.setVisible(False)
                action.setEnabled(False)
        # a toolbar group left empty keeps no separator
        group_has_visible = False
        for action in self.w.toolbar.actions():
            if action.isSeparator():
                action.setVisible(group_has_visible)
                group_has_visible = False
            elif action.isVisible():
                group_has_visible = True

    def hidden_actions(self) -> list[str]:
        return [a.objectName() for a in self.w.actions() if not a.isVisible() and a.objectName()]

    # --- following the window ---------------------------------------------------------------------
    def _case_shown(self, detail) -> None:
        self.ask_approval.setEnabled(detail is not None and self.can.works_cases)
        self.comment.setEnabled(detail is not None and self.can.comments)
        if not self.can.works_cases:
            self.restrict_to_review()      # the window's own update() has just re-enabled its actions

    def _register_changed(self, _rows=None) -> None:
        self.dashboard.mark_dirty()
        self.review.mark_dirty()
        self.center.check()

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
        what = {approvals.EXTENSION: "the extension of the deadline", approvals.REFUSAL: "the refusal",
                approvals.FEE: "the fee request"}[kind]
        label = (f"Ask a manager to approve {what} on {d.reference}."
                 + ("\nThe reason for the extension (the subject will be told it):" if kind == approvals.EXTENSION
                    else "\nA note for the manager (optional):"))
        note = w.prompter.ask_text(w, "Ask for approval", label, d.extension_reason or "")
        if note is None:
            return
        try:
            request = approvals.request_approval(w.ws, d.reference, kind, note)
        except MegaCaseError as exc:
            w.prompter.error(w, "Ask for approval", str(exc))
            return
        w.show_changed_case(w.load_case_now(d.reference),
                            f"{d.reference}: {request.kind_label.lower()} awaits a manager's approval")

    def comment_case(self) -> None:
        w, d = self.w, self.w.current_detail()
        if d is None:
            return
        text = w.prompter.ask_text(w, "Comment", f"Your comment on {d.reference} (kept with its notes):")
        if text is None:
            return
        try:
            approvals.add_comment(w.ws, d.reference, text)
        except MegaCaseError as exc:
            w.prompter.error(w, "Comment", str(exc))
            return
        w.show_changed_case(w.load_case_now(d.reference), f"{d.reference}: comment added")

    def edit_settings(self) -> None:
        w = self.w
        values = {spec.key: value for spec, value in settings.all_values(w.ws)}
        dialog = ReviewSettingsDialog(values, self.can.reviews, lambda k, v: settings.set_value(w.ws, k, v), w)
        if w.prompter.run_dialog(dialog) and dialog.result_value:
            if settings.REMINDER_INTERVAL_MINUTES.key in dialog.result_value and self.center.enabled:
                self.center.timer.start(settings.get(w.ws, settings.REMINDER_INTERVAL_MINUTES.key) * 60_000)
            self._register_changed()
            w.statusBar().showMessage("Reminder and review settings saved", 6000)


    def edit_users(self) -> None:
        from megacase.services import users
        from megacase.ui.dialogs.users import UsersDialog
        w = self.w
        dialog = UsersDialog(users.list_users(w.ws), lambda n, r, p: users.add_user(w.ws, n, r, p), w)
        if w.prompter.run_dialog(dialog) and dialog.result_value is not None:
            u = dialog.result_value
            w.prompter.info(w, "Users", f"{u.name} ({u.role}) can now sign in. From the next start, MegaCase asks "
                                        "who is working after the register is unlocked.")


def start_view(window) -> str:
    """The view a session opens on: the manager's review for a manager, else the dashboard."""
    key = "review" if roles.is_manager(window.ws) else "dashboard"
    if key in window.view_actions:
        window.show_view(key)
    return key


def install(window) -> None:
    window.review_feature = ReviewFeature(window)
