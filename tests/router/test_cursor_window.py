"""The code the editor's request sends around the cursor is cut as the `fim` pairs a model trains on are cut:
at the cursor of every fim pair of a real four-language repository, the window is the pair's prefix and
suffix, for the default budget and a small one; a secret the cut would split is still scrubbed."""

from __future__ import annotations

import base64
import dataclasses
import random

from harvest.config import HarvestConfig
from harvest.dataset.validate import estimate_tokens
from router.config import RouterConfig
from router.contracts import CompletionRequest
from router.fim.prompt import prompt_for
from router.fim.window import CONTEXT_CHARS, cursor_window
from router.strategies.prompting import task_text
from tests.harvest.test_fim import _fim, _sources, polyglot  # noqa: F401 - polyglot is a fixture


def test_the_window_at_each_fim_cursor_is_the_pairs_prefix_and_suffix(polyglot) -> None:  # noqa: F811
    _, harvest = polyglot
    texts = {path: record.text for path, record in _sources(harvest, HarvestConfig()).files.items()}
    for budget in (HarvestConfig().fim_context_tokens, 40):
        pairs = _fim(harvest, HarvestConfig(fim_context_tokens=budget))
        assert len(pairs) > 100
        for pair in pairs:
            text = texts[pair.path]
            start = text.index(pair.prefix + pair.completion + pair.suffix) + len(pair.prefix)
            cursor = text[:start], text[start + len(pair.completion):]
            assert cursor_window(*cursor, budget) == (pair.prefix, pair.suffix), pair.id


def test_the_budget_is_the_router_setting_and_both_prompt_shapes_use_it() -> None:
    lines = [f"value_{n} = compute_{n}(value_{n - 1}, factor={n})\n" for n in range(400)]
    prefix, suffix = "".join(lines[:300]) + "result = ", "\n" + "".join(lines[300:])
    request = CompletionRequest("", prefix, suffix, path="calc.py", language="python")
    small = RouterConfig(provider="openai", model="starcoder2:3b", context_tokens=200)
    infill = prompt_for(request, small).infill
    assert (infill.prefix, infill.suffix) == cursor_window(prefix, suffix, 200)
    assert estimate_tokens(infill.prefix + infill.suffix) <= 200 < estimate_tokens(prefix)
    assert infill.prefix.endswith("result = ") and infill.suffix.startswith("\n")
    assert estimate_tokens(infill.suffix) <= 200 // 4
    asked = task_text(dataclasses.replace(request, instruction="Finish the sum"), 200)
    assert infill.prefix in asked and infill.suffix.strip() in asked and lines[0] not in asked


def test_a_one_line_file_goes_by_characters_and_a_key_cut_by_the_budget_is_scrubbed() -> None:
    minified = "var a=1;" * 5_000
    prefix, suffix = cursor_window(minified, minified)
    assert len(prefix) == len(suffix) == CONTEXT_CHARS
    # A 150-token window above the cursor starts inside the key, below its BEGIN line.
    rows = [base64.b64encode(random.Random(row).randbytes(48)).decode() for row in range(30)]
    code = ('KEY = """-----BEGIN PRIVATE KEY-----\n' + "\n".join(rows) + '\n-----END PRIVATE KEY-----"""\n\n'
            + "".join(f"PORT_{n} = {8000 + n}\n" for n in range(5)))
    window = cursor_window(code, "", 150)[0]
    assert "BEGIN" not in window and window.endswith("PORT_4 = 8004\n")
    assert not any(row in window for row in rows)
