"""bench/typed_word_bench.py's own pieces: where it puts the cursors, and how it counts what each query finds."""

from __future__ import annotations

import re
from pathlib import Path

from bench.server.cases import Case
from bench.typed_word_bench import Tally, positions


def test_each_cursor_is_inside_a_word_of_the_file_and_the_draw_is_seeded(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def clamp(value):\n    return max(0, value)\n\n# ok\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("x = 1\n", encoding="utf-8")  # no word of three characters: never chosen
    case = Case("t", tmp_path, tmp_path / "home", "a.py", 2, "test")
    chosen = positions(case, ["a.py", "b.py", "gone.py"], 30, seed=1)
    assert len(chosen) == 30 and chosen == positions(case, ["a.py", "b.py", "gone.py"], 30, seed=1)
    for path, text, number, column in chosen:
        assert path == "a.py"
        line = text.split("\n")[number]
        word = next(m for m in re.finditer(r"[A-Za-z_$][\w$]*", line) if m.start() <= column <= m.end())
        assert word.start() < column < word.end() and len(word.group()) >= 3


def test_the_tally_counts_the_finished_lines_hits_each_query_finds() -> None:
    tally = Tally()
    tally.add({"a", "b"}, {"a"}, {"a", "b"})
    tally.add({"c"}, {"c"}, set())
    assert (tally.positions, tally.expected, tally.found, tally.exact) == (2, 3, (2, 2), (1, 1))
