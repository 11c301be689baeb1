"""Privacy: small-cell threshold and remark moderation per workshop, moderation state per ballot.

* ``workshops.privacy_k``: no buurt or age group of fewer people is shown (default 5).
* ``workshops.remarks_direct``: remarks go on the projector without approval.
* ``workshops.pseudonym_key``: a random secret per workshop; exports number ballots with a
  keyed hash of their id, so the numbers do not give away the order of submission.
* ``ballots.remark_status``: pending | approved | hidden (existing ballots: pending).
* ``ballots.remark_original``: the remark as received when cleaning changed it (audit).

Columns are only added, with plain string defaults. That matters on SQLite: batch mode
copies a table (new table, copy, ``DROP TABLE`` old) as soon as a new column's default is
an SQL expression such as ``sa.text("false")``, and dropping ``workshops`` with foreign keys
on cascades (``ON DELETE CASCADE``) to every code, ballot, choice and pin. With string
defaults Alembic emits ``ALTER TABLE … ADD COLUMN`` and no row is touched; the migration
test checks that ballots, choices, pins and drafts survive.

Revision ID: 0003
Revises: 0002
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("privacy_k", sa.Integer, nullable=False, server_default="5"))
        batch.add_column(sa.Column("remarks_direct", sa.Boolean, nullable=False, server_default="0"))
        batch.add_column(sa.Column("pseudonym_key", sa.String(64), nullable=False, server_default=""))
    with op.batch_alter_table("ballots") as batch:
        batch.add_column(sa.Column("remark_status", sa.String(10), nullable=False, server_default="pending"))
        batch.add_column(sa.Column("remark_original", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    workshops = sa.table("workshops", sa.column("id", sa.Integer), sa.column("pseudonym_key", sa.String))
    for (wid,) in conn.execute(sa.select(workshops.c.id)).all():
        conn.execute(sa.update(workshops).where(workshops.c.id == wid).values(pseudonym_key=secrets.token_hex(32)))


def downgrade() -> None:
    # not in batch mode: that would copy (and so cascade-delete) the tables on SQLite;
    # ALTER TABLE … DROP COLUMN needs SQLite 3.35 or later
    for table, column in (("ballots", "remark_original"), ("ballots", "remark_status"),
                          ("workshops", "pseudonym_key"), ("workshops", "remarks_direct"),
                          ("workshops", "privacy_k")):
        op.drop_column(table, column)
