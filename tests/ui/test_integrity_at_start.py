"""The window verifies the register in the background when it opens."""

from sqlalchemy import text


def test_a_clean_register_says_so_in_the_status_bar(qtbot, make_window, prompter, open_access_case):
    open_access_case()
    w = make_window()
    qtbot.waitUntil(lambda: w.integrity_check.report is not None, timeout=20000)
    assert w.integrity_check.report.ok and not prompter.errors


def test_a_case_closed_behind_the_applications_back_is_shown(qtbot, ws, make_window, prompter, open_access_case):
    ref = open_access_case().reference
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE cases SET state = 'closed' WHERE reference = :r"), {"r": ref})
    w = make_window()
    qtbot.waitUntil(lambda: w.integrity_check.report is not None, timeout=20000)
    shown = prompter.errors
    assert len(shown) == 1 and shown[0].title == "Register integrity"
    assert f"case {ref}: state is 'closed', its events say 'received'" in shown[0].text
