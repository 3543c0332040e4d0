"""Fine-tuning on the tiny model for real: the plan's counts, the CUDA guard, training, the registry,
resume after a crash, merging, adapter switching and the finetuned strategy."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from harvest.store import Artifacts
from router.config import RouterConfig
from router.contracts import CompletionRequest
from router.errors import TrainingError
from router.strategies.finetuned.config import ALL_LINEAR, ATTENTION, FinetuneConfig
from router.strategies.finetuned.data import split_rows
from router.strategies.finetuned.plan import CODELLAMA, architecture_of
from router.strategies.finetuned.registry import promoted
from router.strategies.finetuned.train import train
from server.cli import idiom


def tiny_config(tiny: Path, **changes: object) -> FinetuneConfig:
    """A few CPU steps that visibly learn: short sequences, a high rate, the output layer trained too."""
    quick = FinetuneConfig(base_model=str(tiny), max_steps=8, eval_steps=4, batch_size=4, gradient_accumulation=1,
                           max_length=256, learning_rate=3e-3, train_lm_head=True, gradient_checkpointing=False,
                           early_stopping_patience=0)
    return dataclasses.replace(quick, **changes)


def test_the_plan_counts_lora_parameters_exactly(tiny: Path) -> None:
    seven = CODELLAMA["7"]
    assert seven.lora_params(ATTENTION, 16) == 16_777_216  # 32 layers × 4 × 16 × (4096 + 4096)
    assert seven.lora_params(ALL_LINEAR, 16) == 39_976_960  # + gate/up 16 × (4096 + 11008), down the same
    assert seven.total_params == 6_738_546_688
    assert CODELLAMA["34"].lora_params(ATTENTION, 8) == 48 * 8 * (2 * 16384 + 2 * (8192 + 1024))  # 8 KV heads
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny, local_files_only=True)
    shapes = architecture_of(str(tiny))
    assert shapes.total_params == sum(p.numel() for p in model.parameters())
    peft = get_peft_model(model, LoraConfig(r=8, target_modules=list(ALL_LINEAR), task_type="CAUSAL_LM"))
    assert shapes.lora_params(ALL_LINEAR, 8) == peft.get_nb_trainable_parameters()[0]


def test_plan_and_the_cuda_guard_load_no_weights(repo: Path) -> None:
    runner = CliRunner()
    planned = runner.invoke(idiom, ["train", str(repo), "--plan", "--json", "--method", "qlora"])
    assert planned.exit_code == 0, planned.output
    facts = json.loads(planned.output)
    assert facts["trainable_params"] == 16_777_216 and facts["method"] == "qlora"
    assert 5 < facts["memory_gb"]["total"] < 14 and facts["train_rows"] > 50 and facts["steps"] >= 1
    refused = runner.invoke(idiom, ["train", str(repo), "--method", "qlora"])
    assert refused.exit_code == 1 and "no CUDA device" in refused.output and "16,777,216" in refused.output
    too_big = runner.invoke(idiom, ["train", str(repo), "--method", "lora"])
    assert too_big.exit_code == 1 and "6.7 B-parameter base is GPU work" in too_big.output
    anthropic = runner.invoke(idiom, ["train", str(repo), "--backend", "anthropic"])
    assert anthropic.exit_code == 1 and "no public fine-tuning API" in anthropic.output


def test_training_registers_a_version_that_serves(repo: Path, tiny: Path) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    trained = train(repo, tiny_config(tiny))
    version = Path(trained.folder)
    assert (trained.name, trained.version, trained.promoted) == ("acme-web", "v1", True)
    assert {"adapter_config.json", "adapter_model.safetensors", "README.md", "training.json",
            "metrics.json"} <= {p.name for p in version.iterdir()}
    metrics = trained.metrics
    assert metrics["steps"] == 8 and [s for s, _ in metrics["eval_loss"]] == [4, 8]
    assert metrics["final_eval_loss"] < metrics["base_eval_loss"]  # it learned something of the team's code
    card = (version / "README.md").read_text()
    front = yaml.safe_load(card.split("---")[1])
    assert front["base_model"] == str(tiny) and front["library_name"] == "peft"
    assert "## Known limitations" in card and "## Cost" in card
    # The base is untouched, the adapter is not zero, and a reload computes the same logits.
    base = AutoModelForCausalLM.from_pretrained(tiny, local_files_only=True)
    before = {k: v.clone() for k, v in base.state_dict().items()}
    tuned = PeftModel.from_pretrained(base, version).eval()
    lora_b = [p for n, p in tuned.named_parameters() if "lora_B" in n]
    assert lora_b and all(p.abs().sum() > 0 for p in lora_b)
    again = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(tiny, local_files_only=True), version).eval()
    import torch

    ids = torch.tensor([[1, 40, 41, 42, 43]])
    with torch.no_grad():
        logits = tuned(ids).logits
        assert torch.equal(logits, again(ids).logits)
        with tuned.disable_adapter():
            base_logits = tuned(ids).logits
    assert not torch.allclose(logits, base_logits)
    assert all(torch.equal(before[k], v) for k, v in AutoModelForCausalLM.from_pretrained(
        tiny, local_files_only=True).state_dict().items())
    # Merged weights give the adapter model's logits.
    merged_dir = repo.parent / "merged"
    runner = CliRunner()
    assert runner.invoke(idiom, ["models", "merge", "acme-web", "v1", str(merged_dir), "--repo", str(repo)]).exit_code == 0
    with torch.no_grad():
        merged = AutoModelForCausalLM.from_pretrained(merged_dir, local_files_only=True)(ids).logits
    assert torch.allclose(merged, logits, atol=1e-4)
    # The strategy answers with it, from a short prompt.
    answer = runner.invoke(idiom, ["generate", "Create a Tag component", "--repo", str(repo), "--strategy",
                                   "finetuned", "--max-tokens", "6", "--json"])
    assert answer.exit_code == 0, answer.output
    completion = json.loads(answer.output)
    assert completion["sources"] == ["acme-web v1 (local)"] and len(completion["prompt"]) == 1


def test_promote_rollback_and_kinds(repo: Path, tiny: Path) -> None:
    train(repo, tiny_config(tiny, max_steps=2, eval_steps=2))
    second = train(repo, tiny_config(tiny, max_steps=2, eval_steps=2, kinds=("component", "styled")))
    folder = Artifacts(repo).models / "acme-web"
    assert second.version == "v2" and not second.promoted and promoted(folder) == "v1"
    runner = CliRunner()
    assert runner.invoke(idiom, ["models", "promote", "acme-web", "v2", "--repo", str(repo)]).exit_code == 0
    listed = json.loads(runner.invoke(idiom, ["models", "list", "--repo", str(repo), "--json"]).output)
    assert [(r["version"], r["promoted"]) for r in listed] == [("v1", False), ("v2", True)]
    assert "v1 is served again" in runner.invoke(idiom, ["models", "rollback", "acme-web", "--repo", str(repo)]).output
    card = (folder / "v2" / "README.md").read_text()
    assert "not trained on: " in card and "component (" in card
    dataset = Path(json.loads(runner.invoke(idiom, ["models", "show", "acme-web", "v2", "--repo", str(repo)]).output)
                   ["config"]["base_model"])
    assert dataset == tiny
    export = runner.invoke(idiom, ["models", "export-vllm", "acme-web", "--repo", str(repo)]).output
    assert "--enable-lora" in export and "acme-web-v2=" in export and 'base_url = "http://127.0.0.1:8000/v1"' in export


def test_resume_continues_an_interrupted_run(repo: Path, tiny: Path) -> None:
    def crash(step: int, total: int) -> None:
        if step == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(repo, tiny_config(tiny), on_step=crash)
    folder = Artifacts(repo).models / "acme-web"
    assert not (folder / "v1").exists()  # nothing half-registered
    assert (folder / "runs" / "v1" / "checkpoints" / "checkpoint-4").is_dir()
    steps: list[int] = []
    resumed = train(repo, tiny_config(tiny), resume=True, on_step=lambda step, total: steps.append(step))
    assert resumed.version == "v1" and steps[0] == 5 and resumed.metrics["steps"] == 8
    assert not (folder / "runs" / "v1").exists()
    with pytest.raises(TrainingError, match="no interrupted run"):
        train(repo, tiny_config(tiny), resume=True)


def test_kinds_select_rows_and_adapters_switch_without_reloading(repo: Path, tiny: Path) -> None:
    from harvest.store import idiom_home
    from router.providers.local import base_model, load

    dataset = idiom_home(repo) / "datasets" / "acme-web"
    everything = split_rows(dataset, "train")
    components = split_rows(dataset, "train", ("component",))
    assert 0 < len(components) < len(everything)
    with pytest.raises(TrainingError, match="no training pairs of kinds nothing"):
        train(repo, tiny_config(tiny, kinds=("nothing",)))
    first = Path(train(repo, tiny_config(tiny, max_steps=2, eval_steps=2)).folder)
    second = Path(train(repo, tiny_config(tiny, max_steps=2, eval_steps=2, seed=7)).folder)
    base_model.cache_clear()
    one, _, _ = load(str(tiny), str(first))
    two, _, _ = load(str(tiny), str(second))
    assert one is two and base_model.cache_info().misses == 1 and len(two.peft_config) == 2


def test_qlora_configuration_and_a_4bit_load_on_cpu(tiny: Path) -> None:
    from transformers import AutoModelForCausalLM

    from router.strategies.finetuned.local import quantization

    config = quantization("qlora")
    assert config.load_in_4bit and config.bnb_4bit_quant_type == "nf4" and config.bnb_4bit_use_double_quant
    assert quantization("lora") is None
    model = AutoModelForCausalLM.from_pretrained(tiny, local_files_only=True, quantization_config=config)
    assert model.is_loaded_in_4bit  # bitsandbytes' CPU backend: a smoke test of the QLoRA load path


def test_the_finetuned_strategy_says_when_nothing_is_promoted(repo: Path) -> None:
    from router.config import IndexConfig
    from router.errors import RouterError
    from router.strategies.loaded import LoadedStrategies

    with pytest.raises(RouterError, match="finetuned: no promoted fine-tuned model; run `idiom train`"):
        LoadedStrategies(repo).complete("finetuned", CompletionRequest("x"), RouterConfig(), IndexConfig())


def test_an_openai_job_through_the_real_sdk(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.router.fake_llm import fake_llm

    with fake_llm() as (url, script):
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("IDIOM_FINETUNE_POLL_SECONDS", "0")
        runner = CliRunner()
        done = runner.invoke(idiom, ["train", str(repo), "--backend", "openai", "--epochs", "2", "--json"])
        assert done.exit_code == 0, done.output
        trained = json.loads(done.output)
        created = next(r["body"] for r in script.requests if r["path"].endswith("/fine_tuning/jobs"))
        assert created["method"]["supervised"]["hyperparameters"] == {
            "n_epochs": 2, "batch_size": "auto", "learning_rate_multiplier": "auto"}
        assert created["training_file"] == "file-1" and created["validation_file"] == "file-2"
        uploaded = script.uploads["file-1"].decode()
        assert '"messages"' in uploaded and "AKIA" not in uploaded  # the scrubbed chat rows went up
        record = json.loads(runner.invoke(idiom, ["models", "show", trained["name"], "--repo", str(repo)]).output)
        assert record["remote_model"] == "ft:gpt-4o-mini-2024-07-18:acme::abc123" and record["job"] == "ftjob-1"
        assert record["cost_usd"] == 0.72  # 240,000 trained tokens × $3.00 per 1M
        assert record["metrics"]["eval_loss"] == [[10, 2.5], [20, 1.25]] and record["metrics"]["events"]
        assert record["system_prompt"]
        # The finetuned strategy now asks OpenAI for that model id, with the training system prompt.
        answer = runner.invoke(idiom, ["generate", "Create a Tag component", "--repo", str(repo),
                                       "--strategy", "finetuned", "--json"])
        assert answer.exit_code == 0, answer.output
        sent = script.requests[-1]["body"]
        assert sent["model"] == "ft:gpt-4o-mini-2024-07-18:acme::abc123" and sent["messages"][0]["role"] == "system"
        script.job_polls, script.job_fails = 2, True
        failed = runner.invoke(idiom, ["train", str(repo), "--backend", "openai"])
        assert failed.exit_code == 1 and "ftjob-1 failed: Too few examples" in failed.output
        assert [v.name for v in (Artifacts(repo).models / "acme-web").glob("v*")] == ["v1"]  # nothing half-registered


def test_a_sweep_records_every_run_and_keeps_the_best(repo: Path, tiny: Path) -> None:
    from router.strategies.finetuned.sweep import sweep_points

    assert sweep_points("lr=1e-4,2e-4 r=8,16") == [
        {"learning_rate": 1e-4, "lora_r": 8}, {"learning_rate": 1e-4, "lora_r": 16},
        {"learning_rate": 2e-4, "lora_r": 8}, {"learning_rate": 2e-4, "lora_r": 16}]
    with pytest.raises(TrainingError, match="KEY=V1,V2"):
        sweep_points("speed=fast")
    trained = train(repo, tiny_config(tiny, max_steps=2, eval_steps=2), sweep="lr=1e-5,3e-3")
    record = json.loads((Path(trained.folder) / "training.json").read_text())
    losses = {run["params"]["learning_rate"]: run["final_eval_loss"] for run in record["sweep"]}
    assert set(losses) == {1e-5, 3e-3}
    assert record["config"]["learning_rate"] == min(losses, key=losses.get)
    assert trained.metrics["final_eval_loss"] == min(losses.values())
    assert not list(Path(trained.folder).glob("trial-*")) and (Path(trained.folder) / "adapter_config.json").is_file()


@pytest.mark.parametrize(("name", "kind"), [("ddp", "MULTI_GPU"), ("fsdp", "FSDP"), ("deepspeed", "DEEPSPEED")])
def test_the_shipped_accelerate_configs_are_accepted(name: str, kind: str) -> None:
    from accelerate.commands.config.config_args import load_config_from_file

    config = load_config_from_file(str(Path(__file__).parents[2] / "examples" / "accelerate" / f"{name}.yaml"))
    assert config.distributed_type.name == kind and config.num_processes == 2


def test_the_entry_point_runs_under_accelerate_launch(repo: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    config = tmp_path / "cpu.yaml"
    config.write_text("compute_environment: LOCAL_MACHINE\ndistributed_type: 'NO'\nnum_processes: 1\n"
                      "num_machines: 1\nmachine_rank: 0\nmixed_precision: 'no'\nuse_cpu: true\n")
    launcher = Path(sys.executable).with_name("accelerate")
    done = subprocess.run([str(launcher), "launch", "--config_file", str(config), "-m", "server", "train", str(repo),
                           "--plan", "--json"], capture_output=True, text=True, env=os.environ | {"HF_HUB_OFFLINE": "1"},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout[done.stdout.index("{"):])["trainable_params"] == 16_777_216


def test_rag_aware_training_leaves_the_targets_files_out_and_finetuned_rag_serves_it(
        repo: Path, tiny: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from harvest.dataset.formats import takes
    from harvest.records import Pair, read_records
    from router.config import load_index_config
    from router.strategies.finetuned.rag_data import rag_prompter
    from router.strategies.rag.context import HEADING, open_index, retrieved
    from router.strategies.rag.focus import focus_of_request

    monkeypatch.setenv("IDIOM_INDEX_EMBEDDING_MODEL", "hash")  # the index the fixture built

    dataset = Artifacts(repo).dataset()
    pairs = [p for p in read_records(dataset / "pairs.jsonl", Pair) if p.split == "train" and takes("trl", p)]
    plain_rows = split_rows(dataset, "train")
    rows = split_rows(dataset, "train", prompter=rag_prompter(repo, 1_000))
    assert len(rows) == len(pairs) == len(plain_rows)
    carried = 0
    for row, before, pair in zip(rows, plain_rows, pairs, strict=True):
        assert row["completion"] == before["completion"] and row["prompt"].endswith(before["prompt"].strip())
        shown = set(re.findall(r"^### (.+?):\d+ \(", row["prompt"], re.MULTILINE))
        assert not shown & {pair.path, *pair.files}, pair.id  # never the target's own file, nor what it reveals
        carried += row["prompt"].startswith(HEADING) and bool(shown)
    assert carried > len(rows) // 2
    # Without the exclusion some targets' files would be retrieved (a test's code under test imports them).
    index = open_index(Artifacts(repo).index, load_index_config(repo))
    assert any({h.path for h in retrieved(index, focus_of_request(CompletionRequest(
        p.prompt, p.context, "", p.path, p.language)), 1_000)} & {p.path, *p.files} for p in pairs)

    runner = CliRunner()
    refused = runner.invoke(idiom, ["train", str(repo), "--rag-context", "--backend", "openai"])
    assert refused.exit_code == 1 and "--rag-context trains local adapters" in refused.output
    trained = train(repo, tiny_config(tiny, rag_context=True, max_length=512))
    record = json.loads((Path(trained.folder) / "training.json").read_text())
    assert record["config"]["rag_context"] is True and record["rag_context_tokens"] == 256
    assert "(RAG-aware): serve it with the finetuned_rag strategy" in (Path(trained.folder) / "README.md").read_text()
    # finetuned_rag: the adapter on its base, the prompt it was trained on (the user turn alone, code in front).
    args = ["generate", "Give the tooltip a delay prop", "--repo", str(repo), "--file",
            "src/components/Tooltip/Tooltip.tsx", "--strategy", "finetuned_rag", "--max-tokens", "6", "--json"]
    answer = runner.invoke(idiom, args)
    assert answer.exit_code == 0, answer.output
    completion = json.loads(answer.stdout)
    assert completion["strategy"] == "finetuned_rag" and completion["model"] == str(tiny)
    assert [m["role"] for m in completion["prompt"]] == ["user"]
    assert completion["prompt"][0]["content"].startswith(HEADING)
    assert completion["sources"][0] == "acme-web v1 (local)" and len(completion["sources"]) > 1
    assert not any(s.startswith("src/components/Tooltip/Tooltip.tsx") for s in completion["sources"])
    assert "not trained with retrieved code" not in caplog.text
    # A version trained without the option still serves, with one warning per version.
    second = train(repo, tiny_config(tiny, max_steps=2, eval_steps=2), promote_new=True)
    assert "prompts carried no retrieved code" in (Path(second.folder) / "README.md").read_text()
    for _ in range(2):
        assert runner.invoke(idiom, args).exit_code == 0
    assert caplog.text.count("acme-web v2 was not trained with retrieved code") == 1
