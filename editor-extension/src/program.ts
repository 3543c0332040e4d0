// Where the program that starts the server is on disk, found without the workspace's help. The language
// client runs the server in the workspace folder, and a bare name there is searched in ways a cloned
// repository can answer: Windows looks in that folder first, and an empty or relative PATH entry (`bin`,
// `node_modules/.bin`, a trailing `:`) means a folder inside it. So the extension starts an absolute path:
// the user's own, or the name found on PATH's absolute entries. No VS Code API here: `node --test` runs it.

import * as fs from "node:fs";
import * as path from "node:path";

/** Whether `file` is a regular file this process may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of `command`: itself when absolute, else the first `PATH` entry (absolute ones only)
 * holding it. Throws an Error whose message says what to set when it is relative or not found.
 */
export function findProgram(
  command: string,
  environment: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
  isExecutable: (file: string) => boolean = isExecutableFile,
): string {
  const paths = platform === "win32" ? path.win32 : path.posix;
  const hasSeparator = platform === "win32" ? /[\\/]/.test(command) : command.includes("/");
  if (paths.isAbsolute(command)) {
    if (!isExecutable(command)) {
      throw new Error(`${command} is not an executable file; fix idiomatic.launch.command in your user settings`);
    }
    return command;
  }
  if (hasSeparator) {
    throw new Error(
      `idiomatic.launch.command must be a program name on PATH or an absolute path, not ${command} ` +
        "(a relative path would be looked up inside the workspace)",
    );
  }
  // libuv tries these when the name has no extension; it cannot start .cmd or .bat without a shell.
  const extensions = platform === "win32" && paths.extname(command) === "" ? [".com", ".exe", ""] : [""];
  for (const folder of (environment.PATH ?? "").split(paths.delimiter)) {
    if (!paths.isAbsolute(folder)) {
      continue;
    }
    for (const extension of extensions) {
      const candidate = paths.join(folder, command + extension);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  throw new Error(
    `\`${command}\` is not on PATH (relative PATH entries are skipped); install it, or set ` +
      "idiomatic.launch.command to its absolute path in your user settings",
  );
}
