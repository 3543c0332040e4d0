// Finding the server program without the workspace's help (src/program.ts, compiled to out/): real files
// in a temporary folder, and a cloned repository that ships its own `idiom`.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { findProgram, isExecutableFile } = require("../out/program");

/** A folder with `bin/idiom` (the user's install) and `repo/bin/idiom` + `repo/idiom` (the stranger's). */
function layout(t) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "idiom-program-"));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const script = (file, text) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `#!/bin/sh\necho ${text}\n`, { mode: 0o755 });
    return file;
  };
  return {
    root,
    mine: script(path.join(root, "bin", "idiom"), "mine"),
    repo: path.join(root, "repo"),
    theirs: [script(path.join(root, "repo", "bin", "idiom"), "theirs"), script(path.join(root, "repo", "idiom"), "theirs")],
  };
}

test("a bare name is found on PATH's absolute entries only, never inside the workspace", (t) => {
  const { root, mine, repo } = layout(t);
  // Relative and empty entries resolve against the server's working folder: the cloned repository.
  const PATH = ["bin", "", ".", path.join(root, "bin")].join(path.delimiter);
  assert.equal(findProgram("idiom", { PATH }, "linux"), mine);

  const bare = spawnSync("idiom", [], { cwd: repo, env: { PATH }, encoding: "utf8" });
  assert.equal(bare.stdout.trim(), "theirs", "what the language client would have run without the lookup");
  const found = spawnSync(findProgram("idiom", { PATH }, "linux"), [], { cwd: repo, env: { PATH }, encoding: "utf8" });
  assert.equal(found.stdout.trim(), "mine");
});

test("an absolute command is used as is; a relative path or a missing program is refused with the fix", (t) => {
  const { root, mine } = layout(t);
  assert.equal(findProgram(mine, { PATH: "" }, "linux"), mine);
  assert.throws(() => findProgram("./node_modules/.bin/idiom", { PATH: path.join(root, "bin") }, "linux"),
    /must be a program name on PATH or an absolute path, not \.\/node_modules\/\.bin\/idiom/);
  assert.throws(() => findProgram("idiom", { PATH: "bin:." }, "linux"),
    /^Error: `idiom` is not on PATH \(relative PATH entries are skipped\); install it, or set idiomatic\.launch\.command/);
  assert.throws(() => findProgram("idiom", {}, "linux"), /is not on PATH/);
  assert.throws(() => findProgram(path.join(root, "bin"), {}, "linux"), /is not an executable file; fix idiomatic\.launch\.command/);
  fs.chmodSync(mine, 0o644);
  assert.equal(isExecutableFile(mine), false, "not executable");
  assert.throws(() => findProgram("idiom", { PATH: path.join(root, "bin") }, "linux"), /is not on PATH/);
});

test("on Windows: `;` separates PATH, .com/.exe are tried, and the workspace folder is never searched", () => {
  const files = new Set(["C:\\Python\\Scripts\\idiom.exe", "C:\\repo\\idiom.exe"]);
  const exists = (file) => files.has(file);
  const PATH = ["bin", "C:\\Windows", "C:\\Python\\Scripts"].join(";");
  assert.equal(findProgram("idiom", { PATH }, "win32", exists), "C:\\Python\\Scripts\\idiom.exe");
  assert.equal(findProgram("C:\\repo\\idiom.exe", { PATH }, "win32", exists), "C:\\repo\\idiom.exe");
  assert.throws(() => findProgram("venv\\Scripts\\idiom", { PATH }, "win32", exists), /not venv\\Scripts\\idiom/);
  // libuv would have found C:\\repo\\idiom.exe first when the server runs in C:\\repo.
  assert.throws(() => findProgram("idiom", { PATH: ".;bin;" }, "win32", exists), /is not on PATH/);
});
