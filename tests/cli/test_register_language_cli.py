"""`megacase export register --language fr|nl|en`: the PDF's language, the interface's (--lang) by default."""

from pypdf import PdfReader

from megacase import i18n
from tests.cli.test_export_cli import fast_kdf, profile, run  # noqa: F401  (fixtures)
from tests.services.case_file_support import flat


def title_and_text(path):
    reader = PdfReader(str(path))
    return reader.metadata.title, flat("\n".join(p.extract_text() for p in reader.pages))


def test_the_register_report_in_the_language_asked_for_else_the_interfaces(capsys, tmp_path, profile):
    d, _ref = profile
    nl, fr = i18n.for_language("nl"), i18n.for_language("fr")
    try:
        chosen, default = tmp_path / "chosen.pdf", tmp_path / "default.pdf"
        code, out, err = run(capsys, "--lang", "fr", "export", "register", "--year", "2026", "--pdf", str(chosen),
                             "--language", "nl", "--data-dir", d)
        assert code == 0, err
        title, text = title_and_text(chosen)
        assert title == nl._("Register of data subject requests {year}").format(year=2026)
        assert nl._("1. Requests by right") in text and "Requests received" not in text
        code, out, err = run(capsys, "--lang", "fr", "export", "register", "--year", "2026", "--pdf", str(default),
                             "--data-dir", d)
        assert code == 0, err
        title, text = title_and_text(default)
        assert title == fr._("Register of data subject requests {year}").format(year=2026)
        assert f"{fr._('Requests received')} 1" in text
        code, _out, err = run(capsys, "export", "register", "--year", "2026", "--pdf", str(tmp_path / "x.pdf"),
                              "--language", "de", "--data-dir", d)
        assert code == 2 and "--language" in err
    finally:
        i18n.install("en")
