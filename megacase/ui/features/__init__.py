"""Features that plug into the main window.

Each module here defines ``install(window)``; the window calls them in name order
when it is built. Use the window's extension points rather than editing
``main_window.py``:

- ``window.add_action(action, menu="case"|"file"|"view"|"tools"|"help", toolbar="group", needs=capability)``:
  a menu entry (and a toolbar button in a named group); give it a shortcut and an
  objectName. ``needs`` is the capability of ``services.roles`` the action needs (default:
  reading): a role without it never sees the action. Enable case actions from ``window.case_shown`` (a CaseDetail or None),
  using flags the services put in CaseDetail, never the state directly.
- ``window.add_view(key, title, widget, shortcut)``: a whole-window view beside the cases.
- ``window.detail.add_page(key, widget, title)``: a tab of the case detail; ``widget`` has
  ``show_case(detail)`` and optionally ``tab_title(detail)``.
- ``window.detail.overview.add_block(block)``: a block on the overview page (``widgets.blocks.Block``).
- ``window.detail.page("letters").add_header_action(action)``: a button on a page's title row.
- ``window.prompter``: every message box, confirmation, file chooser and dialog goes through it
  (``run_dialog(dialog)``), so tests never block on a modal.
- ``window.ws`` (the Workspace), ``window.current_detail()``, ``window.refresh()``,
  ``window.show_changed_case(detail, message)`` after a service changed a case,
  ``window.case_actions.run(what, call, done)`` to call a service and show its refusal.
- ``megacase.ui.workers.run_task(fn, on_done, on_error)`` for slow work off the GUI thread.
"""

from __future__ import annotations

import importlib
import pkgutil


def install_all(window) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        install = getattr(module, "install", None)
        if install is not None:
            install(window)
