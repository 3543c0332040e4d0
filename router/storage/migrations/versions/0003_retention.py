"""Retained code: for each accepted completion, how many of its characters were still in the document 30 s,
2 min and 10 min after acceptance, and whether a commit harvested since added it.

Revision 0003, after 0002."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "retention",
        sa.Column("request_id", sa.Integer, sa.ForeignKey("requests.id"), primary_key=True),
        sa.Column("accepted_at", sa.Text, nullable=False),
        sa.Column("characters", sa.Integer, nullable=False),
        sa.Column("retained_30s", sa.Integer),
        sa.Column("retained_120s", sa.Integer),
        sa.Column("retained_600s", sa.Integer),
        sa.Column("tracked_s", sa.Float, nullable=False, server_default="0"),
        sa.Column("committed", sa.Text, sa.CheckConstraint("committed IN ('yes', 'no', 'unknown')",
                                                           name="retention_committed"),
                  nullable=False, server_default="unknown"),
        sa.Column("commit_sha", sa.Text, nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_table("retention")
