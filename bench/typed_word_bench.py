"""Does leaving the word at the cursor out of a request's focus cost retrieval anything? (issue 17)

Since stop 48 the focus of an editor request leaves out the word the cursor is in (router/strategies/rag/focus.py
`focus_of_request`), so the keystrokes into one word share one retrieval. This bench puts cursors inside
identifiers of the indexed repositories' own lines, the line's rest not yet typed, as a developer typing them
would, and retrieves what the server retrieves (dependencies and look-alikes, `RETRIEVED` of each) for:

- the line finished (the whole line in the focus): what the developer is about to have written;
- the fragment: the focus as it read before stop 48, the half-typed word in it;
- the word left out: the focus as it reads now.

For each of the last two, the share of the finished line's hits it finds, over every position; and how often its
hits are the finished line's exactly. Cases are the server bench's repositories (bench/server/cases.py: cloned,
harvested and indexed once, reused); the positions are drawn from each index's own files with a fixed seed.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/typed_word_bench.py --case Textualize/rich --case gin-gonic/gin
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:  # run as a script: the project root, not bench/
    sys.path[0] = str(ROOT)  # (its secrets/ folder would shadow the standard library module numpy imports)

from bench.environment import replaced_environment
from bench.server.cases import WORK, Case, CaseError, repository_case
from bench.server_bench import DOCUMENTS

WORD = re.compile(r"[A-Za-z_$][\w$]{2,}")  # a word of three characters or more: one with a cursor inside it


@dataclass
class Tally:
    """Positions, and for the fragment and the word left out: finished-line hits found, and exact matches."""

    positions: int = 0
    expected: int = 0
    found: tuple[int, int] = (0, 0)
    exact: tuple[int, int] = (0, 0)

    def add(self, finished: set, fragment: set, without: set) -> None:
        self.positions += 1
        self.expected += len(finished)
        self.found = (self.found[0] + len(finished & fragment), self.found[1] + len(finished & without))
        self.exact = (self.exact[0] + (finished == fragment), self.exact[1] + (finished == without))


def hits(retriever, focus) -> set[tuple[str, int, str]]:
    """What the server's retrieval finds for `focus` before packing: its dependencies and its look-alikes."""
    from router.strategies.rag.context import RETRIEVED

    return {(h.path, h.start_line, h.name) for mode in ("deps", "similar")
            for h in retriever.search(focus, RETRIEVED, mode)}


def positions(case: Case, paths: list[str], count: int, seed: int) -> list[tuple[str, str, int, int]]:
    """(path, text, line index, cursor column) inside a word of a line, for `count` random lines."""
    chosen, rng = [], random.Random(seed)
    for _ in range(count * 20):
        path = rng.choice(paths)
        try:
            text = (case.repo / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        lines = text.split("\n")
        number = rng.randrange(len(lines))
        words = list(WORD.finditer(lines[number]))
        if words:
            word = rng.choice(words)
            chosen.append((path, text, number, rng.randrange(word.start() + 1, word.end())))
        if len(chosen) == count:
            break
    return chosen


def measure(case: Case, count: int, seed: int) -> Tally:
    from harvest.classify import language_of
    from harvest.store import Artifacts
    from router.config import load_index_config
    from router.contracts import CompletionRequest
    from router.strategies.rag.focus import Focus, focus_of_request
    from router.strategies.rag.retrieve import Retriever

    retriever = Retriever(Artifacts(case.repo).index, load_index_config(case.repo))
    paths = sorted({retriever.rows.paths.value(i) for i in range(len(retriever.rows))})
    tally = Tally()
    for path, text, number, column in positions(case, paths, count, seed):
        lines = text.split("\n")
        above, line, below = "".join(f"{x}\n" for x in lines[:number]), lines[number], "\n".join(lines[number + 1:])
        language = language_of(path)
        finished = Focus(path, language, above, line + "\n", below)
        fragment = Focus(path, language, above, line[:column] + "\n", below)
        request = CompletionRequest(prefix=above + line[:column], suffix="\n" + below, path=path, language=language)
        tally.add(hits(retriever, finished), hits(retriever, fragment), hits(retriever, focus_of_request(request)))
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", default=[], metavar="OWNER/NAME",
                        help="a repository the server bench prepared (repeatable)")
    parser.add_argument("--positions", type=int, default=200, help="cursors per repository")
    parser.add_argument("--seed", type=int, default=48)
    args = parser.parse_args(argv)
    try:
        cases = [repository_case(name, WORK / "clones", DOCUMENTS.get(name.split("/")[-1], ""))
                 for name in args.case or ["Textualize/rich"]]
    except CaseError as exc:
        print(f"typed_word_bench: {exc}", file=sys.stderr)
        return 1
    print("| repository | positions | finished line's hits found: fragment / word left out | "
          "the same hits: fragment / word left out |\n|---|---|---|---|")
    for case in cases:
        with replaced_environment(case.environment()):
            tally = measure(case, args.positions, args.seed)
        share = [f"{found / max(tally.expected, 1):.1%}" for found in tally.found]
        exact = [f"{same / max(tally.positions, 1):.0%}" for same in tally.exact]
        print(f"| {case.name} | {tally.positions} | {share[0]} / {share[1]} | {exact[0]} / {exact[1]} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
