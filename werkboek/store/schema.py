"""The database schema (SQLAlchemy Core). Changes go through a migration in ``migrations/``."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)

# The revision a database must be at for this code; tests keep it equal to Alembic's head.
SCHEMA_REVISION = "0008"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(120), nullable=False),
    Column("date", Date),
    Column("location", String(120), nullable=False, server_default=""),
    Column("status", String(10), nullable=False, server_default="concept"),
    Column("kind", String(12), nullable=False, server_default="workshop"),
    Column("method", String(12), nullable=False),
    Column("method_params", JSON, nullable=False),
    Column("basemap", Boolean, nullable=False, server_default=text("false")),
    # privacy (0003): no group of fewer than privacy_k people shown; remarks on the projector
    # only once approved, unless remarks_direct; pseudonym_key makes the ballot numbers of
    # exports (never shown anywhere else)
    Column("privacy_k", Integer, nullable=False, server_default="5"),
    Column("remarks_direct", Boolean, nullable=False, server_default="0"),
    Column("pseudonym_key", String(64), nullable=False, server_default=""),
    # console (0004): voting closes by itself at closes_at (a grace period); the wifi residents
    # join; no results on the projector until closing (or "nu onthullen") when hide_results
    Column("closes_at", DateTime(timezone=True)),
    Column("wifi_name", String(64), nullable=False, server_default=""),
    Column("hide_results", Boolean, nullable=False, server_default="0"),
    # rounds (0007): the round the workshop is in; a second round lets the same codes vote again
    Column("voting_round", Integer, nullable=False, server_default="1"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

workshop_acties = Table(
    "workshop_acties", metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    Column("actie_id", String(40), primary_key=True),
    Column("position", Integer, nullable=False),
)

codes = Table(
    "codes", metadata,
    Column("code", String(12), primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(10), nullable=False),  # individual | group
    Column("label", String(60), nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # console (0004): first printed; voided (a lost slip: cannot vote); its ballot excluded
    # from the results once the facilitator confirmed it (the ballot itself stays, for audit)
    Column("printed_at", DateTime(timezone=True)),
    Column("voided_at", DateTime(timezone=True)),
    Column("excluded_at", DateTime(timezone=True)),
)

ballots = Table(
    "ballots", metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(12), ForeignKey("codes.code", ondelete="CASCADE"), nullable=False),
    Column("group_size", Integer, nullable=False),
    Column("buurt", String(10)),
    Column("age_group", String(10)),
    Column("remark", Text, nullable=False, server_default=""),
    # moderation (0003): pending | approved | hidden; the remark as received when cleaning changed it
    Column("remark_status", String(10), nullable=False, server_default="pending"),
    Column("remark_original", Text, nullable=False, server_default=""),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    # set when a later submission with the same code replaced this one; kept for audit
    Column("superseded_at", DateTime(timezone=True)),
    # paper (0005): telefoon | papier (typed in from a paper ballot in the console)
    Column("channel", String(10), nullable=False, server_default="telefoon"),
    # rounds (0007): the round the ballot was cast in
    Column("voting_round", Integer, nullable=False, server_default="1"),
    Index("ix_ballots_workshop_current", "workshop_id", "superseded_at"),
    # One current ballot per code and round: a *partial* unique index (WHERE superseded_at IS
    # NULL), created by migrations 0001/0007 for SQLite and PostgreSQL alike. It is declared here without
    # its dialect-specific WHERE so that resident kernels do not import the PostgreSQL
    # dialect just for a DDL option they never use (2 MB per kernel).
    Index("uq_ballots_current_code", "code", "voting_round"),
)

ballot_choices = Table(
    "ballot_choices", metadata,
    Column("ballot_id", Integer, ForeignKey("ballots.id", ondelete="CASCADE"), primary_key=True),
    Column("actie_id", String(40), primary_key=True),
    Column("value", Integer, nullable=False),  # points, 1 for approval, or rank (see werkboek.model.methods)
)

pins = Table(
    "pins", metadata,
    Column("id", Integer, primary_key=True),
    Column("ballot_id", Integer, ForeignKey("ballots.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("leefgebied", String(12), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("text", String(200), nullable=False, server_default=""),
)

drafts = Table(
    "drafts", metadata,
    Column("code", String(12), ForeignKey("codes.code", ondelete="CASCADE"), primary_key=True),
    Column("payload", JSON, nullable=False),  # see werkboek.store.store.Store.save_draft
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


# -- the programme (0006): decisions per actie and progress per chosen actie ---------------------
# Both append-only (see werkboek.model.programme): a change is a new row, never an UPDATE.

decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("actie_id", String(40), nullable=False),
    Column("version", Integer, nullable=False),  # 1, 2, … per actie; the latest is the current decision
    Column("besluit", String(10), nullable=False),  # gekozen | niet_nu | afgewezen
    Column("reden", Text, nullable=False),
    Column("budget", Integer),  # euros over the whole duration
    Column("jaar", Integer),
    Column("partners", JSON, nullable=False),  # partner ids
    Column("workshops", JSON, nullable=False),  # workshop ids its votes came from
    Column("scenario", String(120), nullable=False, server_default=""),
    Column("changed_by", String(60), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("uq_decisions_actie_version", "actie_id", "version", unique=True),
)

progress_updates = Table(
    "progress_updates", metadata,
    Column("id", Integer, primary_key=True),
    Column("actie_id", String(40), nullable=False, index=True),
    Column("datum", Date, nullable=False),
    Column("status", String(10), nullable=False),  # gepland | bezig | klaar | gestopt
    Column("percentage", Integer, nullable=False),
    Column("uitgegeven", Integer, nullable=False),  # euros spent so far (a running total)
    Column("tekst", Text, nullable=False, server_default=""),
    Column("foto", String(200), nullable=False, server_default=""),
    Column("entered_by", String(60), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("source", String(200), nullable=False, server_default=""),  # "" by hand, else the imported file
)

monitor_targets = Table(
    "monitor_targets", metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator", String(60), nullable=False),  # a werkboek.model.monitor.MEASURES id
    Column("gebied", String(20), nullable=False),  # "heerlen_noord" or a buurt code
    Column("doel", Float),  # in the measure's unit; NULL: the target was removed
    Column("jaar", Integer, nullable=False),  # 2047 unless the office says otherwise
    Column("toelichting", Text, nullable=False, server_default=""),
    Column("changed_by", String(60), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_monitor_targets_indicator_gebied", "indicator", "gebied"),
)
