"""Click types for flags that override a setting: the setting's own type and range (harvest/config.py
`setting(low=, high=)`), so `--max-commits -5` is refused at the flag exactly as `max_commits = -5` is
refused in idiom.toml, from one statement of the range."""

from __future__ import annotations

import dataclasses
import math
import typing

import click


class FiniteFloatRange(click.FloatRange):
    """A float range that also refuses nan and infinity (click's range lets nan through every bound)."""

    def convert(self, value: typing.Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number


def setting_type(section: type, name: str) -> click.ParamType:
    """`click.IntRange` or a finite float range bounded like field `name` of the settings dataclass `section`."""
    spec = {f.name: f for f in dataclasses.fields(section)}[name]
    low, high = spec.metadata.get("low"), spec.metadata.get("high")
    hint = typing.get_type_hints(section)[name]
    if hint is int:
        return click.IntRange(min=low, max=high)
    if hint is float:
        return FiniteFloatRange(min=low, max=high)
    raise TypeError(f"{section.__name__}.{name} is {hint}, not a number")
