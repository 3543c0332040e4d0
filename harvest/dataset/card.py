"""DATASET.md: the dataset described for a tech lead — what is in it, what was dropped and why, how it was split."""

from __future__ import annotations

from dataclasses import dataclass, field

from harvest.dataset.split import MAX_HELD_SHARE, MIN_COVERED, MIN_TEST
from harvest.pairs.commits import COMMIT_KINDS
from harvest.records import Pair

SPLITS = ("train", "eval", "test")
EXAMPLE_LINES = 12


@dataclass(frozen=True)
class DatasetFacts:
    """Everything the card reports, gathered by the dataset build."""

    name: str
    head: str
    created: str
    tool: str
    pairs_by_kind_split: dict[str, dict[str, int]]
    rejected_by_stage_reason: dict[str, dict[str, int]]
    units_by_kind: dict[str, int]
    conventions: list[tuple[str, str, int, float]]  # (id, message, support, confidence), best first
    split_mode: str
    formats: dict[str, dict[str, int]]
    examples: list[Pair]
    tokens: dict[str, int]
    uncovered: dict[str, str] = field(default_factory=dict)  # kind -> why the split cannot validate it
    fim_spans: dict[str, dict[str, int]] = field(default_factory=dict)  # fim span type -> order -> count
    fim_languages: dict[str, dict[str, int]] = field(default_factory=dict)  # fim language -> split -> count


def render_card(facts: DatasetFacts) -> str:
    """The Markdown text of DATASET.md."""
    total = sum(sum(row.values()) for row in facts.pairs_by_kind_split.values())
    parts = [
        f"# Dataset `{facts.name}`\n",
        f"Prompt/completion pairs mined by {facts.tool} from the repository at `{facts.head[:12]}` on "
        f"{facts.created}: {total} pairs, {sum(facts.units_by_kind.values())} code units, "
        f"{len(facts.conventions)} conventions. Every text was scrubbed of secrets before it got here.\n",
        _files(facts),
        _counts(facts),
        _fim(facts),
        _dropped(facts),
        _split(facts),
        _conventions(facts),
        _examples(facts),
    ]
    return "\n".join(p for p in parts if p)


def _files(facts: DatasetFacts) -> str:
    rows = "\n".join(f"| `{name}/{{train,eval,test}}.jsonl` | {DESCRIPTIONS.get(name, name)} | "
                     + " / ".join(str(counts.get(s, 0)) for s in SPLITS) + " |"
                     for name, counts in facts.formats.items())
    return ("## Files\n\n| file | format | rows (train / eval / test) |\n|---|---|---|\n" + rows + "\n"
            "| `pairs.jsonl` | every kept pair with its metadata (kind, path, commit, split, weight, note) | |\n"
            "| `rejected.jsonl` | every dropped pair: stage, reason, detail | |\n"
            "| `units.jsonl` | code units (functions, components, tests, routes, config blocks) | |\n"
            "| `conventions.yaml` | mined conventions as rules for `idiom lint` and validation suites | |\n\n"
            "Load any of them with 🤗 datasets: "
            "`load_dataset(\"json\", data_files={\"train\": \"trl/train.jsonl\", \"test\": \"trl/test.jsonl\"})`.\n")


DESCRIPTIONS = {"openai": "OpenAI chat fine-tuning (`messages`)", "trl": "TRL prompt/completion",
                "instruct": "instruction / input / output",
                "fim": "fill-in-the-middle: prefix / suffix / middle, with path, language, span type and order"}


def _counts(facts: DatasetFacts) -> str:
    lines = ["## Pairs by kind\n", "| kind | train | eval | test | held out |", "|---|---:|---:|---:|---:|"]
    for kind, row in facts.pairs_by_kind_split.items():
        held = (row.get("eval", 0) + row.get("test", 0)) / max(sum(row.values()), 1)
        lines.append(f"| {kind} | " + " | ".join(str(row.get(s, 0)) for s in SPLITS) + f" | {held:.0%} |")
    lines.append("\nEstimated tokens (≈, OpenAI-style counting): "
                 + ", ".join(f"{s} {facts.tokens.get(s, 0):,}" for s in SPLITS) + ".\n")
    return "\n".join(lines)


