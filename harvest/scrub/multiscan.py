"""One RE2 pass over a text tells which detectors can match it: the gates between the keyword prefilter
and the per-rule Python regexes (`scrub` runs a gated detector's regex only when its gate says so).

Two gates, each one RE2 set. The provider gate translates the provider patterns (Python `re` syntax,
`rules/providers.yaml`) into looser RE2 patterns whose matches are a superset of the originals:
lookarounds dropped (RE2 has none), counts longer than CAP relaxed to `{CAP,}` (keeps RE2's automaton
small), and `\\w`/`\\d`/`\\s` widened to cover the Unicode classes Python gives them. Short keywords (`gh`, `at`,
`.`) wake provider rules in most source files without any of them matching. The shape gate holds the
patterns other detectors declare as `gate` (`base.Detector`): `random-token` has no keyword at all and
`high-entropy` wakes on any `=`; each needs a long run of token characters that most texts lack.

A detector a gate lets through is then confirmed exactly as before by its own regex and check, so
findings are unchanged; the gates only skip regexes that cannot match. Both run on the text's UTF-8 bytes,
encoded once (the `re2` module would encode a `str` again on every call).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import re2

from harvest.scrub.base import Detector

# Python's str classes are Unicode-wide; RE2's Perl classes are ASCII. Widen them so the gate never
# rejects a match the Python regex would find: the ASCII members, and every non-ASCII character. The exact
# Unicode classes (`\p{L}\p{N}_`) compile to large UTF-8 automata, copied once per counted repetition: the
# set took 0.25 s to compile, at every start of the editor's server, against 0.01 s now; only a text with
# non-ASCII letters in a token's place wakes a rule the exact class would have left asleep.
_NON_ASCII = r"\x{80}-\x{10FFFF}"
_CLASS = {"w": rf"0-9A-Za-z_{_NON_ASCII}", "d": rf"0-9{_NON_ASCII}", "s": rf"\s\x0b\x1c-\x1f{_NON_ASCII}"}
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


class Gate:
    """One RE2 set of patterns, each owned by a detector (a pattern on the lower-cased copy is added
    case-insensitively, which matches wherever it matches that copy)."""

    def __init__(self, owned: Iterable[tuple[Detector, str]]) -> None:
        options = re2.Options()
        options.max_mem = MAX_MEM
        self._set = re2.Set.SearchSet(options)
        self._owners: list[str] = []
        for detector, pattern in owned:
            self._set.Add(("(?i)" if detector.lowered else "") + pattern)
            self._owners.append(detector.name)
        self._set.Compile()

    @property
    def owners(self) -> frozenset[str]:
        """The names of the detectors this gate decides for."""
        return frozenset(self._owners)

    def found(self, raw: bytes) -> tuple[int, ...]:
        """Which patterns match somewhere in `raw` (a text's UTF-8 bytes), as sorted indices."""
        return tuple(sorted(self._set.Match(raw) or ()))

    def owners_of(self, found: tuple[int, ...]) -> set[str]:
        """Names of the detectors owning the `found` patterns."""
        return {self._owners[index] for index in found}

    def candidates(self, raw: bytes) -> set[str]:
        """Names of the detectors whose gate patterns match somewhere in `raw`."""
        return self.owners_of(self.found(raw))


def provider_gate(providers: Iterable[Detector]) -> Gate:
    """The provider rules' patterns, loosened for RE2."""
    return Gate((detector, loosen(pattern.pattern)) for detector in providers for pattern in detector.patterns)


def shape_gate(detectors: Iterable[Detector]) -> Gate:
    """The gates the other detectors declare, in a set of their own (merged into the provider set, the one
    pass saved was not measurable on 140,713 hunks of sqlalchemy's history)."""
    return Gate((detector, detector.gate) for detector in detectors if detector.gate)
