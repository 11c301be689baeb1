"""Copies of the vote store: made while the evening runs, checked, rotated, and put back when needed.

SQLite (the default): an *online* copy with SQLite's own backup API (``sqlite3.Connection.backup``),
consistent even while residents vote (WAL mode), written next to its final name and renamed
into place only once it has passed ``PRAGMA integrity_check`` and its ballots were counted.
Each copy has a small JSON note beside it (when, how many current ballots, checked or not),
which the facilitator's console reads ("alle 143 stemmen veilig, laatste kopie om 21:14").

PostgreSQL: ``pg_dump --format=custom`` to a file, checked with ``pg_restore --list``; the
ballots are counted in the database at the same time. Limits: it needs the PostgreSQL client
programs of the server's major version on this machine (Debian: ``postgresql-client``), a dump
is consistent (one snapshot) but a restore replaces the whole database (``--clean``), and the
copies live on this machine, not on the database server — copy them elsewhere for a real
off-site backup.

    info = make_backup(url, settings.backups_dir(), label="sluiting")
    restore_backup(info.path, url)      # refused by ``werkboek db restore`` while a workshop runs

Copies are rotated: the newest :data:`KEEP` automatic ones stay, and every copy made at a
close (``label="sluiting"``) is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from werkboek.errors import WerkboekError
from werkboek.formats.atomic import fsync_directory, write_text_atomic

KEEP = 24  # automatic copies kept (every 5 minutes: the last two hours)
KEPT_LABELS = ("sluiting", "handmatig")  # copies made at a close or by hand are never rotated away
CURRENT_BALLOTS = "SELECT count(*) FROM ballots WHERE superseded_at IS NULL"


class BackupError(WerkboekError):
    """A copy could not be made, checked or put back; the message says why (Dutch)."""


@dataclass(frozen=True)
class BackupInfo:
    path: str
    made_at: str  # ISO time, UTC
    ballots: int  # current ballots in the copy
    checked: bool
    database: str  # "sqlite" | "postgresql"
    label: str
    size: int

    @property
    def made(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.made_at)

    def note_path(self) -> Path:
        return Path(self.path + ".json")


def _stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S-") + f"{now.microsecond // 1000:03d}"  # two copies in one second stay apart


def make_backup(url: str, directory: Path | str, *, label: str = "auto") -> BackupInfo:
    """Make, check and keep one copy of the store at ``url`` in ``directory``; returns what was made."""
    from werkboek.settings import private_directory

    directory = private_directory(directory)
    parsed = make_url(url)
    now = dt.datetime.now(dt.timezone.utc)
    name = f"werkboek-{_stamp(now)}-{label}"
    if parsed.get_backend_name() == "sqlite":
        info = _backup_sqlite(parsed.database, directory / f"{name}.sqlite", now, label)
    elif parsed.get_backend_name() == "postgresql":
        info = _backup_postgres(url, directory / f"{name}.dump", now, label)
    else:
        raise BackupError(f"Van een {parsed.get_backend_name()}-database kan geen kopie gemaakt worden.")
    write_text_atomic(info.note_path(), json.dumps(asdict(info), indent=1))
    rotate(directory)
    return info


def _backup_sqlite(database: str, target: Path, now: dt.datetime, label: str) -> BackupInfo:
    if not database or not Path(database).exists():
        raise BackupError(f"De database {database} bestaat niet: er is niets om te kopiëren.")
    partial = target.with_name("." + target.name + ".tmp")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # online: pages are copied while writers go on
        finally:
            source.close()
        try:
            ballots = _check_sqlite(copy)
        finally:
            copy.close()
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
        fsync_directory(target.parent)
    except sqlite3.Error as exc:
        raise BackupError(f"De kopie van de database is mislukt: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return BackupInfo(str(target), now.isoformat(), ballots, True, "sqlite", label, target.stat().st_size)


def _check_sqlite(connection: sqlite3.Connection) -> int:
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"De kopie is niet in orde: {result}")
    return int(connection.execute(CURRENT_BALLOTS).fetchone()[0])


def _libpq(url: str) -> str:
    """A SQLAlchemy URL as the plain ``postgresql://`` URL pg_dump and pg_restore take."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"{name} is niet geïnstalleerd (Debian: apt-get install postgresql-client).")


