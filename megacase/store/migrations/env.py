"""Alembic environment: always run programmatically with an open connection."""

from alembic import context

from megacase.store.orm import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("MegaCase migrations run through megacase.store.db, with the database key.")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
