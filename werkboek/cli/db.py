"""``werkboek db``: bring the database schema up to date, or show where it stands."""

from __future__ import annotations


def add_parser(sub) -> None:
    parser = sub.add_parser("db", help="database: schema bijwerken of status tonen")
    parser.add_argument("action", choices=["upgrade", "status"])
    parser.add_argument("--database-url", help="SQLAlchemy URL (standaard: WERKBOEK_DATABASE_URL of SQLite)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from werkboek import settings as config
    from werkboek.store import migrate
    from werkboek.store.engine import make_engine

    url = args.database_url or config.database_url()
    engine = make_engine(url)
    if args.action == "upgrade":
        migrate.upgrade(engine)
    print(f"{engine.url.render_as_string(hide_password=True)}: schema {migrate.current_revision(engine) or 'leeg'}")
    return 0
