// The VS Code side of Idiomatic: starts `idiom serve` as a language client, registers the five
// `idiomatic.*` commands, shows the last decision in the status bar and reports dismissed inline
// suggestions. Everything it sends is listed in docs/editor-protocol.md. In a workspace the user has not
// trusted it still starts the server, told `trusted: false` (conventions only), and restarts it trusted
// once the user grants trust.

import * as path from "node:path";
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  NotificationType,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { FEEDBACK_COMMAND, FeedbackTracker, Rejection, acceptedRequestId, requestIdOf } from "./feedback";
import { findProgram } from "./program";
import { LANGUAGES, SECTION, initializationOptions, launch, serverSettings } from "./settings";
import {
  DECISION_NOTIFICATION,
  Decision,
  Explanation,
  IDLE,
  RESTRICTED,
  StatusText,
  formatExplanation,
  formatStatus,
} from "./status";

interface GenerateResult {
  requestId: number;
  strategy: string | null;
  kind: string | null;
  reason: string | null;
  text: string;
  costUsd: number | null;
  latencyS: number | null;
  applied: boolean;
}

interface ReindexResult {
  units: number;
  embedded: number;
  removed: number;
  seconds: number;
}

let client: LanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel("Idiomatic", { log: true });
  const config = () => vscode.workspace.getConfiguration(SECTION);
  const tracker = new FeedbackTracker();
  const { command, args } = launch(config());
  // An absolute path, so the workspace folder the server runs in cannot supply the program.
  let program = command;
  let unavailable: Error | undefined;
  try {
    program = findProgram(command, process.env);
  } catch (error) {
    unavailable = error as Error;
  }
  const serverOptions: ServerOptions = { command: program, args, transport: TransportKind.stdio };

  // Rejections are fire-and-forget: a lost one only costs the router one data point, never the user.
  const reject = (rejections: Rejection[]) => {
    for (const rejection of rejections) {
      languageClient
        .sendRequest(ExecuteCommandRequest.type, { command: FEEDBACK_COMMAND, arguments: [rejection] })
        .catch((error: Error) => output.warn(`feedback for request #${rejection.requestId} failed: ${error.message}`));
    }
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: LANGUAGES.map((language) => ({ scheme: "file", language })),
    // Read again on every (re)start: granting trust restarts the client.
    initializationOptions: () => initializationOptions(config(), vscode.workspace.isTrusted),
    outputChannel: output,
    synchronize: { configurationSection: SECTION },
    middleware: {
      // The only place the client learns which suggestion (requestId) a document is showing. With the server's
      // alternatives there are several items, each with its own requestId: VS Code shows the first, cycles
      // through the others and runs the command of the one taken; the first, passed over, is reported below.
      provideInlineCompletionItems: async (document, position, inlineContext, token, next) => {
        const uri = document.uri.toString();
        reject(tracker.requested(uri));
        const result = await next(document, position, inlineContext, token);
        const item = (Array.isArray(result) ? result : (result?.items ?? []))[0];
        const requestId = requestIdOf(item?.command);
        if (item !== undefined && requestId !== undefined) {
          const text = typeof item.insertText === "string" ? item.insertText : item.insertText.value;
          reject(tracker.show(uri, requestId, text, item.range?.start ?? position));
        }
        return result;
      },
      // VS Code runs an accepted item's `idiom.feedback … accepted` command through here.
      executeCommand: (serverCommand, commandArgs, next) => {
        const accepted = acceptedRequestId(serverCommand, commandArgs);
        if (accepted !== undefined) {
          tracker.accepted(accepted);
        }
        return next(serverCommand, commandArgs);
      },
      workspace: {
        // Same shape as initializationOptions, under `idiomatic`: launch.* is for this extension only.
        didChangeConfiguration: async () => {
          await languageClient.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: serverSettings(config()) },
          });
        },
      },
    },
  };

  // The middleware above runs only once this client has started, so it may refer to it.
  const languageClient = new LanguageClient("idiomatic", "Idiomatic", serverOptions, clientOptions);
  client = languageClient;

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  const showStatus = ({ text, tooltip }: StatusText) => {
    status.text = text;
    status.tooltip = tooltip;
  };
  const showTrust = () => {
    status.command = vscode.workspace.isTrusted ? "idiomatic.explain" : "workbench.trust.manage";
    showStatus(vscode.workspace.isTrusted ? IDLE : RESTRICTED);
  };
  showTrust();
  status.show();
  languageClient.onNotification(new NotificationType<Decision>(DECISION_NOTIFICATION), (decision) =>
    showStatus(formatStatus(decision)),
  );

  // Commands wait for the start instead of failing while the server is still coming up.
  const started = (unavailable ? Promise.reject(unavailable) : languageClient.start()).then(
    () => true,
    (error: Error) => {
      void vscode.window.showErrorMessage(
        `Idiomatic: could not start \`${[command, ...args].join(" ")}\` (${error.message}). ` +
          "Set idiomatic.launch.command in your user settings and reload the window.",
      );
      return false;
    },
  );

  // The server learns trust only at initialize, so granting it means a new server told `trusted: true`.
  async function restartTrusted(): Promise<void> {
    showTrust();
    if (await started) {
      await languageClient.restart();
    }
  }

  async function run<T>(serverCommand: string, argument: object): Promise<T> {
    if (!(await started)) {
      throw new Error("the server is not running; see the Idiomatic output");
    }
    return languageClient.sendRequest(ExecuteCommandRequest.type, { command: serverCommand, arguments: [argument] });
  }

  function activeEditor(): vscode.TextEditor {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) {
      throw new Error("open a file first");
    }
    return editor;
  }

  const uriOf = (document: vscode.TextDocument) => languageClient.code2ProtocolConverter.asUri(document.uri);

  const withProgress = <T>(title: string, task: () => Promise<T>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task);

  async function generate(): Promise<void> {
    const editor = activeEditor();
    const selection = editor.selection;
    const instruction = await vscode.window.showInputBox({
      title: "Idiomatic: Generate",
      prompt: selection.isEmpty ? "What should be written at the cursor?" : "How should the selection change?",
      placeHolder: "Create a Tag component with a tone prop",
      ignoreFocusOut: true,
    });
    if (!instruction?.trim()) {
      return;
    }
    const convert = languageClient.code2ProtocolConverter;
    const argument = {
      uri: uriOf(editor.document),
      instruction,
      ...(selection.isEmpty ? {} : { range: convert.asRange(selection) }),
      position: convert.asPosition(selection.active),
    };
    const result = await withProgress("Idiomatic: generating…", () => run<GenerateResult>("idiom.generate", argument));
    showStatus(formatStatus({ ...result, answered: result.text !== "" }));
    if (result.text === "") {
      void vscode.window.showInformationMessage(`Idiomatic: no suggestion — ${result.reason ?? "nothing passed"}`);
    } else if (!result.applied) {
      void vscode.window.showWarningMessage("Idiomatic: the generated code could not be applied to the document.");
    }
  }

  async function explain(): Promise<void> {
    const document = activeEditor().document;
    const explanation = await run<Explanation | null>("idiom.explain", { uri: uriOf(document) });
    output.info(formatExplanation(explanation, vscode.workspace.asRelativePath(document.uri)).join("\n"));
    output.show(true);
  }

  async function reindex(): Promise<void> {
    const result = await withProgress("Idiomatic: re-indexing…", () => run<ReindexResult>("idiom.reindex", {}));
    void vscode.window.showInformationMessage(
      `Idiomatic: indexed ${result.units} units (${result.embedded} embedded, ${result.removed} removed) ` +
        `in ${result.seconds.toFixed(1)} s.`,
    );
  }

  async function openReport(): Promise<void> {
    const result = await withProgress("Idiomatic: building the ROI report…", () =>
      run<{ html: string }>("idiom.report", {}),
    );
    await vscode.env.openExternal(vscode.Uri.file(result.html));
  }

  async function validateFile(): Promise<void> {
    const document = activeEditor().document;
    const result = await run<{ violations: unknown[] }>("idiom.validateFile", { uri: uriOf(document) });
    const count = result.violations.length;
    const name = path.basename(document.uri.fsPath);
    void vscode.window.showInformationMessage(
      count === 0
        ? `Idiomatic: ${name} follows the team's conventions.`
        : `Idiomatic: ${count} convention violation${count === 1 ? "" : "s"} in ${name} (see Problems).`,
    );
  }

  const commands: Record<string, () => Promise<void>> = {
    "idiomatic.generate": generate,
    "idiomatic.explain": explain,
    "idiomatic.reindex": reindex,
    "idiomatic.openReport": openReport,
    "idiomatic.validateFile": validateFile,
  };
  // In an untrusted workspace the server refuses what needs trust; the error then offers the way to grant it.
  async function showFailure(error: Error): Promise<void> {
    const manage = vscode.workspace.isTrusted ? [] : ["Manage Workspace Trust"];
    if (await vscode.window.showErrorMessage(`Idiomatic: ${error.message}`, ...manage)) {
      await vscode.commands.executeCommand("workbench.trust.manage");
    }
  }
  for (const [id, handler] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, () => handler().catch(showFailure)));
  }

  context.subscriptions.push(
    output,
    status,
    vscode.workspace.onDidGrantWorkspaceTrust(() =>
      restartTrusted().catch((error: Error) =>
        vscode.window.showErrorMessage(`Idiomatic: restarting the server after trust failed: ${error.message}`),
      ),
    ),
    vscode.workspace.onDidChangeTextDocument((event) =>
      reject(tracker.changed(event.document.uri.toString(), event.contentChanges)),
    ),
    vscode.workspace.onDidCloseTextDocument((document) => reject(tracker.closed(document.uri.toString()))),
  );
}

export function deactivate(): Promise<void> | undefined {
  return client?.stop();
}