def _fim(facts: DatasetFacts) -> str:
    if not facts.fim_spans:
        return ""
    lines = ["## Fill-in-the-middle pairs\n",
             "Spans of the files at HEAD (`fim/`), cut at syntactic boundaries, with the code before and after them; "
             "PSM rows are meant to be shown prefix first, SPM rows suffix first.\n",
             "| span | PSM | SPM |", "|---|---:|---:|"]
    lines += [f"| {span} | {row.get('psm', 0)} | {row.get('spm', 0)} |" for span, row in facts.fim_spans.items()]
    lines += ["", "| language | train | eval | test | held out |", "|---|---:|---:|---:|---:|"]
    for language, row in facts.fim_languages.items():
        held = (row.get("eval", 0) + row.get("test", 0)) / max(sum(row.values()), 1)
        lines.append(f"| {language} | " + " | ".join(str(row.get(s, 0)) for s in SPLITS) + f" | {held:.0%} |")
    return "\n".join(lines) + "\n"


def _dropped(facts: DatasetFacts) -> str:
    if not facts.rejected_by_stage_reason:
        return "## Dropped\n\nNothing was dropped.\n"
    lines = ["## Dropped, and why\n", "| stage | reason | pairs |", "|---|---|---:|"]
    for stage, reasons in facts.rejected_by_stage_reason.items():
        lines += [f"| {stage} | {reason} | {n} |" for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])]
    return "\n".join(lines) + "\n"


def _split(facts: DatasetFacts) -> str:
    order = ("newest first (by their latest commit), so the model is tested on the team's latest work"
             if facts.split_mode == "temporal" else
             "in the order of a seeded hash of their first file, so a file added elsewhere seldom moves another")
    leaks = sum(facts.rejected_by_stage_reason.get("split", {}).values())
    history = leaks + sum(sum(facts.pairs_by_kind_split.get(kind, {}).values()) for kind in COMMIT_KINDS)
    dropped = (f" {leaks} of {history} ({leaks / history:.0%}) were dropped rather than reveal a file of another "
               f"split (stage `split` above): `reveals-eval-file` and `reveals-test-file` are older commits that "
               f"changed a held-out file, `reveals-train-file` newer ones that also changed a file of train."
               if leaks else "")
    text = (f"## How it was split\n\nLeak-free by file: no file feeds two splits. Mode `{facts.split_mode}`.\n\n"
            f"- **Code, test, config, review and fim pairs** are grouped by the files they reveal (a unit's file; a "
            f"test file with the source it is shown), and a group goes to one split whole. Held-out groups are chosen "
            f"kind by kind (fim pairs language by language, last), taken {order}: each kind with at least "
            f"{MIN_COVERED} pairs gets at least {MIN_TEST} test pairs and at most {MAX_HELD_SHARE:.0%} of its pairs in "
            f"eval + test, where its files allow.\n"
            f"- **Commit and commit-message pairs** reveal every file their commit changed, so they are split by "
            f"time instead: the newest commits are held out, as the team's future work would be.{dropped}\n"
            f"- Train pairs that repeat an eval or test completion (exactly or as a near-duplicate, MinHash Jaccard) "
            f"were removed.\n")
    if not facts.uncovered:
        return text + f"\nEvery kind with at least {MIN_COVERED} pairs is covered.\n"
    lines = ["\n### Kinds the split cannot validate\n", "| kind | why |", "|---|---|"]
    lines += [f"| {kind} | {why} |" for kind, why in facts.uncovered.items()]
    return text + "\n".join(lines) + "\n"


def _conventions(facts: DatasetFacts) -> str:
    if not facts.conventions:
        return ""
    lines = ["## Top conventions\n"]
    lines += [f"- **{message}** (`{rule_id}`, {confidence:.0%} of {support})"
              for rule_id, message, support, confidence in facts.conventions[:10]]
    return "\n".join(lines) + "\n"


def _examples(facts: DatasetFacts) -> str:
    if not facts.examples:
        return ""
    lines = ["## One example per kind\n"]
    for pair in facts.examples:
        completion = pair.completion.splitlines()
        shown = "\n".join(completion[:EXAMPLE_LINES]) + ("\n…" if len(completion) > EXAMPLE_LINES else "")
        fence = "````" if "```" in shown else "```"
        lines.append(f"### {pair.kind}\n\n> {pair.prompt.splitlines()[0]}\n\n{fence}\n{shown}\n{fence}\n")
    return "\n".join(lines)
