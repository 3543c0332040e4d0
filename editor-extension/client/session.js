// A Node LSP client for `idiom serve` that sends what the VS Code extension sends (docs/editor-protocol.md)
// and answers the server's requests the way VS Code does. drive.js and the protocol test use it; it is
// plain JavaScript so it runs without compiling the extension.
"use strict";

const { spawn } = require("node:child_process");
const { EventEmitter } = require("node:events");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const rpc = require("vscode-jsonrpc/node");
const manifest = require("../package.json");

const SECTION = "idiomatic";

/** The extension's settings at their package.json defaults, without launch.* (what the server receives). */
function defaultSettings() {
  const settings = {};
  for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
    const name = key.slice(SECTION.length + 1);
    if (!name.startsWith("launch.")) {
      settings[name] = schema.default;
    }
  }
  return settings;
}

const LANGUAGE_IDS = {
  ".ts": "typescript",
  ".tsx": "typescriptreact",
  ".js": "javascript",
  ".jsx": "javascriptreact",
  ".py": "python",
  ".go": "go",
  ".java": "java",
};

function languageIdOf(file) {
  return LANGUAGE_IDS[path.extname(file)] ?? "plaintext";
}

/** The capabilities of VS Code's language client that matter to `idiom serve`. */
const CAPABILITIES = {
  general: { positionEncodings: ["utf-16"] },
  window: { workDoneProgress: true, showMessage: {} },
  workspace: {
    applyEdit: true,
    workspaceEdit: { documentChanges: true },
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    executeCommand: { dynamicRegistration: true },
  },
  textDocument: {
    synchronization: { dynamicRegistration: true, didSave: true },
    completion: { dynamicRegistration: true, contextSupport: true, completionItem: { snippetSupport: true } },
    inlineCompletion: { dynamicRegistration: true },
    publishDiagnostics: { relatedInformation: true },
    codeAction: {
      dynamicRegistration: true,
      codeActionLiteralSupport: { codeActionKind: { valueSet: ["", "quickfix"] } },
    },
  },
};

/** The offset of an LSP position (UTF-16 units, like JS strings) in `text`, clamped to its line. */
function offsetAt(text, position) {
  let start = 0;
  for (let line = 0; line < position.line; line++) {
    const end = text.slice(start).search(/\r\n|\r|\n/);
    if (end < 0) {
      return text.length;
    }
    start += end + (text.startsWith("\r\n", start + end) ? 2 : 1);
  }
  const rest = text.slice(start).search(/\r\n|\r|\n/);
  const lineEnd = rest < 0 ? text.length : start + rest;
  return Math.min(start + position.character, lineEnd);
}

