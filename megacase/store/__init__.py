"""Persistence: the encrypted engine, keys, ORM models, migrations."""
