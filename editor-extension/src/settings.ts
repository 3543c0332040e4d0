// What the extension tells `idiom serve` about itself: which documents it serves, the settings it sends
// (initializationOptions and didChangeConfiguration) and how to start it. Pure, so `node --test` checks it
// without VS Code.

/** The configuration section of every setting, as in package.json's `contributes.configuration`. */
export const SECTION = "idiomatic";

/** Languages the server is started for; package.json's `onLanguage:` activation events list the same. */
export const LANGUAGES = [
  "typescript",
  "typescriptreact",
  "javascript",
  "javascriptreact",
  "python",
  "go",
  "java",
] as const;

/** The server's settings (docs/editor-protocol.md), in the order of its table. */
export const SERVER_SETTING_KEYS = [
  "inlineEnabled",
  "diagnosticsEnabled",
  "strategies",
  "latencyBudgetS",
  "minPassRate",
  "providerBaseUrl",
  "indexUrl",
  "maxTokens",
  "debounceMs",
  "maxConcurrency",
] as const;

/** Reads one setting under `idiomatic.`; `vscode.WorkspaceConfiguration` has this shape. */
export interface SettingReader {
  get<T>(key: string): T | undefined;
}

export type ServerSettings = Record<(typeof SERVER_SETTING_KEYS)[number], unknown>;

/**
 * The settings object the server receives. `launch.*` stays out: it only says how to start the server.
 * A key VS Code has no value for is left out, so the server keeps its own default.
 */
export function serverSettings(config: SettingReader): Partial<ServerSettings> {
  const settings: Partial<ServerSettings> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = config.get<unknown>(key);
    if (value !== undefined) {
      settings[key] = value;
    }
  }
  return settings;
}

export interface Launch {
  command: string;
  args: string[];
}

/** The program and arguments that start the server, falling back to `idiom serve` when unset or blank. */
export function launch(config: SettingReader): Launch {
  const command = config.get<string>("launch.command")?.trim() || "idiom";
  const args = config.get<string[]>("launch.args") ?? ["serve"];
  return { command, args: args.map(String) };
}
