"""Copies of the votes: made online, checked, rotated, put back exactly — on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

from werkboek.model.ballot import BallotSubmission
from werkboek.store import Store
from werkboek.store.backup import KEEP, BackupError, backups, check_backup, make_backup, restore_backup, rotate


def vote(store, workshop, n: int, catalogue):
    first = next(iter(workshop.acties_per_leefgebied(catalogue).values()))[0].id
    for code in store.create_codes(workshop.id, n):
        store.submit(BallotSubmission(code.code, {first: 1}))


def ballots_of(store):
    return sorted((b.code, tuple(sorted(b.choices.items()))) for b in store.ballots(include_superseded=True))


def test_a_copy_holds_every_ballot_and_puts_them_back_exactly(store, open_workshop, catalogue, tmp_path):
    vote(store, open_workshop, 7, catalogue)
    before = ballots_of(store)
    info = make_backup(store.url, tmp_path / "backups", label="sluiting")
    assert info.checked and info.ballots == 7 and os.stat(info.path).st_mode & 0o077 == 0
    assert check_backup(info.path) == 7
    vote(store, open_workshop, 3, catalogue)  # after the copy
    assert store.count_all_ballots() == 10
    store.close()
    assert restore_backup(info.path, store.url) == 7
    again = Store(store.url, catalogue=catalogue)
    try:
        assert ballots_of(again) == before  # exactly the ballots of the copy, each once
    finally:
        again.close()


def test_a_copy_is_consistent_while_residents_keep_voting(sqlite_url, catalogue, tmp_path):
    import threading

    store = Store(sqlite_url, catalogue=catalogue)
    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    ws = store.open_voting(store.create_workshop("Druk", acties=acties).id)
    codes = store.create_codes(ws.id, 200)
    done = []

    def voters():
        for code in codes:
            store.submit(BallotSubmission(code.code, {acties[0]: 1}))
            done.append(code)

    thread = threading.Thread(target=voters)
    thread.start()
    infos = [make_backup(sqlite_url, tmp_path / "b") for _ in range(5)]
    thread.join()
    store.close()
    counts = [i.ballots for i in infos]
    assert counts == sorted(counts) and all(i.checked for i in infos) and counts[-1] <= len(done), counts


def test_rotation_keeps_the_newest_and_every_closing_copy(tmp_path, sqlite_url, catalogue):
    Store(sqlite_url, catalogue=catalogue).close()
    folder = tmp_path / "backups"
    closing = make_backup(sqlite_url, folder, label="sluiting")
    for _ in range(KEEP + 3):
        make_backup(sqlite_url, folder)
    kept = backups(folder)
    assert closing.path in [b.path for b in kept]
    assert sum(b.label == "auto" for b in kept) == KEEP
    assert rotate(folder) == []  # nothing more to remove


def test_a_damaged_copy_is_refused_and_the_database_left_alone(tmp_path, sqlite_url, catalogue):
    store = Store(sqlite_url, catalogue=catalogue)
    store.close()
    bad = tmp_path / "werkboek-x.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    size = os.path.getsize(store.url.removeprefix("sqlite:///"))
    with pytest.raises(BackupError, match="geen bruikbare kopie"):
        restore_backup(bad, sqlite_url)
    assert os.path.getsize(store.url.removeprefix("sqlite:///")) == size


def test_restore_is_refused_while_a_workshop_runs(tmp_path):
    from werkboek.serving.process import HomeLock

    home = tmp_path / "home"
    env = dict(os.environ, WERKBOEK_HOME=str(home))
    env.pop("WERKBOEK_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "werkboek", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=60)
    made = subprocess.run([sys.executable, "-m", "werkboek", "db", "backup"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert made.returncode == 0 and "Kopie gemaakt" in made.stdout, made.stderr
    path = made.stdout.strip().rsplit(" in ", 1)[1]
    lock = HomeLock(home)
    assert lock.acquire()  # a workshop holds it
    try:
        refused = subprocess.run([sys.executable, "-m", "werkboek", "db", "restore", path], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=60)
    finally:
        lock.release()
    assert refused.returncode == 2 and "Er draait nu een workshop" in refused.stderr, refused.stderr
    restored = subprocess.run([sys.executable, "-m", "werkboek", "db", "restore", path], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
    assert restored.returncode == 0 and "Teruggezet" in restored.stdout, restored.stderr