/** The LSP position of the end of `text`: where "insert at the end of the document" goes. */
function endOf(text) {
  const lines = text.split(/\r\n|\r|\n/);
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

/** `text` with LSP TextEdits applied; edits at the same place go in array order, as the spec says. */
function applyTextEdits(text, edits) {
  const located = edits.map((edit, index) => ({
    start: offsetAt(text, edit.range.start),
    end: offsetAt(text, edit.range.end),
    newText: edit.newText,
    index,
  }));
  located.sort((a, b) => b.start - a.start || b.index - a.index);
  for (const edit of located) {
    text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
  }
  return text;
}

/** TextEdits per document URI in a WorkspaceEdit, whichever of its two forms the server used. */
function editsByUri(edit) {
  const byUri = new Map(Object.entries(edit.changes ?? {}));
  for (const change of edit.documentChanges ?? []) {
    if (change.textDocument === undefined) {
      throw new Error(`resource operation ${change.kind} is not supported`);
    }
    byUri.set(change.textDocument.uri, [...(byUri.get(change.textDocument.uri) ?? []), ...change.edits]);
  }
  return byUri;
}

class Session extends EventEmitter {
  /**
   * Starts the server, sends initialize (initializationOptions: `settings` and `trusted`) and initialized.
   * `trusted` says whether the user trusts the repository, as VS Code's workspace trust does: false
   * asks the server to only check conventions. There is no default: every caller says which.
   * `timeoutMs` bounds each request and wait (initialize included) unless the call says otherwise.
   */
  static async start({ command, args = [], cwd, env, rootPath, settings = defaultSettings(), trusted,
    timeoutMs = 60_000 }) {
    if (typeof trusted !== "boolean") {
      throw new Error("Session.start needs trusted: true or false (does the user trust this repository?)");
    }
    const session = new Session(command, args, cwd, env, rootPath, settings, timeoutMs);
    try {
      session.initializeResult = await session.request("initialize", {
        processId: process.pid,
        clientInfo: { name: "idiomatic-node-client", version: manifest.version },
        locale: "en",
        rootPath: session.rootPath,
        rootUri: session.rootUri,
        workspaceFolders: [{ uri: session.rootUri, name: path.basename(session.rootPath) }],
        capabilities: CAPABILITIES,
        initializationOptions: { ...settings, trusted },
        trace: "off",
      });
    } catch (error) {
      session.kill(); // no server left behind when it never answered
      throw error;
    }
    session.notify("initialized", {});
    return session;
  }

  constructor(command, args, cwd, env, rootPath, settings, timeoutMs) {
    super();
    this.rootPath = path.resolve(rootPath);
    this.rootUri = pathToFileURL(this.rootPath).href;
    this.settings = settings;
    this.timeoutMs = timeoutMs;
    /** Every notification and request from the server, in arrival order: {type, method, params}. */
    this.messages = [];
    /** Open documents by URI: {text, version}. */
    this.documents = new Map();
    this.stderr = "";
    this.child = spawn(command, args, { cwd: cwd ?? this.rootPath, env: env ?? process.env, stdio: "pipe" });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-8000); // enough to explain a crash
    });
    // Resolves with the exit code; a command that cannot even start counts as exit code null.
    this.exited = new Promise((resolve) => {
      this.child.on("error", (error) => {
        this.startError = error;
        resolve(null);
      });
      this.child.on("exit", (code) => resolve(code));
    });
    this.connection = rpc.createMessageConnection(
      new rpc.StreamMessageReader(this.child.stdout),
      new rpc.StreamMessageWriter(this.child.stdin),
    );
    this.connection.onNotification((method, params) => this.record("notification", method, params));
    this.connection.onUnhandledProgress((params) => this.record("notification", "$/progress", params));
    this.connection.onRequest((method, params) => {
      this.record("request", method, params);
      return this.answer(method, params);
    });
    this.connection.onError(() => undefined); // a dead pipe shows up as the exit instead
    this.connection.listen();
  }

  record(type, method, params) {
    const message = { type, method, params };
    this.messages.push(message);
    this.emit("message", message);
  }

  /** What VS Code answers to the server's requests. */
  answer(method, params) {
    switch (method) {
      case "workspace/applyEdit":
        return this.applyEdit(params.edit);
      case "workspace/configuration":
        return params.items.map((item) => this.configuration(item.section));
      case "window/workDoneProgress/create":
      case "client/registerCapability":
      case "client/unregisterCapability":
      case "window/showMessageRequest":
        return null;
      default:
        return new rpc.ResponseError(rpc.ErrorCodes.MethodNotFound, `unhandled method ${method}`);
    }
  }

  configuration(section) {
    if (section === undefined || section === SECTION) {
      return this.settings;
    }
    return section.startsWith(`${SECTION}.`) ? (this.settings[section.slice(SECTION.length + 1)] ?? null) : null;
  }

  /** Applies a WorkspaceEdit to the open documents, then reports the change like VS Code does. */
  applyEdit(edit) {
    let byUri;
    try {
      byUri = editsByUri(edit);
    } catch (error) {
      return { applied: false, failureReason: error.message };
    }
    const unknown = [...byUri.keys()].filter((uri) => !this.documents.has(uri));
    if (unknown.length > 0) {
      return { applied: false, failureReason: `not open: ${unknown.join(", ")}` };
    }
    for (const [uri, edits] of byUri) {
      this.replace(uri, applyTextEdits(this.documents.get(uri).text, edits));
    }
    return { applied: true };
  }

  /** The index the next recorded message will have: wait "since" it to skip older ones. */
  mark() {
    return this.messages.length;
  }

  /**
   * The first recorded message from index `since` on that satisfies `predicate`, waiting for it if it
   * has not arrived yet; rejects after `timeoutMs` or when the server exits.
   */
  waitFor(what, predicate, { since = 0, timeoutMs = this.timeoutMs } = {}) {
    const found = this.messages.slice(since).find(predicate);
    if (found !== undefined) {
      return Promise.resolve(found);
    }
    return this.bounded(
      what,
      new Promise((resolve) => {
        const listener = (message) => {
          if (predicate(message)) {
            this.off("message", listener);
            resolve(message);
          }
        };
        this.on("message", listener);
      }),
      timeoutMs,
    );
  }

  /** The notifications of `method` recorded so far, from index `since` on. */
  notifications(method, since = 0) {
    return this.messages.slice(since).filter((m) => m.type === "notification" && m.method === method);
  }

  /** `promise`, or a rejection naming `what` when it takes longer than `timeoutMs` or the server exits. */
  bounded(what, promise, timeoutMs = this.timeoutMs) {
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`timed out after ${timeoutMs / 1000} s waiting for ${what}`)), timeoutMs);
    });
    // An exit the client asked for (shutdown) is not a failure: that branch then never settles.
    const exit = this.exited.then((code) => {
      if (this.exiting) {
        return new Promise(() => undefined);
      }
      throw this.failure(`the server exited (code ${code}) while waiting for ${what}`);
    });
    return Promise.race([promise, timeout, exit]).finally(() => clearTimeout(timer));
  }

  failure(message) {
    const cause = this.startError ? `: ${this.startError.message}` : "";
    const tail = this.stderr.trim() ? `\n--- server stderr (tail) ---\n${this.stderr.trim()}` : "";
    return new Error(`${message}${cause}${tail}`);
  }

  request(method, params, timeoutMs = this.timeoutMs) {
    return this.bounded(method, this.connection.sendRequest(method, params), timeoutMs);
  }

  notify(method, params) {
    return this.connection.sendNotification(method, params);
  }

  /** `{command, arguments: [argument]}`: every idiom.* command takes one object. */
  executeCommand(command, argument, timeoutMs = this.timeoutMs) {
    return this.bounded(
      command,
      this.connection.sendRequest("workspace/executeCommand", { command, arguments: [argument] }),
      timeoutMs,
    );
  }

  /** Opens `file` (absolute, or relative to the root) with `text`, by default what is on disk ("" if absent). */
  open(file, text) {
    const absolute = path.resolve(this.rootPath, file);
    const uri = pathToFileURL(absolute).href;
    const content = text ?? (fs.existsSync(absolute) ? fs.readFileSync(absolute, "utf8") : "");
    this.documents.set(uri, { text: content, version: 1 });
    this.notify("textDocument/didOpen", {
      textDocument: { uri, languageId: languageIdOf(absolute), version: 1, text: content },
    });
    return uri;
  }

  text(uri) {
    return this.documents.get(uri).text;
  }

  /** The server's textDocumentSync change kind: 1 full, 2 incremental. */
  syncKind() {
    const sync = this.initializeResult.capabilities.textDocumentSync;
    return typeof sync === "number" ? sync : (sync?.change ?? 0);
  }

  /** Replaces `range` of the document with `newText` and sends didChange, as a keystroke or paste would. */
  edit(uri, range, newText) {
    const document = this.documents.get(uri);
    const text = applyTextEdits(document.text, [{ range, newText }]);
    this.change(uri, text, { range, text: newText });
  }

  /** Replaces the whole document and sends didChange. */
  replace(uri, text) {
    const document = this.documents.get(uri);
    this.change(uri, text, { range: { start: { line: 0, character: 0 }, end: endOf(document.text) }, text });
  }

  change(uri, text, incremental) {
    const document = this.documents.get(uri);
    document.text = text;
    document.version += 1;
    this.notify("textDocument/didChange", {
      textDocument: { uri, version: document.version },
      contentChanges: [this.syncKind() === 2 ? incremental : { text }],
    });
  }

  /** As VS Code asks while you type (triggerKind Automatic). */
  inlineCompletion(uri, position) {
    return this.request("textDocument/inlineCompletion", {
      textDocument: { uri },
      position,
      context: { triggerKind: 2 },
    });
  }

  /** As VS Code asks when the completion list is invoked (triggerKind Invoked). */
  completion(uri, position) {
    return this.request("textDocument/completion", { textDocument: { uri }, position, context: { triggerKind: 1 } });
  }

  /** What the extension sends when an `idiomatic.*` setting changes. */
  changeSettings(changes) {
    this.settings = { ...this.settings, ...changes };
    this.notify("workspace/didChangeConfiguration", { settings: { [SECTION]: this.settings } });
  }

  /** shutdown, then exit; resolves with the server's exit code. */
  async shutdown(timeoutMs = this.timeoutMs) {
    await this.request("shutdown", null, timeoutMs);
    this.exiting = true;
    this.notify("exit", null);
    return this.bounded("the server to exit after exit", this.exited, timeoutMs);
  }

  /** Closes the connection and ends the server if it still runs (after a failure). */
  kill() {
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill();
    }
  }
}

module.exports = { Session, defaultSettings, endOf, applyTextEdits, offsetAt, languageIdOf };
