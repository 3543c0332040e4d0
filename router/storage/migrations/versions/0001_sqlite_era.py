"""The schema as the SQLite-era numbered migrations left it (PRAGMA user_version 1 to 7): runs, results,
the request log with its instruction and completion, feedback, and the index of requests by strategy.

A database those migrations made has no Alembic version yet, so this revision runs on it too: it creates
only what is missing (a database stopped at user_version 3 gains the columns and tables of 4 to 7) and
keeps every row.

Revision 0001, the first."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = set(inspector.get_table_names())
    if "runs" not in tables:
        op.create_table(
            "runs",
            sa.Column("id", sa.Text, primary_key=True),
            sa.Column("started_at", sa.Text, nullable=False),
            sa.Column("suite", sa.Text, nullable=False),
            sa.Column("suite_sha256", sa.Text, nullable=False),
            sa.Column("strategies", sa.Text, nullable=False),
            sa.Column("offline_model", sa.Integer, nullable=False, server_default="0"))
    if "results" not in tables:
        op.create_table(
            "results",
            sa.Column("run_id", sa.Text, sa.ForeignKey("runs.id"), primary_key=True),
            sa.Column("strategy", sa.Text, primary_key=True),
            sa.Column("case_id", sa.Text, primary_key=True),
            sa.Column("kind", sa.Text, nullable=False),
            sa.Column("language", sa.Text, nullable=False),
            sa.Column("passed", sa.Integer, nullable=False),
            sa.Column("reasons", sa.Text, nullable=False),
            sa.Column("model", sa.Text, nullable=False),
            sa.Column("model_version", sa.Text, nullable=False),
            sa.Column("input_tokens", sa.Integer, nullable=False),
            sa.Column("output_tokens", sa.Integer, nullable=False),
            sa.Column("cost_usd", sa.Float),
            sa.Column("latency_s", sa.Float, nullable=False),
            sa.Column("error", sa.Text, nullable=False))
    if "requests" not in tables:
        op.create_table(
            "requests",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("at", sa.Text, nullable=False),
            sa.Column("kind", sa.Text, nullable=False),
            sa.Column("language", sa.Text, nullable=False),
            sa.Column("path", sa.Text, nullable=False),
            sa.Column("strategy", sa.Text, nullable=False),
            sa.Column("reason", sa.Text, nullable=False),
            sa.Column("attempts", sa.Text, nullable=False),
            sa.Column("input_tokens", sa.Integer, nullable=False),
            sa.Column("output_tokens", sa.Integer, nullable=False),
            sa.Column("cost_usd", sa.Float),
            sa.Column("latency_s", sa.Float, nullable=False),
            sa.Column("outcome", sa.Text, nullable=False),
            sqlite_autoincrement=True)
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("requests")}
    for name in ("instruction", "completion"):  # user_version 4 and 5
        if name not in columns:
            op.add_column("requests", sa.Column(name, sa.Text, nullable=False, server_default=""))
    if "feedback" not in tables:
        op.create_table(
            "feedback",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), nullable=False),
            sa.Column("at", sa.Text, nullable=False),
            sa.Column("outcome", sa.Text, nullable=False),
            sa.Column("final_text", sa.Text, nullable=False),
            sqlite_autoincrement=True)
    if "requests_by_strategy" not in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("requests")}:
        op.create_index("requests_by_strategy", "requests", ["strategy", "id"])


def downgrade() -> None:
    op.drop_index("requests_by_strategy", "requests")
    for table in ("feedback", "requests", "results", "runs"):
        op.drop_table(table)
