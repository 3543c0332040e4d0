"""Strategies and `idiom generate`: few-shot and RAG prompts, answered by the local tiny model and by
the OpenAI SDK against a local server."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.records import Pair, read_records
from router.config import RouterConfig
from router.contracts import ChatRequest, CompletionRequest, Message
from router.errors import RouterError
from router.providers import provider
from router.strategies.base import Strategy
from router.strategies.few_shot import choose_examples
from router.strategies.registry import REGISTRY, strategy
from server.cli import idiom
from tests.router.fake_llm import fake_llm


def test_the_local_provider_loads_the_tiny_llama_like_codellama(tiny: Path) -> None:
    request = ChatRequest(str(tiny), (Message("user", "def add(a, b):"),), max_tokens=8)
    result = provider("local")(request, RouterConfig(provider="local"))
    assert result.usage.output_tokens <= 8 and result.usage.input_tokens > 3 and result.cost_usd == 0.0
    with pytest.raises(RouterError, match="not a model directory"):
        provider("local")(ChatRequest(str(tiny / "nope"), request.messages), RouterConfig())


def test_few_shot_examples_are_similar_of_the_language_one_per_file_within_budget(acme_dataset: Path) -> None:
    pairs = list(read_records(acme_dataset.with_name("pairs.jsonl"), Pair))
    request = CompletionRequest("Create a React component Tag with props label and tone", language="tsx")
    examples = choose_examples(pairs, request)
    assert examples and all(p.language == "tsx" for p in examples)
    assert len({p.path for p in examples}) == len(examples)
    assert examples[0].kind == "component"
    assert choose_examples(pairs, CompletionRequest("x", language="tsx", budget_tokens=10)) == []


@pytest.mark.parametrize("name", ["few_shot", "rag"])  # finetuned: test_finetune.py
def test_generate_through_the_tiny_model(repo: Path, tiny: Path, name: str) -> None:
    env = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash", "IDIOM_ROUTER_PROVIDER": "local", "IDIOM_ROUTER_MODEL": str(tiny)}
    result = CliRunner().invoke(idiom, ["generate", "Give the tooltip a delay prop", "--repo", str(repo),
                                        "--file", "src/components/Tooltip/Tooltip.tsx", "--strategy", name,
                                        "--max-tokens", "8", "--json"], env=env)
    assert result.exit_code == 0, result.output
    completion = json.loads(result.output)
    assert completion["strategy"] == name and completion["sources"]
    assert completion["usage"]["output_tokens"] <= 8 and completion["prompt"][0]["role"] == "system"
    if name == "rag":
        assert "Code from this repository" in completion["prompt"][-1]["content"]
        sources = completion["sources"]
        # What the file imports (through the @/ alias), then other components, never the file itself.
        assert sources[0].startswith("src/hooks/useDisclosure.ts:") and "import useDisclosure" in sources[0]
        assert any("same role (components/*/*.tsx)" in s for s in sources)
        assert not any(s.startswith("src/components/Tooltip/Tooltip.tsx") for s in sources)
    else:
        assert len(completion["prompt"]) > 3  # examples as user/assistant turns


def test_generate_through_openai_scrubs_the_file_context(repo: Path) -> None:
    secret = "ghp_" + "R8mT2vXq9LzK4wNc7PbJ5sYd3HfG6aQe1UoZ"
    (repo / "src" / "Scratch.tsx").write_text(f"const token = '{secret}';\n")
    try:
        with fake_llm() as (url, script):
            env = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash", "IDIOM_ROUTER_BASE_URL": f"{url}/v1",
                   "OPENAI_API_KEY": "sk-test"}
            result = CliRunner().invoke(idiom, ["generate", "Add a Scratch component", "--repo", str(repo),
                                                "--file", "src/Scratch.tsx", "--strategy", "rag", "--json"], env=env)
            assert result.exit_code == 0, result.output
            assert secret not in json.dumps(script.requests) and secret not in result.output
            assert json.loads(result.output)["cost_usd"] > 0
    finally:
        (repo / "src" / "Scratch.tsx").unlink()


def test_unknown_strategy() -> None:
    with pytest.raises(RouterError, match="valid strategies: few_shot, rag"):
        strategy("vibes")
    assert all(line.summary and isinstance(strategy(line.name), Strategy) for line in REGISTRY)


def test_the_local_provider_applies_a_peft_adapter(tiny: Path, tmp_path: Path) -> None:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    lora = get_peft_model(AutoModelForCausalLM.from_pretrained(tiny),
                          LoraConfig(r=4, target_modules=["q_proj", "v_proj"], task_type="CAUSAL_LM"))
    lora.save_pretrained(tmp_path / "adapter")
    request = ChatRequest(str(tiny), (Message("user", "def add(a, b):"),), max_tokens=4)
    result = provider("local")(request, RouterConfig(provider="local", adapter=str(tmp_path / "adapter")))
    assert result.usage.output_tokens <= 4
    with pytest.raises(RouterError, match="not a PEFT adapter"):
        provider("local")(request, RouterConfig(provider="local", adapter=str(tmp_path)))


def test_rag_can_retrieve_again_with_its_first_draft(repo: Path) -> None:
    with fake_llm() as (url, script):
        script.text = "export const Badge = () => <StyledBadge tone='neutral' />;\n"
        env = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash", "IDIOM_ROUTER_BASE_URL": f"{url}/v1", "OPENAI_API_KEY": "sk-t",
               "IDIOM_ROUTER_RAG_ROUNDS": "2"}
        result = CliRunner().invoke(idiom, ["generate", "Add a pill", "--repo", str(repo), "--strategy", "rag",
                                            "--json"], env=env)
        assert result.exit_code == 0, result.output
        assert len(script.requests) == 2  # a draft, then the answer with what the draft retrieved
        assert any("StyledBadge" in s for s in json.loads(result.output)["sources"])


def test_few_shot_uses_the_indexed_dataset_when_there_are_several(repo: Path, tiny: Path) -> None:
    home = Path(os.environ["IDIOM_HOME"])
    shutil.copytree(home / "datasets" / "acme-web", home / "datasets" / "other")
    env = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash", "IDIOM_ROUTER_PROVIDER": "local", "IDIOM_ROUTER_MODEL": str(tiny)}
    args = ["generate", "Add a Tag", "--repo", str(repo), "--strategy", "few_shot", "--max-tokens", "2"]
    assert CliRunner().invoke(idiom, args, env=env).exit_code == 0
    (home / "index" / "manifest.json").unlink()
    failed = CliRunner().invoke(idiom, args, env=env)
    assert failed.exit_code == 1 and "several datasets" in failed.output


def test_plain_is_the_instruction_alone_through_the_tiny_model_and_openai(repo: Path, tiny: Path) -> None:
    from router.strategies.prompting import SYSTEM, task_text

    args = ["generate", "Give the tooltip a delay prop", "--repo", str(repo), "--file",
            "src/components/Tooltip/Tooltip.tsx", "--strategy", "plain", "--max-tokens", "4", "--json"]
    local = CliRunner().invoke(idiom, args, env={"IDIOM_ROUTER_PROVIDER": "local", "IDIOM_ROUTER_MODEL": str(tiny)})
    assert local.exit_code == 0, local.output
    completion = json.loads(local.output)
    assert completion["strategy"] == "plain" and completion["sources"] == [] and completion["model"] == str(tiny)
    text = (repo / "src/components/Tooltip/Tooltip.tsx").read_text()
    expected = task_text(CompletionRequest("Give the tooltip a delay prop", text, "",
                                           "src/components/Tooltip/Tooltip.tsx", "tsx"))
    assert completion["prompt"] == [{"role": "system", "content": SYSTEM}, {"role": "user", "content": expected}]
    with fake_llm() as (url, script):
        sent = CliRunner().invoke(idiom, args, env={"IDIOM_ROUTER_BASE_URL": f"{url}/v1", "OPENAI_API_KEY": "sk-t"})
        assert sent.exit_code == 0, sent.output
        body = script.requests[-1]["body"]
    assert body["model"] == "gpt-4o-mini" and [m["content"] for m in body["messages"]] == [SYSTEM, expected]
    assert "Code from this repository" not in json.dumps(body)  # no team code: the control
