"""Providers through the real OpenAI and Anthropic SDKs, over real HTTP, to a local server."""

from __future__ import annotations

import pytest

from router.config import RouterConfig
from router.contracts import ChatRequest, Message, Usage
from router.errors import RouterError
from router.providers import PROVIDERS, open_client, provider
from router.providers.base import cost
from router.providers.errors import FAILURES, ProviderError
from tests.router.fake_llm import fake_llm

AWS_KEY = "AKIA" + "Z7Q2R4T6Y3W3K5M7"
REQUEST = ChatRequest("gpt-4o-mini", (Message("system", "You write code like the team."),
                                      Message("user", f"Add a Button. My key is {AWS_KEY}")), max_tokens=64)


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with fake_llm() as (url, script):
        yield url, script


def test_openai_answers_with_usage_cost_latency_and_no_secret_leaves(server) -> None:
    url, script = server
    result = provider("openai")(REQUEST, RouterConfig(base_url=f"{url}/v1", max_retries=0))
    assert result.text == script.text and (result.usage.input_tokens, result.usage.output_tokens) == (120, 30)
    assert result.cost_usd == pytest.approx(120 / 1e6 * 0.15 + 30 / 1e6 * 0.60)
    assert result.latency_s > 0
    (sent,) = script.requests
    assert sent["path"] == "/v1/chat/completions"
    assert sent["headers"]["authorization"] == "Bearer sk-test-openai"
    assert AWS_KEY not in str(sent["body"]) and AWS_KEY not in str(result.sent)
    assert sent["body"]["messages"][0] == {"role": "system", "content": "You write code like the team."}


def test_anthropic_sends_the_system_prompt_apart(server) -> None:
    url, script = server
    request = ChatRequest("claude-haiku-4-5", REQUEST.messages, stop=("\n\n\n",))
    result = provider("anthropic")(request, RouterConfig(provider="anthropic", base_url=url, max_retries=0))
    (sent,) = script.requests
    assert sent["path"] == "/v1/messages" and sent["body"]["system"] == "You write code like the team."
    assert [m["role"] for m in sent["body"]["messages"]] == ["user"] and sent["body"]["stop_sequences"] == ["\n\n\n"]
    assert "x-api-key" in sent["headers"] or "authorization" in sent["headers"]
    assert AWS_KEY not in str(sent["body"])
    assert (result.usage.input_tokens, result.usage.output_tokens) == (200, 40) and result.cost_usd > 0


@pytest.mark.parametrize("name", ["openai", "anthropic"])
def test_rate_limits_and_server_errors_are_retried(server, name: str) -> None:
    url, script = server
    script.replies = [(429, 0.0), (500, 0.0)]
    config = RouterConfig(provider=name, base_url=f"{url}/v1" if name == "openai" else url, max_retries=2)
    assert PROVIDERS[name](REQUEST, config).text == script.text
    assert len(script.requests) == 3


@pytest.mark.parametrize(("status", "failure"), [(401, "auth"), (400, "bad-request"), (404, "not-found"),
                                                 (429, "rate-limit")])
def test_failures_are_named_and_not_retried_when_pointless(server, status: int, failure: str) -> None:
    url, script = server
    script.replies = [(status, 0.0)] * 3
    with pytest.raises(ProviderError) as caught:
        provider("openai")(REQUEST, RouterConfig(base_url=f"{url}/v1", max_retries=1))
    assert caught.value.failure is FAILURES[failure]
    assert len(script.requests) == (2 if FAILURES[failure].retry else 1)


def test_timeouts_are_enforced(server) -> None:
    url, script = server
    script.replies = [(200, 2.0)]
    with pytest.raises(ProviderError, match="no answer within"):
        provider("openai")(REQUEST, RouterConfig(base_url=f"{url}/v1", timeout=0.3, max_retries=0))


@pytest.mark.parametrize("name", ["openai", "anthropic"])
def test_a_client_opened_ahead_is_the_one_the_first_call_uses(server, name: str) -> None:
    import importlib

    url, script = server
    module = importlib.import_module({"openai": "router.providers.openai_chat",
                                      "anthropic": "router.providers.anthropic_messages"}[name])
    module._client.cache_clear()
    config = RouterConfig(provider=name, model="gpt-4o-mini" if name == "openai" else "claude-sonnet-4-5",
                          base_url=f"{url}/v1" if name == "openai" else url, max_retries=0)
    open_client(config)  # what the language server does after `initialized`
    assert module._client.cache_info().currsize == 1 and script.requests == []  # opened, nothing sent
    provider(name)(REQUEST, config)
    assert module._client.cache_info().hits == 1 and len(script.requests) == 1
    open_client(RouterConfig(provider="local"))  # nothing to open: its model loads on the first request


def test_missing_keys_and_unknown_providers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(RouterError, match="OPENAI_API_KEY is not set"):
        provider("openai")(REQUEST, RouterConfig())
    with pytest.raises(RouterError, match="ANTHROPIC_API_KEY is not set"):
        provider("anthropic")(REQUEST, RouterConfig())
    with pytest.raises(RouterError, match="ANTHROPIC_API_KEY is not set"):  # the server's head start says nothing
        open_client(RouterConfig(provider="anthropic"))
    with pytest.raises(RouterError, match="valid providers: openai, anthropic"):
        provider("bard")
    assert cost("no-such-model", Usage(1, 1)) is None


def test_registry_is_documented() -> None:
    assert set(PROVIDERS) == {"openai", "anthropic", "local"}  # local: tests/router/test_generate.py
    assert all(p.__doc__ for p in PROVIDERS.values())


def test_prices_can_be_overridden_and_self_hosted_models_cost_by_the_hour(tmp_path) -> None:
    models = tmp_path / "models.yml"
    models.write_text("gpt-4o-mini: {provider: openai, context: 128000, input_per_1m: 1.0, output_per_1m: 2.0}\n"
                      "codellama-7b: {provider: local, context: 16384, gpu_hour: 3.6}\n")
    assert cost("gpt-4o-mini", Usage(1_000_000, 1_000_000), models_file=str(models)) == 3.0
    assert cost("codellama-7b", Usage(10, 10), latency_s=2.0, models_file=str(models)) == pytest.approx(0.002)
    models.write_text("- not a mapping\n")
    with pytest.raises(RouterError, match="expected model names"):
        cost("x", Usage(), models_file=str(models))
