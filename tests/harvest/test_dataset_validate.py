"""`idiom dataset validate`: OpenAI's format rules, token estimates, cost, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.cli import cli
from harvest.dataset.validate import estimate_tokens, model_facts, models, validate_path
from harvest.errors import InputError
from tests.harvest.pairs_helpers import pair, write_splits


def _chat(assistant: str = "def f():\n    return 1\n") -> dict:
    return {"messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "Write f"},
                         {"role": "assistant", "content": assistant}]}


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_good_file_passes_with_tokens_and_cost(tmp_path: Path) -> None:
    report = validate_path(_write(tmp_path / "train.jsonl", [_chat()] * 60), "gpt-4o-mini-2024-07-18", epochs=3)
    assert report.ok and report.files[0].examples == 60 and not report.files[0].warnings
    price = model_facts("gpt-4o-mini-2024-07-18").training_per_1m
    assert report.billed_tokens == report.train_tokens * 3
    assert report.cost_usd == pytest.approx(report.billed_tokens / 1e6 * price, abs=1e-4)


@pytest.mark.parametrize(("row", "message"), [
    ("{not json", "not valid JSON"),
    ({"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]}, "role 'robot'"),
    (_chat(assistant="  "), "assistant message is empty"),
    ({"prompt_only": 1}, "missing `messages`"),
    ({"messages": [{"role": "user", "content": "only a question"}]}, "no assistant message"),
])
def test_each_rule_names_file_and_line(tmp_path: Path, row, message: str) -> None:
    report = validate_path(_write(tmp_path / "train.jsonl", [_chat()] * 11 + [row]), "gpt-4o-mini-2024-07-18")
    assert not report.ok
    assert any(e.startswith("train.jsonl:12: ") and message in e for e in report.files[0].errors), report.files[0].errors


def test_too_few_examples_and_over_long_examples(tmp_path: Path) -> None:
    small = validate_path(_write(tmp_path / "train.jsonl", [_chat()] * 3), "gpt-4o-mini-2024-07-18")
    assert any("at least 10" in e for e in small.files[0].errors)
    long = validate_path(_write(tmp_path / "train.jsonl", [_chat()] * 10 + [_chat("word " * 500)]),
                         "gpt-4o-mini-2024-07-18", max_tokens=100)
    assert long.ok and long.files[0].over_limit == 1 and "over the 100-token limit" in long.files[0].warnings[0]


def test_a_written_dataset_validates_clean_and_unknown_models_are_named(tmp_path: Path) -> None:
    pairs = [pair(f"def f{n}():\n    return {n}\n", path=f"m{n}.py", split="train" if n < 12 else "test")
             for n in range(15)]
    write_splits(tmp_path / "ds", pairs, "sys")
    report = validate_path(tmp_path / "ds", "gpt-4.1-mini-2025-04-14")
    assert report.ok and {f.format for f in report.files} == {"openai", "trl", "instruct", "empty"}
    with pytest.raises(InputError, match="gpt-4o-mini-2024-07-18"):
        validate_path(tmp_path / "ds", "gpt-9")
    assert all(m.training_per_1m > 0 for m in models().values())


def test_token_estimate_is_in_a_sane_range() -> None:
    code = "def total_price(items, discount=0):\n    return round(sum(i.price for i in items), 2)\n" * 10
    assert len(code) / 6 < estimate_tokens(code) < len(code) / 2
    assert estimate_tokens("hello world") < estimate_tokens("hello world, hello again world")


def test_the_command_exits_by_verdict(tmp_path: Path) -> None:
    good = _write(tmp_path / "train.jsonl", [_chat()] * 12)
    result = CliRunner().invoke(cli, ["dataset", "validate", str(good), "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["ok"] is True
    (tmp_path / "bad").mkdir()
    bad = _write(tmp_path / "bad" / "train.jsonl", ["{"])
    result = CliRunner().invoke(cli, ["dataset", "validate", str(bad)])
    assert result.exit_code == 1 and "not valid JSON" in result.output
