"""Limited mode: an editor that has not trusted the workspace sends `trusted: false`. The real server
then only checks conventions, and a local fake provider (also standing in for the index server) that
counts every request proves nothing left the machine."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from server.lsp.protocol import UNTRUSTED
from server.lsp.trust import trusted_from
from tests.server.lsp_client import end_of, initialize, open_file, start, until
from tests.server.test_server import SPEC, inline_params

BUTTON = "src/components/Button/Button.tsx"


@pytest.mark.slow
async def test_an_untrusted_workspace_only_checks_conventions(served):
    url = served.env["IDIOM_ROUTER_BASE_URL"]
    served.env["IDIOM_INDEX_URL"] = url  # a retrieval call would show up as a request too
    client = await start(served.command, served.env)
    try:
        await initialize(client, served.repo, {"debounceMs": 20, "providerBaseUrl": url, "indexUrl": url},
                         trusted=False)
        await until(lambda: any("not trusted" in m.message for m in client.log_messages))

        # Conventions are checked: diagnostics, idiom.validateFile.
        spec = open_file(client, served.repo, "src/components/Button/Button.spec.tsx", SPEC)
        [diagnostic] = [d for d in await until(lambda: client.diagnostics.get(spec)) if d.code == "specs-use-it-not-test"]
        validated = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            "idiom.validateFile", [{"uri": spec}]))
        assert [v["rule"] for v in validated["violations"]] == ["specs-use-it-not-test"]
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(spec), range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic])))
        assert not actions  # no "Ask Idiomatic to fix"

        # No suggestion, whatever asks for one; the decision says why.
        text = (served.repo / BUTTON).read_text()
        uri = open_file(client, served.repo, BUTTON)
        for trigger in types.InlineCompletionTriggerKind:
            assert not (await client.text_document_inline_completion_async(
                inline_params(uri, end_of(text), trigger))).items
        assert not (await client.text_document_completion_async(types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri), position=end_of(text)))).items
        assert "the workspace is not trusted" in client.decisions[-1].reason and not client.decisions[-1].answered
        explained = await client.workspace_execute_command_async(types.ExecuteCommandParams(
            "idiom.explain", [{"uri": uri}]))
        assert "Manage Workspace Trust" in explained["reason"]

        # The commands that would reach a provider, the index or the request log say how to trust.
        for command, argument in [("idiom.generate", {"uri": uri, "instruction": "Create a ButtonGroup"}),
                                  ("idiom.reindex", {}), ("idiom.report", {}),
                                  ("idiom.feedback", {"requestId": 1, "outcome": "accepted"})]:
            with pytest.raises(JsonRpcException) as refused:
                await client.workspace_execute_command_async(types.ExecuteCommandParams(command, [argument]))
            assert refused.value.code == UNTRUSTED, command
            assert refused.value.message == (
                f"{command}: the workspace is not trusted, so Idiomatic only checks conventions here; trust the "
                f"workspace to use it (VS Code: Manage Workspace Trust; Neovim: :IdiomTrust)")

        # A later configuration change cannot raise trust.
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"trusted": True}))
        await until(lambda: any("trusted is only read from initialize" in m.message for m in client.log_messages))
        assert not (await client.text_document_inline_completion_async(inline_params(
            uri, end_of(text), types.InlineCompletionTriggerKind.Invoked))).items
        assert not client.edits
        assert served.script.requests == []  # nothing reached the provider or the index server
    finally:
        await client.shutdown_session()
        await client.stop()


@pytest.mark.parametrize("options, trusted, problem", [
    (None, True, ""), ({}, True, ""), ({"trusted": True}, True, ""), ({"trusted": False}, False, ""),
    ({"trusted": "yes"}, False, "trusted must be true or false, not a string; running in limited mode"),
    ({"trusted": None}, False, "trusted must be true or false, not null; running in limited mode"),
    (["trusted"], True, ""),
])
def test_only_true_or_absent_trusts(options, trusted, problem) -> None:
    assert trusted_from(options) == (trusted, problem)
