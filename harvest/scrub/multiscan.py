"""One RE2 pass over a text tells which provider rules can match: the gate between the keyword
prefilter and the per-rule Python regexes (`scrub` runs a provider's regex only when the gate says so).

The provider patterns (Python `re` syntax, `rules/providers.yaml`) are translated into looser RE2
patterns whose matches are a superset of the originals: lookarounds dropped (RE2 has none), counts
longer than CAP relaxed to `{CAP,}` (keeps RE2's automaton small), and `\\w`/`\\d`/`\\s` widened to the
Unicode classes Python gives them. A rule the gate lets through is then confirmed exactly as before by
its own regex and check, so findings are unchanged; the gate only skips regexes that cannot match, and
short keywords (`gh`, `at`, `.`) wake provider rules in most source files without any of them matching.
"""

from __future__ import annotations

import re

import re2

from harvest.scrub.base import Detector

# Python's str classes are Unicode-wide; RE2's Perl classes are ASCII. Widen them so the gate never
# rejects a match the Python regex would find.
_CLASS = {"w": r"\p{L}\p{N}_", "d": r"\p{Nd}", "s": r"\s\x0b\p{Z}\x1c-\x1f\x85"}
_COUNTED = re.compile(r"\{(\d*)(,\d*)?\}")
MAX_MEM = 64 << 20  # RE2 program and DFA budget (the default 8 MB cannot hold the counted repetitions)
CAP = 16  # longest repetition kept exact: longer ones blow up the automaton for little selectivity


def _lookaround_end(pattern: str, start: int) -> int:
    """Index just past the group opened at `start` (escapes and character classes respected)."""
    depth, i, in_class = 0, start, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError(f"unbalanced group in {pattern!r}")


def loosen(pattern: str) -> str:
    """An RE2 pattern matching wherever the Python `pattern` matches (and possibly more)."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            nxt = pattern[i + 1]
            if nxt in _CLASS:
                out.append(_CLASS[nxt] if in_class else f"[{_CLASS[nxt]}]")
            elif nxt in "WDS":
                raise ValueError(f"negated class \\{nxt} in {pattern!r}: the gate cannot widen it")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
            for special in "^]":
                if pattern[i + 1 : i + 2] == special:
                    out.append(special)
                    i += 1
        elif pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = _lookaround_end(pattern, i)
            continue
        elif ch == "{" and (counted := _COUNTED.match(pattern, i)):
            # A long count is kept up to CAP: {35} becomes {16,}, which matches wherever {35} does.
            low = int(counted.group(1) or 0)
            high = counted.group(2)
            if low <= CAP and (high is None or (high != "," and int(high[1:]) <= CAP)):
                out.append(counted.group())
            else:
                out.append(f"{{{min(low, CAP)},}}")
            i = counted.end()
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


class ProviderGate:
    """One RE2 set over the given detectors' patterns, run once on the original text: a rule that scans
    the lower-cased copy is added case-insensitively, which matches wherever it matches that copy."""

    def __init__(self, detectors: tuple[Detector, ...]) -> None:
        options = re2.Options()
        options.max_mem = MAX_MEM
        self._set = re2.Set.SearchSet(options)
        self._owners: list[str] = []
        for detector in detectors:
            for pattern in detector.patterns:
                self._set.Add(("(?i)" if detector.lowered else "") + loosen(pattern.pattern))
                self._owners.append(detector.name)
        self._set.Compile()

    def candidates(self, text: str) -> set[str]:
        """Names of the detectors whose (loosened) patterns match somewhere in `text`."""
        return {self._owners[index] for index in self._set.Match(text) or ()}
