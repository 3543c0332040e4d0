"""The editor's positions as indexes into a document's text: the same as pygls' own conversion, for every kind of
line ending, characters outside the BMP (two UTF-16 units) and positions past a line's or the document's end."""

from __future__ import annotations

import random

from lsprotocol import types
from pygls.workspace import TextDocument

from server.lsp.positions import offsets


def test_offsets_are_pygls_offsets_clamped_to_the_text() -> None:
    rng = random.Random(48)
    for _ in range(200):
        text = "".join("".join(rng.choice(["a", "é", "😀", " ", "\t", "\u2028"]) for _ in range(rng.randint(0, 12)))
                       + rng.choice(["\n", "\r\n", "\r", ""]) for _ in range(rng.randint(0, 30)))
        document = TextDocument("file:///t.py", text)
        positions = [types.Position(rng.randint(0, 35), rng.randint(0, 20)) for _ in range(10)]
        assert offsets(document, *positions) == tuple(min(document.offset_at_position(p), len(text))
                                                      for p in positions)
