"""Infill requests end to end: the family table, the prompt the strategies get from `prompt_for`, the
OpenAI SDK's completions and chat paths against the local wire stand-in, the local provider with the tiny
model's FIM tokens, and the answer trimmed of fences and of the suffix written again."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvest.errors import ConfigError
from router.config import RouterConfig
from router.contracts import CompletionRequest
from router.errors import RouterError
from router.fim.comments import commented
from router.fim.families import families, family, family_of_model, family_of_vocabulary
from router.fim.fragments import CURSOR, suffix_stop, trim_answer
from router.fim.layout import Snippet, context_header, fim_text
from router.fim.prompt import INFILLING_PROVIDERS, is_infill, prompt_for
from router.providers import PROVIDERS, load_router_config, provider
from router.strategies.plain import plain
from tests.router.fake_llm import fake_llm

AWS_KEY = "AKIA" + "Z7Q2R4T6Y3W3K5M7"
REQUEST = CompletionRequest(prefix="def total(items):\n    ", suffix="\n    return result\n", path="shop/cart.py",
                            language="python", max_tokens=32)


@pytest.mark.parametrize(("model", "expected"), [
    ("codellama:7b-code", "codellama"), ("codellama/CodeLlama-13b-hf", "codellama"),
    ("bigcode/starcoder2-3b", "starcoder"), ("starcoder2:7b", "starcoder"),
    ("qwen2.5-coder:1.5b-base", "qwen-coder"), ("Qwen/Qwen2.5-Coder-7B", "qwen-coder"),
    ("deepseek-coder:6.7b-base", "deepseek-coder"), ("gpt-4o-mini", "chat"), ("claude-haiku-4-5", "chat"),
    ("o3-mini", "chat"), ("llama3.1:8b", "chat"),
])
def test_model_names_map_to_families(model: str, expected: str) -> None:
    assert family_of_model(model).name == expected


def test_unknown_family_names_list_the_valid_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(RouterError, match="valid families: codellama, starcoder"):
        family("gpt")
    monkeypatch.setenv("IDIOM_ROUTER_FIM_FAMILY", "gpt")
    with pytest.raises(ConfigError, match="FIM_FAMILY must be one of auto, codellama"):
        load_router_config(tmp_path)


def test_context_is_commented_in_the_files_language() -> None:
    snippets = [Snippet("shop/money.py", "def cents(x):\n\n    return round(x * 100)\n")]
    assert context_header(snippets, "python") == \
        "# shop/money.py:\n# def cents(x):\n#\n#     return round(x * 100)\n\n"
    assert context_header(snippets, "typescript").startswith("// shop/money.py:\n// def cents(x):\n//\n")
    assert commented("a {}\n\nb", "css") == "/* a {} */\n/* */\n/* b */"
    assert context_header([], "python") == ""


def test_the_layout_puts_context_before_the_prefix_and_leaves_slot_lookalikes_alone() -> None:
    text = fim_text(family("starcoder"), "s = '{suffix}'\n", "\nprint(s)", "# other.py:\n# x = 1\n\n")
    assert text == "<fim_prefix># other.py:\n# x = 1\n\ns = '{suffix}'\n<fim_suffix>\nprint(s)<fim_middle>"
    with pytest.raises(ValueError, match="no FIM layout"):
        fim_text(family("chat"), "a", "b")


def test_the_tiny_models_tokenizer_has_its_own_family(tiny: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny, local_files_only=True)
    assert family_of_vocabulary(tokenizer.get_vocab()) == family("tiny")
    ids = tokenizer(fim_text(family("tiny"), "x = ", "\n"), add_special_tokens=False)["input_ids"]
    assert tokenizer.convert_tokens_to_ids(["<tiny_fim_prefix>", "<tiny_fim_suffix>", "<tiny_fim_middle>"]) == \
        [ids[0], ids[ids.index(tokenizer.convert_tokens_to_ids("<tiny_fim_suffix>"))], ids[-1]]
    assert family_of_vocabulary({"def": 1, "<s>": 0}) is None


def test_an_infill_request_is_code_around_the_cursor_and_no_instruction() -> None:
    assert is_infill(REQUEST)
    assert not is_infill(CompletionRequest("Add a tax line", REQUEST.prefix, REQUEST.suffix))
    assert not is_infill(CompletionRequest())
    assert INFILLING_PROVIDERS <= set(PROVIDERS)


def test_chat_models_get_the_fragment_instruction_and_a_stop_at_the_next_line() -> None:
    chat = prompt_for(REQUEST, RouterConfig(model="gpt-4o-mini"), [Snippet("shop/tax.py", "RATE = 0.2")])
    assert chat.infill is None and chat.stop == ("\n    return result",)
    system, user = chat.messages
    assert "no Markdown fences" in system.content and CURSOR in system.content
    assert user.content.startswith("File: shop/cart.py\n```\n# shop/tax.py:\n# RATE = 0.2\n\ndef total(items):\n    "
                                   f"{CURSOR}\n    return result\n")
    for config in (RouterConfig(provider="anthropic", model="claude-haiku-4-5"),
                   RouterConfig(model="codellama:7b-code", fim_endpoint="chat"),
                   RouterConfig(model="qwen2.5-coder:7b", fim_family="chat")):
        assert prompt_for(REQUEST, config).infill is None


def test_code_models_get_an_infill_for_the_completions_path() -> None:
    chat = prompt_for(REQUEST, RouterConfig(model="qwen2.5-coder:1.5b-base", base_url="http://x/v1"))
    assert chat.infill is not None and chat.messages  # the fragment messages stay as the fallback
    assert (chat.infill.family, chat.infill.endpoint, chat.infill.order) == ("qwen-coder", "raw", "psm")
    assert (chat.infill.prefix, chat.infill.suffix) == (REQUEST.prefix, REQUEST.suffix)
    assert prompt_for(REQUEST, RouterConfig(model="llama3", fim_family="starcoder")).infill.family == "starcoder"
    assert prompt_for(REQUEST, RouterConfig(provider="local", model="/models/any")).infill.family == ""
    assert prompt_for(REQUEST, RouterConfig(provider="local", model="/m", fim_family="codellama")).infill.family \
        == "codellama"
    with pytest.raises(RouterError, match="no server is known to take a suffix for the deepseek-coder family"):
        prompt_for(REQUEST, RouterConfig(model="deepseek-coder:6.7b", fim_endpoint="suffix"))


def test_a_suffix_endpoint_the_family_cannot_take_stops_at_loading(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    (tmp_path / "idiom.toml").write_text('[router]\nmodel = "deepseek-coder:6.7b-base"\nfim_endpoint = "suffix"\n')
    with pytest.raises(ConfigError, match=r"^\[router\] fim_endpoint \"suffix\": no server .* use \"raw\"$"):
        load_router_config(tmp_path)
    monkeypatch.setenv("IDIOM_ROUTER_MODEL", "gpt-4o-mini")  # a chat model never uses the endpoint
    assert load_router_config(tmp_path).fim_endpoint == "suffix"


def test_suffix_stop_is_the_next_whole_line() -> None:
    assert suffix_stop("f(", ")\n    total += 1\n") == ("\n    total += 1",)
    assert suffix_stop("x = 1", "\n\n}\n") == ("\n}",)
    assert suffix_stop("x = 1\n", "y = 2\n") == ("\ny = 2",)  # at the start of a line, that line is whole
    assert suffix_stop("x", "") == suffix_stop("x", "only this line") == ()


@pytest.mark.parametrize(("answer", "prefix", "suffix", "kept"), [
    ("```python\nresult = sum(items)\n```", "def f():\n    ", "\n    return result\n", "result = sum(items)"),
    ("result = sum(items)\n    return result", "def f():\n    ", "\n    return result\n", "result = sum(items)"),
    ("bar()", "x = foo(", ")\n", "bar()"),  # a closing bracket the answer needs is not the suffix's
    ("  if a:\n    b()\n  }\n  return c;\n}", "function f() {\n", "}\n", "  if a:\n    b()\n  }\n  return c;\n"),
    ("    return result\n", "def f():\n", "    return result\n", ""),
    ("a = 1\nprint(a)", "x = 0\n", "y = 2\n", "a = 1\nprint(a)"),
    ("```\n", "Usage:\n```bash\n", "\n", "```\n"),  # a file with fences of its own keeps the answer's
])
def test_answers_are_trimmed_of_fences_and_the_suffix_again(answer: str, prefix: str, suffix: str,
                                                           kept: str) -> None:
    assert trim_answer(answer, prefix, suffix) == kept


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai")
    with fake_llm() as (url, script):
        yield url, script


def test_a_fim_server_gets_the_familys_raw_prompt_on_the_completions_endpoint(server) -> None:
    url, script = server
    request = CompletionRequest(prefix=f"KEY = '{AWS_KEY}'\ndef f(a):\n    ", suffix="\n    return a\n",
                                path="m.py", max_tokens=16)
    script.text = "a += 1"
    config = RouterConfig(model="codellama:7b-code", base_url=f"{url}/v1", max_retries=0)
    completion = plain(request, config)
    (sent,) = script.requests
    assert sent["path"] == "/v1/completions" and "suffix" not in sent["body"]
    prompt = sent["body"]["prompt"]
    assert prompt.startswith("<PRE> KEY = '") and prompt.endswith("def f(a):\n     <SUF>\n    return a\n <MID>")
    assert AWS_KEY not in prompt and AWS_KEY not in str(completion.prompt)
    assert sent["body"]["stop"] == ["<EOT>", "\n    return a"] and sent["body"]["max_tokens"] == 16
    assert (completion.text, completion.strategy, completion.usage.input_tokens) == ("a += 1", "plain", 90)
    assert completion.prompt[0].role == "prompt" and completion.prompt[0].content == prompt


def test_the_suffix_endpoint_leaves_the_template_to_the_server(server) -> None:
    url, script = server
    config = RouterConfig(model="qwen2.5-coder:1.5b", base_url=f"{url}/v1", fim_endpoint="suffix", max_retries=0)
    context = [Snippet("shop/tax.py", "RATE = 0.2")]
    chat = prompt_for(REQUEST, config, context)
    provider("openai")(chat, config)
    (sent,) = script.requests
    assert sent["body"]["prompt"] == "# shop/tax.py:\n# RATE = 0.2\n\n" + REQUEST.prefix
    assert sent["body"]["suffix"] == REQUEST.suffix and "<|fim_prefix|>" not in str(sent["body"])


def test_a_chat_model_answers_a_fragment_and_loses_its_fences_and_the_repeated_suffix(server) -> None:
    url, script = server
    script.text = "```python\nresult = sum(i.price for i in items)\n    return result\n```"
    completion = plain(REQUEST, RouterConfig(model="gpt-4o-mini", base_url=f"{url}/v1", max_retries=0))
    (sent,) = script.requests
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["stop"] == ["\n    return result"]
    assert completion.text == "result = sum(i.price for i in items)"


def test_an_instruction_still_goes_to_the_chat_endpoint(server) -> None:
    url, script = server
    request = CompletionRequest("Add a discount argument", REQUEST.prefix, REQUEST.suffix, REQUEST.path)
    plain(request, RouterConfig(model="codellama:7b-code", base_url=f"{url}/v1", max_retries=0))
    assert script.requests[0]["path"] == "/v1/chat/completions"


def test_the_local_provider_infills_with_the_tiny_models_tokens(tiny: Path) -> None:
    config = RouterConfig(provider="local", model=str(tiny))
    completion = plain(CompletionRequest(prefix="def add(a, b):\n    ", suffix="\n", path="m.py", max_tokens=8),
                       config)
    (sent,) = completion.prompt
    assert sent.content == "<tiny_fim_prefix>def add(a, b):\n    <tiny_fim_suffix>\n<tiny_fim_middle>"
    assert completion.model == str(tiny) and completion.usage.output_tokens <= 8
    assert not any(token in completion.text for token in family("tiny").stop)


def test_every_family_is_a_config_choice() -> None:
    from dataclasses import fields

    (spec,) = [f for f in fields(RouterConfig) if f.name == "fim_family"]
    assert spec.metadata["choices"] == ("auto", *families())
