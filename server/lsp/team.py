"""The language server against a team's `idiom api` (docs/team.md, "The editor against the team server"):
with `teamUrl` set, completions, generate, feedback and retained code go to the team server with the
developer's token, so one router learns from the whole team (explain shows the decision it returned), while
diagnostics stay local, on the conventions fetched from the server and kept in `.idiom/team/` (the last copy
serves while the server is away).

The token comes from `IDIOM_TOKEN`, else the OS keyring (service `idiomatic`, the team URL as the user name),
never from a settings file: a repository's editor settings must not carry a credential, or choose where one
is sent (the extension reads `teamUrl` from the user's settings only). When the server cannot be reached the
editor keeps its diagnostics and gets no suggestions; the output panel says so once, until it answers again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from harvest.atomic import atomic_write_text
from harvest.conventions.rules import Rule
from harvest.errors import InputError
from harvest.store import ensure_home, idiom_home
from router.contracts import CompletionRequest
from router.libraries import library
from server.lsp.state import IdiomServer, payload

if TYPE_CHECKING:
    import httpx
else:
    httpx = library("httpx")  # without its command line's rich and pygments (router/libraries.py)

TOKEN_ENV = "IDIOM_TOKEN"
KEYRING_SERVICE = "idiomatic"
CONNECT_TIMEOUT_S = 3.0  # an unreachable server must not hold a keystroke's request for long
ANSWER_TIMEOUT_S = 60.0  # a routed answer waits for the team's model


class TeamUnreachable(Exception):
    """The team server did not answer (down, wrong URL, network): the editor carries on without suggestions."""


def team_token(url: str) -> str:
    """The developer's token for the team server at `url`: IDIOM_TOKEN, else the OS keyring's; "" when neither
    has one (or this machine has no keyring)."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    import keyring  # imported here: a developer without a team server never needs it
    import keyring.errors

    try:
        return (keyring.get_password(KEYRING_SERVICE, url) or "").strip()
    except keyring.errors.KeyringError:  # no keyring on this machine (a headless one has none)
        return ""


@dataclass
class TeamServer:
    """One team server, one repository on it, one developer's token; thread-safe (the router's calls run in
    worker threads)."""

    url: str
    repository: str
    token: str
    reachable: bool = True  # as last seen: the output panel is told when this changes
    _client: httpx.Client = field(init=False, repr=False)
    _seen: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._client = httpx.Client(base_url=self.url.rstrip("/"), headers={"Authorization": f"Bearer {self.token}"},
                                    timeout=httpx.Timeout(ANSWER_TIMEOUT_S, connect=CONNECT_TIMEOUT_S))

    def seen(self, reachable: bool) -> bool:
        """Record whether the server answered; True when that differs from what was last seen. One check and set:
        a request's thread and the conventions' fetch may see it fail at the same moment."""
        with self._seen:
            changed, self.reachable = reachable != self.reachable, reachable
            return changed

    @property
    def slug(self) -> str:
        """A folder name for what is kept of this server and repository (the name is a setting: never a path)."""
        return hashlib.sha256(f"{self.url}\x00{self.repository}".encode()).hexdigest()[:16]

    def call(self, method: str, route: str, **kwargs: Any) -> httpx.Response:
        """The server's answer to `route`; TeamUnreachable when it cannot be reached, InputError with the
        server's one-line reason when it refuses (a bad token, another repository, a bad request)."""
        if not self.token:
            raise InputError(f"teamUrl is {self.url} but no token was found: set {TOKEN_ENV}, or store it in the OS "
                             f"keyring (`keyring set {KEYRING_SERVICE} {self.url}`), and restart the server")
        try:
            response = self._client.request(method, route, **kwargs)
        except httpx.TransportError as exc:
            raise TeamUnreachable(f"the team server {self.url} cannot be reached ({type(exc).__name__}); "
                                  "suggestions are off until it answers, diagnostics go on") from None
        if response.status_code >= 400:
            raise InputError(f"the team server refused {route} ({response.status_code}): {_error_line(response)}")
        return response

    def complete(self, request: CompletionRequest) -> dict[str, Any]:
        """The routed answer for `request` (code at a cursor, with an instruction when it has one)."""
        body = {"repository": self.repository, "path": request.path, "language": request.language,
                "prefix": request.prefix, "suffix": request.suffix, "instruction": request.instruction,
                "options": {"max_tokens": request.max_tokens}}
        return self.call("POST", "/v1/complete", json=body).json()

    def feedback(self, request_id: int, outcome: str, final_text: str) -> None:
        self.call("POST", "/v1/feedback", json={"request_id": request_id, "outcome": outcome, "final_text": final_text})

    def start_retention(self, request_id: int, characters: int) -> None:
        """An accepted completion the editor follows (router/retention.py, on the team's database)."""
        self.call("POST", "/v1/retention", json={"request_id": request_id, "characters": characters})

    def record_retention(self, request_id: int, retained: dict[int, int], tracked_s: float) -> None:
        self.call("POST", "/v1/retention", json={"request_id": request_id, "retained": retained,
                                                  "tracked_s": tracked_s})

    def conventions(self, folder: Path) -> Path:
        """The repository's conventions file from the server, kept in `folder`; the kept copy when the server
        cannot be reached (TeamUnreachable only when there is none)."""
        kept = folder / "conventions.yaml"
        try:
            text = self.call("GET", "/v1/conventions/file", params={"repository": self.repository}).text
        except TeamUnreachable:
            if kept.is_file():
                return kept
            raise
        atomic_write_text(kept, text)  # atomic: two threads fetching at once leave one whole copy
        return kept


