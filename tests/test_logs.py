"""Logs never hold personal data, at any level, whatever the libraries below log."""

import logging

from megacase.services.cases import cases, checklist, queries
from megacase.services.reports import case_file


def test_a_whole_case_logs_no_personal_data(ws, clock, open_access_case, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)          # everything, the database layer included
    from megacase.log import configure_file_logging
    log_file = configure_file_logging(tmp_path / "logs", logging.DEBUG)
    try:
        ref = open_access_case(types=("access", "erasure")).reference
        cases.start_work(ws, ref)
        cases.ask_subject(ws, ref, "additional_info", "Votre numéro de commande")
        clock.set("2027-04-06 10:00")
        cases.record_answer(ws, ref, "Commande 2027-1187 au nom de Hélène Dubois", "verified")
        cases.add_note(ws, ref, "Mme Dubois a appelé depuis le 0470 12 34 56")
        checklist.mark_item(ws, queries.get_case(ws, ref).checklist[0].id, True, "Trouvé: helene.dubois@skynet.be")
        cases.decide(ws, ref, "granted")
        case_file.export_case(ws, ref, tmp_path / "case.pdf")
        logging.getLogger("megacase.test").info("marker for %s", ref)   # the capture itself works
    finally:
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "baseFilename", "").startswith(str(tmp_path))]:
            root.removeHandler(handler)
            handler.close()
    written = caplog.text + log_file.read_text("utf-8")
    assert "marker for DSR-2027-0001" in caplog.text and "marker for DSR-2027-0001" in log_file.read_text("utf-8")
    for needle in ("Dubois", "Hélène", "helene", "skynet", "Namur", "0470", "1187", "C-104233"):
        assert needle not in written, needle
