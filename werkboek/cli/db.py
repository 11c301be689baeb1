"""``werkboek db``: the database — schema up to date, where it stands, copies made and put back.

    werkboek db upgrade              bring the schema up to date
    werkboek db status               the schema and the number of votes
    werkboek db backup [--to DIR]    a checked copy now (default var/backups)
    werkboek db restore FILE         put a copy back (refused while a workshop runs)
"""

from __future__ import annotations

from pathlib import Path


def add_parser(sub) -> None:
    parser = sub.add_parser("db", help="database: schema bijwerken, status, kopie maken of terugzetten")
    parser.add_argument("action", choices=["upgrade", "status", "backup", "restore"])
    parser.add_argument("file", nargs="?", type=Path, help="bij restore: de kopie die terug moet")
    parser.add_argument("--to", type=Path, help="bij backup: de map voor de kopie (standaard var/backups)")
    parser.add_argument("--database-url", help="SQLAlchemy URL (standaard: WERKBOEK_DATABASE_URL of SQLite)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from werkboek import settings
    from werkboek.errors import WerkboekError
    from werkboek.store import migrate
    from werkboek.store.engine import make_engine

    url = args.database_url or settings.database_url()
    if args.action == "backup":
        from werkboek.store.backup import make_backup

        info = make_backup(url, args.to or settings.backups_dir(), label="handmatig")
        print(f"Kopie gemaakt en gecontroleerd: {info.ballots} stemmen in {info.path}")
        return 0
    if args.action == "restore":
        from werkboek.serving.process import HomeLock
        from werkboek.store.backup import restore_backup

        if args.file is None:
            raise WerkboekError("Welke kopie moet terug? Bijvoorbeeld: werkboek db restore var/backups/werkboek-….sqlite")
        lock = HomeLock(settings.home_dir())
        if lock.held_elsewhere():
            raise WerkboekError("Er draait nu een workshop: stop die eerst (Ctrl-C in zijn venster). Terugzetten "
                                "onder een lopende avond zou de stemmen van na de kopie weggooien.")
        if not lock.acquire():
            raise WerkboekError("Er draait nu een workshop: stop die eerst (Ctrl-C in zijn venster).")
        try:
            ballots = restore_backup(args.file, url)
        finally:
            lock.release()
        print(f"Teruggezet: {args.file} ({ballots} stemmen). Start de workshop opnieuw met ./run workshop.")
        return 0
    engine = make_engine(url)
    try:
        if args.action == "upgrade":
            migrate.upgrade(engine)
        print(f"{engine.url.render_as_string(hide_password=True)}: schema {migrate.current_revision(engine) or 'leeg'}")
    finally:
        engine.dispose()
    return 0
