"""`megacase systems`, `collect`, `withhold`, `package` and `erase-at` against the loopback systems."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from megacase import cli
from megacase.services.systems import demo_exports
from megacase.services.systems.loopback import CREDENTIALS, LoopbackSystems, demo_data
from megacase.store import keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE

EMAIL, NAME = "helene.dubois@skynet.be", "Hélène Dubois"


@pytest.fixture(autouse=True)
def fast_kdf(monkeypatch):
    monkeypatch.setattr(keys, "DEFAULT_SCRYPT_N", FAST_SCRYPT)
    monkeypatch.setenv("MEGACASE_USER", "cli-officer")


@pytest.fixture
def profile(tmp_path, capsys):
    pfile = tmp_path / "pass.txt"
    pfile.write_text(PASSPHRASE + "\n")
    d = str(tmp_path / "profile")
    assert cli.main(["init", "--data-dir", d, "--passphrase-file", str(pfile)]) == 0
    capsys.readouterr()
    return d


@pytest.fixture
def server():
    s = LoopbackSystems(demo_data(EMAIL, NAME, "C-104233")).start()
    yield s
    s.stop()


def run(capsys, d, *argv):
    code = cli.main([*argv, "--data-dir", d])
    out, err = capsys.readouterr()
    return code, out, err


def test_configure_test_collect_package_and_erase_from_the_command_line(profile, server, capsys, monkeypatch,
                                                                       tmp_path):
    d = profile
    monkeypatch.setenv("MEGACASE_MAILCHIMP_KEY", CREDENTIALS["mailchimp"])
    code, out, _ = run(capsys, d, "systems", "configure", "MailChimp", "--base-url", server.base_url("mailchimp"),
                       "--credential")
    assert code == 0 and "credential keyring" in out
    monkeypatch.delenv("MEGACASE_MAILCHIMP_KEY")
    monkeypatch.setattr("sys.stdin", io.StringIO(CREDENTIALS["lightspeed"] + "\n"))
    assert run(capsys, d, "systems", "configure", "lightspeed", "--base-url", server.base_url("lightspeed"),
               "--credential")[0] == 0
    code, out, err = run(capsys, d, "systems", "configure", "Office 365", "--option", "folders=x")
    assert code == 2 and "no option folders" in err
    code, out, _ = run(capsys, d, "systems", "list", "--json")
    states = {s["processor"]: s for s in json.loads(out)}
    assert states["MailChimp"]["ready"] and states["Lightspeed"]["credential"] == "keyring"
    assert states["Silvasoft"]["credential"] == "missing" and states["PayPal"]["connector"] is None
    assert CREDENTIALS["mailchimp"] not in out
    assert run(capsys, d, "systems", "test", "MailChimp")[1].startswith("MailChimp answered")
    server.fail("/lightspeed/nl/shop.json", 401)
    code, out, _ = run(capsys, d, "systems", "test", "Lightspeed")
    assert code == 1 and "credential was refused" in out

    code, out, _ = run(capsys, d, "case", "open", "--type", "access", "--type", "portability", "--name", NAME,
                       "--email", EMAIL)
    ref = out.strip()
    code, out, _ = run(capsys, d, "collect", ref, "--system", "MailChimp")
    assert code == 0 and "Found (connector)" in out and "newsletter, tags, opens and reads" in out
    export = tmp_path / "paypal.csv"
    export.write_bytes(demo_exports.paypal_activity_csv(NAME, EMAIL, "Rue de l'Église 12", "5000", "Namur"))
    code, out, _ = run(capsys, d, "collect", ref, "--system", "PayPal", "--file", str(export))
    assert code == 0 and "payments, identity and contact, addresses" in out
    code, out, err = run(capsys, d, "collect", ref, "--system", "Carriers", "--nothing-held")
    assert code == 2 and "--how" in err
    assert run(capsys, d, "collect", ref, "--system", "Carriers", "--nothing-held", "--how", "bpost portal")[0] == 0
    code, out, _ = run(capsys, d, "collect", ref)           # every ready connector; the others say why not
    assert "Silvasoft" in out and "no credential" in out and code == 1

    code, out, _ = run(capsys, d, "systems", "findings", ref, "--json")
    paypal = next(f for f in json.loads(out) if f["system"] == "PayPal")
    code, out, _ = run(capsys, d, "withhold", ref, "--finding", str(paypal["id"]), "--category", "payments",
                       "--row", "2", "--reason", "Refund made to a relative's account")
    assert code == 0 and "1 item(s) withheld" in out
    pdf = tmp_path / "package.pdf"
    code, out, _ = run(capsys, d, "package", ref, "--out", str(pdf), "--portability", "--protect")
    assert code == 0 and "Password" in out
    password = out.strip().rsplit(" ", 1)[1]
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    assert reader.decrypt(password)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "4KX12345AB678901C" in text and "9PL55511QW220033E" not in text and "a relative's account" in text
    with zipfile.ZipFile(tmp_path / "package.zip") as z:
        assert "paypal/payments.csv" in z.namelist()

    code, out, _ = run(capsys, d, "case", "open", "--type", "erasure", "--subject-id", "1")
    erasure_ref = out.strip()
    code, out, err = run(capsys, d, "erase-at", erasure_ref, "--system", "MailChimp")
    assert code == 2 and "dry run for MailChimp first" in err
    code, out, _ = run(capsys, d, "erase-at", erasure_ref, "--system", "MailChimp", "--dry-run")
    assert code == 0 and "would call POST /lists/a1b2c3d4e5/members/<hash>/actions/delete-permanent" in out
    code, out, _ = run(capsys, d, "erase-at", erasure_ref, "--system", "MailChimp")
    assert code == 0 and "erased" in out and "receipt sha256" in out and server.deleted
    code, out, _ = run(capsys, d, "erase-at", erasure_ref, "--system", "PayPal")
    assert code == 0 and "kept — Art. 17(3)(b)" in out
