"""The schema the migrations build is the one the models describe: every table, every column, nothing more
(e.g. the never-written letters.approved_by/approved_at, dropped by a migration, stay gone)."""

from sqlalchemy import inspect

from megacase.store.orm import Base


def test_migrated_tables_and_columns_match_the_models(ws):
    found = inspect(ws.engine)
    tables = set(found.get_table_names()) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    for name, table in Base.metadata.tables.items():
        assert {c["name"] for c in found.get_columns(name)} == {c.name for c in table.columns}, name
    assert "approved_by" not in {c["name"] for c in found.get_columns("letters")}
