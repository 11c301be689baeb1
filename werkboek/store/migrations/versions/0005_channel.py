"""Paper ballots: the channel a ballot came in by.

* ``ballots.channel``: ``telefoon`` (a resident's own phone, the default for every ballot
  stored before) or ``papier`` (a paper ballot typed in by a volunteer in the console).

The column is added with a plain string default, so SQLite's batch mode emits
``ALTER TABLE … ADD COLUMN`` and never copies (and cascade-deletes) a table (see 0003).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ballots") as batch:
        batch.add_column(sa.Column("channel", sa.String(10), nullable=False, server_default="telefoon"))


def downgrade() -> None:
    op.drop_column("ballots", "channel")
