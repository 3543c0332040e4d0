// Which inline suggestions the extension reports as rejected (src/feedback.ts, compiled to out/).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { FeedbackTracker, acceptedRequestId, advance, requestIdOf } = require("../out/feedback");

const URI = "file:///repo/src/components/Tag/Tag.tsx";
const at = (line, character) => ({ line, character });
const insert = (position, text) => ({ range: { start: position, end: position }, text });
const rejected = (requestId) => [{ requestId, outcome: "rejected" }];

test("a newer inline request for the same document rejects the suggestion still shown", () => {
  const tracker = new FeedbackTracker();
  assert.deepEqual(tracker.requested(URI), []);
  tracker.show(URI, 7, "export const Tag = () => null;\n", at(3, 0));
  assert.deepEqual(tracker.requested("file:///repo/other.tsx"), []);
  assert.deepEqual(tracker.requested(URI), rejected(7));
  assert.deepEqual(tracker.requested(URI), [], "reported once");
});

test("an accepted suggestion is never reported as rejected", () => {
  const tracker = new FeedbackTracker();
  tracker.show(URI, 8, "export const Tag = () => null;\n", at(3, 0));
  // VS Code inserts the text, then runs the item's idiom.feedback command.
  assert.deepEqual(tracker.changed(URI, [insert(at(3, 0), "export const Tag = () => null;\n")]), []);
  tracker.accepted(8);
  assert.deepEqual(tracker.requested(URI), []);
  assert.deepEqual(tracker.changed(URI, [insert(at(4, 0), "x")]), []);
});

test("once all of the suggestion is in the document, nothing is reported for it", () => {
  const tracker = new FeedbackTracker();
  tracker.show(URI, 9, "ab", at(0, 0));
  assert.deepEqual(tracker.changed(URI, [insert(at(0, 0), "ab")]), []);
  assert.deepEqual(tracker.requested(URI), [], "its acceptance command reports it");
});

test("typing through the suggestion keeps it shown; typing something else rejects it", () => {
  const tracker = new FeedbackTracker();
  tracker.show(URI, 10, "const a = 1;\nconst b = 2;", at(2, 4));
  assert.deepEqual(tracker.changed(URI, [insert(at(2, 4), "const")]), []);
  assert.deepEqual(tracker.changed(URI, [insert(at(2, 9), " a = 1;\n")]), []);
  assert.deepEqual(tracker.changed(URI, [insert(at(3, 0), "let")]), rejected(10));
});

test("deleting, editing elsewhere, or several changes at once reject the suggestion", () => {
  const deletion = { range: { start: at(1, 0), end: at(1, 3) }, text: "" };
  const elsewhere = insert(at(0, 0), "c");
  for (const changes of [[deletion], [elsewhere], [insert(at(1, 0), "c"), insert(at(5, 0), "c")]]) {
    const tracker = new FeedbackTracker();
    tracker.show(URI, 11, "code", at(1, 0));
    assert.deepEqual(tracker.changed(URI, changes), rejected(11), JSON.stringify(changes));
  }
});

test("changes that carry no edit, or to other documents, leave the suggestion alone", () => {
  const tracker = new FeedbackTracker();
  tracker.show(URI, 12, "code", at(1, 0));
  assert.deepEqual(tracker.changed(URI, []), []);
  assert.deepEqual(tracker.changed("file:///repo/other.tsx", [insert(at(0, 0), "x")]), []);
  assert.deepEqual(tracker.closed(URI), rejected(12), "closing the document dismisses it");
});

test("showing a different suggestion in the same document rejects the previous one", () => {
  const tracker = new FeedbackTracker();
  tracker.show(URI, 13, "one", at(0, 0));
  assert.deepEqual(tracker.show(URI, 14, "two", at(0, 0)), rejected(13));
  assert.deepEqual(tracker.show(URI, 14, "two", at(0, 0)), [], "the same suggestion again is no dismissal");
});

test("the requestId comes from the item's idiom.feedback command only", () => {
  const command = { title: "Idiomatic: accepted", command: "idiom.feedback", arguments: [{ requestId: 5, outcome: "accepted" }] };
  assert.equal(requestIdOf(command), 5);
  assert.equal(requestIdOf({ command: "other", arguments: [{ requestId: 5 }] }), undefined);
  assert.equal(requestIdOf({ command: "idiom.feedback", arguments: [] }), undefined);
  assert.equal(requestIdOf(undefined), undefined);
  assert.equal(acceptedRequestId("idiom.feedback", [{ requestId: 5, outcome: "accepted" }]), 5);
  assert.equal(acceptedRequestId("idiom.feedback", [{ requestId: 5, outcome: "rejected" }]), undefined);
  assert.equal(acceptedRequestId("idiom.generate", [{ requestId: 5, outcome: "accepted" }]), undefined);
});

test("advance follows the cursor across lines", () => {
  assert.deepEqual(advance(at(2, 4), "abc"), at(2, 7));
  assert.deepEqual(advance(at(2, 4), "a\nbc"), at(3, 2));
  assert.deepEqual(advance(at(2, 4), "a\r\n"), at(3, 0));
});
