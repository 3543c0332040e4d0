"""Following accepted completions through a document's edits, against an injected clock: where each one's
text is now and how many of its characters are left at each checkpoint (router/retention.py defines the
measure). Pure state: server/lsp/retention.py wires it to the editor's messages, timers and the database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from lsprotocol import types
from pygls.workspace import TextDocument

from router.retention import retained_characters
from router.storage.schema import CHECKPOINTS_S
from server.lsp.positions import offsets


class Clock(Protocol):
    """The time the checkpoints are measured against, and the timers that wake the server at them."""

    def now(self) -> float: ...

    def later(self, delay_s: float, callback: Callable[[], None]) -> None: ...


class LoopClock:
    """The server's clock: monotonic seconds, and timers on its event loop (they never block it)."""

    def now(self) -> float:
        return time.monotonic()

    def later(self, delay_s: float, callback: Callable[[], None]) -> None:
        asyncio.get_running_loop().call_later(max(0.0, delay_s), callback)


@dataclass(frozen=True)
class Offer:
    """A suggestion offered in a document: its logged request, where the cursor was, its text, the strategy
    that wrote it and what it cost."""

    request_id: int
    offset: int
    text: str
    strategy: str = ""
    cost_usd: float | None = None


@dataclass
class Followed:
    """One accepted completion being followed: where its text is now in the server's own copy of the document
    (each change's offsets are read from the copy before the change applies to it)."""

    request_id: int
    accepted: str
    copy: TextDocument
    start: int
    end: int
    accepted_at: float
    retained: dict[int, int] = field(default_factory=dict)  # checkpoint (s) → characters retained
    # The acceptance came before the edit that inserts the text (Neovim sends its changes after a pause): the
    # range is empty at the cursor until that insertion lands in it.
    awaiting: bool = False

    def measure(self) -> int:
        return retained_characters(self.accepted, self.copy.source[self.start:self.end])

    def apply(self, change: types.TextDocumentContentChangeEvent) -> None:
        """Move or stretch the followed range for `change`, then apply it to the copy."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            head, tail = offsets(self.copy, change.range.start, change.range.end)
            grown = len(change.text) - (tail - head)
            if self.awaiting and head == tail == self.start:  # the accepted text arrives
                self.end, self.awaiting = self.start + len(change.text), False
            elif tail <= self.start:  # wholly before (or typed right in front of) the completion: it moves
                self.start, self.end = self.start + grown, self.end + grown
            elif head < self.end:  # over it: the range stretches over what replaced it
                self.start, self.end = min(self.start, head), max(self.end, tail) + grown
            self.copy.apply_change(change)
        else:  # the whole text again: the completion may be anywhere in it
            self.copy.apply_change(change)
            self.start, self.end = 0, len(self.copy.source)


class Retention:
    """Every accepted completion being followed, per document, against the server's clock."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.followed: dict[str, list[Followed]] = {}  # uri → its accepted completions still followed

    def follow(self, uri: str, request_id: int, document: TextDocument, offer: Offer) -> Followed:
        """Start following `offer`'s text, just accepted into `document`: where the editor put it when it is
        there, else the nearest copy of it, else the insertion at the cursor still to come."""
        source = document.source
        start = offer.offset
        if source[start:start + len(offer.text)] != offer.text:
            nearest = source.find(offer.text, max(0, start - len(offer.text)))
            start = nearest if nearest >= 0 else start
        awaiting = source[start:start + len(offer.text)] != offer.text
        copy = TextDocument(uri, source, position_codec=document.position_codec)
        end = min(start, len(source)) if awaiting else start + len(offer.text)
        followed = Followed(request_id, offer.text, copy, min(start, len(source)), end, self.clock.now(), awaiting=awaiting)
        self.followed.setdefault(uri, []).append(followed)
        return followed

    def changed(self, uri: str, changes: list[types.TextDocumentContentChangeEvent]) -> None:
        """Apply a `didChange`; a checkpoint that passed since the last change is measured first, on the text
        as it stood then (nothing changed in between)."""
        for followed in self.followed.get(uri, []):
            self._measure_passed(followed)
            for change in changes:
                followed.apply(change)

    def due(self) -> list[Followed]:
        """Each completion whose checkpoint passed and is now measured; one with every checkpoint measured is no
        longer followed."""
        settled = []
        for uri, followed in list(self.followed.items()):
            settled += [one for one in followed if self._measure_passed(one)]
            self._drop_finished(uri)
        return settled

    def finish(self, uri: str = "") -> list[Followed]:
        """Stop following `uri`'s completions (every document's when ""), giving each checkpoint not reached the
        last measure."""
        finished = []
        for chosen in [uri] if uri else list(self.followed):
            for one in self.followed.pop(chosen, []):
                self._measure_passed(one)
                last = one.measure()
                one.retained.update({s: last for s in CHECKPOINTS_S if s not in one.retained})
                finished.append(one)
        return finished

    def tracked_s(self, followed: Followed) -> float:
        """Seconds `followed` has been followed, at most the last checkpoint."""
        return min(self.clock.now() - followed.accepted_at, CHECKPOINTS_S[-1])

    def _measure_passed(self, followed: Followed) -> bool:
        age = self.clock.now() - followed.accepted_at
        passed = [s for s in CHECKPOINTS_S if s <= age and s not in followed.retained]
        if passed:
            measure = followed.measure()
            followed.retained.update({s: measure for s in passed})
        return bool(passed)

    def _drop_finished(self, uri: str) -> None:
        left = [one for one in self.followed.get(uri, []) if len(one.retained) < len(CHECKPOINTS_S)]
        if left:
            self.followed[uri] = left
        else:
            self.followed.pop(uri, None)


