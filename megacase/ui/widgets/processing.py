"""The overview block "Processing and erasure": restriction, objection and erasure state of the case's subject."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from megacase.domain.requests import RequestType
from megacase.i18n import _
from megacase.services.privacy import erasure, restriction
from megacase.services.records import CaseDetail
from megacase.services.workspace import Workspace
from megacase.ui.format import short_day
from megacase.ui.widgets.blocks import Block, FieldGrid


def _day(d) -> str:
    return short_day(d)


class ProcessingBlock(Block):
    def __init__(self, ws: Workspace, parent=None):
        super().__init__(_("Processing and erasure"), parent)
        self.setObjectName("processingBlock")
        self.ws = ws
        self.flag = QLabel()
        self.flag.setObjectName("processingFlag")
        self.flag.setWordWrap(True)
        self.flag.setStyleSheet("color: #6b3fa0; font-weight: 700;")   # the list's colour for held processing
        self.grid = FieldGrid()
        self.body.addWidget(self.flag)
        self.body.addWidget(self.grid)
        self.info: restriction.RestrictionInfo | None = None
        self.for_reference: str | None = None      # the case ``info`` was read for
        self.readiness: erasure.ErasureReadiness | None = None
        # (name, reference, read): what the window read in its worker with the case (window.preloaded)
        self.preloaded = lambda _name, _reference, read: read()

    def rows_for(self, d: CaseDetail) -> tuple[str, list[tuple[str, str]]]:
        ws = self.ws
        info = self.info = self.preloaded("restriction", d.reference, lambda: restriction.status(ws, d.reference))
        self.for_reference = d.reference
        types = set(d.summary.request_types)
        rows, flags = [], []
        if info.restricted:
            notice = (_("; the Art. 18(3) notice of its lifting was sent on {date}").format(
                          date=_day(info.lifting_notice_sent_on))
                      if info.lifting_notice_sent_on else _("; before lifting it, send the 'restriction-lifting' "
                                                            "letter (Art. 18(3))"))
            rows.append((_("Restriction"), _("In force since {date}: data only stored").format(
                date=_day(info.restricted_since)) + f"{notice}."))
            flags.append(_("RESTRICTED (Art. 18)"))
        elif RequestType.RESTRICTION in types:
            rows.append((_("Restriction"), _("Not in force.")))
        if info.processing_suspended:
            open_objection = RequestType.OBJECTION in types and d.summary.outcome is None
            rows.append((_("Objection"), _("Processing suspended until the decision (Art. 21).") if open_objection
                         else _("Processing of this subject's data is suspended or stopped (an objection, Art. 21).")))
            flags.append(_("PROCESSING SUSPENDED (Art. 21)"))
        if info.direct_marketing:
            rows.append((_("Direct marketing"), _("Objection to direct marketing: granted without weighing "
                                                  "(Art. 21(2)-(3)).")))
        self.readiness = None
        if RequestType.ERASURE in types:
            ready = self.readiness = self.preloaded("erasure", d.reference, lambda: erasure.readiness(ws, d.reference))
            if ready.already_erased:
                text = _("The subject was erased: only the anonymous skeleton remains.")
            elif ready.ready:
                text = _("Ready: every processor step and notice is recorded and the confirmation was sent.")
            else:
                text = _("{n} thing(s) to do before the subject can be erased (see Erasure…).").format(
                    n=len(ready.blockers))
            rows.append((_("Erasure"), text))
            kept = "; ".join(f"{p}: {g}" for p, _c, g in ready.kept)
            rows.append((_("Kept"), kept))
        if d.subject.anonymised:
            flags.append(_("ERASED"))
        return " · ".join(flags), rows

    def show_case(self, d: CaseDetail) -> None:
        flag, rows = self.rows_for(d)
        self.flag.setText(flag)
        self.flag.setVisible(bool(flag))
        self.grid.set_rows(rows)
        self.setVisible(bool(rows) or bool(flag))
