"""The facilitator's console: code status, closing with a grace period, the wifi name, hidden results.

* ``codes.printed_at``: when the code was first put on a printed sheet ("print only new codes").
* ``codes.voided_at``: the slip was lost; the code can no longer vote (status "ongeldig").
* ``codes.excluded_at``: the facilitator confirmed that the ballot of a voided code no longer
  counts ("telt niet meer mee"). The ballot itself stays in the store (audit history).
* ``workshops.closes_at``: voting closes by itself at this moment (a grace period).
* ``workshops.wifi_name``: the network residents join; on the slips and the projector.
* ``workshops.hide_results``: the projector shows no results until voting is closed (or revealed).

Columns are only added, nullable or with plain string defaults, so SQLite's batch mode
emits ``ALTER TABLE … ADD COLUMN`` and never copies (and cascade-deletes) a table (see 0003).

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("codes") as batch:
        batch.add_column(sa.Column("printed_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("voided_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("excluded_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("workshops") as batch:
        batch.add_column(sa.Column("closes_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("wifi_name", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("hide_results", sa.Boolean, nullable=False, server_default="0"))


def downgrade() -> None:
    for table, column in (("workshops", "hide_results"), ("workshops", "wifi_name"), ("workshops", "closes_at"),
                          ("codes", "excluded_at"), ("codes", "voided_at"), ("codes", "printed_at")):
        op.drop_column(table, column)
