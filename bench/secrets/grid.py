"""Choosing the scrubber's knobs on labelled sources: the grid and the selection rule behind the benchmark's
leave-one-source-out figures and the shipped defaults (`bench/scrub_bench.py`, `harvest/scrub/profile.py`).

The search is one knob at a time: from the mode's defaults, every grid value of every knob the mode reads is
tried with the other knobs held; the best point by the rule below becomes the centre and the step repeats
until the centre stays (or `MAX_ROUNDS` pass). The rule is the issue's target read as a constrained choice:
the best pooled recall among points whose pooled FP rate is within the mode's cap (a point over it ranks by
how far over, so the search walks towards the cap). When the search ends over the cap, the knobs cannot meet
it on those sources (the false positives come from rules the knobs do not touch), and trading recall for a
false positive or two would fit single cases; so the search runs again with the defaults' own FP rate as the
cap: recall may rise, FP may not. Ties go to the point closest to the defaults in grid steps, then to the
lower FP rate. Everything here is pure: the caller supplies the scores.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from harvest.scrub.evaluate import SourceScore
from harvest.scrub.profile import Profile

# A few values per knob around the defaults (each default is in its list; tests check it).
GRID: dict[str, tuple[float, ...]] = {
    "password_min_length": (2, 3, 4, 6, 8),
    "secret_min_length": (6, 8, 10, 12, 16),
    "random_floor": (2.0, 2.25, 2.5, 2.75, 3.0),
    # The margin says which share of truly random tokens pass the entropy check (values.random_threshold):
    # at 0.2, 85-99% of random hex/base62/base64 tokens of 20-64 characters do (fewer when short), at 0.4
    # 98-100%, at 0 only half. Below 0.2 the check stops meaning "random", whatever the labels reward.
    "entropy_margin": (0.2, 0.3, 0.4, 0.5, 0.6),
    "context_min_length": (4, 5, 6, 8, 10),
    "token_min_length": (24, 28, 32, 40, 48),
}
# The knobs each mode reads: the last two only matter to the strict-only detectors.
KNOBS: dict[str, tuple[str, ...]] = {
    "precise": ("password_min_length", "secret_min_length", "random_floor", "entropy_margin"),
    "strict": tuple(GRID),
}
# Issue 16 defines strict as replacing any credential-context literal of 6+ characters and any random token of
# 32+: larger values would stop replacing what the mode exists to replace, so strict's grid stops there.
LIMITS: dict[str, dict[str, float]] = {"strict": {"context_min_length": 6, "token_min_length": 32}}
# Issue 16's FP caps: precise is a pre-commit gate, strict guards training data and prompts.
FP_CAP: dict[str, Fraction] = {"precise": Fraction(5, 100), "strict": Fraction(15, 100)}
MAX_ROUNDS = 3

Scorer = Callable[[Profile], Mapping[str, SourceScore]]


@dataclass(frozen=True)
class Tally:
    """Counts pooled over some sources; rates are exact fractions so equal rates tie exactly."""

    caught: int = 0
    positives: int = 0
    false_positives: int = 0
    negatives: int = 0

    @property
    def recall(self) -> Fraction:
        """Share of positives caught (1 when there are none, as `SourceScore` counts it)."""
        return Fraction(self.caught, self.positives) if self.positives else Fraction(1)

    @property
    def fp_rate(self) -> Fraction:
        """Share of negatives flagged (0 when there are none)."""
        return Fraction(self.false_positives, self.negatives) if self.negatives else Fraction(0)


def pooled(scores: Mapping[str, SourceScore], sources: Iterable[str]) -> Tally:
    """The counts of `sources` added up (pooled recall weighs every case once, not every source)."""
    picked = [scores[s] for s in sources]
    return Tally(sum(s.caught for s in picked), sum(s.positives for s in picked),
                 sum(s.false_positives for s in picked), sum(s.negatives for s in picked))


def distance(profile: Profile, base: Profile, knobs: Iterable[str]) -> int:
    """Grid steps between two profiles, summed over `knobs`."""
    return sum(abs(GRID[k].index(getattr(profile, k)) - GRID[k].index(getattr(base, k))) for k in knobs)


def rank(tally: Tally, steps: int, cap: Fraction) -> tuple[Fraction, Fraction, int, Fraction]:
    """Sort key, smaller is better: FP over the cap, then recall (higher first), distance, FP rate."""
    return (max(Fraction(0), tally.fp_rate - cap), -tally.recall, steps, tally.fp_rate)


def values(mode: str, knob: str) -> tuple[float, ...]:
    """The grid values of `knob` that `mode` may take (its `LIMITS` cut the list)."""
    limit = LIMITS.get(mode, {}).get(knob)
    return tuple(v for v in GRID[knob] if limit is None or v <= limit)


def neighbours(centre: Profile) -> list[Profile]:
    """The centre, then every profile that differs from it in one grid value of a knob its mode reads."""
    out = [centre]
    for knob in KNOBS[centre.name]:
        out += [centre.tuned(**{knob: v}) for v in values(centre.name, knob) if v != getattr(centre, knob)]
    return out


def search(score: Scorer, base: Profile, sources: tuple[str, ...], cap: Fraction, rounds: int = MAX_ROUNDS) -> Profile:
    """The best point under `cap` by `rank`, one knob at a time from `base` until the centre stays."""
    knobs = KNOBS[base.name]
    centre = base
    for _ in range(rounds):
        ranked = [(rank(pooled(score(p), sources), distance(p, base, knobs), cap), i, p)
                  for i, p in enumerate(neighbours(centre))]
        best = min(ranked)[2]  # the index breaks exact ties by grid order, deterministically
        if best == centre:
            break
        centre = best
    return centre


def choose(score: Scorer, base: Profile, sources: Iterable[str], rounds: int = MAX_ROUNDS) -> tuple[Profile, Tally]:
    """The knobs the rule picks on `sources` (see the module's docstring), with their pooled counts there."""
    sources = tuple(sources)
    cap = FP_CAP[base.name]
    chosen = search(score, base, sources, cap, rounds)
    if pooled(score(chosen), sources).fp_rate > cap:
        chosen = search(score, base, sources, max(cap, pooled(score(base), sources).fp_rate), rounds)
    return chosen, pooled(score(chosen), sources)


def changed(profile: Profile, base: Profile) -> str:
    """The knobs `profile` sets differently from `base`, as `name=value`, or `defaults`."""
    diffs = [f"{k}={getattr(profile, k):g}" for k in GRID if getattr(profile, k) != getattr(base, k)]
    return ", ".join(diffs) or "defaults"


@dataclass(frozen=True)
class HeldOut:
    """One leave-one-source-out fold: the knobs chosen on the other sources and their figures on this one."""

    source: str
    chosen: Profile
    train: Tally
    test: SourceScore


def leave_one_source_out(score: Scorer, base: Profile, sources: Iterable[str]) -> list[HeldOut]:
    """For each source, the knobs chosen on the others and that choice measured on it."""
    sources = tuple(sources)
    folds = []
    for held in sources:
        chosen, train = choose(score, base, [s for s in sources if s != held])
        folds.append(HeldOut(held, chosen, train, score(chosen)[held]))
    return folds


def mean(folds: list[HeldOut]) -> tuple[float, float]:
    """(recall, FP rate) averaged over the held-out sources, one vote per source."""
    return (sum(f.test.recall for f in folds) / len(folds), sum(f.test.fp_rate for f in folds) / len(folds))
