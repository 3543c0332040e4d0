"""The editor's ghost text routed as `inline`: after `idiom suite generate` and `idiom validate` measured rag
answering the held-out middles and few_shot answering noise (the wire stand-in tells their prompts apart),
the real `idiom serve` asks rag first for an inline completion in a held-out file and offers its answer, and
the decision it sends says `inline`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from lsprotocol import types

from harvest.store import Artifacts
from router.kinds import INLINE
from router.validation.suite import load_suite
from server.cli import idiom
from tests.router.test_inline_validation import stand_in
from tests.server.lsp_client import initialize, open_file, start, until
from tests.server.test_server import inline_params

pytestmark = pytest.mark.slow


async def test_the_language_server_routes_ghost_text_by_the_inline_results(served, monkeypatch):
    settings = {"IDIOM_ROUTER_MODEL": "starcoder2:3b", "IDIOM_ROUTER_EXPLORATION": "0"}
    for key, value in {**settings, "IDIOM_INDEX_EMBEDDING_MODEL": "hash", "OPENAI_API_KEY": "sk-test",
                       "IDIOM_ROUTER_BASE_URL": served.env["IDIOM_ROUTER_BASE_URL"]}.items():
        monkeypatch.setenv(key, value)
    runner = CliRunner()
    assert runner.invoke(idiom, ["suite", "generate", str(served.repo), "--max-cases", "1",
                                 "--max-inline-cases", "20"]).exit_code == 0
    cases = [c for c in load_suite(Artifacts(served.repo).suite).cases if c.kind == INLINE]
    served.script.answer = stand_in(cases)
    done = runner.invoke(idiom, ["validate", str(served.repo), "--strategies", "few_shot,rag", "--json"])
    rows = {(r["strategy"], r["kind"]): r for r in json.loads(done.output)["rows"]}
    assert rows[("rag", INLINE)]["exact_match"] == 1.0 and rows[("few_shot", INLINE)]["exact_match"] == 0.0

    # A developer in a held-out file, at the cursor where a held-out middle was.
    case = next(c for c in cases if c.language in ("typescript", "tsx"))
    text = (served.repo / case.path).read_text(encoding="utf-8")
    start_at = text.index(case.prefix + case.reference + case.suffix) + len(case.prefix)
    document = text[:start_at] + text[start_at + len(case.reference):]
    line = document.count("\n", 0, start_at)
    cursor = types.Position(line, start_at - (document.rfind("\n", 0, start_at) + 1))
    client = await start(served.command, {**served.env, **settings})
    try:
        await initialize(client, served.repo, {"debounceMs": 20, "maxTokens": 64, "strategies": ["few_shot", "rag"]})
        uri = open_file(client, served.repo, case.path, document)
        answer = await client.text_document_inline_completion_async(inline_params(uri, cursor))
        [item] = answer.items
        assert item.insert_text == case.reference
        decision = (await until(lambda: client.decisions))[-1]
        assert decision.kind == INLINE and decision.strategy == "rag" and "20/20" in decision.reason
    finally:
        await client.shutdown_session()
        await client.stop()
