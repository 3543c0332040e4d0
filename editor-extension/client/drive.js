#!/usr/bin/env node
// Drives a real `idiom serve` the way the VS Code extension would, from the command line: one inline
// completion (accepted with --accept) and one idiom.generate in a file, then shutdown. `make demo` ends with it.
"use strict";

const path = require("node:path");
const { Session, endOf } = require("./session");

const USAGE = `usage: node drive.js --repo DIR --file PATH [--line N --character C] [--instruction TEXT]
                     [--accept] [--timeout SECONDS] [--json] -- SERVER COMMAND...
  Opens PATH (relative to DIR; read from disk, empty if it does not exist), asks one inline completion
  at the position (0-based like LSP; default: the end of the file), with --accept takes it as the editor
  does (inserts it and runs its command, so the server follows what is retained of it), runs
  idiom.generate with TEXT there, then shuts down. --timeout bounds the whole run (default 120).
  Exits 0 when the protocol worked, even if no suggestion passed the rules; 1 otherwise.`;

function parse(argv) {
  const split = argv.indexOf("--");
  if (split < 0 || split === argv.length - 1) {
    throw new Error("missing the server command after --");
  }
  const options = { command: argv.slice(split + 1), timeout: 120, json: false, accept: false, instruction: "" };
  const flags = argv.slice(0, split);
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    if (flag === "--json" || flag === "--accept") {
      options[flag.slice(2)] = true;
      continue;
    }
    const value = flags[++i];
    if (value === undefined) {
      throw new Error(`${flag} needs a value`);
    }
    const key = { "--repo": "repo", "--file": "file", "--line": "line", "--character": "character",
      "--instruction": "instruction", "--timeout": "timeout" }[flag];
    if (key === undefined) {
      throw new Error(`unknown option ${flag}`);
    }
    options[key] = ["line", "character", "timeout"].includes(key) ? Number(value) : value;
    if (Number.isNaN(options[key])) {
      throw new Error(`${flag} needs a number, not ${value}`);
    }
  }
  if (!options.repo || !options.file) {
    throw new Error("--repo and --file are required");
  }
  return options;
}

function describe(decision) {
  if (!decision) {
    return "no decision";
  }
  const cost = typeof decision.costUsd === "number" ? `$${decision.costUsd}` : "n/a";
  const latency = typeof decision.latencyS === "number" ? `${decision.latencyS.toFixed(2)} s` : "n/a";
  return `strategy=${decision.strategy || "none"} kind=${decision.kind || "none"} cost=${cost} ` +
    `latency=${latency} reason=${decision.reason || "none"}`;
}

function indent(text) {
  return text.replace(/\n$/, "").replace(/^/gm, "    ");
}

async function drive(options) {
  const [command, ...args] = options.command;
  const deadline = Date.now() + options.timeout * 1000;
  // The server runs where we were run, so relative paths in its command and environment mean the same.
  // Trusted: the repository and the server command are the ones the user typed on this command line.
  const session = await Session.start({ command, args, rootPath: options.repo, cwd: process.cwd(), trusted: true,
    timeoutMs: options.timeout * 1000 });
  try {
    return await session.bounded(`the whole run (${options.timeout} s)`, run(session, options), deadline - Date.now());
  } finally {
    session.kill();
  }
}

async function run(session, options) {
  const uri = session.open(options.file);
  const end = endOf(session.text(uri));
  const position = options.line === undefined ? end : { line: options.line, character: options.character ?? 0 };

  // The decision that follows this answer is the first one for the document after the request.
  const since = session.mark();
  const inline = await session.inlineCompletion(uri, position);
  const item = inline?.items?.[0];
  const requestId = item?.command?.arguments?.[0]?.requestId;
  const { params: decision } = await session.waitFor(
    "idiom/decision",
    (m) =>
      m.method === "idiom/decision" &&
      m.params.uri === uri &&
      (requestId === undefined || m.params.requestId === requestId),
    { since },
  );

  let accepted = false;
  if (options.accept && item?.insertText) {
    // What VS Code does when Tab takes ghost text: insert it at the cursor, then run the item's command.
    session.edit(uri, { start: position, end: position }, item.insertText);
    await session.executeCommand(item.command.command, item.command.arguments[0]);
    accepted = true;
  }

  const generated = await session.executeCommand("idiom.generate", {
    uri,
    instruction: options.instruction || `Continue ${path.basename(options.file)}`,
    position,
  });
  const code = await session.shutdown();
  if (code !== 0) {
    throw new Error(`the server exited with code ${code} after shutdown/exit`);
  }
  return {
    file: options.file,
    position,
    inline: { text: item?.insertText ?? "", requestId: requestId ?? null, decision, accepted },
    generate: generated,
  };
}

function print(result) {
  const { inline, generate } = result;
  const { line, character } = result.position;
  console.log(`inline completion in ${result.file} at line ${line}, character ${character} (0-based)`);
  console.log(inline.text ? `  suggestion (request #${inline.requestId}):\n${indent(inline.text)}` : "  no suggestion");
  console.log(`  decision: ${describe(inline.decision)}`);
  if (inline.accepted) {
    console.log("  accepted: the server follows how much of it stays (recorded at shutdown)");
  }
  console.log("idiom.generate");
  console.log(generate.text ? `  text:\n${indent(generate.text)}` : "  no suggestion");
  console.log(`  applied: ${generate.applied}`);
  console.log(`  decision: ${describe(generate)}`);
}

async function main() {
  let options;
  try {
    options = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`drive.js: ${error.message}\n${USAGE}`);
    return 2;
  }
  try {
    const result = await drive(options);
    if (options.json) {
      console.log(JSON.stringify(result));
    } else {
      print(result);
    }
    return 0;
  } catch (error) {
    console.error(`drive.js: ${error.message.split("\n")[0]}`);
    return 1;
  }
}

main().then((code) => process.exit(code));
