"""The real `idiom serve` over stdio, driven by pytest-lsp through the whole lifecycle: settings,
documents, inline completion and completion through the router, every command, diagnostics and code
actions, cancellation, and shutdown/exit."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcRequestCancelled, JsonRpcServerError

from router.database import database
from tests.server.lsp_client import end_of, initialize, open_file, start, until

pytestmark = pytest.mark.slow

GROUP = "export const ButtonGroup: FC<{ label: string }> = ({ label, children }) => (\n  <div>{children}</div>\n);\n"
SPEC = "import { Button } from './Button';\n\ndescribe('Button', () => {\n  test('renders', () => {});\n});\n"


@pytest.fixture
async def client(served):
    served.script.text = GROUP
    client = await start(served.command, served.env)
    await initialize(client, served.repo, {"debounceMs": 20, "maxTokens": 64, "strategies": ["few_shot", "rag"]})
    yield client
    await client.shutdown_session()
    await client.stop()


def inline_params(uri: str, at: types.Position,
                  trigger: types.InlineCompletionTriggerKind = types.InlineCompletionTriggerKind.Automatic):
    return types.InlineCompletionParams(text_document=types.TextDocumentIdentifier(uri), position=at,
                                        context=types.InlineCompletionContext(trigger_kind=trigger))


async def test_inline_completion_routes_logs_and_explains(client, served):
    text = (served.repo / "src/components/Button/Button.tsx").read_text()
    uri = open_file(client, served.repo, "src/components/Button/Button.tsx")
    answer = await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))
    [item] = answer.items
    assert item.insert_text == GROUP
    assert item.command.command == "idiom.feedback"
    request_id = item.command.arguments[0]["requestId"]
    decision = await until(lambda: client.decisions)
    assert decision[-1].requestId == request_id and decision[-1].strategy in ("few_shot", "rag")
    explained = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "idiom.explain", [{"uri": uri}]))
    assert explained["requestId"] == request_id and explained["answered"] and explained["attempts"]
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "idiom.feedback", [{"requestId": request_id, "outcome": "accepted"}])) == {"recorded": True,
                                                                                  "requestId": request_id}
    completion = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri), position=end_of(text)))
    assert completion.items[0].insert_text == GROUP and completion.items[0].detail.startswith("idiomatic · ")
    # Only the two strategies allowed by the settings were ever asked.
    assert {a["strategy"] for a in explained["attempts"]} <= {"few_shot", "rag"}


async def test_an_answer_that_breaks_a_convention_is_not_offered(client, served):
    served.script.text = "export default function Widget() { return <div style={{ color: '#ff0000' }} />; }\n"
    text = (served.repo / "src/components/Button/Button.tsx").read_text()
    uri = open_file(client, served.repo, "src/components/Button/Button.tsx")
    answer = await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))
    assert not answer.items
    decision = await until(lambda: client.decisions)
    assert not decision[-1].answered and "Use named exports" in decision[-1].reason


def test_a_habit_below_the_warning_tier_is_information_in_the_editor():
    from harvest.conventions.lint import Violation
    from server.lsp.diagnostics import diagnostic

    habit = Violation("src/a.ts", 2, "no-then", "Prefer await: matches `.then(`", "37/40 (92%)", "info")
    shown = diagnostic(habit)
    assert (shown.severity, shown.range.start.line, shown.code) == (types.DiagnosticSeverity.Information, 1, "no-then")


async def test_diagnostics_carry_the_evidence_and_offer_a_fix(client, served):
    uri = open_file(client, served.repo, "src/components/Button/Button.spec.tsx", SPEC)
    found = await until(lambda: client.diagnostics.get(uri))
    [diagnostic] = [d for d in found if d.code == "specs-use-it-not-test"]
    assert diagnostic.source == "idiom" and diagnostic.range.start.line == 3
    assert diagnostic.severity == types.DiagnosticSeverity.Warning  # 12 of 12 follow it: the warning tier
    assert "12/12" in diagnostic.message and "100%" in diagnostic.message
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    # lsprotocol's client converter reads the `Command | CodeAction` union as a Command whenever it sees
    # `title` and `command`; on the wire `command` is an object, which only a CodeAction has.
    [action] = actions
    command = ast.literal_eval(action.command)
    assert command["command"] == "idiom.generate" and command["arguments"][0]["range"]["start"]["line"] == 3

    # Editing the test case to `it(` clears the diagnostic after the debounce.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=uri),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(3, 2), types.Position(3, 6)),
                                                text="it")]))
    await until(lambda: not [d for d in client.diagnostics[uri] if d.code == "specs-use-it-not-test"])
    validated = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "idiom.validateFile", [{"uri": uri}]))
    assert validated["violations"] == []


async def test_generate_applies_its_answer_and_the_request_log_has_it(client, served):
    text = (served.repo / "src/components/Button/Button.tsx").read_text()
    uri = open_file(client, served.repo, "src/components/Button/Button.tsx")
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams("idiom.generate", [{
        "uri": uri, "instruction": "Create a ButtonGroup component following our conventions"}]))
    assert result["applied"] and result["text"].strip() == GROUP.strip() and result["requestId"] > 0
    [edit] = client.edits
    [change] = edit.edit.changes[uri]
    assert change.range.start == end_of(text)
    prompt = served.script.requests[-1]["body"]["messages"]
    assert "Create a ButtonGroup component" in str(prompt)


async def test_reindex_reports_progress_and_report_is_written(client, served):
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams("idiom.reindex", [{}]))
    assert result["units"] > 0 and result["embedded"] == 0  # nothing changed since the fixture indexed
    [reports] = client.progress_reports.values()
    assert [type(r).__name__ for r in (reports[0], reports[-1])] == ["WorkDoneProgressBegin", "WorkDoneProgressEnd"]
    with pytest.raises(JsonRpcServerError, match="no validation results or request log"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams("idiom.report", [{}]))
    with database(served.repo):  # an empty request log is enough for a report (of no figures)
        pass
    paths = await client.workspace_execute_command_async(types.ExecuteCommandParams("idiom.report", [{}]))
    assert Path(paths["html"]).is_file() and Path(paths["markdown"]).is_file()


async def test_settings_change_turns_inline_completion_off(client, served):
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"idiomatic": {"inlineEnabled": False, "launch": {"command": "idiom"}, "colour": "blue"}}))
    await until(lambda: any("unknown setting 'colour'" in m.message for m in client.log_messages))
    uri = open_file(client, served.repo, "src/components/Button/Button.tsx")
    typed = await client.text_document_inline_completion_async(inline_params(uri, types.Position(0, 0)))
    assert not typed.items
    asked = await client.text_document_inline_completion_async(
        inline_params(uri, types.Position(0, 0), types.InlineCompletionTriggerKind.Invoked))
    assert len(asked.items) == 1  # a developer's explicit request is still answered


async def test_newer_request_and_cancel_drop_older_ones(client, served):
    served.script.replies = [(200, 1.5)]  # the first model call is slow
    text = (served.repo / "src/components/Button/Button.tsx").read_text()
    uri = open_file(client, served.repo, "src/components/Button/Button.tsx")
    first = asyncio.ensure_future(client.text_document_inline_completion_async(inline_params(uri, end_of(text))))
    await until(lambda: served.script.requests)  # the slow call is under way
    second = await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))
    assert len(second.items) == 1
    assert not (await first).items  # superseded: its late answer is dropped

    served.script.replies = [(200, 30.0)]
    cancelled = asyncio.wrap_future(client.protocol.send_request(
        types.TEXT_DOCUMENT_INLINE_COMPLETION, inline_params(uri, end_of(text)), msg_id="slow-one"))
    await until(lambda: len(served.script.requests) >= 3)  # its model call is under way
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="slow-one"))
    with pytest.raises(JsonRpcRequestCancelled):
        await cancelled
    explained = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "idiom.explain", [{"uri": uri}]))
    assert explained is not None  # the server answered promptly while the cancelled call was in flight


async def test_malformed_requests_get_errors_and_the_server_stays_up(client, served):
    with pytest.raises(Exception, match="idiom.generate takes one object"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams("idiom.generate", ["nope"]))
    with pytest.raises(Exception, match="not open in the editor"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            "idiom.validateFile", [{"uri": "file:///nowhere.tsx"}]))
    with pytest.raises(Exception, match="no request 999"):
        await client.workspace_execute_command_async(types.ExecuteCommandParams(
            "idiom.feedback", [{"requestId": 999, "outcome": "accepted"}]))
    with pytest.raises(Exception, match="Method Not Found"):
        await client.protocol.send_request_async("idiom/noSuchMethod", {})
    assert await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "idiom.explain", [{"uri": "file:///nowhere.tsx"}])) is None


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is `pid`, with their command lines (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, ValueError):  # a process that ended meanwhile
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc")
async def test_the_model_is_asked_from_a_helper_process_that_ends_with_the_server(served):
    """router/providers/helper.py: the provider's SDK runs beside the server, started at launch, ended with it."""
    served.script.text = GROUP
    client = await start(served.command, served.env)
    await initialize(client, served.repo, {"maxTokens": 64, "strategies": ["few_shot", "rag"]})
    text = (served.repo / "src/components/Button/Button.tsx").read_text()
    uri = open_file(client, served.repo, "src/components/Button/Button.tsx")
    answer = await client.text_document_inline_completion_async(inline_params(uri, end_of(text)))
    assert [item.insert_text for item in answer.items] == [GROUP] and served.script.requests
    [(helper, command)] = _children(client._server.pid).items()
    assert "router.providers.helper" in command
    await client.shutdown_session()
    await client.stop()
    deadline = asyncio.get_running_loop().time() + 20
    while Path(f"/proc/{helper}").exists() and Path(f"/proc/{helper}/stat").read_text().split()[2] != "Z":
        assert asyncio.get_running_loop().time() < deadline, "the helper outlived the server"
        await asyncio.sleep(0.05)
