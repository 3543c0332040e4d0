// What the extension sends as settings and how it starts the server (src/settings.ts, compiled to out/).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { LANGUAGES, SERVER_SETTING_KEYS, launch, serverSettings } = require("../out/settings");
const manifest = require("../package.json");

/** A stand-in for vscode.workspace.getConfiguration("idiomatic"). */
const reader = (values) => ({ get: (key) => values[key] });

test("the server's settings are package.json's idiomatic.* settings except launch.*", () => {
  const contributed = Object.keys(manifest.contributes.configuration.properties)
    .map((key) => key.replace(/^idiomatic\./, ""))
    .filter((key) => !key.startsWith("launch."));
  assert.deepEqual([...SERVER_SETTING_KEYS], contributed);
});

test("initializationOptions carry every server setting and never launch.*", () => {
  const values = { inlineEnabled: false, diagnosticsEnabled: true, strategies: ["rag"], latencyBudgetS: 2,
    minPassRate: 0.8, providerBaseUrl: "http://127.0.0.1:9/v1", indexUrl: "", maxTokens: 64, debounceMs: 400,
    maxConcurrency: 1, "launch.command": "idiom", "launch.args": ["serve"], unrelated: 1 };
  const sent = serverSettings(reader(values));
  assert.deepEqual(sent, Object.fromEntries(SERVER_SETTING_KEYS.map((key) => [key, values[key]])));
});

test("a setting VS Code has no value for is left to the server's default", () => {
  assert.deepEqual(serverSettings(reader({ maxTokens: 32 })), { maxTokens: 32 });
});

test("launch falls back to `idiom serve`", () => {
  assert.deepEqual(launch(reader({})), { command: "idiom", args: ["serve"] });
  assert.deepEqual(launch(reader({ "launch.command": "  " })), { command: "idiom", args: ["serve"] });
  assert.deepEqual(launch(reader({ "launch.command": "/venv/bin/idiom", "launch.args": ["serve", "--repo", "/r"] })),
    { command: "/venv/bin/idiom", args: ["serve", "--repo", "/r"] });
});

test("the extension activates for exactly the languages it serves", () => {
  const activating = manifest.activationEvents.filter((e) => e.startsWith("onLanguage:")).map((e) => e.slice(11));
  assert.deepEqual(activating, [...LANGUAGES]);
});
