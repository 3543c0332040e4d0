"""Following an accepted completion through a document's edits with a clock the test moves: where its text is
now, how much of it is left at each checkpoint, and what a closed document records."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument

from router.retention import retained_characters
from server.lsp.following import Offer, Retention

URI = "file:///repo/src/a.py"
BEFORE, ACCEPTED, AFTER = "import os\n\n", "def add(a, b):\n    return a + b\n", "\nprint(add(1, 2))\n"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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
    clock.now += 31
    retention.changed(URI, [edit(4, 13, 4, 14, "-")])  # `+` becomes `-`: measured at 30 s before it applies
    assert followed.retained == {30: len(ACCEPTED)}
    clock.now += 90
    assert [one.request_id for one in retention.due()] == [7] and URI in retention.followed
    assert followed.retained[120] == len(ACCEPTED) - 1
    retention.changed(URI, [edit(3, 0, 5, 0, "")])  # the whole completion deleted
    clock.now += 500
    [one] = retention.due()
    assert one.retained[600] == 0 and URI not in retention.followed
    assert retention.tracked_s(one) == 600


def test_a_closed_document_gives_the_checkpoints_not_reached_the_last_measure() -> None:
    retention, clock = accepted()
    clock.now += 40
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
