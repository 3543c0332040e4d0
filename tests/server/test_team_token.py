"""Where the editor finds its team-server token: IDIOM_TOKEN, else the OS keyring; a machine without a keyring
(a headless one) means no token, said by the first request, never a crash. And the server going away is
told once."""

from __future__ import annotations

import threading

import pytest

from harvest.errors import InputError
from server.lsp.team import TeamServer, team_token

URL = "https://idiom.example.com"


def test_the_environment_wins_and_a_missing_keyring_means_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")  # what a headless machine has
    monkeypatch.setenv("IDIOM_TOKEN", "  idiom_from-the-environment \n")
    assert team_token(URL) == "idiom_from-the-environment"
    monkeypatch.delenv("IDIOM_TOKEN")
    assert team_token(URL) == ""


def test_a_server_without_a_token_says_how_to_give_one() -> None:
    with pytest.raises(InputError, match="set IDIOM_TOKEN, or store it in the OS keyring"):
        TeamServer(URL, "acme", "").call("GET", "/v1/conventions/file")


def test_the_server_going_away_is_seen_once_however_many_threads_see_it() -> None:
    """A request's thread and the conventions' fetch can both find the server gone at once: the output panel
    is told once (CI once saw the line twice)."""
    team = TeamServer("http://127.0.0.1:9", "acme", "token")
    start = threading.Barrier(16)
    changed: list[bool] = []

    def see() -> None:
        start.wait()
        changed.append(team.seen(False))

    threads = [threading.Thread(target=see) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert changed.count(True) == 1 and not team.reachable
    assert team.seen(True) and not team.seen(True)


def test_what_the_server_holds_is_loaded_once_however_many_threads_ask_first() -> None:
    """The completion (on the event loop) and the diagnostics' conventions (on a worker) ask for the team server
    at once: one of them builds it and the other gets the same object, so its going away is seen by one object
    (CI saw the line twice with two). A slow load of one key does not hold up another."""
    from server.lsp.state import IdiomServer

    ls = IdiomServer()
    start = threading.Barrier(16)
    slow_started, other_done = threading.Event(), threading.Event()
    built: list[object] = []
    got: list[object] = []

    def build() -> object:
        slow_started.set()
        other_done.wait(10)  # the other key is answered while this one is still loading
        built.append(object())
        return built[-1]

    def ask() -> None:
        start.wait()
        got.append(ls.cached("team", build))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    slow_started.wait(10)
    assert ls.cached("router", lambda: "config") == "config"
    other_done.set()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and got == built * 16
