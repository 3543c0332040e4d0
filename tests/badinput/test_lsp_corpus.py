"""The LSP bad-input corpus: malformed and hostile inputs sent as raw bytes over stdio to a real
`idiom serve` (framing, JSON, JSON-RPC shape, wrong params for every method the server implements,
positions out of range, unknown URIs, a 20 MB document, wrong command arguments, requests before
initialize and after shutdown, settings of wrong types).

Each case asserts: the reply, when one is due, is a clean JSON-RPC error or a correct answer; no error
carries `data` or a second line; nothing the server writes contains "Traceback"; and the server then
answers a well-formed request (the probe). One server process serves each group of cases.
`CASE_COUNT` is the number of cases (`python -m tests.badinput.test_lsp_corpus` prints it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.server.conftest import served  # noqa: F401 - the fixture, for this folder
from tests.server.wire import Wire, frame

MISSING = object()
OPEN_URI = "file:///corpus/src/components/Button/Button.tsx"  # opened in the "ready" groups
HUGE_URI = "file:///corpus/src/bundle.js"
BUTTON = "import type { FC } from 'react';\n\nexport const Button: FC = () => <button />;\n"
POSITION = {"line": 0, "character": 0}


def message(**fields: Any) -> bytes:
    return frame(json.dumps({"jsonrpc": "2.0", **fields}).encode())


def request(msg_id: Any, method: Any, params: Any = MISSING) -> bytes:
    return message(id=msg_id, method=method, **({} if params is MISSING else {"params": params}))


def notification(method: str, params: Any = MISSING) -> bytes:
    return message(method=method, **({} if params is MISSING else {"params": params}))


def command(msg_id: Any, name: Any, *arguments: Any) -> bytes:
    return request(msg_id, "workspace/executeCommand", {"command": name, "arguments": list(arguments)})


def inline(msg_id: Any, uri: str = OPEN_URI, position: Any = POSITION, trigger: int = 1) -> bytes:
    return request(msg_id, "textDocument/inlineCompletion", {
        "textDocument": {"uri": uri}, "position": position, "context": {"triggerKind": trigger}})


def did_open(uri: str, text: Any, version: Any = 1) -> bytes:
    return notification("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "typescriptreact",
                                                                  "version": version, "text": text}})


def no_items(result: Any) -> bool:
    return result["items"] == []


@dataclass(frozen=True)
class Expect:
    """What is due for a case: an error with one of `codes` for `msg_id` (None: a response without an
    id), a result passing `check`, or nothing at all."""

    msg_id: Any = None
    codes: tuple[int, ...] = ()
    check: Callable[[Any], bool] | None = None
    nothing: bool = False


def error(code: int, msg_id: Any = None) -> Expect:
    return Expect(msg_id, (code,))


def result(msg_id: Any, check: Callable[[Any], bool] = lambda _: True) -> Expect:
    return Expect(msg_id, check=check)


NOTHING = Expect(nothing=True)
PARSE, INVALID_REQUEST, NOT_FOUND, INVALID_PARAMS, NOT_INITIALIZED, COMMAND_FAILED = (
    -32700, -32600, -32601, -32602, -32002, -32000)


@dataclass(frozen=True)
class Case:
    name: str
    wire: bytes | Callable[[], bytes]  # a callable builds a large input only when its group runs
    expect: Expect


@dataclass(frozen=True)
class Group:
    """Cases sharing one server process, started in `phase`: "fresh" (nothing sent yet), "ready"
    (initialized, OPEN_URI open) or "shut down" (shutdown answered)."""

    phase: str
    probe: Callable[[dict[str, Any]], bool]  # what the well-formed request after each case gets
    cases: list[Case] = field(default_factory=list)


PROBE = {"command": "idiom.explain", "arguments": [{"uri": "file:///corpus/probe.ts"}]}
ANSWERED = lambda reply: reply.get("result", "missing") is None
NOT_YET = lambda reply: reply.get("error", {}).get("code") == NOT_INITIALIZED
REFUSED = lambda reply: reply.get("error", {}).get("code") == INVALID_REQUEST

GOOD = b'{"jsonrpc": "2.0", "method": "$/corpus"}'
GROUPS = {
    "framing": Group("ready", ANSWERED, [
        Case("header without Content-Length", b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + GOOD, NOTHING),
        Case("Content-Length not a number", b"Content-Length: twelve\r\n\r\n" + GOOD, NOTHING),
        Case("Content-Length negative", b"Content-Length: -40\r\n\r\n" + GOOD, NOTHING),
        Case("two Content-Lengths that disagree", b"Content-Length: 4\r\nContent-Length: 40\r\n\r\n" + GOOD, NOTHING),
        Case("LF instead of CRLF", b"Content-Length: %d\n\n%s" % (len(GOOD), GOOD), NOTHING),
        Case("header line of 6000 bytes", b"Content-Length: " + b"9" * 6000 + b"\r\n\r\n" + GOOD, NOTHING),
        Case("bytes that are not a message", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", NOTHING),
        Case("NUL bytes between messages", b"\x00" * 1000, NOTHING),
        Case("Content-Length shorter than the body", b"Content-Length: 10\r\n\r\n" + GOOD, error(PARSE)),
        Case("empty body", frame(b""), error(PARSE)),
        Case("body not UTF-8", frame(b'{"jsonrpc": "2.0", "id": 1, "method": "\xff\xfe"}'), error(PARSE)),
        Case("body in UTF-16", frame('{"jsonrpc": "2.0", "id": 1, "method": "x"}'.encode("utf-16")), error(PARSE)),
        Case("message over the 64 MiB limit", lambda: frame(b" " * (65 * 1024 * 1024)), error(INVALID_REQUEST)),
    ]),
    "json-rpc": Group("ready", ANSWERED, [
        Case("JSON cut short", frame(b'{"jsonrpc": "2.0", "id": 1, "method": '), error(PARSE)),
        Case("JSON with trailing garbage", frame(b'{"jsonrpc": "2.0", "method": "x"} }'), error(PARSE)),
        Case("JSON nested 100000 deep", frame(b"[" * 100_000 + b"]" * 100_000), error(PARSE)),
        Case("integer of 5000 digits", frame(b'{"jsonrpc": "2.0", "id": ' + b"9" * 5000 + b', "method": "x"}'),
             error(PARSE)),
        Case("batch (JSON array)", frame(b"[" + json.dumps({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}).encode()
                                         + b"]"), error(INVALID_REQUEST)),
        Case("empty array", frame(b"[]"), error(INVALID_REQUEST)),
        Case("JSON number", frame(b"42"), error(INVALID_REQUEST)),
        Case("JSON string", frame(b'"initialize"'), error(INVALID_REQUEST)),
        Case("JSON null", frame(b"null"), error(INVALID_REQUEST)),
        Case("empty object", frame(b"{}"), error(INVALID_REQUEST)),
        Case("method a number", request(10, 5), error(INVALID_REQUEST, 10)),
        Case("method null", request(11, None), error(INVALID_REQUEST, 11)),
        Case("method an object", request(12, {"name": "shutdown"}), error(INVALID_REQUEST, 12)),
        Case("notification whose method is a list", frame(b'{"jsonrpc": "2.0", "method": ["exit"]}'),
             error(INVALID_REQUEST)),
        Case("no jsonrpc member", frame(b'{"id": 13, "method": "shutdown"}'), error(INVALID_REQUEST, 13)),
        Case('jsonrpc "1.0"', frame(b'{"jsonrpc": "1.0", "id": 14, "method": "shutdown"}'), error(INVALID_REQUEST, 14)),
        Case("id an object", request({"n": 1}, "shutdown"), error(INVALID_REQUEST)),
        Case("id a fraction", request(1.5, "shutdown"), error(INVALID_REQUEST)),
        Case("id a boolean", request(True, "shutdown"), error(INVALID_REQUEST)),
        Case("id null", request(None, "shutdown"), error(INVALID_REQUEST)),
        Case("params a string", request(15, "textDocument/completion", "everything"), error(INVALID_PARAMS, 15)),
        Case("notification params a number", notification("textDocument/didOpen", 7), NOTHING),
        Case("unknown request method", request(16, "textDocument/hover", {}), error(NOT_FOUND, 16)),
        Case("unknown notification", notification("$/idiom/unknown", {}), NOTHING),
        Case("response to a request never sent", message(id=999, result={"applied": True}), NOTHING),
        Case("error response of the wrong shape", message(id=998, error="no"), NOTHING),
        Case("cancel of an unknown request", notification("$/cancelRequest", {"id": 12345}), NOTHING),
        Case("cancel with an object id", notification("$/cancelRequest", {"id": {"x": 1}}), NOTHING),
    ]),
    "methods": Group("ready", ANSWERED, [
        Case("initialize a second time", request(20, "initialize", {"capabilities": {}}), error(INVALID_REQUEST, 20)),
        Case("inlineCompletion without params", request(21, "textDocument/inlineCompletion"),
             error(INVALID_PARAMS, 21)),
        Case("inlineCompletion with empty params", request(22, "textDocument/inlineCompletion", {}),
             error(INVALID_PARAMS, 22)),
        Case("inlineCompletion at a negative position", inline(23, position={"line": -1, "character": 0}),
             error(INVALID_PARAMS, 23)),
        Case("inlineCompletion with a string position", inline(24, position="end"), error(INVALID_PARAMS, 24)),
        Case("inlineCompletion with an unknown trigger kind", inline(25, trigger=99), error(INVALID_PARAMS, 25)),
        Case("inlineCompletion for a document never opened", inline(26, uri="file:///etc/passwd"),
             result(26, no_items)),
        Case("inlineCompletion for an untitled URI", inline(27, uri="untitled:Untitled-1"), result(27, no_items)),
        Case("inlineCompletion far past the end", inline(28, position={"line": 10**6, "character": 10**6}),
             result(28)),
        Case("completion without a document", request(29, "textDocument/completion", {"position": POSITION}),
             error(INVALID_PARAMS, 29)),
        Case("completion past the end of a line", request(30, "textDocument/completion", {
            "textDocument": {"uri": OPEN_URI}, "position": {"line": 0, "character": 2**31 - 1}}), result(30)),
        Case("codeAction without context", request(31, "textDocument/codeAction", {
            "textDocument": {"uri": OPEN_URI}, "range": {"start": POSITION, "end": POSITION}}),
             error(INVALID_PARAMS, 31)),
        Case("codeAction with a backwards range and a foreign diagnostic", request(32, "textDocument/codeAction", {
            "textDocument": {"uri": "file:///nowhere.ts"},
            "range": {"start": {"line": 9, "character": 0}, "end": POSITION},
            "context": {"diagnostics": [{"range": {"start": POSITION, "end": POSITION}, "message": "x",
                                         "source": "eslint"}]}}), result(32, lambda r: r == [])),
        Case("didOpen with a number for text", did_open("file:///corpus/a.ts", 5), NOTHING),
        Case("didOpen of NUL bytes", did_open("file:///corpus/b.ts", "\x00" * 100), NOTHING),
        Case("didChange of a document never opened", notification("textDocument/didChange", {
            "textDocument": {"uri": "file:///corpus/never.ts", "version": 2}, "contentChanges": [{"text": "x"}]}),
             NOTHING),
        Case("didChange with a range past the end", notification("textDocument/didChange", {
            "textDocument": {"uri": OPEN_URI, "version": 2}, "contentChanges": [{
                "range": {"start": {"line": 500, "character": 0}, "end": {"line": 900, "character": 4}},
                "text": "x"}]}), NOTHING),
        Case("didChange with a string version", notification("textDocument/didChange", {
            "textDocument": {"uri": OPEN_URI, "version": "two"}, "contentChanges": []}), NOTHING),
        Case("didSave of a document never opened", notification("textDocument/didSave", {
            "textDocument": {"uri": "file:///corpus/never.ts"}}), NOTHING),
        Case("didClose of a document never opened", notification("textDocument/didClose", {
            "textDocument": {"uri": "file:///corpus/never.ts"}}), NOTHING),
        Case("settings of wrong types", notification("workspace/didChangeConfiguration", {"settings": {"idiomatic": {
            "maxConcurrency": "lots", "strategies": "rag", "inlineEnabled": "yes", "debounceMs": -5,
            "providerBaseUrl": 7}}}), NOTHING),
        Case("settings a list", notification("workspace/didChangeConfiguration", {"settings": [1, 2]}), NOTHING),
        Case("trusted and token of wrong types in settings", notification("workspace/didChangeConfiguration", {
            "settings": {"trusted": "yes", "token": 5}}), NOTHING),
        Case("unknown command", command(40, "idiom.format"), error(INVALID_PARAMS, 40)),
        Case("command name a number", command(41, 5), error(INVALID_PARAMS, 41)),
        Case("executeCommand without a command", request(42, "workspace/executeCommand", {"arguments": []}),
             error(INVALID_PARAMS, 42)),
        Case("generate without arguments", command(43, "idiom.generate"), error(INVALID_PARAMS, 43)),
        Case("generate with a string argument", command(44, "idiom.generate", "nope"), error(INVALID_PARAMS, 44)),
        Case("generate with a uri that is a number", command(45, "idiom.generate", {"uri": 1, "instruction": "x"}),
             error(INVALID_PARAMS, 45)),
        Case("generate with a range of the wrong shape", command(46, "idiom.generate", {
            "uri": OPEN_URI, "instruction": "x", "range": {"start": 1}}), error(INVALID_PARAMS, 46)),
        Case("generate with a position of the wrong shape", command(47, "idiom.generate", {
            "uri": OPEN_URI, "instruction": "x", "position": [0, 0]}), error(INVALID_PARAMS, 47)),
        Case("generate for a document never opened", command(48, "idiom.generate", {
            "uri": "file:///etc/passwd", "instruction": "x"}), error(INVALID_PARAMS, 48)),
        Case("explain with an object for uri", command(49, "idiom.explain", {"uri": {"path": "/"}}),
             error(INVALID_PARAMS, 49)),
        Case("explain with a list argument", command(50, "idiom.explain", [OPEN_URI]), error(INVALID_PARAMS, 50)),
        Case("feedback with a string requestId", command(51, "idiom.feedback", {"requestId": "1", "outcome": "x"}),
             error(INVALID_PARAMS, 51)),
        Case("feedback with a boolean requestId", command(52, "idiom.feedback", {"requestId": True, "outcome": "x"}),
             error(INVALID_PARAMS, 52)),
        Case("feedback for a request never logged", command(53, "idiom.feedback", {
            "requestId": 10**9, "outcome": "accepted"}), error(COMMAND_FAILED, 53)),
        Case("validateFile without arguments", command(54, "idiom.validateFile"), error(INVALID_PARAMS, 54)),
        Case("validateFile for a document never opened", command(55, "idiom.validateFile", {
            "uri": "file:///corpus/never.ts"}), error(INVALID_PARAMS, 55)),
    ]),
    "huge document": Group("ready", ANSWERED, [
        Case("20 MB single-line document", lambda: did_open(HUGE_URI, "a" * (20 * 1024 * 1024)), NOTHING),
        Case("inlineCompletion in the 20 MB document", inline(60, uri=HUGE_URI,
                                                              position={"line": 0, "character": 10**7}),
             result(60, no_items)),
        Case("validateFile on the 20 MB document", command(61, "idiom.validateFile", {"uri": HUGE_URI}),
             error(INVALID_PARAMS, 61)),
    ]),
    "before initialize": Group("fresh", NOT_YET, [
        Case("inlineCompletion before initialize", inline(70), error(NOT_INITIALIZED, 70)),
        Case("generate before initialize", command(71, "idiom.generate", {"uri": OPEN_URI, "instruction": "x"}),
             error(NOT_INITIALIZED, 71)),
        Case("didOpen before initialize", did_open(OPEN_URI, BUTTON), NOTHING),
        Case("shutdown before initialize", request(72, "shutdown"), error(NOT_INITIALIZED, 72)),
        Case("initialize without capabilities", request(73, "initialize", {"processId": None}),
             error(INVALID_PARAMS, 73)),
        Case("initialize with a string processId", request(74, "initialize", {"processId": "me", "capabilities": {}}),
             error(INVALID_PARAMS, 74)),
    ]),
    "wrong-typed trust": Group("fresh", ANSWERED, [
        # A `trusted` that is not a boolean means limited mode; over stdio `token` is not needed.
        Case("initialize with trusted and token of wrong types", request(75, "initialize", {
            "capabilities": {}, "initializationOptions": {"trusted": "yes", "token": 5, "maxTokens": "many"}}),
             result(75, lambda r: "capabilities" in r)),
        Case("didOpen after it", did_open(OPEN_URI, BUTTON), NOTHING),
        Case("inlineCompletion in limited mode", inline(76), result(76, no_items)),
        Case("generate in limited mode", command(77, "idiom.generate", {"uri": OPEN_URI, "instruction": "x"}),
             error(-32012, 77)),
    ]),
    "after shutdown": Group("shut down", REFUSED, [
        Case("inlineCompletion after shutdown", inline(80), error(INVALID_REQUEST, 80)),
        Case("executeCommand after shutdown", command(81, "idiom.explain", {"uri": OPEN_URI}),
             error(INVALID_REQUEST, 81)),
        Case("didOpen after shutdown", did_open("file:///corpus/late.ts", "x"), NOTHING),
        Case("initialize after shutdown", request(82, "initialize", {"capabilities": {}}), error(INVALID_REQUEST, 82)),
        Case("shutdown twice", request(83, "shutdown"), error(INVALID_REQUEST, 83)),
    ]),
}
# The stream ending inside a message: no reply can be due and nothing can follow; the server ends cleanly.
CUT_OFF = Case("Content-Length larger than what follows, then the end of the stream",
               b"Content-Length: 5000\r\n\r\n" + GOOD, NOTHING)
CASE_COUNT = sum(len(group.cases) for group in GROUPS.values()) + 1


async def started(served, tmp_path, phase: str) -> Wire:  # noqa: F811 - the imported fixture
    wire = await Wire.stdio(served.command, served.env, (tmp_path / "server.log").open("wb"))
    if phase != "fresh":
        assert "result" in await wire.initialize({"strategies": ["few_shot"], "debounceMs": 20})
        wire.send_raw(did_open(OPEN_URI, BUTTON))
    if phase == "shut down":
        wire.request("shutdown", "shutdown")
        await wire.reply("shutdown")
    return wire


async def responses_until(wire: Wire, ids: set[Any]) -> list[dict[str, Any]]:
    """The responses the server sends until every id in `ids` has one."""
    responses = []
    while ids:
        message = await wire.message()
        assert message is not None, "the server closed the connection"
        if "method" not in message:
            responses.append(message)
            ids.discard(message.get("id"))
    return responses


def clean(response: dict[str, Any]) -> bool:
    """A JSON-RPC response with a result, or an error of one line and no data."""
    if "error" not in response:
        return "result" in response
    error = response["error"]
    return (set(error) == {"code", "message"} and isinstance(error["code"], int) and "\n" not in error["message"]
            and "Traceback" not in error["message"])


@pytest.mark.slow
@pytest.mark.parametrize("name", GROUPS)
async def test_lsp_corpus(served, tmp_path, name):  # noqa: F811 - the imported fixture
    group = GROUPS[name]
    served.script.text = "export const Answer = () => null;\n"
    wire = await started(served, tmp_path, group.phase)
    failures = []
    try:
        for number, case in enumerate(group.cases):
            wire.send_raw(case.wire() if callable(case.wire) else case.wire)
            probe = f"probe-{number}"
            wire.request(probe, "workspace/executeCommand", PROBE)
            expect = case.expect
            awaited = {probe} | (set() if expect.nothing or expect.msg_id is None else {expect.msg_id})
            responses = await responses_until(wire, awaited)
            answers = [r for r in responses if r.get("id") == expect.msg_id and r.get("id") != probe]
            if not all(clean(r) for r in responses):
                failures.append(f"{case.name}: not a clean response: {responses}")
            elif not group.probe(next(r for r in responses if r.get("id") == probe)):
                failures.append(f"{case.name}: the next request was not answered as expected: {responses}")
            elif expect.nothing and answers:
                failures.append(f"{case.name}: no reply was due, got {answers}")
            elif expect.codes and [a.get("error", {}).get("code") for a in answers] != list(expect.codes):
                failures.append(f"{case.name}: expected error {expect.codes}, got {answers}")
            elif expect.check and not (len(answers) == 1 and "result" in answers[0]
                                       and expect.check(answers[0]["result"])):
                failures.append(f"{case.name}: expected a result, got {answers}")
        # Whatever came before, initialize is answered (a result, or "already received") and
        # shutdown + exit end the server as they should.
        assert clean(await wire.initialize())
        assert await wire.end() == 0
        assert b"Traceback" not in wire.raw
    finally:
        await wire.stop()
    print(f"LSP bad-input corpus, {name}: {len(group.cases)} cases ({CASE_COUNT} in all)")
    assert not failures, "\n".join(failures)


@pytest.mark.slow
async def test_the_stream_ending_inside_a_message_ends_the_server_cleanly(served, tmp_path):  # noqa: F811
    wire = await started(served, tmp_path, "ready")
    try:
        wire.send_raw(CUT_OFF.wire)
        wire.writer.close()  # end of stdin
        assert await wire.closed()
        assert await wire.process.wait() == 0
        assert b"Traceback" not in wire.raw
        assert "the stream ended 40 bytes into a message of 5000 bytes" in (tmp_path / "server.log").read_text()
    finally:
        await wire.stop()


def test_the_corpus_has_at_least_40_cases() -> None:
    print(f"LSP bad-input corpus: {CASE_COUNT} cases")
    assert CASE_COUNT >= 40


if __name__ == "__main__":
    print(CASE_COUNT)
