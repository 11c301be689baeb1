"""Voting rounds: a second round of the same ballot after the table discussion.

* ``workshops.voting_round``: the round the workshop is in (1 for every workshop before).
* ``ballots.voting_round``: the round a ballot was cast in (1 for every ballot before).
* The partial unique index "one current ballot per code" becomes one per code *and round*:
  the same code votes once in each round.

Columns are added with plain defaults (``ALTER TABLE … ADD COLUMN``, no table copy: see 0003).

Downgrade keeps round 1 only: ballots of later rounds are deleted (with their choices and
pins), since the old index allows one current ballot per code.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("voting_round", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("ballots") as batch:
        batch.add_column(sa.Column("voting_round", sa.Integer, nullable=False, server_default="1"))
    op.drop_index("uq_ballots_current_code", table_name="ballots")
    op.create_index("uq_ballots_current_code", "ballots", ["code", "voting_round"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)


def downgrade() -> None:
    later = sa.text("SELECT id FROM ballots WHERE voting_round > 1")
    for table in ("ballot_choices", "pins"):
        op.execute(sa.text(f"DELETE FROM {table} WHERE ballot_id IN ({later.text})"))
    op.execute(sa.text("DELETE FROM ballots WHERE voting_round > 1"))
    op.drop_index("uq_ballots_current_code", table_name="ballots")
    op.create_index("uq_ballots_current_code", "ballots", ["code"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)
    op.drop_column("ballots", "voting_round")
    op.drop_column("workshops", "voting_round")
