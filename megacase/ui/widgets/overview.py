"""The overview page of a case: the subject, the request, identity verification, the decision."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from megacase.domain.requests import Language
from megacase.services.records import CaseDetail
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

        self.subject_block = Block("Data subject")
        self.subject = FieldGrid()
        self.subject_flags = value_label()
        self.subject_flags.setObjectName("flag")
        self.subject_block.body.addWidget(self.subject)
        self.subject_block.body.addWidget(self.subject_flags)

        self.request_block = Block("Request")
        self.request = FieldGrid()
        self.request_block.body.addWidget(self.request)

        self.identity_block = Block("Identity verification")
        self.identity = QLabel()
        self.identity.setObjectName("value")
        self.identity.setWordWrap(True)
        self.identity.setTextFormat(Qt.TextFormat.RichText)
        self.identity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.identity_block.body.addWidget(self.identity)

        self.decision_block = Block("Decision")
        self.decision = FieldGrid()
        self.decision_block.body.addWidget(self.decision)

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
            ("Name", subj.display_name),
            ("Known e-mail", subj.email or ("[erased]" if subj.anonymised else "")),
            ("Language", language),
            ("Customer number", subj.customer_number or ""),
            ("Postal address", subj.postal_address or ""),
            ("Subject record", subj.reference),
        ])
        flags = []
        if subj.processing_suspended:
            flags.append("Processing suspended while an objection is pending (Art. 21).")
        if subj.restricted_since:
            flags.append(f"Processing restricted since {day(subj.restricted_since)} (Art. 18).")
        if subj.anonymised:
            flags.append("This subject was erased; only the anonymous record remains.")
        self.subject_flags.setText("\n".join(flags))
        self.subject_flags.setVisible(bool(flags))

        self.request.set_rows([
            ("Rights", ", ".join(f"{t.label} ({t.article})" for t in s.request_types)),
            ("Channel", s.channel.label),
            ("Received", f"{day(s.received_at.date())}, {s.received_at:%H:%M}"),
            ("Summary", d.summary_text or ""),
            ("Linked to", d.linked_reference or ""),
            ("Owner", s.owner or ""),
        ])

        steps = [identity_step_html(step) for step in d.identity_steps]
        if d.identified_by_known_address and not steps:
            steps.append("Identified: the request came from the known e-mail address.")
        self.identity.setText("<br><br>".join(steps) if steps else
                              "<span style='color:#6b7280'>Nothing recorded yet. A request sent from the known "
                              "e-mail address normally identifies the subject; ask only what is proportionate."
                              "</span>")

        rows = []
        if s.outcome:
            rows = [("Outcome", s.outcome.label), ("Legal ground", d.legal_ground or ""),
                    ("Note", d.decision_note or ""), ("Decided", moment(d.decided_at))]
        if d.closed_at:
            rows.append(("Closed", moment(d.closed_at)))
        self.decision.set_rows(rows)
        self.decision_block.setVisible(bool(rows))
        for widget in self._extra:
            widget.show_case(d)

    def identity_text(self) -> str:
        return self.identity.text()