def _error_line(response: httpx.Response) -> str:
    """The first line of the server's `{"error": ...}`, or of its body."""
    try:
        error = response.json().get("error", "")
    except ValueError:
        error = response.text
    text = str(error.get("message", error) if isinstance(error, dict) else error).strip()
    return text.splitlines()[0] if text else response.reason_phrase


def decision_of(uri: str, answer: dict[str, Any]) -> dict[str, Any]:
    """The team server's answer as the editor's decision payload, marked `team`."""
    attempts = [{"strategy": a.get("strategy", ""), "passed": bool(a.get("passed")), "reason": a.get("reason", ""),
                 "costUsd": a.get("cost_usd"), "latencyS": a.get("latency_s", 0.0)} for a in answer.get("attempts", [])]
    return payload(uri, int(answer.get("request_id") or 0), answer.get("kind", ""), bool(answer.get("answered")),
                   answer.get("strategy", ""), answer.get("reason", ""), attempts, list(answer.get("sources", [])),
                   team=True)


def team_of(ls: IdiomServer) -> TeamServer | None:
    """The team server the editor set (`teamUrl`, for `teamRepository` or the workspace folder's name), made
    once per settings; None when this machine's router answers."""
    url = ls.settings.team_url.strip()
    if not url:
        return None
    return ls.cached("team", lambda: TeamServer(url, ls.settings.team_repository or ls.root().name, team_token(url)))


def reached(ls: IdiomServer, team: TeamServer, problem: Exception | None = None) -> None:
    """Say in the output panel when the team server stops answering (`problem`) and when it answers again:
    once each, not on every keystroke."""
    if not team.seen(problem is None):
        return
    ls.log(str(problem) if problem else f"the team server {team.url} answers again", types.MessageType.Warning)


def editor_conventions(ls: IdiomServer) -> dict[str, Rule]:
    """The conventions the editor checks with, by id: the team server's when one is set (kept in `.idiom/team/`,
    the kept copy serving while it is away), else the repository's own mined ones."""
    from harvest.conventions.store import load_conventions
    from router.routing import conventions_of

    team = team_of(ls)
    if team is None:
        return ls.cached("conventions", lambda: conventions_of(ls.root()))

    def fetched() -> dict[str, Rule]:
        repo = ls.root()
        ensure_home(repo)
        try:
            path = team.conventions(idiom_home(repo) / "team" / team.slug)
        except TeamUnreachable as exc:  # never fetched, server away: the developer's own harvest, if any
            reached(ls, team, exc)
            return conventions_of(repo)
        return {rule.id: rule for rule in load_conventions(path)}

    return ls.cached("conventions", fetched)
