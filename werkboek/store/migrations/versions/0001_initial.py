"""Initial schema: workshops, their acties, codes, ballots with choices and pins.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("date", sa.Date),
        sa.Column("location", sa.String(120), nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=False, server_default="concept"),
        sa.Column("kind", sa.String(12), nullable=False, server_default="workshop"),
        sa.Column("method", sa.String(12), nullable=False),
        sa.Column("method_params", sa.JSON, nullable=False),
        sa.Column("basemap", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "workshop_acties",
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("actie_id", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "codes",
        sa.Column("code", sa.String(12), primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("label", sa.String(60), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_codes_workshop_id", "codes", ["workshop_id"])
    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workshop_id", sa.Integer, sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code", sa.String(12), sa.ForeignKey("codes.code", ondelete="CASCADE"), nullable=False),
        sa.Column("group_size", sa.Integer, nullable=False),
        sa.Column("buurt", sa.String(10)),
        sa.Column("age_group", sa.String(10)),
        sa.Column("remark", sa.Text, nullable=False, server_default=""),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_ballots_workshop_current", "ballots", ["workshop_id", "superseded_at"])
    op.create_index(
        "uq_ballots_current_code", "ballots", ["code"], unique=True,
        sqlite_where=sa.text("superseded_at IS NULL"), postgresql_where=sa.text("superseded_at IS NULL"),
    )
    op.create_table(
        "ballot_choices",
        sa.Column("ballot_id", sa.Integer, sa.ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("actie_id", sa.String(40), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False),
    )
    op.create_table(
        "pins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ballot_id", sa.Integer, sa.ForeignKey("ballots.id", ondelete="CASCADE"), nullable=False),
        sa.Column("leefgebied", sa.String(12), nullable=False),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("text", sa.String(200), nullable=False, server_default=""),
    )
    op.create_index("ix_pins_ballot_id", "pins", ["ballot_id"])


def downgrade() -> None:
    for table in ("pins", "ballot_choices", "ballots", "codes", "workshop_acties", "workshops"):
        op.drop_table(table)
