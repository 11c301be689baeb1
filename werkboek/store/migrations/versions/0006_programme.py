"""The programme: decisions per actie (versioned) and progress per chosen actie.

* ``decisions``: one row per actie and version (unique ``actie_id, version``); the latest
  version is the current decision, earlier ones are its history.
* ``progress_updates``: dated updates per chosen actie (status, percentage, money spent so
  far, text, photo path), append-only.

Only new tables: no existing table is copied or touched, so workshops, codes, ballots,
choices, pins and drafts stay exactly as they were (``tests/store/test_programme_store.py``).

Revision 0006 follows 0005 (paper ballots).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actie_id", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("besluit", sa.String(10), nullable=False),
        sa.Column("reden", sa.Text, nullable=False),
        sa.Column("budget", sa.Integer),
        sa.Column("jaar", sa.Integer),
        sa.Column("partners", sa.JSON, nullable=False),
        sa.Column("workshops", sa.JSON, nullable=False),
        sa.Column("scenario", sa.String(120), nullable=False, server_default=""),
        sa.Column("changed_by", sa.String(60), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("uq_decisions_actie_version", "decisions", ["actie_id", "version"], unique=True)
    op.create_table(
        "progress_updates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("actie_id", sa.String(40), nullable=False),
        sa.Column("datum", sa.Date, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("percentage", sa.Integer, nullable=False),
        sa.Column("uitgegeven", sa.Integer, nullable=False),
        sa.Column("tekst", sa.Text, nullable=False, server_default=""),
        sa.Column("foto", sa.String(200), nullable=False, server_default=""),
        sa.Column("entered_by", sa.String(60), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_progress_updates_actie_id", "progress_updates", ["actie_id"])


def downgrade() -> None:
    op.drop_index("ix_progress_updates_actie_id", "progress_updates")
    op.drop_table("progress_updates")
    op.drop_index("uq_decisions_actie_version", "decisions")
    op.drop_table("decisions")
