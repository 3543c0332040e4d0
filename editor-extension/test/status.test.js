// The status-bar text and the explanation lines (src/status.ts, compiled to out/).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { formatCost, formatExplanation, formatStatus } = require("../out/status");

test("an answered decision shows its strategy and cost, with the reason in the tooltip", () => {
  const status = formatStatus({ uri: "file:///a.tsx", requestId: 3, strategy: "rag", kind: "inline",
    reason: "rag passes 92/100", costUsd: 0.00031, latencyS: 0.4167, answered: true });
  assert.equal(status.text, "$(sparkle) rag · $0.00031");
  assert.equal(status.tooltip, "Idiomatic: rag\nrag passes 92/100\nkind: inline · cost: $0.00031 · latency: 0.42 s · request #3");
});

test("an unanswered decision says so, and why", () => {
  const status = formatStatus({ strategy: "", kind: "", reason: "nothing passed the fast rules", costUsd: null,
    latencyS: 1.5, answered: false });
  assert.equal(status.text, "$(circle-slash) no suggestion");
  assert.match(status.tooltip, /^Idiomatic: no suggestion\nnothing passed the fast rules\n/);
});

test("costs keep two significant digits below a dollar and never read as free", () => {
  assert.equal(formatCost(null), "");
  assert.equal(formatCost(undefined), "");
  assert.equal(formatCost(0), "$0");
  assert.equal(formatCost(0.0003), "$0.0003");
  assert.equal(formatCost(0.00000004), "<$0.0001");
  assert.equal(formatCost(0.01234), "$0.012");
  assert.equal(formatCost(2.5), "$2.50");
});

test("an explanation lists the attempts and sources", () => {
  const lines = formatExplanation({ requestId: 4, strategy: "rag", kind: "generate", reason: "cheapest",
    costUsd: 0.002, latencyS: 1.234, attempts: [{ strategy: "few_shot", passed: false, reason: "syntax errors" },
      { strategy: "rag", passed: true, reason: "" }], sources: ["src/components/Badge/Badge.tsx"] }, "Tag.tsx");
  assert.deepEqual(lines, [
    "Tag.tsx: request #4, rag (generate) · $0.002",
    "  reason: cheapest",
    "  latency: 1.23 s",
    "  attempts:",
    "    few_shot: failed — syntax errors",
    "    rag: passed",
    "  sources:",
    "    src/components/Badge/Badge.tsx",
  ]);
  assert.deepEqual(formatExplanation(null, "Tag.tsx"), ["Tag.tsx: no suggestion yet"]);
});
