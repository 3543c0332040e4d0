"""Positions in an open document: the editor's (line, column in its encoding, UTF-16 unless negotiated) as an
index into the document's text, for the edits and requests the server handles on its event loop."""

from __future__ import annotations

from lsprotocol import types
from pygls.workspace import TextDocument


def offsets(document: TextDocument, *positions: types.Position) -> tuple[int, ...]:
    """Each of `positions` as an index into `document.source`, clamped to its length: what pygls'
    `offset_at_position` gives, with the document split into lines once for all of them and the lines above each
    measured by one join. pygls splits the whole document twice per position and sums the lines above in Python,
    which cost 3.6% of the server's lock on a 16 KB Java file (bench/RESULTS.md, issue 17, stop 48)."""
    lines = document.lines
    length = len(document.source)
    found = []
    for position in positions:
        at = document.position_codec.position_from_client_units(lines, position)
        found.append(min(at.character + len("".join(lines[:at.line])), length))
    return tuple(found)
