"""Storage: the request log, feedback, validation runs and results, jobs and tokens in one schema
(`schema.py`), on SQLite for one developer or PostgreSQL for a team (`engines.py`), migrated on open by
the Alembic revisions shipped in `migrations/`. `router/database.py` is the door every caller uses."""
