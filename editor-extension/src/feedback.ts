// Bookkeeping for `idiom.feedback`: which inline suggestion each document is showing, so that one the
// user passes over is reported as "rejected". Acceptance needs no bookkeeping: VS Code runs the item's
// own `idiom.feedback … accepted` command. Pure (no `vscode` import), so `node --test` checks it.

export interface Position {
  line: number;
  character: number;
}

export interface Change {
  range: { start: Position; end: Position };
  text: string;
}

export interface Rejection {
  requestId: number;
  outcome: "rejected";
}

/** A command as the server puts it on an inline item, or as VS Code hands it to `executeCommand`. */
export interface CommandLike {
  command: string;
  arguments?: unknown[];
}

export const FEEDBACK_COMMAND = "idiom.feedback";

interface Shown {
  requestId: number;
  /** The part of the suggestion not in the document yet. */
  remaining: string;
  /** Where that part would go. */
  at: Position;
}

/** The requestId of an inline item's `idiom.feedback` command, or undefined for any other command. */
export function requestIdOf(command: CommandLike | undefined): number | undefined {
  if (command?.command !== FEEDBACK_COMMAND) {
    return undefined;
  }
  const argument = command.arguments?.[0] as { requestId?: unknown } | undefined;
  return typeof argument?.requestId === "number" ? argument.requestId : undefined;
}

/** The requestId an `idiom.feedback` call reports as accepted, or undefined when it is anything else. */
export function acceptedRequestId(command: string, args: unknown[]): number | undefined {
  const argument = args[0] as { outcome?: unknown } | undefined;
  return argument?.outcome === "accepted" ? requestIdOf({ command, arguments: args }) : undefined;
}

/** Where the cursor ends up after typing `text` at `at`. */
export function advance(at: Position, text: string): Position {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length === 1) {
    return { line: at.line, character: at.character + text.length };
  }
  return { line: at.line + lines.length - 1, character: lines[lines.length - 1].length };
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

export class FeedbackTracker {
  private readonly shown = new Map<string, Shown>();

  /**
   * A new inline request for `uri`: the suggestion shown there was passed over, unless all of it is
   * already in the document (then its acceptance command reports it).
   */
  requested(uri: string): Rejection[] {
    return this.dismiss(uri);
  }

  /** The server's suggestion `requestId` is now shown in `uri`, to be inserted at `at`. */
  show(uri: string, requestId: number, insertText: string, at: Position): Rejection[] {
    const dismissed = this.shown.get(uri)?.requestId === requestId ? [] : this.dismiss(uri);
    this.shown.set(uri, { requestId, remaining: insertText, at });
    return dismissed;
  }

  /** `idiom.feedback … accepted` ran for `requestId`: nothing is left to report for it. */
  accepted(requestId: number): void {
    for (const [uri, shown] of this.shown) {
      if (shown.requestId === requestId) {
        this.shown.delete(uri);
      }
    }
  }

  /**
   * `uri` changed. Inserting the suggestion (whole, or typing through its next characters) keeps it
   * shown; any other change dismisses it.
   */
  changed(uri: string, changes: readonly Change[]): Rejection[] {
    const shown = this.shown.get(uri);
    if (shown === undefined || changes.length === 0) {
      return [];
    }
    if (shown.remaining === "") {
      this.shown.delete(uri);
      return [];
    }
    const [change] = changes;
    const typedThrough =
      changes.length === 1 &&
      change.text !== "" &&
      samePosition(change.range.start, shown.at) &&
      samePosition(change.range.end, shown.at) &&
      shown.remaining.startsWith(change.text);
    if (!typedThrough) {
      return this.dismiss(uri);
    }
    shown.remaining = shown.remaining.slice(change.text.length);
    shown.at = advance(shown.at, change.text);
    return [];
  }

  /** `uri` was closed with its suggestion still shown: dismissed. */
  closed(uri: string): Rejection[] {
    return this.dismiss(uri);
  }

  private dismiss(uri: string): Rejection[] {
    const shown = this.shown.get(uri);
    this.shown.delete(uri);
    if (shown === undefined || shown.remaining === "") {
      return [];
    }
    return [{ requestId: shown.requestId, outcome: "rejected" }];
  }
}
