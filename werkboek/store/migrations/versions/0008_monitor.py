"""The 25-year monitor: the programme office's targets for 2047 per indicator (and optionally per buurt).

* ``monitor_targets``: append-only, one row each time a target is set (or removed: ``doel``
  NULL); the latest row per ``(indicator, gebied)`` is the current target, earlier rows
  are its history.

Only a new table: no existing table is copied or touched, so workshops, ballots,
decisions and progress stay as they were (``tests/store/test_monitor_store.py``).

Written as 0007 on the monitor branch and renumbered 0008 when issue 14's rounds took 0007.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitor_targets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("indicator", sa.String(60), nullable=False),
        sa.Column("gebied", sa.String(20), nullable=False),
        sa.Column("doel", sa.Float),
        sa.Column("jaar", sa.Integer, nullable=False),
        sa.Column("toelichting", sa.Text, nullable=False, server_default=""),
        sa.Column("changed_by", sa.String(60), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_monitor_targets_indicator_gebied", "monitor_targets", ["indicator", "gebied"])


def downgrade() -> None:
    op.drop_index("ix_monitor_targets_indicator_gebied", "monitor_targets")
    op.drop_table("monitor_targets")
