"""Following an accepted completion through a document's edits with a clock the test moves: where its text is
now, how much of it is left at each checkpoint, and what a closed document records."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types
from pygls.workspace import TextDocument

from router.retention import retained_characters
from server.lsp.following import Offer, Retention

URI = "file:///repo/src/a.py"
BEFORE, ACCEPTED, AFTER = "import os\n\n", "def add(a, b):\n    return a + b\n", "\nprint(add(1, 2))\n"


class Clock:
    """A clock the test moves; its timers fire when it passes them."""

    def __init__(self) -> None:
        self.at = 1000.0
        self.timers: list[tuple[float, Callable[[], None]]] = []

    def now(self) -> float:
        return self.at

    def later(self, delay_s: float, callback: Callable[[], None]) -> None:
        self.timers.append((self.at + delay_s, callback))

    def advance(self, seconds: float) -> None:
        self.at += seconds
        due = [callback for when, callback in self.timers if when <= self.at]
        self.timers = [(when, callback) for when, callback in self.timers if when > self.at]
        for callback in due:
            callback()


def edit(line: int, character: int, end_line: int, end_character: int,
         text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        types.Range(types.Position(line, character), types.Position(end_line, end_character)), text)


def accepted() -> tuple[Retention, Clock]:
    clock = Clock()
    retention = Retention(clock)
    document = TextDocument(URI, BEFORE + ACCEPTED + AFTER)
    retention.follow(URI, 7, document, Offer(7, len(BEFORE), ACCEPTED))
    return retention, clock


def test_the_measure_is_the_longest_common_subsequence() -> None:
    assert retained_characters("return a + b", "return a + b") == 12
    assert retained_characters("return a + b", "return a - b  # fixed") == 11
    assert retained_characters("return a + b", "") == 0


def test_edits_before_the_completion_move_it_and_edits_inside_cut_it() -> None:
    retention, clock = accepted()
    [followed] = retention.followed[URI]
    retention.changed(URI, [edit(0, 0, 0, 0, "import sys\n")])  # a line above: the range moves
    assert followed.copy.source[followed.start:followed.end] == ACCEPTED
    retention.changed(URI, [edit(5, 0, 5, 0, "# after\n")])  # below: nothing changes
    assert followed.copy.source[followed.start:followed.end] == ACCEPTED
    clock.advance(31)
    retention.changed(URI, [edit(4, 13, 4, 14, "-")])  # `+` becomes `-`: measured at 30 s before it applies
    assert followed.retained == {30: len(ACCEPTED)}
    clock.advance(90)
    assert [one.request_id for one in retention.due()] == [7] and URI in retention.followed
    assert followed.retained[120] == len(ACCEPTED) - 1
    retention.changed(URI, [edit(3, 0, 5, 0, "")])  # the whole completion deleted
    clock.advance(500)
    [one] = retention.due()
    assert one.retained[600] == 0 and URI not in retention.followed
    assert retention.tracked_s(one) == 600


def test_a_closed_document_gives_the_checkpoints_not_reached_the_last_measure() -> None:
    retention, clock = accepted()
    clock.advance(40)
    retention.changed(URI, [edit(3, 4, 3, 16, "pass")])  # `return a + b` → `pass`
    [followed] = retention.finish(URI)
    kept = len(ACCEPTED) - len("return a + b") + retained_characters("return a + b", "pass")
    assert followed.retained == {30: len(ACCEPTED), 120: kept, 600: kept}
    assert retention.tracked_s(followed) == 40 and not retention.followed


def test_a_whole_text_change_follows_the_document() -> None:
    retention, _ = accepted()
    retention.changed(URI, [types.TextDocumentContentChangeWholeDocument(ACCEPTED.upper())])
    [followed] = retention.finish()
    assert followed.retained[600] == retained_characters(ACCEPTED, ACCEPTED.upper())


def test_a_completion_the_editor_put_elsewhere_is_found_near_the_cursor() -> None:
    clock = Clock()
    retention = Retention(clock)
    document = TextDocument(URI, BEFORE + "x" + ACCEPTED)
    followed = retention.follow(URI, 3, document, Offer(3, len(BEFORE), ACCEPTED))
    assert followed.copy.source[followed.start:followed.end] == ACCEPTED


def test_an_acceptance_before_the_insertion_follows_the_text_when_it_lands() -> None:
    retention = Retention(Clock())
    document = TextDocument(URI, BEFORE + AFTER)  # the editor has not sent the insertion yet
    followed = retention.follow(URI, 4, document, Offer(4, len(BEFORE), ACCEPTED))
    assert followed.awaiting and followed.start == followed.end == len(BEFORE)
    retention.changed(URI, [edit(2, 0, 2, 0, ACCEPTED)])
    assert not followed.awaiting and followed.copy.source[followed.start:followed.end] == ACCEPTED
    retention.changed(URI, [edit(2, 0, 2, 0, "# typed above it\n")])
    assert followed.measure() == len(ACCEPTED)


async def test_the_server_s_timers_store_each_checkpoint_as_its_clock_passes_it(tmp_path) -> None:
    """The real IdiomServer in-process with the test's clock: accepting starts a timer per checkpoint, each
    stores its measure (in a worker thread) when the clock passes it; no test waits for real time."""
    from sqlalchemy import select

    from router.database import database
    from router.feedback import record_feedback
    from router.storage.schema import now, requests, retention
    from server.lsp import retention as feature
    from server.lsp.state import IdiomServer
    from tests.server.lsp_client import until

    repo = tmp_path / "repo"
    repo.mkdir()
    with database(repo) as db:
        request_id = int(db.execute(requests.insert(), {
            "at": now(), "kind": "inline", "language": "python", "path": "a.py", "strategy": "rag", "reason": "r",
            "attempts": "[]", "input_tokens": 1, "output_tokens": 1, "cost_usd": 0.0, "latency_s": 0.1,
            "outcome": "answered", "completion": ACCEPTED}).inserted_primary_key[0])
    record_feedback(repo, request_id, "accepted")
    clock = Clock()
    ls = IdiomServer(repo, clock=clock)
    for _ in ls.protocol.lsp_initialize(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                               root_uri=repo.as_uri())):
        pass
    uri = (repo / "a.py").as_uri()
    ls.workspace.put_text_document(types.TextDocumentItem(uri, "python", 1, BEFORE + ACCEPTED + AFTER))
    ls.offers[uri] = [Offer(request_id, len(BEFORE), ACCEPTED, "rag")]
    await feature.accepted(ls, request_id)
    assert len(clock.timers) == 3 and not ls.offers

    async def stored(column: str) -> dict:
        """The retention row once `column` holds a measure (the saves run in worker threads)."""
        def row() -> dict:
            with database(repo) as db:
                return dict(db.execute(select(retention)).mappings().one())

        return await until(lambda: row() if row()[column] is not None else None)

    clock.advance(30)
    row = await stored("retained_30s")
    assert (row["retained_30s"], row["retained_120s"]) == (len(ACCEPTED), None)
    change = edit(3, 4, 3, 16, "pass")  # `return a + b` → `pass`
    ls.workspace.update_text_document(types.VersionedTextDocumentIdentifier(version=2, uri=uri), change)
    feature.changed(ls, types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri), [change]))
    clock.advance(570)
    kept = len(ACCEPTED) - len("return a + b") + retained_characters("return a + b", "pass")
    row = await stored("retained_600s")
    assert (row["retained_120s"], row["retained_600s"], row["tracked_s"]) == (kept, kept, 600)
    assert not ls.retention.followed
    ls.close()
