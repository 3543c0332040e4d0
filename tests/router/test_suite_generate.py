"""`idiom suite generate` on a split dataset: enough cases, every kind held out, round-robin over kinds and
files, never a training pair."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from harvest.atomic import write_jsonl
from harvest.config import HarvestConfig
from harvest.dataset.dedup import normalize
from harvest.dataset.split import split_pairs
from harvest.records import Pair
from router.validation.generate import generate_suite, round_robin


def _unit(kind: str, n: int, path: str, language: str = "python") -> Pair:
    name = f"{kind}_{n}"
    body = f"def {name}(value):\n    total = value * {n} + {n * 7}\n    return str(total) + '{kind}'\n"
    return Pair(id=f"{kind}-{n}", kind=kind, language=language, path=path, prompt=f"Write {name} in `{path}`.",
                completion=body, files=(path,), unit=f"{path}#{name}@1")


def _dataset(tmp_path: Path) -> Path:
    pairs = [_unit("function", n, f"src/functions/f{n}.py") for n in range(160)]
    pairs += [_unit("method", n, f"src/models/model{n % 12}.py") for n in range(60)]  # five methods per file
    pairs += [_unit("class", n, f"src/classes/c{n}.py") for n in range(40)]
    pairs += [_unit("hook", n, f"src/hooks/h{n}.py") for n in range(25)]
    pairs += [_unit("test", n, f"tests/test_t{n}.py") for n in range(50)]
    pairs += [_unit("config", n, f"config/c{n}.toml", "toml") for n in range(30)]
    kept, _ = split_pairs(pairs, HarvestConfig())
    folder = tmp_path / "team"
    folder.mkdir()
    write_jsonl(folder / "pairs.jsonl", kept)
    return folder


def test_a_dataset_of_300_code_pairs_yields_30_cases_across_every_kind(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path)
    suite = generate_suite(dataset)
    kinds = Counter(case.kind for case in suite.cases)
    assert 30 <= len(suite.cases) <= 40
    assert set(kinds) == {"function", "method", "class", "hook", "test"}  # config answers are not code
    assert len({case.kind for case in suite.cases[:5]}) == 5  # round-robin, not file order
    methods = [case.path for case in suite.cases if case.kind == "method"]
    assert len(set(methods[:2])) == min(2, len(methods))  # and over files within a kind
    trained = {normalize(p.completion) for p in _read(dataset) if p.split == "train"}
    assert not any(normalize(case.reference) in trained for case in suite.cases)
    assert len(generate_suite(dataset, max_cases=7).cases) == 7


def test_round_robin_takes_one_from_each_in_turn() -> None:
    assert list(round_robin([["a1", "a2", "a3"], ["b1"], [], ["c1", "c2"]])) == ["a1", "b1", "c1", "a2", "c2", "a3"]


def _read(dataset: Path) -> list[Pair]:
    from harvest.records import read_records

    return list(read_records(dataset / "pairs.jsonl", Pair))
