"""Alembic environment: migrations run on a connection handed over by conversations.db."""

from alembic import context

from conversations.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `carebot migrate` (conversations.db.migrate)")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
