// package.json against the code and docs/editor-protocol.md: every contributed command is registered,
// the settings are the protocol's table plus launch.*, the settings a workspace may not choose are
// declared restricted, and the .vsix leaves the sources out.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const manifest = require("../package.json");

const root = path.join(__dirname, "..");
const source = fs.readFileSync(path.join(root, "src", "extension.ts"), "utf8");
const properties = manifest.contributes.configuration.properties;

test("every contributed command is registered by extension.ts and activates the extension", () => {
  assert.match(source, /vscode\.commands\.registerCommand\(id,/);
  const registered = [...source.matchAll(/^\s+"(idiomatic\.\w+)": \w+,$/gm)].map((m) => m[1]);
  const contributed = manifest.contributes.commands.map((c) => c.command);
  assert.deepEqual(registered.sort(), [...contributed].sort());
  for (const command of contributed) {
    assert.ok(manifest.activationEvents.includes(`onCommand:${command}`), command);
  }
  assert.equal(manifest.contributes.commands.find((c) => c.command === "idiomatic.generate").title,
    "Idiomatic: Generate…");
});

test("the launch settings say how to start the server", () => {
  assert.deepEqual(properties["idiomatic.launch.command"].type, "string");
  assert.deepEqual(properties["idiomatic.launch.command"].default, "idiom");
  assert.deepEqual(properties["idiomatic.launch.args"].type, "array");
  assert.deepEqual(properties["idiomatic.launch.args"].items, { type: "string" });
  assert.deepEqual(properties["idiomatic.launch.args"].default, ["serve"]);
});

test("the other settings are the protocol's table: same keys, types and defaults", () => {
  const doc = fs.readFileSync(path.join(root, "..", "docs", "editor-protocol.md"), "utf8");
  const rows = [...doc.matchAll(/^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|/gm)];
  assert.ok(rows.length >= 10, "the settings table is in docs/editor-protocol.md");
  const expected = Object.fromEntries(rows.map(([, key, type, value]) => {
    const kind = type.trim().startsWith("array") ? "array" : type.trim();
    const literal = value.trim().replace(/^`|`$/g, "");
    return [`idiomatic.${key}`, { type: kind, default: JSON.parse(literal) }];
  }));
  const contributed = Object.fromEntries(Object.entries(properties)
    .filter(([key]) => !key.startsWith("idiomatic.launch."))
    .map(([key, schema]) => [key, { type: schema.type, default: schema.default }]));
  assert.deepEqual(contributed, expected);
  const strategies = rows.find(([, key]) => key === "strategies")[2];
  assert.deepEqual(properties["idiomatic.strategies"].items.enum, [...strategies.matchAll(/"(\w+)"/g)].map((m) => m[1]));
});

test("untrusted workspaces get limited support; the restricted settings are machine-scoped", () => {
  const { RESTRICTED_SETTINGS } = require("../out/settings");
  const restricted = RESTRICTED_SETTINGS.map((key) => `idiomatic.${key}`);
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, "limited");
  assert.match(untrusted.description, /only checks files against the team's conventions/);
  assert.deepEqual(untrusted.restrictedConfigurations, restricted);
  const machineScoped = Object.keys(properties).filter((key) => properties[key].scope === "machine");
  assert.deepEqual(machineScoped.sort(), [...restricted].sort(), "a workspace's settings.json cannot set them");
});

test("the .vsix holds the compiled extension, not its sources, tests or the Neovim client", () => {
  const ignored = fs.readFileSync(path.join(root, ".vscodeignore"), "utf8").split("\n");
  for (const pattern of ["src/**", "test/**", "client/**", "nvim/**"]) {
    assert.ok(ignored.includes(pattern), pattern);
  }
  assert.equal(manifest.main, "./out/extension.js");
  assert.equal(manifest.engines.vscode, "^1.91.0");
});
