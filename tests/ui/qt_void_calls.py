"""Run by test_qt_refcount.py in its own process: many calls of Qt methods that return nothing.

PySide6 6.12.0 on Python 3.11 loses one reference to None on each such call, and the interpreter
aborts ("none_dealloc") once None's count reaches zero. This script first makes a few hundred calls
of each kind and prints how None's reference count moved (so that a failure names the culprit),
then makes CALLS calls of each kind and prints None's count before and after as one JSON line.

    QT_QPA_PLATFORM=offscreen python tests/ui/qt_void_calls.py 200000
"""

from __future__ import annotations

import gc
import json
import sys
from datetime import datetime, timezone

from PySide6.QtCore import QIdentityProxyModel, Qt
from PySide6.QtGui import QStandardItem
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from megacase.services.records import ChecklistInfo
from megacase.ui.widgets.case_pages import ChecklistPage

PROBE_CALLS = 300


def none_count() -> int:
    gc.collect()
    return sys.getrefcount(None)


def checklist() -> tuple[ChecklistInfo, ...]:
    done = datetime(2027, 4, 1, 8, 0, tzinfo=timezone.utc)
    return (ChecklistInfo(1, "Newsletter service", "name, e-mail", "search", None, None, None, None),
            ChecklistInfo(2, "Parcel carrier", "name, address", "erase and notify", done, "sophie", "done", None))


def void_calls() -> tuple[dict, list]:
    """Each entry makes one call that goes through a Qt method returning nothing."""
    label, widget, item = QLabel(), QWidget(), QStandardItem()
    # The case pane's processor checklist as the window builds it: ChecklistModel shown in its table.
    page = ChecklistPage()
    rows = checklist()
    page.model.set_items(rows, editable=True)
    toggles = [0]   # how many times the page asked to tick a box: the path really ran

    def on_toggle(item_id: int, done: bool) -> None:
        toggles[0] += 1
    page.toggle_requested.connect(on_toggle)
    # A proxy makes Qt (C++) call the model's Python setData, as the table's check box delegate does.
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(page.model)
    box = proxy.index(0, 0)
    checked = Qt.CheckState.Checked.value
    calls = {
        "QLabel.setText": lambda: label.setText("Processors 1/2"),
        "QWidget.setToolTip": lambda: widget.setToolTip("Tick a step when it is done"),
        "QObject.setObjectName": lambda: widget.setObjectName("checklistTable"),
        "QStandardItem.setText": lambda: item.setText("to do"),
        "QStandardItem.setFlags": lambda: item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable),
        "QStandardItem.setData": lambda: item.setData(Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole),
        "ChecklistModel.setData through Qt": lambda: proxy.setData(box, checked, Qt.ItemDataRole.CheckStateRole),
        # What showing a case does: beginResetModel/endResetModel, the view's reset, the check boxes' data.
        "ChecklistModel.set_items": lambda: page.model.set_items(rows, editable=True),
    }
    # Keep the objects alive as long as the calls that use them.
    calls["_keep"] = (label, widget, item, page, proxy, on_toggle)
    return calls, toggles


def main() -> int:
    rounds = int(sys.argv[1])
    app = QApplication.instance() or QApplication([])
    calls, toggles = void_calls()
    keep = calls.pop("_keep")
    for name, call in calls.items():
        call()   # warm up: first calls may create caches that hold None
    for name, call in calls.items():
        before = none_count()
        for _ in range(PROBE_CALLS):
            call()
        print(f"{name}: None refcount {none_count() - before:+d} over {PROBE_CALLS} calls", flush=True)
    before = none_count()
    for name, call in calls.items():
        for _ in range(rounds):
            call()
    after = none_count()
    print(json.dumps({"before": before, "after": after, "calls": rounds * len(calls),
                      "toggle_signals": toggles[0]}), flush=True)
    del keep, app
    return 0


if __name__ == "__main__":
    sys.exit(main())
