// The Node client's document bookkeeping (client/session.js): positions, edits and default settings.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { applyTextEdits, defaultSettings, endOf, languageIdOf, offsetAt } = require("../client/session");

const range = (l1, c1, l2, c2) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

test("positions map to offsets across \\n and \\r\\n, clamped to their line", () => {
  const text = "ab\r\ncd\nef";
  assert.equal(offsetAt(text, { line: 0, character: 1 }), 1);
  assert.equal(offsetAt(text, { line: 1, character: 0 }), 4);
  assert.equal(offsetAt(text, { line: 1, character: 99 }), 6);
  assert.equal(offsetAt(text, { line: 2, character: 2 }), 9);
  assert.equal(offsetAt(text, { line: 7, character: 0 }), text.length);
  assert.deepEqual(endOf(text), { line: 2, character: 2 });
  assert.deepEqual(endOf("a\n"), { line: 1, character: 0 });
});

test("TextEdits apply against the original text, same-place inserts in array order", () => {
  const text = "const a = 1;\nconst b = 2;\n";
  const edited = applyTextEdits(text, [
    { range: range(1, 6, 1, 7), newText: "c" },
    { range: range(0, 0, 0, 0), newText: "// one\n" },
    { range: range(0, 0, 0, 0), newText: "// two\n" },
    { range: range(2, 0, 2, 0), newText: "export {};\n" },
  ]);
  assert.equal(edited, "// one\n// two\nconst a = 1;\nconst c = 2;\nexport {};\n");
});

test("the client sends package.json's defaults, without launch.*", () => {
  assert.deepEqual(defaultSettings(), {
    inlineEnabled: true, diagnosticsEnabled: true, strategies: ["few_shot", "rag", "finetuned", "finetuned_rag"],
    latencyBudgetS: 0,
    minPassRate: 0, providerBaseUrl: "", indexUrl: "", teamUrl: "", teamRepository: "", maxTokens: 128,
    debounceMs: 400, maxConcurrency: 2,
  });
  assert.equal(languageIdOf("src/components/Tag/Tag.tsx"), "typescriptreact");
  assert.equal(languageIdOf("service/app/users.py"), "python");
});
