"""Every past schema version upgrades to the current one with its data intact.

A register is built at each past revision with the Alembic scripts as they are (raw
SQL for the rows, since the ORM speaks only the newest schema), then opened by the
application, which migrates it.
"""

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from megacase.services.cases import queries
from megacase.services.integrity import audit
from megacase.services.session import open_profile
from megacase.services.workspace import Actor
from megacase.store import db, keys
from tests.conftest import FAST_SCRYPT, PASSPHRASE


def _revisions() -> list[str]:
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    script = ScriptDirectory.from_config(cfg)
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_one_linear_history_with_a_single_head():
    cfg = Config()
    cfg.set_main_option("script_location", str(db.MIGRATIONS))
    assert len(ScriptDirectory.from_config(cfg).get_heads()) == 1
    revisions = _revisions()
    assert revisions[0] == "0001" and revisions[-1] == db.head_revision()


def _register_at(data_dir, revision: str, keystore):
    """A profile whose database stops at ``revision``, holding one subject and one case."""
    data_dir.mkdir(parents=True)
    key = keys.new_data_key()
    key_id = keys.new_key_id()
    keys.write_recovery(data_dir, keys.RecoveryFile.wrap(key, PASSPHRASE, key_id, n=FAST_SCRYPT))
    keystore.put(key_id, key)
    engine = db.make_engine(data_dir / db.DB_FILE, key)
    with engine.begin() as conn:
        cfg = Config()
        cfg.set_main_option("script_location", str(db.MIGRATIONS))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO subjects (id, reference, name, email, language, processing_suspended, created_at) "
            "VALUES (1, 'S-00001', 'Zoë Van den Bossche', 'zoe@telenet.be', 'nl', 0, '2027-03-01 09:00:00')"))
        conn.execute(text(
            "INSERT INTO cases (id, reference, subject_id, channel, received_at, received_on, state, extended, "
            "identified_by_known_address, created_at) VALUES (1, 'DSR-2027-0001', 1, 'email', "
            "'2027-03-01 09:00:00', '2027-03-01', 'received', 0, 0, '2027-03-01 09:00:00')"))
        conn.execute(text("INSERT INTO case_types (case_id, request_type, position) VALUES (1, 'access', 0)"))
    engine.dispose()


def test_every_past_revision_upgrades_with_its_data(tmp_path, keystore, clock):
    past = _revisions()[:-1] or _revisions()
    for revision in past:
        folder = tmp_path / f"rev-{revision}"
        _register_at(folder, revision, keystore)
        ws = open_profile(folder, keystore, actor=Actor("alice"), clock=clock)
        assert db.current_revision(ws.engine) == db.head_revision()
        detail = queries.get_case(ws, "DSR-2027-0001")
        assert detail.subject.name == "Zoë Van den Bossche"
        # received Monday 1 March 2027: due Thursday 1 April 2027
        assert detail.summary.due.isoformat() == "2027-04-01"
        with ws.reading() as s:
            assert s.execute(text("SELECT count(*) FROM processors")).scalar_one() == 7
        assert audit.verify(ws).ok
        ws.engine.dispose()
