"""Scrub modes: the numeric knobs that decide a finding, gathered in one value passed to `scrub`.

Two named profiles answer two questions:

- `precise` (the default of `idiom scrub`, a pre-commit gate): flag what is very likely a live credential;
  a false positive blocks a commit, so values must look random.
- `strict` (the default for everything the harvester writes and every prompt sent to a provider): a false
  positive costs one placeholder in a training example, a miss puts a credential in model weights, an
  index or a provider's logs. Any literal of `context_min_length`+ characters in a credential context is
  replaced, long random tokens are replaced wherever they stand (`random-token`), and lines marked
  `pragma: allowlist secret` are scrubbed like any other.

The fields are the thresholds the benchmark's leave-one-source-out grid varies (`bench/scrub_bench.py`);
the defaults below are the values that grid picked, stated in bench/RESULTS.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from harvest.errors import InputError


@dataclass(frozen=True)
class Profile:
    """Thresholds of one scrub mode; detectors read the fields they need."""

    name: str
    password_min_length: int = 4  # shortest literal under a password name that counts as a password
    secret_min_length: int = 10  # shortest random value under a key/token name
    random_floor: float = 2.5  # bits per character a value must reach to look random
    entropy_margin: float = 0.4  # the entropy detector's threshold: a random string's expected entropy minus this
    strict: bool = False  # run the strict-only detectors (any credential-context literal, long random tokens)
    context_min_length: int = 6  # strict: any literal this long in a credential context is replaced
    token_min_length: int = 32  # strict: shortest free-standing random token replaced
    # Leave lines marked `pragma: allowlist secret` alone: a developer's word to a pre-commit scanner about
    # their own file, which vouches for nothing once the text is a training example or leaves the machine.
    honour_pragma: bool = True

    def tuned(self, **knobs: float) -> Profile:
        """A copy with some knobs changed (the benchmark's grid)."""
        return replace(self, **knobs)


PRECISE = Profile("precise")
STRICT = Profile("strict", strict=True, honour_pragma=False)
PROFILES: dict[str, Profile] = {p.name: p for p in (PRECISE, STRICT)}


def profile_named(name: str) -> Profile:
    """The profile called `name`; an unknown name is an `InputError` listing the valid ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise InputError(f"unknown scrub mode {name!r}; valid modes: {', '.join(PROFILES)}") from None
