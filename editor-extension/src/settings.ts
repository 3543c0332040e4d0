// What the extension tells `idiom serve` about itself: which documents it serves, the settings it sends
// (initializationOptions and didChangeConfiguration), whether the workspace is trusted, and how to start
// the server. Pure, so `node --test` checks it without VS Code.

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
  "teamUrl",
  "teamRepository",
  "maxTokens",
  "debounceMs",
  "maxConcurrency",
] as const;

/**
 * Settings that choose the program the extension runs or where code (and the provider's key) goes.
 * A workspace's settings.json never sets them, trusted or not: package.json gives them
 * `"scope": "machine"` and lists them in `restrictedConfigurations`, and they are read here from the
 * user's settings or the default only.
 */
export const RESTRICTED_SETTINGS = ["providerBaseUrl", "indexUrl", "teamUrl", "launch.command", "launch.args"] as const;

/** A setting's value at each level; `vscode.WorkspaceConfiguration.inspect` returns this and more. */
export interface SettingLevels<T> {
  defaultValue?: T;
  globalValue?: T;
}

/** Reads one setting under `idiomatic.`; `vscode.WorkspaceConfiguration` has this shape. */
export interface SettingReader {
  get<T>(key: string): T | undefined;
  inspect<T>(key: string): SettingLevels<T> | undefined;
}

export type ServerSettings = Record<(typeof SERVER_SETTING_KEYS)[number], unknown>;

/** The server's settings plus `trusted`, which only initializationOptions carries (a restart changes it). */
export type InitializationOptions = Partial<ServerSettings> & { trusted: boolean };

/** A setting's value; a restricted one comes from the user's settings or the default, never a workspace. */
function valueOf<T>(config: SettingReader, key: string): T | undefined {
  if ((RESTRICTED_SETTINGS as readonly string[]).includes(key)) {
    const levels = config.inspect<T>(key);
    return levels?.globalValue ?? levels?.defaultValue;
  }
  return config.get<T>(key);
}

/**
 * The settings object the server receives. `launch.*` stays out: it only says how to start the server.
 * A key VS Code has no value for is left out, so the server keeps its own default.
 */
export function serverSettings(config: SettingReader): Partial<ServerSettings> {
  const settings: Partial<ServerSettings> = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = valueOf<unknown>(config, key);
    if (value !== undefined) {
      settings[key] = value;
    }
  }
  return settings;
}

/**
 * What `initialize` carries: the settings, and whether the user trusts the workspace. Untrusted, the
 * server only checks conventions and calls no model provider or index.
 */
export function initializationOptions(config: SettingReader, trusted: boolean): InitializationOptions {
  return { ...serverSettings(config), trusted };
}

export interface Launch {
  command: string;
  args: string[];
}

/** The program and arguments that start the server (user settings only), else `idiom serve`. */
export function launch(config: SettingReader): Launch {
  const command = valueOf<string>(config, "launch.command")?.trim() || "idiom";
  const args = valueOf<string[]>(config, "launch.args") ?? ["serve"];
  return { command, args: args.map(String) };
}
