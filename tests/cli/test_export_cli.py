"""`megacase export case|register` and `megacase audit verify --case REF --pdf FILE`, in-process."""

import csv
import io

import pytest
from sqlalchemy import text

from megacase import cli
from megacase.services.session import open_profile
from megacase.store import keys
from megacase.store.keys import KeyStore
from tests.conftest import FAST_SCRYPT, PASSPHRASE


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")
    monkeypatch.setenv("MEGACASE_PASSPHRASE", PASSPHRASE)


def run(capsys, *argv):
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def profile(tmp_path, capsys):
    d = str(tmp_path / "p")
    assert run(capsys, "init", "--data-dir", d)[0] == 0
    code, out, err = run(capsys, "case", "open", "--data-dir", d, "--type", "access", "--name", "Zoë Van den Bossche",
                         "--email", "zoe@telenet.be", "--received", "2026-11-02T10:00")
    assert code == 0, err
    ref = out.strip()
    for argv in (("case", "start", ref), ("case", "ask", ref, "--method", "additional_info", "--asked",
                                         "Numéro de la dernière commande"),
                 ("case", "answer", ref, "--answer", "Commande 4411, conforme", "--result", "verified"),
                 ("case", "decide", ref, "--outcome", "granted")):
        assert run(capsys, *argv, "--data-dir", d)[0] == 0
    return d, ref


def test_export_a_case_and_verify_it_against_the_register(capsys, tmp_path, profile):
    d, ref = profile
    pdf = tmp_path / "out" / f"{ref}.pdf"
    code, out, err = run(capsys, "export", "case", ref, "--out", str(pdf), "--data-dir", d)
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF") and "audit chain intact" in out
    code, out, err = run(capsys, "audit", "verify", "--case", ref, "--pdf", str(pdf), "--data-dir", d)
    assert code == 0, out + err
    assert "case file matches the register" in out and "matches the register" in out
    # Change one audit row by hand: the chain breaks and the file no longer checks out.
    ws = open_profile(tmp_path / "p", KeyStore(), PASSPHRASE)
    with ws.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET at = '2026-11-02T09:00:00Z' WHERE seq = 3"))
    ws.engine.dispose()
    code, out, _ = run(capsys, "audit", "verify", "--case", ref, "--pdf", str(pdf), "--data-dir", d)
    assert code == 1 and "FAILED: Audit trail BROKEN at event 3" in out
    broken = tmp_path / "broken.pdf"
    code, out, _ = run(capsys, "export", "case", ref, "--out", str(broken), "--data-dir", d)
    assert code == 1 and "BROKEN" in out and broken.exists()


def test_verify_usage_errors(capsys, tmp_path, profile):
    d, ref = profile
    code, _, err = run(capsys, "audit", "verify", "--pdf", "x.pdf", "--data-dir", d)
    assert code == 2 and "--case" in err
    code, _, err = run(capsys, "audit", "verify", "--case", ref, "--pdf", str(tmp_path / "none.pdf"), "--data-dir", d)
    assert code == 2 and "No file" in err
    code, out, _ = run(capsys, "audit", "verify", "--case", ref, "--data-dir", d)
    assert code == 0 and "check passed" in out


def test_export_the_register(capsys, tmp_path, profile):
    d, ref = profile
    pdf, csv_path = tmp_path / "r.pdf", tmp_path / "r.csv"
    code, out, err = run(capsys, "export", "register", "--year", "2026", "--pdf", str(pdf), "--csv", str(csv_path),
                         "--data-dir", d)
    assert code == 0, err
    assert "1 requests, 0 answered" in out       # decided, but no reply left: not answered and pdf.read_bytes().startswith(b"%PDF")
    rows = list(csv.reader(io.StringIO(csv_path.read_bytes().decode("utf-8-sig"))))
    assert ["Summary", "Requests received", "1", ""] in rows
    code, _, err = run(capsys, "export", "register", "--year", "2026", "--data-dir", d)
    assert code == 2 and "PDF file, a CSV file, or both" in err


def test_the_case_file_language_is_the_cases_or_the_one_chosen(capsys, tmp_path, profile):
    from tests.services.case_file_support import flat, pdf_pages
    d, ref = profile                               # the subject writes French (case open's default)
    files = {}
    for choice, argv in ((None, ()), ("nl", ("--language", "nl")), ("en", ("--lang", "fr", "--language", "en"))):
        files[choice] = tmp_path / f"{choice}.pdf"
        code, out, err = run(capsys, "export", "case", ref, "--out", str(files[choice]), *argv, "--data-dir", d)
        assert code == 0, err
        said = "dossier" if "--lang" in argv else "case file"     # the message is in the interface's language
        assert f"{said} ({(choice or 'fr').upper()})" in out
    assert "1. Délai" in flat("\n".join(pdf_pages(files[None])))
    assert "1. Termijn" in flat("\n".join(pdf_pages(files["nl"])))
    english = flat("\n".join(pdf_pages(files["en"])))     # --lang is the interface's language, not the file's
    assert "1. Deadline" in english and "1. Délai" not in english
    for path in files.values():
        code, out, err = run(capsys, "audit", "verify", "--case", ref, "--pdf", str(path), "--data-dir", d)
        assert code == 0 and "case file matches the register" in out, out + err
    code, _, err = run(capsys, "export", "case", ref, "--out", str(tmp_path / "de.pdf"), "--language", "de",
                       "--data-dir", d)
    assert code == 2 and "--language" in err and not (tmp_path / "de.pdf").exists()
