"""The strategies' infill path: an inline request (code around the cursor, no instruction) reaches a code
model's completions endpoint in its family's FIM format, with the strategy's team code (retrieved snippets,
few-shot examples) as commented files in front of the prefix; an instruction still goes to the chat endpoint.
Real index and dataset of the example, the real openai SDK against the local wire stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from router.config import IndexConfig, RouterConfig
from router.contracts import CompletionRequest
from router.strategies.loaded import LoadedStrategies
from tests.router.fake_llm import fake_llm

HASH_INDEX = IndexConfig(embedding_model="hash")


@pytest.mark.parametrize("name", ["rag", "few_shot"])
def test_team_code_goes_above_the_prefix_of_a_fim_prompt(repo: Path, name: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai")
    document = (repo / "src/components/Button/Button.tsx").read_text(encoding="utf-8")
    cut = document.index("  <StyledButton")
    request = CompletionRequest(prefix=document[:cut], suffix=document[cut:], path="src/components/Card/Card2.tsx",
                                language="tsx", max_tokens=24)
    strategies = LoadedStrategies(repo)
    with fake_llm() as (url, script):
        script.text = "  <StyledButton {...rest}>"
        config = RouterConfig(model="starcoder2:3b", base_url=f"{url}/v1", max_retries=0)
        completion = strategies.complete(name, request, config, HASH_INDEX)
        (sent,) = script.requests
        assert sent["path"] == "/v1/completions"
        prompt = sent["body"]["prompt"]
        context, _, code = prompt.removeprefix("<fim_prefix>").partition(document[:cut])
        assert context.startswith("// ") and all(line.startswith("//") for line in context.splitlines() if line)
        assert completion.sources and code.startswith("<fim_suffix>") and prompt.endswith("<fim_middle>")
        assert completion.text == "  <StyledButton {...rest}>" and completion.strategy == name

        script.requests.clear()
        strategies.complete(name, CompletionRequest("Add a size prop", request.prefix, request.suffix,
                                                    request.path, "tsx"), config, HASH_INDEX)
        assert script.requests[0]["path"] == "/v1/chat/completions"
