"""The database's folder is made private, but a shared folder (sticky bit, like /tmp) is not."""

import os
import stat

from werkboek.settings import private_directory, private_file


def test_a_new_folder_becomes_this_users_only(tmp_path):
    folder = tmp_path / "home" / "db"
    private_directory(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_open_folder_of_ours_is_closed(tmp_path):
    folder = tmp_path / "open"
    folder.mkdir()
    os.chmod(folder, 0o755)
    private_directory(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_shared_sticky_folder_like_tmp_is_left_open_and_the_file_is_private(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    private_directory(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    database = private_file(shared / "votes.sqlite")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
