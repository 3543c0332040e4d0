"""Alembic's environment: run by `router/storage/engines.py` on the connection it opened (and locked), never
from a command line, so there is no alembic.ini to find; `alembic revision` is for developers (see
docs/team.md#migrations)."""

from __future__ import annotations

from alembic import context

from router.storage.schema import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():  # the caller's transaction: the revisions commit or fail together
    context.run_migrations()
