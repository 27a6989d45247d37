"""Back up now, Restore backup (with its progress) and the refusal of a damaged backup, in the real window."""

from __future__ import annotations

import hashlib

from megacase.services.cases import cases, queries
from megacase.services.integrity import backup
from megacase.services.cases.subjects import NewSubject
from megacase.store import backups
from tests.ui.conftest import wait_idle


def _open(ws, i):
    return cases.open_case(ws, cases.NewCase(("access",), "email", ws.now(), new_subject=NewSubject(
        f"Jeroen Claes {i}", f"jeroen.{i}@telenet.be", "nl", None, None))).reference


def test_back_up_now_then_restore_from_the_window(qtbot, window, ws, prompter, tmp_path):
    kept = _open(ws, 1)
    prompter.path_answers.append(tmp_path / "nas")
    window.findChild(type(window.backup_feature.folder_action), "backupFolder").trigger()
    assert backup.backup_folder(ws) == (tmp_path / "nas").resolve()
    window.backup_feature.now_action.trigger()
    qtbot.waitUntil(lambda: not window.backup_feature.busy, timeout=20000)
    path = window.backup_feature.last_result
    assert path.parent == (tmp_path / "nas").resolve() and backup.verify_for(ws, path).ok
    assert prompter.kinds("info")[-1].text == f"The register was backed up to {path}."
    _open(ws, 2)
    window.refresh()
    wait_idle(qtbot, window)
    assert len(window.case_list.cases()) == 2
    prompter.path_answers.append(path)
    window.backup_feature.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.backup_feature.busy, timeout=20000)
    assert not prompter.errors, prompter.errors
    assert "restored from" in prompter.kinds("info")[-1].text
    wait_idle(qtbot, window)
    assert [c.reference for c in window.case_list.cases()] == [kept]
    assert [c.reference for c in queries.list_cases(ws)] == [kept]


def test_a_damaged_backup_is_refused_from_the_window(qtbot, window, ws, prompter, data_dir):
    _open(ws, 1)
    path = backup.back_up(ws)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x40
    path.write_bytes(bytes(raw))
    before = hashlib.sha256((data_dir / "megacase.db").read_bytes()).hexdigest()
    prompter.path_answers.append(path)
    window.backup_feature.restore_action.trigger()
    qtbot.waitUntil(lambda: not window.backup_feature.busy, timeout=20000)
    assert prompter.errors and "refused and nothing was replaced" in prompter.errors[-1].text
    assert hashlib.sha256((data_dir / "megacase.db").read_bytes()).hexdigest() == before
    assert len(backups.list_backups(backup.backup_folder(ws))) == 1


def test_automatic_backup_when_due(qtbot, window, ws):
    assert backup.backup_due(ws)
    window.backup_feature.back_up_if_due()
    qtbot.waitUntil(lambda: not window.backup_feature.busy, timeout=20000)
    assert not backup.backup_due(ws)
    window.backup_feature.back_up_if_due()       # not due again within the day: nothing new
    assert not window.backup_feature.busy
    assert len(backups.list_backups(backup.backup_folder(ws))) == 1
