"""The indexed units' facts as columns, in row order (the order of BM25's documents, of the index's vectors and of
its texts): what `idiom index` writes as `units.json` and what a reader's every request works over.

Columns rather than one JSON object per unit: a reader of a 100k-unit index decoded 100k objects when it opened
the index, then built its columns from them (0.4 s of the language server's first answer); a column decodes
whole. Path, kind and language are kept as each row's number of its value (`Coded`), which is also how a
request compares them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy

UNITS = "units.json"
TEXT_COLUMNS = ("key", "unit", "name")  # a value per row
CODED_COLUMNS = ("path", "kind", "language")  # few distinct values: each row's number of its value
NUMBER_COLUMNS = ("start_line", "end_line", "text_bytes")


@dataclass(frozen=True)
class Coded:
    """A column of strings as numbers: a request compares numbers, where comparing the strings of a 100k-unit
    index took a millisecond a column."""

    codes: numpy.ndarray  # each row's value, as its number
    values: list[str]  # the distinct values, each at its number

    @classmethod
    def of(cls, values: Iterable[str]) -> Coded:
        numbers: dict[str, int] = {}
        codes = numpy.fromiter((numbers.setdefault(v, len(numbers)) for v in values), dtype=numpy.int32)
        return cls(codes, list(numbers))

    @cached_property
    def numbers(self) -> dict[str, int]:
        """Value -> its number."""
        return {value: number for number, value in enumerate(self.values)}

    def value(self, row: int) -> str:
        return self.values[self.codes[row]]

    def equal(self, value: str) -> numpy.ndarray:
        """Which rows hold `value`."""
        return self.codes == self.numbers.get(value, -1)

    def matching(self, test: Callable[[str], bool]) -> numpy.ndarray:
        """Which rows hold a value `test` accepts (asked once per distinct value)."""
        return numpy.array([test(v) for v in self.values], dtype=bool)[self.codes]

    def rows_of(self, value: str) -> numpy.ndarray:
        """The rows that hold `value`, in order."""
        number = self.numbers.get(value)
        if number is None:
            return numpy.zeros(0, dtype=numpy.intp)
        order, bounds = self._groups
        return order[bounds[number]:bounds[number + 1]]

    @cached_property
    def _groups(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        """The rows sorted by their number (in order within one), and where each number's run starts."""
        order = numpy.argsort(self.codes, kind="stable")
        return order, numpy.searchsorted(self.codes[order], numpy.arange(len(self.values) + 1))

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "codes": self.codes.tolist()}

    @classmethod
    def from_json(cls, data: dict[str, Any], rows: int) -> Coded:
        """The column as `to_json` wrote it; ValueError when it is not one of `rows` numbers of its values."""
        values, codes = data["values"], numpy.array(data["codes"], dtype=numpy.int32)
        if not isinstance(values, list) or not set(map(type, values)) <= {str} or codes.shape != (rows,) or \
                (rows and not 0 <= codes.min() <= codes.max() < len(values)):
            raise ValueError("not a number of one of its values per row")
        return cls(codes, values)


@dataclass(frozen=True)
class UnitRows:
    """Each indexed unit's key in the index, id, name, path, kind, language, lines and the length of its text in
    UTF-8 (its span of the index's texts), one column each."""

    keys: list[str]
    units: list[str]
    names: list[str]
    paths: Coded
    kinds: Coded
    languages: Coded
    start_lines: numpy.ndarray
    end_lines: numpy.ndarray
    text_bytes: numpy.ndarray

    @classmethod
    def of(cls, rows: Sequence[dict[str, Any]]) -> UnitRows:
        """The columns of `rows`, each a dict of every column's value."""
        texts = [[row[name] for row in rows] for name in TEXT_COLUMNS]
        coded = [Coded.of(row[name] for row in rows) for name in CODED_COLUMNS]
        numbers = [numpy.array([row[name] for row in rows], dtype=numpy.int64) for name in NUMBER_COLUMNS]
        return cls(*texts, *coded, *numbers)

    def __len__(self) -> int:
        return len(self.keys)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self.row, range(len(self)))

    def row(self, number: int) -> dict[str, Any]:
        """Row `number`'s every column, by name."""
        return {"key": self.keys[number], "unit": self.units[number], "name": self.names[number],
                "path": self.paths.value(number), "kind": self.kinds.value(number),
                "language": self.languages.value(number), "start_line": int(self.start_lines[number]),
                "end_line": int(self.end_lines[number]), "text_bytes": int(self.text_bytes[number])}

    def to_json(self) -> dict[str, Any]:
        return {"key": self.keys, "unit": self.units, "name": self.names, "path": self.paths.to_json(),
                "kind": self.kinds.to_json(), "language": self.languages.to_json(),
                "start_line": self.start_lines.tolist(), "end_line": self.end_lines.tolist(),
                "text_bytes": self.text_bytes.tolist()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitRows:
        """The columns as `to_json` wrote them; KeyError, TypeError or ValueError when they are not."""
        texts = [data[name] for name in TEXT_COLUMNS]
        rows = len(texts[0])
        if any(not isinstance(column, list) or len(column) != rows or not set(map(type, column)) <= {str}
               for column in texts):
            raise ValueError("a column of text is not one string per row")
        coded = [Coded.from_json(data[name], rows) for name in CODED_COLUMNS]
        numbers = [numpy.array(data[name], dtype=numpy.int64) for name in NUMBER_COLUMNS]
        if any(column.shape != (rows,) for column in numbers) or (rows and numbers[-1].min() < 0):
            raise ValueError("a column of numbers is not one number per row (a text length at least 0)")
        return cls(*texts, *coded, *numbers)
