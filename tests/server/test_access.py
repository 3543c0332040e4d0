"""The TCP server's token file and what counts as loopback (access.py), on real files."""

from __future__ import annotations

import os
import stat

import pytest

from harvest.errors import InputError
from server.lsp.access import default_token_file, is_loopback, token_from


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("LOCALHOST", True), ("::ffff:127.0.0.1", True), ("0.0.0.0", False), ("::", False), ("10.0.0.7", False),
    ("192.168.1.20", False), ("example.com", False), ("localhost.evil.com", False), ("", False),
])
def test_loopback_is_127_0_0_0_8_and_1_and_localhost(host, loopback) -> None:
    assert is_loopback(host) is loopback


def test_a_new_token_is_written_for_its_owner_only_and_read_back(tmp_path) -> None:
    path = tmp_path / "state" / "serve-4000.token"
    token = token_from(path)
    assert len(token) >= 40 and path.read_text() == token + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token_from(path) == token
    assert token_from(tmp_path / "other.token") != token


def test_a_token_the_user_wrote_is_used(tmp_path) -> None:
    path = tmp_path / "mine.token"
    path.write_text("  correct-horse-battery  \n")
    path.chmod(0o600)
    assert token_from(path) == "correct-horse-battery"


@pytest.mark.parametrize("content, mode, message", [
    ("s3cret\n", 0o644, "can be read by others (mode 644); run `chmod 600 "),
    ("\n", 0o600, "must hold one token on one line"),
    ("two words\n", 0o600, "must hold one token on one line"),
])
def test_a_token_file_that_is_not_private_or_not_one_token_is_refused(tmp_path, content, mode, message) -> None:
    path = tmp_path / "serve.token"
    path.write_text(content)
    path.chmod(mode)
    with pytest.raises(InputError, match="the token file .*serve.token") as raised:
        token_from(path)
    assert message in str(raised.value)


def test_a_token_file_that_is_a_folder_or_unwritable_is_one_line(tmp_path) -> None:
    with pytest.raises(InputError, match="is not a regular file"):
        token_from(tmp_path)
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(InputError, match="cannot write the token file .*; pass --token-file FILE"):
        token_from(blocked / "serve.token")


def test_the_default_token_file_is_in_the_users_runtime_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    assert default_token_file(4000) == tmp_path / "run" / "idiom" / "serve-4000.token"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    if os.name == "posix" and os.uname().sysname == "Linux":  # no runtime folder: never a shared /tmp
        assert default_token_file(4000) == tmp_path / "state" / "idiom" / "serve-4000.token"
