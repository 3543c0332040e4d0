// The real `idiom serve` against docs/editor-protocol.md, driven by the client that sends what the
// extension sends in a trusted workspace (client/session.js). Needs IDIOM_TEST_SERVER (a JSON array: the
// server command) and IDIOM_TEST_REPO (an indexed repository); tests/server/test_node_client.py sets both.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const { ErrorCodes } = require("vscode-jsonrpc/node");
const { Session, defaultSettings, endOf } = require("../client/session");

const SERVER = process.env.IDIOM_TEST_SERVER;
const REPO = process.env.IDIOM_TEST_REPO;
const FILE = "src/components/Button/Button.tsx";
const COMMANDS = ["idiom.generate", "idiom.explain", "idiom.feedback", "idiom.reindex", "idiom.validateFile", "idiom.report"];
const skip = SERVER && REPO ? false
  : "set IDIOM_TEST_SERVER (JSON array: the server command) and IDIOM_TEST_REPO (an indexed repository) to run it";

const isDecision = (uri, requestId) => (m) =>
  m.method === "idiom/decision" && m.params.uri === uri && (requestId === undefined || m.params.requestId === requestId);

/** Why the server gave no answer, for a failure message: the decision's reason and what it logged. */
const explainer = (session) => (decision, since) => {
  const logged = session.notifications("window/logMessage", since).map((m) => m.params.message);
  return `reason: ${decision.reason}; logged: ${JSON.stringify(logged)}`;
};

/** docs/editor-protocol.md: "JSON keys are camelCase". */
function assertCamelCase(object) {
  for (const key of Object.keys(object)) {
    assert.match(key, /^[a-z][a-zA-Z0-9]*$/, `camelCase key, not ${key}`);
  }
}

/** Rejects unless `promise` fails with a JSON-RPC error; resolves with that error. */
async function rpcError(promise) {
  try {
    await promise;
  } catch (error) {
    assert.equal(typeof error.code, "number", `a JSON-RPC error, not: ${error.message}`);
    return error;
  }
  throw new assert.AssertionError({ message: "expected a JSON-RPC error" });
}

