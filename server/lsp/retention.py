"""Retained code in the editor: after the developer accepts a completion, follow its text through every
`didChange` (server/lsp/following.py) and measure how much of it is left 30 s, 2 min and 10 min later
(router/retention.py says how and stores it). A closed document, a client leaving or a server exit records
what was known last.

Nothing here waits: checkpoints are timers on the event loop and the database is written in a worker
thread. The clock, with its timers, is the server's (`IdiomServer(clock=...)`; server/lsp/following.py).
"""

from __future__ import annotations

import functools

from lsprotocol import types

from router.retention import record_retention, start_retention
from router.storage.schema import CHECKPOINTS_S
from server.lsp.following import Followed
from server.lsp.state import IdiomServer
from server.lsp.team import team_of


async def accepted(ls: IdiomServer, request_id: int) -> None:
    """The developer took the suggestion `request_id` (the routed answer or an alternative): begin its record and
    follow it in its document, with a timer at each checkpoint. A request not offered as a completion in this
    session (`idiom feedback` from elsewhere, a generated edit) has nothing to follow."""
    uri, offer = next(((uri, offer) for uri, offers in ls.offers.items() for offer in offers
                       if offer.request_id == request_id), ("", None))
    document = ls.open_document(uri) if uri else None
    if offer is None or document is None:
        return
    del ls.offers[uri]  # one of them was taken: the others were passed over
    team = team_of(ls)  # a team server logged the request: the record is on its database
    await ls.off_loop(team.start_retention if team else functools.partial(start_retention, ls.root()), request_id,
                      len(offer.text))
    followed, clock = ls.retention.follow(uri, request_id, document, offer), ls.retention.clock
    for seconds in CHECKPOINTS_S:
        clock.later(followed.accepted_at + seconds - clock.now(), lambda: _settle(ls))


def _settle(ls: IdiomServer) -> None:
    """A checkpoint's timer: measure what is due and store it off the loop."""
    for followed in ls.retention.due():
        ls.in_background(_save, ls, followed)


def changed(ls: IdiomServer, params: types.DidChangeTextDocumentParams) -> None:
    """Follow the accepted completions of the document through its edits."""
    ls.retention.changed(params.text_document.uri, list(params.content_changes))


def closed(ls: IdiomServer, uri: str) -> None:
    """The document closed: what is known of its completions is recorded, and its offer is dropped."""
    ls.offers.pop(uri, None)
    for followed in ls.retention.finish(uri):
        ls.in_background(_save, ls, followed)


def finish_all(ls: IdiomServer) -> None:
    """The server is ending: record what is known of every completion followed, now, in this thread."""
    for followed in ls.retention.finish():
        _save(ls, followed)


def _save(ls: IdiomServer, followed: Followed) -> None:
    try:
        team = team_of(ls)
        save = team.record_retention if team else functools.partial(record_retention, ls.root())
        save(followed.request_id, dict(followed.retained), ls.retention.tracked_s(followed))
    except Exception as exc:  # noqa: BLE001 - a measure lost must not stop the editor's session
        ls.log(f"retained code of request {followed.request_id} not recorded: {exc}", types.MessageType.Warning)
