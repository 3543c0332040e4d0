"""For a team server: which repository a run or request is of (a team's database holds several), who asked
(a pseudonymous developer id on requests and feedback), the API's tokens (only a hash of each) and its
background jobs.

Revision 0002, after 0001."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("requests", "feedback"):
        op.add_column(table, sa.Column("developer", sa.Text, nullable=False, server_default=""))
    for table in ("runs", "requests"):
        op.add_column(table, sa.Column("repository", sa.Text, nullable=False, server_default=""))
    op.create_index("requests_by_repository", "requests", ["repository", "strategy", "id"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False, unique=True),
        sa.Column("role", sa.Text, sa.CheckConstraint("role IN ('developer', 'lead')", name="tokens_role"),
                  nullable=False),
        sa.Column("repos", sa.JSON, nullable=False),
        sa.Column("token_sha256", sa.Text, nullable=False, unique=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("revoked_at", sa.Text),
        sqlite_autoincrement=True)
    op.create_table(
        "jobs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("repository", sa.Text, nullable=False, server_default=""),
        sa.Column("state", sa.Text, sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')",
                                                       name="jobs_state"), nullable=False),
        sa.Column("progress", sa.Float, nullable=False, server_default="0"),
        sa.Column("result", sa.JSON),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text),
        sa.Column("finished_at", sa.Text))


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("tokens")
    op.drop_index("requests_by_repository", "requests")
    for table, column in (("runs", "repository"), ("requests", "repository"), ("feedback", "developer"),
                          ("requests", "developer")):
        op.drop_column(table, column)
