"""A full disk during the evening: every submit refused honestly, the facilitator told, nothing lost after.

The database lives on a small tmpfs (mounted by the test: root only); the disk is filled
with a file until nothing fits, then emptied again.
"""

from __future__ import annotations

import os
import subprocess
import types

import pytest
from conftest import need

from werkboek.errors import BallotRejected
from werkboek.model.ballot import BallotSubmission
from werkboek.serving.workshop import RunningWorkshop
from werkboek.store import Store
from werkboek.store_service.process import running_store_service


@pytest.fixture
def small_disk(tmp_path):
    need(os.geteuid() == 0, "mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(disk)], capture_output=True)
    need(mounted.returncode == 0, f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk) -> None:
    with open(disk / "filler", "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass


def test_a_full_disk_refuses_votes_honestly_tells_the_facilitator_and_loses_nothing(small_disk, tmp_path, catalogue):
    url = f"sqlite:///{small_disk / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    ws = store.open_voting(store.create_workshop("Volle schijf", acties=acties).id)
    codes = [c.code for c in store.create_codes(ws.id, 40)]
    acknowledged, refused = [], []
    with running_store_service(url, log_path=tmp_path / "store-service.log") as service:
        client = service.client()
        evening = types.SimpleNamespace(store_service=service, _store_failures=0, home=small_disk, _disk_warned=0.0)
        for code in codes[:5]:
            client.submit(BallotSubmission(code, {acties[0]: 1}))
            acknowledged.append(code)
        fill(small_disk)
        assert any("bijna vol" in line for line in RunningWorkshop._disk_events(evening))  # the terminal says so
        for code in codes[5:15]:
            try:
                client.submit(BallotSubmission(code, {acties[0]: 1}, remark="x" * 400))
                acknowledged.append(code)
            except BallotRejected as exc:
                refused.append(code)
                assert exc.reason == "unavailable" and "kon nu niet verstuurd worden" in str(exc)
        assert refused, "nothing was refused: the disk was not full"
        lines = RunningWorkshop._store_events(evening)
        assert lines and "LET OP" in lines[0] and "schijf vol" in lines[0], lines
        (small_disk / "filler").unlink()
        for code in refused:  # the residents try again once there is room: every vote goes in
            client.submit(BallotSubmission(code, {acties[0]: 1}))
            acknowledged.append(code)
    stored = [b.code for b in store.ballots(ws.id, include_superseded=True)]
    store.close()
    assert sorted(stored) == sorted(acknowledged)  # every acknowledged ballot exactly once, nothing else
