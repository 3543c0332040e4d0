// The real `idiom serve` told `trusted: false` at initialize, as the extension does in a workspace the
// user has not trusted: it still checks conventions, but answers no completion, refuses the commands
// that need a model or the index (with an error saying so) and calls no model provider.
// tests/server/test_node_client.py runs it (IDIOM_TEST_SERVER, IDIOM_TEST_REPO as for protocol.test.js)
// and checks that its fake provider received nothing.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { Session, defaultSettings, endOf } = require("../client/session");

const SERVER = process.env.IDIOM_TEST_SERVER;
const REPO = process.env.IDIOM_TEST_REPO;
const FILE = "src/components/Button/Button.tsx";
const skip = SERVER && REPO ? false
  : "set IDIOM_TEST_SERVER (JSON array: the server command) and IDIOM_TEST_REPO (an indexed repository) to run it";

/** A JSON-RPC error whose message tells the user that trust is what is missing. */
const refusedForTrust = (error) => typeof error.code === "number" && /trust/i.test(error.message);

test("idiom serve in an untrusted workspace only checks conventions", { skip, timeout: 300_000 }, async (t) => {
  const [command, ...args] = JSON.parse(SERVER);
  const settings = { ...defaultSettings(), debounceMs: 50 };
  const session = await Session.start({ command, args, rootPath: REPO, settings, trusted: false, timeoutMs: 120_000 });
  t.after(() => session.kill());
  let uri;

  await t.test("didOpen: the document's conventions are checked", async () => {
    const since = session.mark();
    uri = session.open(FILE);
    await session.waitFor("publishDiagnostics after didOpen",
      (m) => m.method === "textDocument/publishDiagnostics" && m.params.uri === uri, { since });
  });

  await t.test("idiom.validateFile and idiom.explain answer", async () => {
    const validated = await session.executeCommand("idiom.validateFile", { uri });
    assert.equal(validated.uri, uri);
    assert.ok(Array.isArray(validated.violations));
    await session.executeCommand("idiom.explain", { uri });
  });

  await t.test("initialize: `trusted` is a key the server knows", () => {
    const warnings = session.notifications("window/logMessage").filter((m) => /unknown setting/.test(m.params.message));
    assert.deepEqual(warnings, []);
  });

  await t.test("inline and list completions answer nothing", async () => {
    const position = endOf(session.text(uri));
    assert.deepEqual((await session.inlineCompletion(uri, position)).items, []);
    assert.deepEqual((await session.completion(uri, position)).items, []);
  });

  await t.test("idiom.generate and idiom.reindex are refused, saying trust is missing",
    async () => {
      await assert.rejects(session.executeCommand("idiom.generate",
        { uri, instruction: "Create a Tag component with a tone prop", position: endOf(session.text(uri)) }),
      refusedForTrust);
      await assert.rejects(session.executeCommand("idiom.reindex", {}), refusedForTrust);
      const validated = await session.executeCommand("idiom.validateFile", { uri });
      assert.ok(Array.isArray(validated.violations), "still answering");
    });

  await t.test("shutdown and exit: the server exits with code 0", async () => {
    assert.equal(await session.shutdown(), 0);
  });
});
