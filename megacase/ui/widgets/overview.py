"""The overview page of a case: the subject, the request, identity verification, the decision."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from html import escape

from megacase.domain.grounds import ground_label
from megacase.domain.answers import DECIDED_NOT_SENT
from megacase.domain.requests import Language
from megacase.i18n import N_, _
from megacase.services.records import CaseDetail
from megacase.services.workspace import to_local
from megacase.ui.format import day, identity_step_html, moment
from megacase.ui.widgets.blocks import Block, FieldGrid, value_label


class OverviewPage(QScrollArea):
    """Blocks stacked in a scroll area. Features may add their own block with ``add_block``;
    a block's widget gets ``show_case(detail)`` each time a case is shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("overviewPage")
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        inner = QWidget()
        inner.setObjectName("pageInner")
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(4, 12, 12, 12)
        self._layout.setSpacing(18)
        self.setWidget(inner)
        self._extra: list[QWidget] = []

        self.subject_block = Block(_("Data subject"))
        self.subject = FieldGrid()
        self.subject_flags = value_label()
        self.subject_flags.setObjectName("flag")
        self.subject_block.body.addWidget(self.subject)
        self.subject_block.body.addWidget(self.subject_flags)

        self.request_block = Block(_("Request"))
        self.request = FieldGrid()
        self.request_block.body.addWidget(self.request)

        self.identity_block = Block(_("Identity verification"))
        self.identity = QLabel()
        self.identity.setObjectName("value")
        self.identity.setWordWrap(True)
        self.identity.setTextFormat(Qt.TextFormat.RichText)
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_block.body.addWidget(self.identity)

        self.decision_block = Block(_("Decision"))
        self.decision = FieldGrid()
        self.decision_block.body.addWidget(self.decision)
        # Each right on its own: its outcome, ground, reasons to the subject, and whether its reply left.
        self.answers = QLabel()
        self.answers.setObjectName("rightAnswers")
        self.answers.setWordWrap(True)
        self.answers.setTextFormat(Qt.TextFormat.RichText)
        self.answers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.decision_block.body.addWidget(self.answers)

        for block in (self.subject_block, self.request_block, self.identity_block, self.decision_block):
            self._layout.addWidget(block)
        self._layout.addStretch(1)

    def add_block(self, block: Block, content: QWidget | None = None) -> None:
        """Add a feature's block after the built-in ones; ``content`` (or the block) gets show_case()."""
        self._layout.insertWidget(self._layout.count() - 1, block)
        self._extra.append(content or block)

    def show_case(self, d: CaseDetail) -> None:
        s, subj = d.summary, d.subject
        try:
            language = Language(subj.language).label
        except ValueError:
            language = subj.language
        self.subject.set_rows([
            (_("Name"), subj.display_name),
            (_("Known e-mail"), subj.email or (_("[erased]") if subj.anonymised else "")),
            (_("Language"), language),
            (_("Customer number"), subj.customer_number or ""),
            (_("Postal address"), subj.postal_address or ""),
            (_("Subject record"), subj.reference),
        ])
        flags = []
        if subj.processing_suspended:
            flags.append(_("Processing suspended while an objection is pending (Art. 21)."))
        if subj.restricted_since:
            flags.append(_("Processing restricted since {date} (Art. 18).").format(date=day(subj.restricted_since)))
        if subj.anonymised:
            flags.append(_("This subject was erased; only the anonymous record remains."))
        self.subject_flags.setText("\n".join(flags))
        self.subject_flags.setVisible(bool(flags))

        self.request.set_rows([
            (_("Rights"), ", ".join(f"{_(t.label)} ({t.article})" for t in s.request_types)),
            (_("Channel"), _(s.channel.label)),
            (_("Received"), f"{day(s.received_at.date())}, {s.received_at:%H:%M}"),
            (_("Summary"), d.summary_text or ""),
            (_("Linked to"), d.linked_reference or ""),
            (_("Owner"), s.owner or ""),
        ])

        steps = [identity_step_html(step) for step in d.identity_steps]
        if d.identified_by_known_address and not steps:
            steps.append(_("Identified: the request came from the known e-mail address."))
        self.identity.setText("<br><br>".join(steps) if steps else
                              "<span style='color:#6b7280'>" + _("Nothing recorded yet. A request sent from the "
                                                                "known e-mail address normally identifies the "
                                                                "subject; ask only what is proportionate.")
                              + "</span>")

        rows = []
        if s.outcome:
            rows = [(_("Outcome"), _(s.outcome.label)), (_("Internal note"), d.decision_note or ""),
                    (_("Decided"), moment(d.decided_at))]
        if d.closed_at:
            rows.append((_("Closed"), moment(d.closed_at)))
        self.decision.set_rows(rows)
        self.answers.setText(right_answers_html(d))
        self.decision_block.setVisible(bool(rows) or any(r.outcome for r in d.rights))
        for widget in self._extra:
            widget.show_case(d)

    def identity_text(self) -> str:
        return self.identity.text()

    def answers_text(self) -> str:
        return self.answers.text()


STATUS_COLOURS = {"answered": "#15803d", "withdrawn": "#6b7280", "undecided": "#6b7280"}
STATUS_LABELS = {"answered": N_("Answered"), "withdrawn": N_("Withdrawn"), "undecided": N_("Undecided"),
                 DECIDED_NOT_SENT: N_("Decided, reply not sent")}


def right_answers_html(d: CaseDetail) -> str:
    """One paragraph per right: outcome and ground, the reasons as the subject reads them, the answering letter."""
    out = []
    for r in d.rights:
        colour = STATUS_COLOURS.get(r.status, "#b45309")
        outcome = _(r.outcome.label) if r.outcome else _("undecided")
        head = f"<b>{escape(_(r.right.label))} ({r.right.article})</b>: {escape(outcome)}"
        if r.legal_ground:
            head += f" — {escape(_(ground_label(r.legal_ground)))}"
        lines = [head]
        if r.reasons:
            lines.append(_("Reasons to the subject:") + f" <i>{escape(r.reasons)}</i>")
        if r.evidence_refs:
            lines.append(_("Evidence (earlier requests): {references}").format(
                references=escape(", ".join(r.evidence_refs))))
        if r.no_data_reason:
            lines.append(_("No data held: {reason}").format(reason=escape(r.no_data_reason)))
        status = _(STATUS_LABELS[r.status]) if r.status in STATUS_LABELS else r.status.capitalize()
        if r.answered and r.letter_id:
            status = _("Answered by letter #{id}, {moment}").format(id=r.letter_id,
                                                                   moment=moment(to_local(r.answered_at)))
        lines.append(f"<span style='color:{colour}'>{escape(status)}</span>")
        out.append("<br>".join(lines))
    return "<br><br>".join(out)

