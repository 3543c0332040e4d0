// How the extension shows the server's decisions: the status-bar text for the last `idiom/decision` (or
// `idiom.generate` result), and the `idiom.explain` answer as output-channel lines. Pure, so
// `node --test` checks it without VS Code.

/** The notification the server sends after each answer. */
export const DECISION_NOTIFICATION = "idiom/decision";

/** The `idiom/decision` notification's parameters (docs/editor-protocol.md). */
export interface Decision {
  uri?: string;
  requestId?: number;
  strategy?: string | null;
  kind?: string | null;
  reason?: string | null;
  costUsd?: number | null;
  latencyS?: number | null;
  answered: boolean;
}

export interface StatusText {
  text: string;
  tooltip: string;
}

/** The status bar before the server has answered anything. */
export const IDLE: StatusText = { text: "$(sparkle) Idiomatic", tooltip: "Idiomatic: no suggestion yet" };

/** The status bar in a workspace the user has not trusted (VS Code's restricted mode). */
export const RESTRICTED: StatusText = {
  text: "$(shield) Idiomatic: conventions only",
  tooltip:
    "Idiomatic: this workspace is not trusted, so the server only checks conventions: no completions, " +
    "no generation, no model calls. Click to manage workspace trust.",
};

/** `$0.0003`: two significant digits below a dollar, so a cheap call never reads as free. */
export function formatCost(costUsd: number | null | undefined): string {
  if (costUsd === null || costUsd === undefined) {
    return "";
  }
  if (costUsd === 0) {
    return "$0";
  }
  if (costUsd < 0.0001) {
    return "<$0.0001";
  }
  return costUsd < 1 ? `$${Number(costUsd.toPrecision(2))}` : `$${costUsd.toFixed(2)}`;
}

export function formatStatus(decision: Decision): StatusText {
  const cost = formatCost(decision.costUsd);
  const strategy = decision.strategy || "unknown strategy";
  const text = decision.answered
    ? `$(sparkle) ${strategy}${cost ? ` · ${cost}` : ""}`
    : "$(circle-slash) no suggestion";
  const details = [
    decision.kind ? `kind: ${decision.kind}` : "",
    cost ? `cost: ${cost}` : "",
    typeof decision.latencyS === "number" ? `latency: ${decision.latencyS.toFixed(2)} s` : "",
    decision.requestId !== undefined ? `request #${decision.requestId}` : "",
  ].filter(Boolean);
  const head = decision.answered ? `Idiomatic: ${strategy}` : "Idiomatic: no suggestion";
  const tooltip = [head, decision.reason ?? "", details.join(" · ")].filter(Boolean).join("\n");
  return { text, tooltip };
}

/** The `idiom.explain` result (docs/editor-protocol.md). */
export interface Explanation {
  requestId: number;
  strategy: string | null;
  kind: string | null;
  reason: string | null;
  costUsd: number | null;
  latencyS: number | null;
  attempts: { strategy: string; passed: boolean; reason: string }[];
  sources: string[];
}

/** The lines `Idiomatic: Explain last suggestion` writes to the output channel. */
export function formatExplanation(explanation: Explanation | null, file: string): string[] {
  if (explanation === null) {
    return [`${file}: no suggestion yet`];
  }
  const cost = formatCost(explanation.costUsd);
  const lines = [
    `${file}: request #${explanation.requestId}, ${explanation.strategy || "unknown strategy"}` +
      (explanation.kind ? ` (${explanation.kind})` : "") +
      (cost ? ` · ${cost}` : ""),
    `  reason: ${explanation.reason || "none given"}`,
  ];
  if (typeof explanation.latencyS === "number") {
    lines.push(`  latency: ${explanation.latencyS.toFixed(2)} s`);
  }
  if (explanation.attempts.length > 0) {
    lines.push("  attempts:");
    for (const attempt of explanation.attempts) {
      lines.push(`    ${attempt.strategy}: ${attempt.passed ? "passed" : "failed"}${attempt.reason ? ` — ${attempt.reason}` : ""}`);
    }
  }
  if (explanation.sources.length > 0) {
    lines.push("  sources:", ...explanation.sources.map((source) => `    ${source}`));
  }
  return lines;
}
