"""The case list and the dashboard's case table at 1366×768 in French, Dutch and English: the columns the officer
reads first are in view without scrolling sideways, and names keep a readable width. On the demo register of
``test_dialogs_fit`` (a real SQLCipher file filled through the services), with its main window per language."""

from __future__ import annotations

import pytest

from tests.ui.dialog_geometry import LAPTOP
from tests.ui.test_dialogs_fit import LANGUAGES, register, settle, speaking  # noqa: F401 (the fixture)


def _in_view(table, col: int) -> tuple[int, int, int]:
    """Where column ``col`` starts and ends in the table's viewport, and the viewport's width."""
    header = table.horizontalHeader()
    left = header.sectionViewportPosition(col)
    return left, left + header.sectionSize(col), table.viewport().width()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_case_list_shows_reference_subject_due_date_and_state_without_scrolling(register, qapp, language):
    """At 1366×768 with the splitter where it starts, the deadline is not one sideways scroll away."""
    from PySide6.QtCore import Qt
    from megacase.ui.models.cases import COL_DUE, COL_REF, COL_STATE, COL_SUBJECT, COLUMNS
    from megacase.ui.views.case_list import STATE_MIN, SUBJECT_MIN
    with speaking(qapp, language):
        w = register.window(language)
        w.show_view("cases")
        settle(qapp)
        assert (w.width(), w.height()) == (LAPTOP.width(), LAPTOP.height())
        table = w.case_list.table
        assert table.horizontalScrollBar().value() == 0 and w.case_list.proxy.rowCount() > 0
        for col in (COL_REF, COL_SUBJECT, COL_DUE, COL_STATE):
            left, right, width = _in_view(table, col)
            assert 0 <= left < right <= width, (language, COLUMNS[col], left, right, width)
        assert table.columnWidth(COL_SUBJECT) >= SUBJECT_MIN
        # a narrower list: the state gives up its tail (elided, the row's tooltip says it whole), down to STATE_MIN
        natural = w.case_list._state_width
        sizes = w.splitter.sizes()
        w.splitter.setSizes([sizes[0] - 80, sizes[1] + 80])
        settle(qapp)
        assert STATE_MIN <= table.columnWidth(COL_STATE) < natural
        left, right, width = _in_view(table, COL_STATE)
        assert right <= width or table.columnWidth(COL_STATE) == STATE_MIN
        w.splitter.setSizes(sizes)
        settle(qapp)
        assert _in_view(table, COL_STATE)[1] <= table.viewport().width()
        row = w.case_list.proxy.index(0, COL_REF)
        state = w.case_list.proxy.index(0, COL_STATE).data()
        assert state in row.data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboard_gives_the_subjects_name_a_readable_width(register, qapp, language):
    """The dashboard's case table at 1366×768: each name in full (up to 200 px, then elided), never squeezed to a
    few letters by the other columns; the due date right after it."""
    from PySide6.QtWidgets import QWidget
    from megacase.ui.models.cases import COL_DUE, COL_SUBJECT
    from megacase.ui.views.case_list import SUBJECT_MAX, SUBJECT_MIN
    with speaking(qapp, language):
        w = register.window(language)
        w.show_view("dashboard")
        settle(qapp)
        view = w.findChild(QWidget, "dashboardView")
        for _ in range(20):
            if view.board is not None:
                break
            settle(qapp)
        assert view.board is not None
        table = view.table
        shown = 0
        try:
            for key in ("overdue", "due_soon", "decided_not_sent", "suspended", "extended"):
                view.select(key)
                settle(qapp)
                width = table.columnWidth(COL_SUBJECT)
                assert SUBJECT_MIN <= width <= SUBJECT_MAX, (language, key, width)
                metrics = table.fontMetrics()
                for row in range(view.proxy.rowCount()):
                    name = view.proxy.index(row, COL_SUBJECT).data()
                    assert metrics.horizontalAdvance(name) + 24 <= width or width == SUBJECT_MAX, (language, name)
                    shown += 1
                left, right, viewport = _in_view(table, COL_DUE)
                assert 0 <= left < right <= viewport, (language, key, left, right, viewport)
        finally:
            view.select("overdue")
            w.show_view("cases")
            settle(qapp)
        assert shown > 0