test("idiom serve speaks docs/editor-protocol.md to the extension's client", { skip, timeout: 300_000 }, async (t) => {
  const [command, ...args] = JSON.parse(SERVER);
  // debounceMs differs from its default so the server uses what the client sent.
  const settings = { ...defaultSettings(), debounceMs: 50 };
  const session = await Session.start({ command, args, rootPath: REPO, settings, trusted: true, timeoutMs: 120_000 });
  t.after(() => session.kill());
  const explain = explainer(session);
  let uri;
  let accepted;

  await t.test("initialize: the capabilities the extension relies on", () => {
    const capabilities = session.initializeResult.capabilities;
    assert.ok(capabilities.inlineCompletionProvider, "inlineCompletionProvider");
    assert.ok(capabilities.completionProvider, "completionProvider");
    assert.ok(capabilities.codeActionProvider, "codeActionProvider");
    assert.ok([1, 2].includes(session.syncKind()), "textDocumentSync full or incremental");
    for (const name of COMMANDS) {
      assert.ok(capabilities.executeCommandProvider.commands.includes(name), name);
    }
  });

  await t.test("initialize: every key of initializationOptions is known to the server, trusted included",
    () => {
      const warnings = session.notifications("window/logMessage").filter((m) => /unknown setting/.test(m.params.message));
      assert.deepEqual(warnings, []);
    });

  await t.test("didOpen and didChange: the document's conventions are checked", async () => {
    const since = session.mark();
    uri = session.open(FILE);
    await session.waitFor("publishDiagnostics after didOpen",
      (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri, { since });
    const afterChange = session.mark();
    session.edit(uri, { start: endOf(session.text(uri)), end: endOf(session.text(uri)) }, "\n");
    const { params } = await session.waitFor("publishDiagnostics debounceMs after didChange",
      (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri, { since: afterChange });
    for (const diagnostic of params.diagnostics) {
      assert.equal(diagnostic.source, "idiom");
      assert.equal(diagnostic.severity, 2, "warning");
      assert.equal(typeof diagnostic.code, "string");
    }
  });

  await t.test("textDocument/inlineCompletion: one item whose command reports acceptance", async () => {
    const since = session.mark();
    const position = endOf(session.text(uri));
    const result = await session.inlineCompletion(uri, position);
    const { params: decision } = await session.waitFor("idiom/decision after the inline request",
      isDecision(uri), { since });
    assert.equal(result.items.length, 1, `one item, got ${JSON.stringify(result)}; ${explain(decision, since)}`);
    const [item] = result.items;
    assert.ok(item.insertText.trim(), "non-empty insertText");
    assert.deepEqual(item.range, { start: position, end: position });
    assert.equal(item.command.command, "idiom.feedback");
    const [argument] = item.command.arguments;
    assert.equal(typeof argument.requestId, "number");
    assert.equal(argument.outcome, "accepted");
    assert.equal(decision.requestId, argument.requestId);
    assert.equal(decision.answered, true);
    assert.ok(decision.strategy, "strategy");
    for (const key of ["kind", "reason", "costUsd", "latencyS"]) {
      assert.ok(key in decision, key);
    }
    accepted = argument;
  });

  await t.test("textDocument/completion: at most one item, labelled with strategy and cost", async () => {
    const since = session.mark();
    const result = await session.completion(uri, endOf(session.text(uri)));
    const { params: decision } = await session.waitFor("idiom/decision after the completion request",
      isDecision(uri), { since });
    assert.equal(result.isIncomplete, true);
    assert.equal(result.items.length, 1, `one item, got ${JSON.stringify(result)}; ${explain(decision, since)}`);
    const [item] = result.items;
    assert.equal(item.label, item.insertText.split("\n")[0]);
    assert.match(item.detail, /^idiomatic · \w+ · \$/);
    assert.equal(item.command.command, "idiom.feedback");
    assert.equal(decision.requestId, item.command.arguments[0].requestId);
  });

  await t.test("idiom.feedback: what VS Code runs when the inline item is accepted", async () => {
    const result = await session.executeCommand("idiom.feedback", accepted);
    assert.deepEqual(result, { recorded: true, requestId: accepted.requestId });
  });

  await t.test("idiom.explain: the last decision for the document", async () => {
    const result = await session.executeCommand("idiom.explain", { uri });
    assert.equal(typeof result.requestId, "number");
    assert.ok(Array.isArray(result.attempts) && result.attempts.length > 0, "attempts");
    assert.ok(Array.isArray(result.sources), "sources");
    for (const attempt of result.attempts) {
      for (const key of ["strategy", "passed", "reason"]) {
        assert.ok(key in attempt, key);
      }
      assertCamelCase(attempt);
    }
    assertCamelCase(result);
  });

  await t.test("idiom.generate: the answer arrives as workspace/applyEdit and changes the document", async () => {
    const since = session.mark();
    const before = session.text(uri);
    const result = await session.executeCommand("idiom.generate",
      { uri, instruction: "Create a Tag component with a tone prop", position: endOf(before) });
    assert.ok(result.text, `generated text, got ${JSON.stringify(result)}; ${explain(result, since)}`);
    await session.waitFor("workspace/applyEdit", (m) => m.type === "request" && m.method === "workspace/applyEdit",
      { since });
    assert.equal(result.applied, true);
    for (const key of ["requestId", "strategy", "kind", "reason", "costUsd", "latencyS"]) {
      assert.ok(key in result, key);
    }
    assert.notEqual(session.text(uri), before);
    assert.ok(session.text(uri).includes(result.text.trim()), "the generated text is in the document");
  });

  await t.test("idiom.validateFile: violations, and the file's diagnostics published", async () => {
    const since = session.mark();
    const result = await session.executeCommand("idiom.validateFile", { uri });
    assert.equal(result.uri, uri);
    assert.ok(Array.isArray(result.violations));
    for (const violation of result.violations) {
      assert.deepEqual(Object.keys(violation).sort(), ["line", "message", "rule"]);
    }
    await session.waitFor("publishDiagnostics after idiom.validateFile",
      (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri, { since });
  });

  await t.test("idiom.reindex: work-done progress begins and ends", async () => {
    const since = session.mark();
    const result = await session.executeCommand("idiom.reindex", {});
    for (const key of ["units", "embedded", "removed", "seconds"]) {
      assert.equal(typeof result[key], "number", key);
    }
    const { params: created } = await session.waitFor("window/workDoneProgress/create",
      (m) => m.method === "window/workDoneProgress/create", { since });
    const progress = (kind) => (m) => m.method === "$/progress" && m.params.token === created.token &&
      m.params.value.kind === kind;
    await session.waitFor("$/progress begin", progress("begin"), { since });
    await session.waitFor("$/progress end", progress("end"), { since });
  });

  await t.test("idiom.report: the ROI report's files", async () => {
    const result = await session.executeCommand("idiom.report", {});
    for (const key of ["html", "markdown", "json"]) {
      assert.ok(fs.existsSync(result[key]), `${key}: ${result[key]}`);
    }
  });

  await t.test("malformed requests get JSON-RPC errors and the server stays up", async () => {
    const unknown = await rpcError(session.request("idiom/noSuchMethod", {}));
    assert.equal(unknown.code, ErrorCodes.MethodNotFound);
    await rpcError(session.executeCommand("idiom.explain", { notAUri: 1 }));
    await rpcError(session.executeCommand("idiom.noSuchCommand", {}));
    const explained = await session.executeCommand("idiom.explain", { uri });
    assert.equal(typeof explained.requestId, "number", "still answering");
  });

  await t.test("didChangeConfiguration: inlineEnabled false turns inline completions off", async () => {
    const since = session.mark();
    session.changeSettings({ inlineEnabled: false });
    const result = await session.inlineCompletion(uri, endOf(session.text(uri)));
    assert.deepEqual(result.items, []);
    const warnings = session.notifications("window/logMessage", since)
      .filter((m) => /unknown setting/.test(m.params.message));
    assert.deepEqual(warnings, [], "every setting the client sends is known to the server");
  });

  await t.test("shutdown and exit: the server exits with code 0", async () => {
    assert.equal(await session.shutdown(), 0);
  });
});
