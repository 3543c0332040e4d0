"""FIM training (`idiom train --fim-rate`) on the tiny model, which has FIM tokens of its own, and the example's
dataset with its fim rows: the mix's share, the loss on the middle only, the record and card, the one-line
refusal, and the finetuned strategies answering an inline request in the FIM format only when the promoted
version was trained with it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from harvest.artifacts import read_json_lines
from harvest.store import Artifacts
from router.fim.families import family
from router.strategies.finetuned.fim_data import SENTINEL_ROOM, end_text, fim_example, fitted, mixed
from router.strategies.finetuned.train import train
from server.cli import idiom
from tests.router.test_finetune import tiny_config

TINY = family("tiny")


def _rows(count: int, order: str = "psm") -> list[dict[str, str]]:
    return [{"prefix": f"p{n}", "suffix": f"s{n}", "middle": f"m{n}", "order": order} for n in range(count)]


def test_the_mix_has_the_asked_share_and_the_family_layout() -> None:
    instruction = [{"prompt": f"q{n}", "completion": f"a{n}"} for n in range(30)]
    examples, mix = mixed(instruction, _rows(100), TINY, 0.25, seed=1)
    assert (mix.instruction, mix.fim, mix.as_record()["share"]) == (30, 10, 0.25)
    fim = [e for e in examples if e["prompt"].startswith("<tiny_fim_prefix>")]
    assert len(fim) == 10 and len(examples) == 40 and examples != instruction + fim  # shuffled together
    examples, mix = mixed(instruction, _rows(20), TINY, 0.5, seed=1)  # FIM is short: instructions are drawn down
    assert (mix.instruction, mix.fim) == (20, 20)
    examples, mix = mixed(instruction, _rows(5, "spm"), TINY, 1.0, seed=1)
    assert (mix.instruction, mix.fim, mix.orders) == (0, 5, {"spm": 5})
    assert mixed(instruction, _rows(5), TINY, 0.0, seed=1) == (instruction, mixed(instruction, [], TINY, 0.5, 1)[1])
    psm = fim_example({"prefix": "a = ", "suffix": "\nb", "middle": "f(x)", "order": "psm"}, TINY)
    spm = fim_example({"prefix": "a = ", "suffix": "\nb", "middle": "f(x)", "order": "spm"}, TINY)
    assert psm == {"prompt": "<tiny_fim_prefix>a = <tiny_fim_suffix>\nb<tiny_fim_middle>", "completion": "f(x)</s>"}
    assert spm["prompt"] == "<tiny_fim_prefix><tiny_fim_suffix>\nb<tiny_fim_middle>a = "
    assert end_text(family("codellama")) == " <EOT>" and end_text(family("starcoder")) == "<|endoftext|>"


def test_an_over_long_row_loses_its_outer_lines_and_keeps_its_middle() -> None:
    def characters(texts: list[str]) -> list[int]:
        return [len(t) for t in texts]

    row = {"prefix": "".join(f"p{n}\n" for n in range(10)), "suffix": "".join(f"s{n}\n" for n in range(10)),
           "middle": "mid", "order": "psm"}
    (short,) = fitted([row], SENTINEL_ROOM + 3 + 12, characters)  # room for 12 characters around the middle
    assert short == row | {"prefix": "p7\np8\np9\n", "suffix": "s0\n"}  # 3 characters a line; the suffix gets a quarter
    assert fitted([row], SENTINEL_ROOM + 3 + 60, characters) == [row]
    assert fitted([row], SENTINEL_ROOM + 2, characters) == []  # the middle alone does not fit


def test_only_the_middle_and_end_token_count_in_the_loss(repo: Path, tiny: Path, tmp_path: Path) -> None:
    from transformers import AutoTokenizer

    from router.strategies.finetuned.local import sft_trainer

    dataset = Artifacts(repo).dataset("", option="--dataset")
    middles = {row["middle"] for row in read_json_lines(dataset / "fim" / "train.jsonl", "")}
    # Unpacked and long enough for every example, so each row of the prepared set is one example, whole.
    trainer, record = sft_trainer(tiny_config(tiny, fim_rate=0.5, packing=False, max_length=8192), dataset, tmp_path,
                                  "lora")
    mix = record["train"]
    assert record["family"] == "tiny" and mix["share"] == 0.5 and mix["fim"] == mix["instruction"] > 0
    assert sum(mix["orders"].values()) == mix["fim"] and set(mix["orders"]) == {"psm", "spm"}
    tokenizer = AutoTokenizer.from_pretrained(tiny)
    start = tokenizer.convert_tokens_to_ids("<tiny_fim_prefix>")
    middle = tokenizer.convert_tokens_to_ids("<tiny_fim_middle>")
    rows = [r for r in trainer.train_dataset if start in r["input_ids"]]
    assert len(rows) == mix["fim"] and len(trainer.train_dataset) == mix["fim"] + mix["instruction"]
    psm = 0
    for row in rows:
        ids, counts = row["input_ids"], [label != -100 for label in row["labels"]]
        first = counts.index(True)
        assert all(counts[first:]) and not any(counts[:first]) and first > ids.index(middle)
        counted = tokenizer.decode(ids[first:])
        assert counted.endswith("</s>") and "<tiny_fim" not in counted  # the middle and the end token alone
        if ids[first - 1] == middle:  # PSM: the middle starts right after its sentinel, exactly the row's middle
            psm += 1
            assert tokenizer.decode(ids[first:], skip_special_tokens=True) in middles
    assert psm >= mix["orders"]["psm"]  # SPM rows whose prefix ends on a token boundary count here too


@pytest.mark.slow
def test_a_fim_trained_version_answers_inline_requests_in_its_format(repo: Path, tiny: Path) -> None:
    trained = train(repo, tiny_config(tiny, fim_rate=0.5, max_steps=2, eval_steps=2))
    record = json.loads((Path(trained.folder) / "training.json").read_text())
    assert record["fim"]["family"] == "tiny" and record["fim"]["train"]["share"] == 0.5
    card = (Path(trained.folder) / "README.md").read_text()
    assert "fill-in-the-middle: " in card and "`tiny` family's FIM format" in card
    assert yaml.safe_load(card.split("---")[1])["base_model"] == str(tiny)
    runner = CliRunner()
    listed = runner.invoke(idiom, ["models", "list", "--repo", str(repo)])
    assert "fim 50% (tiny)" in listed.output, listed.output

    def inline(strategy: str = "finetuned") -> dict:
        answer = runner.invoke(idiom, ["generate", "", "--file", "src/components/Button/Button.tsx", "--line", "5",
                                       "--repo", str(repo), "--strategy", strategy, "--max-tokens", "4", "--json"],
                               env={"IDIOM_INDEX_EMBEDDING_MODEL": "hash"})  # as the repo fixture indexed it
        assert answer.exit_code == 0, answer.output
        return json.loads(answer.output)

    served = inline()
    assert served["sources"] == ["acme-web v1 (local)"]
    (prompt,) = served["prompt"]
    assert prompt["role"] == "prompt" and prompt["content"].startswith("<tiny_fim_prefix>")
    assert prompt["content"].endswith("<tiny_fim_middle>")
    # finetuned_rag: the same format, the retrieved team code as commented files above the prefix.
    with_rag = inline("finetuned_rag")
    (prompt,) = with_rag["prompt"]
    assert with_rag["sources"][0] == "acme-web v1 (local)" and len(with_rag["sources"]) > 1
    assert prompt["content"].startswith("<tiny_fim_prefix>// ") and prompt["content"].endswith("<tiny_fim_middle>")

    # A version trained without FIM keeps the instruction prompt for the same request.
    train(repo, tiny_config(tiny, fim_rate=0.0, max_steps=2, eval_steps=2), promote_new=True)
    plain = inline()
    assert plain["sources"] == ["acme-web v2 (local)"]
    assert [m["role"] for m in plain["prompt"]] == ["user"] and "Code before the cursor" in plain["prompt"][0]["content"]
    assert "no fim" in runner.invoke(idiom, ["models", "list", "--repo", str(repo)]).output


def test_fim_training_without_fim_rows_is_a_note_or_with_the_flag_an_error(repo: Path, tiny: Path) -> None:
    dataset = Artifacts(repo).dataset("", option="--dataset")
    (dataset / "fim" / "train.jsonl").write_text("")  # as a dataset harvested with fim = false has none
    runner = CliRunner()
    flags = ["train", str(repo), "--base-model", str(tiny), "--max-steps", "1", "--max-length", "128"]
    refused = runner.invoke(idiom, [*flags, "--fim-rate", "0.5"])
    assert refused.exit_code == 1 and "--fim-rate 0.5: the dataset has no fim rows" in refused.output
    assert "Traceback" not in refused.output and len(refused.output.strip().splitlines()) == 1
    assert not (Artifacts(repo).models / "acme-web" / "v1").exists()
    noted = runner.invoke(idiom, flags)  # the setting's rate, not asked for here: trained without FIM, and said
    assert noted.exit_code == 0, noted.output
    record = json.loads((Artifacts(repo).models / "acme-web" / "v1" / "training.json").read_text())
    assert record["fim"]["family"] == "" and "no fim rows" in record["fim"]["skipped"]
    remote = runner.invoke(idiom, ["train", str(repo), "--backend", "openai", "--fim-rate", "0.3"])
    assert remote.exit_code == 1 and "--fim-rate trains local adapters" in remote.output


def test_the_plan_counts_the_mix(repo: Path) -> None:
    dataset = Artifacts(repo).dataset("", option="--dataset")
    fim = len(read_json_lines(dataset / "fim" / "train.jsonl", ""))
    runner = CliRunner()

    def planned(rate: str) -> dict:
        result = runner.invoke(idiom, ["train", str(repo), "--plan", "--json", "--fim-rate", rate])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    alone, half = planned("0"), planned("0.5")
    assert alone["train_rows"] > fim and half["train_rows"] == 2 * fim  # the instruction pairs drawn down to match
    assert half["train_tokens"] != alone["train_tokens"]