def _backup_postgres(url: str, target: Path, now: dt.datetime, label: str) -> BackupInfo:
    from sqlalchemy import create_engine, text

    partial = target.with_name("." + target.name + ".tmp")
    engine = create_engine(url if "+" in make_url(url).drivername else
                           make_url(url).set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            ballots = int(conn.execute(text(CURRENT_BALLOTS)).scalar_one())
    finally:
        engine.dispose()
    done = subprocess.run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", _libpq(url)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump is mislukt: {done.stderr.strip()[-500:]}")
    listed = subprocess.run([_pg_tool("pg_restore"), "--list", str(partial)], capture_output=True, text=True,
                            timeout=120)
    if listed.returncode != 0 or "TABLE DATA public ballots" not in listed.stdout:
        partial.unlink(missing_ok=True)
        raise BackupError(f"De kopie is niet in orde: {listed.stderr.strip()[-500:] or 'geen stemmen erin'}")
    os.chmod(partial, 0o600)
    os.replace(partial, target)
    fsync_directory(target.parent)
    return BackupInfo(str(target), now.isoformat(), ballots, True, "postgresql", label, target.stat().st_size)


def backups(directory: Path | str) -> list[BackupInfo]:
    """The copies in ``directory`` (with their notes), oldest first."""
    found = []
    for note in sorted(Path(directory).glob("werkboek-*.json")):
        try:
            info = BackupInfo(**json.loads(note.read_text()))
        except (OSError, ValueError, TypeError):
            continue
        if Path(info.path).exists():
            found.append(info)
    return sorted(found, key=lambda i: i.made_at)


def latest_backup(directory: Path | str) -> BackupInfo | None:
    found = backups(directory)
    return found[-1] if found else None


def rotate(directory: Path | str, keep: int = KEEP) -> list[str]:
    """Remove the oldest automatic copies beyond ``keep``; copies of a close or made by hand stay."""
    automatic = [b for b in backups(directory) if b.label not in KEPT_LABELS]
    removed = []
    for old in automatic[:-keep] if keep else automatic:
        Path(old.path).unlink(missing_ok=True)
        old.note_path().unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def check_backup(path: Path | str) -> int:
    """Check a copy before it is put back; the number of current ballots in it."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path}: bestand niet gevonden.")
    if path.suffix == ".dump":
        listed = subprocess.run([_pg_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
        if listed.returncode != 0:
            raise BackupError(f"{path}: geen bruikbare kopie ({listed.stderr.strip()[-300:]}).")
        note = Path(str(path) + ".json")
        return json.loads(note.read_text())["ballots"] if note.exists() else -1
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return _check_sqlite(connection)
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: geen bruikbare kopie ({exc}).") from exc


def restore_backup(path: Path | str, url: str) -> int:
    """Put a checked copy back as the store at ``url``; the number of current ballots restored.

    The caller makes sure no workshop runs (``werkboek db restore`` checks the workshop lock):
    a restore under a running evening would throw away what came in since the copy.
    """
    path = Path(path)
    ballots = check_backup(path)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if path.suffix == ".dump":
            raise BackupError("Dit is een kopie van PostgreSQL; de database is SQLite.")
        target = Path(parsed.database)
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = target.with_name("." + target.name + ".restore")
        shutil.copyfile(path, incoming)
        os.chmod(incoming, 0o600)
        for suffix in ("-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        os.replace(incoming, target)
        fsync_directory(target.parent)
        return ballots
    if path.suffix != ".dump":
        raise BackupError("Dit is een kopie van SQLite; de database is PostgreSQL.")
    done = subprocess.run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           f"--dbname={_libpq(url)}", str(path)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise BackupError(f"pg_restore is mislukt: {done.stderr.strip()[-500:]}")
    return ballots
