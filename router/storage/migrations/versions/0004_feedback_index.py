"""An index of feedback by its request: the router joins feedback to the request log on every request it
routes, and without one SQLite scans the feedback table once per logged request.

Revision 0004, after 0003."""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("feedback_by_request", "feedback", ["request_id"])


def downgrade() -> None:
    op.drop_index("feedback_by_request", table_name="feedback")
