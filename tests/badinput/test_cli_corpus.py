"""The CLI bad-input corpus: every `idiom` command fed what people (and strangers' repositories) get wrong.

One row per bad input: its setup, its argv and what must come out: `error(needle)` (exit 1, exactly one
line on stderr, `Error: …` holding the needle), `usage(needle)` (exit 2, click's usage block ending in
its `Error: …` line), or `OK` (exit 0). Whatever the verdict, no traceback, and the artifact tree
afterwards holds nothing a successful run would not write: an error leaves every file byte-identical
(a previous good harvest, dataset and index included) and a read-only command on a folder that was
never harvested creates nothing there.

Each case runs in-process (click's CliRunner) on its own copy of one good world: the bundled example
repository harvested, built into a dataset and indexed (hash embeddings), beside a copy of it that was
never harvested, a scratch folder for input files, and the user's config folder.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import os
import shlex
import shutil
import sqlite3
import subprocess
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from server.cli import idiom

Step = Callable[[Path], None]


@dataclass(frozen=True)
class Expect:
    """What a case must end in: exit code 0 (ok), 1 (the tool's one-line error) or 2 (click's usage error)."""

    code: int
    needle: str = ""


def error(needle: str) -> Expect:
    return Expect(1, needle)


def usage(needle: str) -> Expect:
    return Expect(2, needle)


OK = Expect(0)


@dataclass(frozen=True)
class Case:
    """One bad input: files to plant in the world, the command line, the verdict it must get."""

    id: str
    argv: str  # shell words; {repo}, {never}, {scratch}, {config}, {world} name the world's folders
    expect: Expect
    setup: tuple[Step, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    writes: tuple[str, ...] = ()  # world-relative globs a successful run may add or change


# The world's layout (paths relative to it) and what the setup steps plant.
REPO = "acme-web"  # the harvested repository, named as its harvest and dataset are
REPO_DB = f"{REPO}/.idiom/idiom.db"
DATASET = f"{REPO}/.idiom/datasets/acme-web"
HARVEST = f"{REPO}/.idiom/harvest/acme-web"
INDEX = f"{REPO}/.idiom/index"
BUILD_CACHE = f"{REPO}/.idiom/cache/acme-web"
CHROMA = f"{INDEX}/chroma/"
MODELS = f"{REPO}/.idiom/models/acme"
GARBAGE = b"\x00\x01 this is not what the file should hold {{{\n"
LOCAL = '{"backend": "local", "base_model": "/nowhere/base-model", "method": "lora", "config": {}}'
REMOTE = '{"backend": "openai", "base_model": "gpt-4o-mini-2024-07-18", "method": "openai", "config": {}}'
SUITE_CASE = "cases:\n  - id: one\n    prompt: write a hook\n    path: src/hooks/useThing.ts\n    assert:\n"

# --- setup steps: each plants or breaks something in the world ---------------------------------------------

def write(relative: str, content: str | bytes) -> Step:
    def step(world: Path) -> None:
        target = world / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # a new file: the world's files are hard links to the pristine ones
        target.write_bytes(content if isinstance(content, bytes) else content.encode())
    return step


def remove(relative: str) -> Step:
    def step(world: Path) -> None:
        target = world / relative
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return step


def cut(relative: str) -> Step:
    """Keep the first half of a file, as a crash or a full disk would."""
    def step(world: Path) -> None:
        target = world / relative
        half = target.read_bytes()[: target.stat().st_size // 2]
        target.unlink()
        target.write_bytes(half)
    return step


def half_a_database(relative: str) -> Step:
    """A real SQLite database with the first half of its pages: its header reads, its tables do not."""
    def step(world: Path) -> None:
        target = world / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(sqlite3.connect(target)) as db, db:
            db.execute("CREATE TABLE requests (id INTEGER PRIMARY KEY, text TEXT)")
            db.executemany("INSERT INTO requests (text) VALUES (?)", [("x" * 500,)] * 200)
        cut(relative)(world)
    return step


def linked_home(world: Path) -> None:
    """The never-harvested copy's `.idiom` as a symbolic link to somewhere else."""
    (world / "never" / ".idiom").symlink_to(world / "scratch")


def logged(world: Path) -> None:
    """The repository's database as the tool makes it (its schema, nothing logged yet)."""
    from router.database import database

    home = os.environ.pop("IDIOM_HOME", None)  # the world keeps its artifacts in the repository's .idiom/
    try:
        with database(world / REPO):
            pass
    finally:
        if home is not None:
            os.environ["IDIOM_HOME"] = home


def toml(text: str) -> Step:
    return write(f"{REPO}/idiom.toml", text)


def user_toml(text: str) -> Step:
    return write("config/config.toml", text)


def version(training: str = LOCAL, registry: str = "") -> Step:
    """Model `acme` with version v1 registered by hand: its `training.json`, and `registry.json` when given."""
    def step(world: Path) -> None:
        write(f"{MODELS}/v1/training.json", training)(world)
        if registry:
            write(f"{MODELS}/registry.json", registry)(world)
    return step


def suite(asserts: str) -> Step:
    return write("scratch/suite.yaml", SUITE_CASE + asserts)


# --- the corpus -------------------------------------------------------------------------------------------

CASES: tuple[Case, ...] = (
    # the umbrella command
    Case("idiom/unknown-command", "harvestt {repo}", usage("No such command")),
    Case("idiom/unknown-flag", "harvest {repo} --bogus", usage("No such option")),

    # idiom trust
    Case("trust/missing-folder", "trust {world}/nowhere", usage("does not exist")),
    Case("trust/a-file", "trust {repo}/README.md", usage("is a file")),
    Case("trust/no-idiom-toml", "trust {scratch}", error("no idiom.toml to trust")),
    Case("trust/artifacts-none-committed", "trust {never} --artifacts", error("holds no files committed")),
    Case("trust/record-corrupt", "trust {repo}", error("trusted.json: unreadable record"),
         setup=(write("config/trusted.json", GARBAGE),)),
    Case("trust/record-not-a-mapping", "trust {repo} --status", error("not a record of trusted repositories"),
         setup=(write("config/trusted.json", "[1, 2]"), toml('[router]\nbase_url = "http://x"\n'))),
    Case("trust/config-dir-is-a-file", "trust {repo}", error("IDIOM_CONFIG_DIR"),
         env={"IDIOM_CONFIG_DIR": "{scratch}/file/sub"}, setup=(write("scratch/file", "x"),)),
    Case("trust/revoke-nothing", "trust {never} --revoke", OK),
    Case("trust/status-never-harvested", "trust {never} --status", OK),

    # idiom scrub
    Case("scrub/nothing-to-scan", "scrub", error("nothing to scan")),
    Case("scrub/missing-path", "scrub {world}/nowhere", error("no such file or directory")),
    Case("scrub/cases-and-paths", "scrub {repo} --cases {scratch}/cases.jsonl", error("without PATH"),
         setup=(write("scratch/cases.jsonl", ""),)),
    Case("scrub/cases-missing", "scrub --cases {scratch}/nope.jsonl", error("cannot read cases file")),
    Case("scrub/cases-garbage-line", "scrub --cases {scratch}/cases.jsonl", error("cases.jsonl:1: not valid JSON"),
         setup=(write("scratch/cases.jsonl", "{oops\n"),)),
    Case("scrub/cases-bad-label", "scrub --cases {scratch}/cases.jsonl", error("must be 'positive' or 'negative'"),
         setup=(write("scratch/cases.jsonl", '{"id": 1, "source": "s", "label": "maybe", "text": "x"}\n'),)),
    Case("scrub/cases-a-folder", "scrub --cases {scratch}", usage("is a directory")),
    Case("scrub/idiomignore-unknown-section", "scrub {scratch}", error(".idiomignore:1: unknown section [secrets]"),
         setup=(write("scratch/.idiomignore", "[secrets]\nx\n"),)),
    Case("scrub/idiomignore-bad-glob", "scrub {scratch}", error("[z-a]"),
         setup=(write("scratch/.idiomignore", "src/[z-a].py\n"),)),
    Case("scrub/write-to-below-a-file", "scrub {repo}/README.md --write-to {scratch}/file/out", error("file/out"),
         setup=(write("scratch/file", "x"),)),
    Case("scrub/write-to-a-file", "scrub {repo}/README.md --write-to {repo}/README.md", usage("is a file")),

    # idiom lint
    Case("lint/nothing-to-lint", "lint", error("nothing to lint")),
    Case("lint/missing-file", "lint {repo}/src/nope.tsx", error("no such file or folder")),
    Case("lint/conventions-missing", "lint {repo}/src --conventions {scratch}/nope.yaml",
         error("no such conventions file")),
    Case("lint/conventions-a-folder", "lint {repo}/src --conventions {scratch}", usage("is a directory")),
    Case("lint/conventions-not-yaml", "lint {repo}/src --conventions {scratch}/c.yaml", error("not valid YAML"),
         setup=(write("scratch/c.yaml", "rules: [\n"),)),
    Case("lint/conventions-no-rules", "lint {repo}/src --conventions {scratch}/c.yaml", error("`rules:` list"),
         setup=(write("scratch/c.yaml", "version: 1\n"),)),
    Case("lint/conventions-empty", "lint {repo}/src --conventions {scratch}/c.yaml", error("`rules:` list"),
         setup=(write("scratch/c.yaml", ""),)),
    Case("lint/rule-unknown-type", "lint {repo}/src --conventions {scratch}/c.yaml", error("rule 1 (x)"),
         setup=(write("scratch/c.yaml", "rules:\n  - {id: x, type: telepathy, value: v, message: m}\n"),)),
    Case("lint/rule-missing-message", "lint {repo}/src --conventions {scratch}/c.yaml", error("missing message"),
         setup=(write("scratch/c.yaml", "rules:\n  - {id: x, type: contains, value: v}\n"),)),
    Case("lint/rule-wrong-typed-support", "lint {repo}/src --conventions {scratch}/c.yaml", error("support must be int"),
         setup=(write("scratch/c.yaml", "rules:\n  - {id: x, type: contains, value: v, message: m, support: many}\n"),)),
    Case("lint/rule-bad-regex", "lint {repo}/src --conventions {scratch}/c.yaml", error("rule 1 (x)"),
         setup=(write("scratch/c.yaml", "rules:\n  - {id: x, type: regex, value: '([a-z', message: m}\n"),)),
    Case("lint/dataset-conventions-corrupt", "lint {repo}/src", error("not valid YAML"),
         setup=(write(f"{DATASET}/conventions.yaml", "rules: [\n"),)),
    Case("lint/unknown-dataset", "lint {repo}/src --name nope", error("no dataset 'nope'")),
    Case("lint/commit-message-missing", "lint --commit-message {scratch}/MSG", usage("does not exist")),
    Case("lint/never-harvested", "lint {never}/src", error("no dataset for")),
    Case("lint/config-bad-glob", "lint {repo}/src", error("[z-a]"),
         setup=(toml('[harvest]\nexclude_paths = ["src/[z-a]/**"]\n'),)),

    # idiom conventions show|mine|export
    Case("conventions/no-subcommand-arg", "conventions shows", usage("No such command")),
    Case("conventions/show-never-harvested", "conventions show {never}", error("no dataset for")),
    Case("conventions/show-unknown-dataset", "conventions show {repo} --name nope", error("no dataset 'nope'")),
    Case("conventions/show-corrupt", "conventions show {repo}", error("conventions.yaml: expected a mapping"),
         setup=(write(f"{DATASET}/conventions.yaml", "- just\n- a list\n"),)),
    Case("conventions/show-unknown-type", "conventions show {repo}", error("unknown type 'telepathy'"),
         setup=(write(f"{DATASET}/conventions.yaml", "rules:\n  - {id: x, type: telepathy, value: v, message: m}\n"),)),
    Case("conventions/show-a-file", "conventions show {repo}/README.md", usage("is a file")),
    Case("conventions/mine-never-harvested", "conventions mine {never}", error("no harvest for")),
    Case("conventions/mine-unknown-harvest", "conventions mine {repo} --name nope", error("no harvest 'nope'")),
    Case("conventions/mine-garbage-files", "conventions mine {repo}", error("files.jsonl:1: not a valid FileRecord"),
         setup=(write(f"{HARVEST}/files.jsonl", GARBAGE),)),
    Case("conventions/mine-manifest-garbage", "conventions mine {repo}", error("manifest.json"),
         setup=(write(f"{HARVEST}/manifest.json", GARBAGE),)),
    Case("conventions/export-bad-format", "conventions export {repo} --format word", usage("'word' is not one of")),
    Case("conventions/export-out-is-a-file", "conventions export {repo} --out {repo}/README.md", usage("is a file")),
    Case("conventions/export-out-below-a-file", "conventions export {repo} --out {repo}/README.md/x",
         error("README.md/x")),
    Case("conventions/export-never-harvested", "conventions export {never}", error("no dataset for")),
    Case("conventions/export-check-never-harvested", "conventions export {never} --check", error("no dataset for")),

    # idiom dataset build|validate
    Case("dataset/build-never-harvested", "dataset build {never}", error("no harvest for")),
    Case("dataset/build-unknown-name", "dataset build {repo} --name nope", error("no harvest 'nope'")),
    Case("dataset/build-bad-split", "dataset build {repo} --split random", usage("'random' is not one of")),
    Case("dataset/build-bad-exclude-glob", "dataset build {repo} --exclude-files 'src/[z-a]/**'", error("[z-a]")),
    Case("dataset/build-garbage-commits", "dataset build {repo}", error("commits.jsonl:1"),
         setup=(write(f"{HARVEST}/commits.jsonl", GARBAGE),)),
    Case("dataset/build-files-cut-in-half", "dataset build {repo}", error("not a valid FileRecord record"),
         setup=(cut(f"{HARVEST}/files.jsonl"),)),
    Case("dataset/build-empty-files", "dataset build {repo}", OK, setup=(write(f"{HARVEST}/files.jsonl", ""),),
         writes=(f"{DATASET}/*", f"{BUILD_CACHE}/*")),
    Case("dataset/build-manifest-garbage", "dataset build {repo}", error("manifest.json"),
         setup=(write(f"{HARVEST}/manifest.json", GARBAGE),)),
    Case("dataset/build-manifest-no-head", "dataset build {repo}", error("manifest.json"),
         setup=(write(f"{HARVEST}/manifest.json", '{"tool": "idiomatic"}'),)),
    Case("dataset/build-config-jaccard-out-of-range", "dataset build {repo}", error("between 0.05 and 1"),
         setup=(toml("[harvest]\nnear_duplicate_jaccard = 7\n"),)),
    Case("dataset/validate-missing", "dataset validate {scratch}/nope.jsonl", error("no such file or directory")),
    Case("dataset/validate-empty-file", "dataset validate {scratch}/train.jsonl", error("no examples"),
         setup=(write("scratch/train.jsonl", ""),)),
    Case("dataset/validate-blank-lines", "dataset validate {scratch}/train.jsonl", error("no examples"),
         setup=(write("scratch/train.jsonl", "\n\n  \n"),)),
    Case("dataset/validate-garbage-lines", "dataset validate {scratch}/train.jsonl", error("not valid JSON"),
         setup=(write("scratch/train.jsonl", "{nope\n[1]\n"),)),
    Case("dataset/validate-folder-without-splits", "dataset validate {scratch}", error("no <format>/<split>.jsonl")),
    Case("dataset/validate-unknown-model", "dataset validate {repo}/.idiom/datasets/acme-web --model gpt-9",
         error("unknown model 'gpt-9'")),
    Case("dataset/validate-negative-epochs", "dataset validate {repo}/.idiom/datasets/acme-web --epochs -2",
         usage("--epochs")),
    Case("dataset/validate-zero-epochs", "dataset validate {repo}/.idiom/datasets/acme-web --epochs 0",
         usage("--epochs")),
    Case("dataset/validate-negative-max-tokens", "dataset validate {repo}/.idiom/datasets/acme-web --max-tokens -1",
         usage("--max-tokens")),
    Case("dataset/validate-epochs-not-a-number", "dataset validate {repo}/.idiom/datasets/acme-web --epochs many",
         usage("'many' is not a valid integer")),
    Case("dataset/validate-good-dataset", "dataset validate {repo}/.idiom/datasets/acme-web", OK),

    # idiom harvest
    Case("harvest/missing-folder", "harvest {world}/nowhere", error("no such directory")),
    Case("harvest/not-a-repository", "harvest {scratch}", error("not inside a git repository")),
    Case("harvest/unknown-ref", "harvest {repo} --ref no-such-branch", error("'no-such-branch' does not name a commit")),
    Case("harvest/since-garbage", "harvest {repo} --since garbage", error("--since")),
    Case("harvest/since-in-the-future", "harvest {repo} --since 2099-06-01", error("git reads it as now or later")),
    Case("harvest/since-garbage-in-config", "harvest {repo}", error("since"),
         setup=(toml('[harvest]\nsince = "monkeys ago"\n'),)),
    Case("harvest/max-commits-negative", "harvest {repo} --max-commits -5", usage("--max-commits")),
    Case("harvest/max-commits-not-a-number", "harvest {repo} --max-commits lots", usage("'lots' is not a valid integer")),
    Case("harvest/max-file-bytes-zero", "harvest {repo} --max-file-bytes 0", usage("--max-file-bytes")),
    Case("harvest/bad-split", "harvest {repo} --split random", usage("'random' is not one of")),
    Case("harvest/prs-missing", "harvest {repo} --prs {scratch}/nope.json", error("nope.json")),
    Case("harvest/prs-a-folder", "harvest {repo} --prs {scratch}", usage("is a directory")),
    Case("harvest/prs-garbage", "harvest {repo} --prs {scratch}/prs.json", error("not valid JSON"),
         setup=(write("scratch/prs.json", GARBAGE),)),
    Case("harvest/prs-empty-file", "harvest {repo} --prs {scratch}/prs.json", error("not valid JSON"),
         setup=(write("scratch/prs.json", ""),)),
    Case("harvest/prs-not-a-list", "harvest {repo} --prs {scratch}/prs.json", error("expected a JSON array"),
         setup=(write("scratch/prs.json", '{"number": 1}'),)),
    Case("harvest/config-not-toml", "harvest {repo}", error("not valid TOML"), setup=(toml("[harvest\n"),)),
    Case("harvest/config-section-not-a-table", "harvest {repo}", error("[harvest] must be a table"),
         setup=(toml("harvest = 5\n"),)),
    Case("harvest/config-unknown-section", "harvest {repo}", error("unknown section(s) harvset"),
         setup=(toml("[harvset]\nx = 1\n"),)),
    Case("harvest/config-unknown-key", "harvest {repo}", error("unknown key(s) max_comits"),
         setup=(toml("[harvest]\nmax_comits = 5\n"),)),
    Case("harvest/config-max-commits-negative", "harvest {repo}", error("max_commits must be at least 0"),
         setup=(toml("[harvest]\nmax_commits = -5\n"),)),
    Case("harvest/config-jobs-negative", "harvest {repo}", error("jobs must be between 0 and 1024"),
         setup=(toml("[harvest]\njobs = -2\n"),)),
    Case("harvest/config-eval-share-out-of-range", "harvest {repo}", error("eval_share must be between 0 and 0.5"),
         setup=(toml("[harvest]\neval_share = 5.0\n"),)),
    Case("harvest/config-refs-not-a-list", "harvest {repo}", error("refs must be a list of strings"),
         setup=(toml('[harvest]\nrefs = "main"\n'),)),
    Case("harvest/config-bool-as-string", "harvest {repo}", error("all_refs must be bool"),
         setup=(toml('[harvest]\nall_refs = "yes"\n'),)),
    Case("harvest/config-bad-exclude-glob", "harvest {repo}", error("[z-a]"),
         setup=(toml('[harvest]\nexclude_paths = ["src/[z-a]/**"]\n'),)),
    Case("harvest/idiomignore-bad-glob", "harvest {repo}", error(".idiomignore:1: glob 'src/[z-a].py'"),
         setup=(write(f"{REPO}/.idiomignore", "src/[z-a].py\n"),)),
    Case("harvest/env-max-commits-not-a-number", "harvest {repo}", error("IDIOM_HARVEST_MAX_COMMITS='lots'"),
         env={"IDIOM_HARVEST_MAX_COMMITS": "lots"}),
    Case("harvest/env-max-commits-negative", "harvest {repo}", error("IDIOM_HARVEST_MAX_COMMITS"),
         env={"IDIOM_HARVEST_MAX_COMMITS": "-5"}),
    Case("harvest/env-all-refs-not-a-bool", "harvest {repo}", error("expected true or false"),
         env={"IDIOM_HARVEST_ALL_REFS": "maybe"}),
    Case("harvest/env-jaccard-nan", "harvest {repo}", error("finite number"),
         env={"IDIOM_HARVEST_NEAR_DUPLICATE_JACCARD": "nan"}),
    Case("harvest/user-config-not-toml", "harvest {repo}", error("config.toml: not valid TOML"),
         setup=(user_toml("[harvest\n"),)),
    Case("harvest/user-config-wrong-type", "harvest {repo}", error("min_support must be int"),
         setup=(user_toml('[harvest]\nmin_support = "five"\n'),)),
    Case("harvest/idiom-home-below-a-file", "harvest {repo}", error("IDIOM_HOME"),
         env={"IDIOM_HOME": "{scratch}/file/home"}, setup=(write("scratch/file", "x"),)),
    Case("harvest/idiom-home-is-a-file", "harvest {repo}", error("IDIOM_HOME"),
         env={"IDIOM_HOME": "{scratch}/file"}, setup=(write("scratch/file", "x"),)),
    # idiom harvest --repos
    Case("harvest/repos-missing", "harvest --repos {scratch}/nope.txt", usage("does not exist")),
    Case("harvest/repos-bad-line", "harvest --repos {scratch}/repos.txt", error("repos.txt:2: 'nowhere' is neither"),
         setup=(write("scratch/repos.txt", "../acme-web\nnowhere\n"),)),
    Case("harvest/repos-none-listed", "harvest --repos {scratch}/repos.txt", error("lists no repositories"),
         setup=(write("scratch/repos.txt", "# later\n\n"),)),
    Case("harvest/repos-and-repo", "harvest {repo} --repos {scratch}/repos.txt", usage("REPO name one repository"),
         setup=(write("scratch/repos.txt", "../acme-web\n"),)),
    Case("harvest/repos-jobs-zero", "harvest --repos {scratch}/repos.txt --repo-jobs 0", usage("--repo-jobs"),
         setup=(write("scratch/repos.txt", "../acme-web\n"),)),
    Case("harvest/merge-without-repos", "harvest {repo} --merge org", usage("--merge go with --repos")),
    Case("harvest/repos-shared-home", "harvest --repos {scratch}/repos.txt", error("IDIOM_HOME is set"),
         env={"IDIOM_HOME": "{scratch}/home"}, setup=(write("scratch/repos.txt", "../acme-web\n"),)),
    Case("harvest/repos-ray-unreachable", "harvest --repos {scratch}/repos.txt --ray 127.0.0.1:9",
         error("cannot join the Ray cluster at 127.0.0.1:9"), setup=(write("scratch/repos.txt", "../acme-web\n"),)),
    Case("harvest/dot-idiom-is-a-file", "harvest {never}", error("is a file, not Idiomatic's artifact folder"),
         setup=(write("never/.idiom", "x"),)),
    Case("harvest/since-a-date", "harvest {repo} --since 2024-03-01 --no-dataset", OK, writes=(f"{HARVEST}/*",)),

    # idiom index
    Case("index/never-harvested", "index {never}", error("no dataset for")),
    Case("index/unknown-dataset", "index {repo} --name nope", error("no dataset 'nope'")),
    Case("index/a-file", "index {repo}/README.md", usage("is a file")),
    Case("index/garbage-units", "index {repo}", error("units.jsonl:1: not a valid Unit record"),
         setup=(write(f"{DATASET}/units.jsonl", GARBAGE),)),
    Case("index/hash-dimensions-not-a-number", "index {repo} --rebuild", error("hash embeddings take a positive number"),
         env={"IDIOM_INDEX_EMBEDDING_MODEL": "hash:x"}),
    Case("index/hash-dimensions-zero", "index {repo} --rebuild", error("hash embeddings take a positive number"),
         env={"IDIOM_INDEX_EMBEDDING_MODEL": "hash:0"}),
    Case("index/empty-units", "index {repo}", error("holds no code units"),
         setup=(write(f"{DATASET}/units.jsonl", ""),)),
    Case("index/stats-without-index", "index {repo} --stats", error("no index at"), setup=(remove(INDEX),)),
    Case("index/stats-never-harvested", "index {never} --stats", error("no index at")),
    Case("index/config-batch-size-zero", "index {repo}", error("batch_size must be between 1 and 10000"),
         setup=(toml("[index]\nbatch_size = 0\n"),)),
    Case("index/config-rrf-k-zero", "index {repo}", error("rrf_k must be at least 1"),
         setup=(toml("[index]\nrrf_k = 0\n"),)),
    Case("index/env-batch-size-not-a-number", "index {repo}", error("IDIOM_INDEX_BATCH_SIZE='big'"),
         env={"IDIOM_INDEX_BATCH_SIZE": "big"}),
    Case("index/config-section-not-a-table", "index {repo}", error("[index] must be a table"),
         setup=(toml('index = "yes"\n'),)),
    Case("index/config-collection-name-invalid", "index {repo}", error("collection"),
         setup=(toml('[index]\ncollection = "x"\n'),)),
    Case("index/manifest-garbage", "index {repo} --stats", error("manifest.json"),
         setup=(write(f"{INDEX}/manifest.json", GARBAGE),)),

    # idiom search
    Case("search/nothing-asked", "search --repo {repo}", error("give a QUERY")),
    Case("search/k-negative", "search hook --repo {repo} -k -5", usage("-k")),
    Case("search/k-zero", "search hook --repo {repo} -k 0", usage("-k")),
    Case("search/k-not-a-number", "search hook --repo {repo} -k many", usage("'many' is not a valid integer")),
    Case("search/bad-mode", "search hook --repo {repo} --mode psychic", usage("'psychic' is not one of")),
    Case("search/file-without-line", "search --repo {repo} --file src/App.tsx", error("--file needs --line")),
    Case("search/line-negative", "search --repo {repo} --file src/App.tsx --line -3", usage("--line")),
    Case("search/file-missing", "search --repo {repo} --file src/Nope.tsx --line 1", error("src/Nope.tsx")),
    Case("search/file-a-folder", "search --repo {repo} --file src --line 1", error("Is a directory")),
    Case("search/queries-missing", "search --repo {repo} --queries {scratch}/q.jsonl", error("q.jsonl: no such file")),
    Case("search/queries-garbage-row", "search --repo {repo} --queries {scratch}/q.jsonl", error("q.jsonl:1: expected"),
         setup=(write("scratch/q.jsonl", "{nope\n"),)),
    Case("search/queries-row-without-query", "search --repo {repo} --queries {scratch}/q.jsonl",
         error("q.jsonl:2: expected"), setup=(write("scratch/q.jsonl", '{"query": "hook"}\n{"id": 2}\n'),)),
    Case("search/bad-path-glob", "search hook --repo {repo} --path 'src/[z-a]/**'",
         error("glob 'src/[z-a]/**' does not compile")),
    Case("search/never-harvested", "search hook --repo {never}", error("no index at")),
    Case("search/repo-missing", "search hook --repo {world}/nowhere", error("no index at")),
    Case("search/index-manifest-garbage", "search hook --repo {repo}", error("manifest.json"),
         setup=(write(f"{INDEX}/manifest.json", GARBAGE),)),
    Case("search/index-units-garbage", "search hook --repo {repo}", error("units.json"),
         setup=(write(f"{INDEX}/units.json", GARBAGE),)),
    Case("search/good", "search hook --repo {repo} -k 2", OK),

    # idiom generate (every case stops before any model is asked)
    Case("generate/max-tokens-negative", "generate 'a hook' --repo {repo} --max-tokens -1", usage("--max-tokens")),
    Case("generate/max-tokens-zero", "generate 'a hook' --repo {repo} --max-tokens 0", usage("--max-tokens")),
    Case("generate/max-tokens-not-a-number", "generate 'a hook' --repo {repo} --max-tokens lots",
         usage("'lots' is not a valid integer")),
    Case("generate/line-negative", "generate 'a hook' --repo {repo} --file src/App.tsx --line -2", usage("--line")),
    Case("generate/line-in-a-missing-file", "generate 'a hook' --repo {repo} --file src/Nope.tsx --line 3",
         error("--line 3 needs an existing --file")),
    Case("generate/line-without-file", "generate 'a hook' --repo {repo} --line 3", error("no --file was given")),
    Case("generate/line-past-the-end", "generate 'a hook' --repo {repo} --file src/main.tsx --line 9999",
         error("--line 9999: src/main.tsx has")),
    Case("generate/file-a-folder", "generate 'a hook' --repo {repo} --file src", error("is a folder")),
    Case("generate/finetuned-rag-no-model", "generate 'a hook' --repo {repo} --strategy finetuned_rag",
         error("no promoted fine-tuned model")),
    Case("generate/bad-strategy", "generate 'a hook' --repo {repo} --strategy magic", usage("'magic' is not one of")),
    Case("generate/no-instruction", "generate --repo {repo}", usage("Missing argument 'INSTRUCTION'")),
    Case("generate/unknown-provider", "generate 'a hook' --repo {repo} --provider acme", usage("'acme' is not one of")),
    Case("generate/unknown-provider-in-config", "generate 'a hook' --repo {repo}", error("provider"),
         setup=(toml('[router]\nprovider = "acme"\n'),)),
    Case("generate/config-timeout-negative", "generate 'a hook' --repo {repo}", error("timeout must be between"),
         setup=(toml("[router]\ntimeout = -1\n"),)),
    Case("generate/config-retries-too-many", "generate 'a hook' --repo {repo}", error("max_retries must be between"),
         setup=(toml("[router]\nmax_retries = 99\n"),)),
    Case("generate/env-timeout-not-a-number", "generate 'a hook' --repo {repo}", error("IDIOM_ROUTER_TIMEOUT='soon'"),
         env={"IDIOM_ROUTER_TIMEOUT": "soon"}),
    Case("generate/few-shot-never-harvested", "generate 'a hook' --repo {never} --strategy few_shot",
         error("no dataset for")),
    Case("generate/models-file-missing", "generate 'a hook' --repo {repo}", error("models_file"),
         setup=(user_toml('[router]\nmodels_file = "/nowhere/models.yml"\n'),)),

    # idiom route
    Case("route/never-harvested", "route 'a hook' --repo {never}", error("no strategy can answer yet")),
    Case("route/corrupt-db", "route 'a hook' --repo {repo}", error("not a usable Idiomatic database"),
         setup=(write(REPO_DB, GARBAGE),)),
    Case("route/registry-garbage", "route 'a hook' --repo {repo}", error("registry.json"),
         setup=(version(registry="{nope"),)),
    Case("route/file-a-folder", "route 'a hook' --repo {repo} --file src", error("is a folder")),
    Case("route/new-file", "route 'a Tag component' --repo {repo} --file src/components/Tag/Tag.tsx", OK),
    Case("route/config-empty-file", "route 'a hook' --repo {repo}", OK, setup=(toml(""),)),
    Case("route/min-pass-rate-out-of-range", "route 'a hook' --repo {repo}", error("min_pass_rate must be between 0 and 1"),
         setup=(toml("[router]\nmin_pass_rate = 80\n"),)),

    # idiom model tiny
    Case("model/tiny-a-file", "model tiny {repo}/README.md", usage("is a file")),
    Case("model/tiny-below-a-file", "model tiny {repo}/README.md/tiny", error("README.md/tiny")),
    Case("model/tiny-no-directory", "model tiny", usage("Missing argument 'DIRECTORY'")),

    # idiom train (--plan only: nothing is trained)
    Case("train/plan-negative-epochs", "train {repo} --plan --epochs -1", usage("--epochs")),
    Case("train/plan-zero-epochs", "train {repo} --plan --epochs 0", usage("--epochs")),
    Case("train/plan-epochs-nan", "train {repo} --plan --epochs nan", usage("'nan' is not a finite number")),
    Case("train/plan-negative-max-steps", "train {repo} --plan --max-steps -5", usage("--max-steps")),
    Case("train/plan-negative-lr", "train {repo} --plan --lr -0.1", usage("--lr")),
    Case("train/plan-zero-rank", "train {repo} --plan --r 0", usage("--r")),
    Case("train/plan-tiny-max-length", "train {repo} --plan --max-length 0", usage("--max-length")),
    Case("train/plan-bad-backend", "train {repo} --plan --backend gpu", usage("'gpu' is not one of")),
    Case("train/plan-bad-method", "train {repo} --plan --method full", usage("'full' is not one of")),
    Case("train/plan-unknown-base-model", "train {repo} --plan --base-model acme/unknown-7b",
         error("not a CodeLlama name")),
    Case("train/plan-base-model-config-garbage", "train {repo} --plan --base-model {scratch}/base", error("config.json"),
         setup=(write("scratch/base/config.json", GARBAGE),)),
    Case("train/plan-base-model-config-not-llama", "train {repo} --plan --base-model {scratch}/base",
         error("'hidden_size' is missing"), setup=(write("scratch/base/config.json", '{"model_type": "bert"}'),)),
    Case("train/plan-base-model-config-wrong-types", "train {repo} --plan --base-model {scratch}/base",
         error("config.json"), setup=(write("scratch/base/config.json", '{"hidden_size": "big", "intermediate_size": 1,'
                                            ' "num_hidden_layers": 1, "num_attention_heads": 1, "vocab_size": 1}'),)),
    Case("train/plan-unknown-dataset", "train {repo} --plan --dataset nope", error("no dataset 'nope'")),
    Case("train/plan-never-harvested", "train {never} --plan", error("no dataset for")),
    Case("train/plan-kinds-match-nothing", "train {repo} --plan --kinds telepathy", error("telepathy")),
    Case("train/plan-garbage-trl-rows", "train {repo} --plan", error("train.jsonl"),
         setup=(write(f"{DATASET}/trl/train.jsonl", GARBAGE),)),
    Case("train/plan-missing-trl-rows", "train {repo} --plan", error("trl/train.jsonl"),
         setup=(remove(f"{DATASET}/trl"),)),
    Case("train/config-lora-r-zero", "train {repo} --plan", error("lora_r must be between 1 and 1024"),
         setup=(toml("[finetune]\nlora_r = 0\n"),)),
    Case("train/config-bad-backend", "train {repo} --plan", error("backend must be one of"),
         setup=(toml('[finetune]\nbackend = "gpu"\n'),)),
    Case("train/env-epochs-not-a-number", "train {repo} --plan", error("IDIOM_FINETUNE_EPOCHS='three'"),
         env={"IDIOM_FINETUNE_EPOCHS": "three"}),
    Case("train/anthropic-backend", "train {repo} --backend anthropic", error("Anthropic has no public fine-tuning API")),
    Case("train/sweep-garbage", "train {repo} --sweep 'lr=fast'", error("--sweep")),
    Case("train/plan-good", "train {repo} --plan", OK),
    Case("train/plan-rag-context-good", "train {repo} --plan --rag-context", OK),
    Case("train/plan-rag-context-never-indexed", "train {repo} --plan --rag-context", error("no index at"),
         setup=(remove(INDEX),)),
    Case("train/rag-context-openai", "train {repo} --rag-context --backend openai",
         error("--rag-context trains local adapters")),

    # idiom models list|show|promote|rollback|merge|export-vllm
    Case("models/list-never-harvested", "models list --repo {never}", OK),
    Case("models/list-training-garbage", "models list --repo {repo}", error("training.json"),
         setup=(version(training="{nope"),)),
    Case("models/list-registry-garbage", "models list --repo {repo}", error("registry.json"),
         setup=(version(registry="{nope"),)),
    Case("models/list-training-not-a-mapping", "models list --repo {repo}", error("training.json"),
         setup=(version(training="[1, 2]"),)),
    Case("models/list-version-without-training", "models list --repo {repo}", error("not a registered version"),
         setup=(write(f"{MODELS}/v1/adapter_config.json", "{}"),)),
    Case("models/list-training-empty", "models list --repo {repo}", error("training.json is not valid JSON"),
         setup=(version(training=" "),)),
    Case("models/show-unknown-model", "models show nope --repo {repo}", error("no fine-tuned model 'nope'"),
         setup=(version(),)),
    Case("models/show-unknown-version", "models show acme v9 --repo {repo}", error("v9"), setup=(version(),)),
    Case("models/show-nothing-promoted", "models show acme --repo {repo}", error("acme has no promoted version"),
         setup=(version(),)),
    Case("models/show-metrics-garbage", "models show acme v1 --repo {repo}", error("metrics.json"),
         setup=(version(), write(f"{MODELS}/v1/metrics.json", GARBAGE))),
    Case("models/show-never-harvested", "models show acme --repo {never}", error("no fine-tuned model 'acme'")),
    Case("models/promote-unknown-version", "models promote acme v7 --repo {repo}", error("has no version v7"),
         setup=(version(),)),
    Case("models/promote-registry-garbage", "models promote acme v1 --repo {repo}", error("registry.json"),
         setup=(version(registry="{nope"),)),
    Case("models/promote-registry-empty", "models promote acme v1 --repo {repo}", error("registry.json is not valid JSON"),
         setup=(version(registry=" "),)),
    Case("models/promote-registry-wrong-shape", "models promote acme v1 --repo {repo}", error("registry.json"),
         setup=(version(registry='{"promoted": 3, "history": "v1"}'),)),
    Case("models/promote-missing-args", "models promote acme --repo {repo}", usage("Missing argument 'VERSION'")),
    Case("models/rollback-nothing", "models rollback acme --repo {repo}", error("nothing to roll back to"),
         setup=(version(registry='{"promoted": "v1", "history": []}'),)),
    Case("models/rollback-registry-garbage", "models rollback acme --repo {repo}", error("registry.json"),
         setup=(version(registry=GARBAGE.decode()),)),
    Case("models/merge-remote-version", "models merge acme v1 {scratch}/merged --repo {repo}",
         error("remote openai model"), setup=(version(training=REMOTE),)),
    Case("models/merge-base-model-missing", "models merge acme v1 {scratch}/merged --repo {repo}",
         error("/nowhere/base-model"), setup=(version(),)),
    Case("models/merge-out-is-a-file", "models merge acme v1 {repo}/README.md --repo {repo}", usage("is a file"),
         setup=(version(),)),
    Case("models/export-vllm-port-negative", "models export-vllm acme --repo {repo} --port -1", usage("--port"),
         setup=(version(),)),
    Case("models/export-vllm-port-too-high", "models export-vllm acme --repo {repo} --port 70000", usage("--port"),
         setup=(version(),)),
    Case("models/export-vllm-only-remote", "models export-vllm acme --repo {repo}", error("no local (LoRA) versions"),
         setup=(version(training=REMOTE),)),
    Case("models/export-vllm-training-garbage", "models export-vllm acme --repo {repo}", error("training.json"),
         setup=(version(training="{nope"),)),

    # idiom suite generate
    Case("suite/generate-max-cases-zero", "suite generate {repo} --max-cases 0", usage("--max-cases")),
    Case("suite/generate-max-cases-negative", "suite generate {repo} --max-cases -4", usage("--max-cases")),
    Case("suite/generate-unknown-dataset", "suite generate {repo} --dataset nope", error("no dataset 'nope'")),
    Case("suite/generate-never-harvested", "suite generate {never}", error("no dataset for")),
    Case("suite/generate-out-a-folder", "suite generate {repo} --out {scratch}", usage("is a directory")),
    Case("suite/generate-out-below-a-file", "suite generate {repo} --out {repo}/README.md/suite.yaml",
         error("README.md: a file stands where a folder is needed")),
    Case("suite/generate-garbage-pairs", "suite generate {repo}", error("pairs.jsonl:1"),
         setup=(write(f"{DATASET}/pairs.jsonl", GARBAGE),)),

    # idiom validate (every case stops before any model is asked)
    Case("validate/no-suite", "validate {repo}", error("no suite at")),
    Case("validate/never-harvested", "validate {never}", error("no suite at")),
    Case("validate/suite-missing", "validate {repo} --suite {scratch}/nope.yaml", error("no suite at")),
    Case("validate/suite-not-yaml", "validate {repo} --suite {scratch}/s.yaml", error("not valid YAML"),
         setup=(write("scratch/s.yaml", "cases: [\n"),)),
    Case("validate/suite-empty", "validate {repo} --suite {scratch}/s.yaml", error("`cases:` list"),
         setup=(write("scratch/s.yaml", ""),)),
    Case("validate/suite-case-not-a-mapping", "validate {repo} --suite {scratch}/s.yaml", error("case 1 is not a mapping"),
         setup=(write("scratch/s.yaml", "cases:\n  - just text\n"),)),
    Case("validate/suite-unknown-rule", "validate {repo} --suite {scratch}/suite.yaml", error("unknown rule 'telepathy'"),
         setup=(suite("      - {type: telepathy}\n"),)),
    Case("validate/suite-max-tokens-not-a-number", "validate {repo} --suite {scratch}/suite.yaml", error("max-tokens"),
         setup=(suite("      - {type: max-tokens, value: lots}\n"),)),
    Case("validate/suite-max-cost-not-a-number", "validate {repo} --suite {scratch}/suite.yaml", error("max-cost"),
         setup=(suite("      - {type: max-cost, value: cheap}\n"),)),
    Case("validate/suite-similar-out-of-range", "validate {repo} --suite {scratch}/suite.yaml", error("similar"),
         setup=(suite("      - {type: similar, value: 7}\n"),)),
    Case("validate/suite-bad-regex", "validate {repo} --suite {scratch}/suite.yaml", error("regex"),
         setup=(suite("      - {type: regex, value: '([a-z'}\n"),)),
    Case("validate/suite-duplicate-ids", "validate {repo} --suite {scratch}/s.yaml", error("repeated: a"),
         setup=(write("scratch/s.yaml", "cases:\n  - {id: a, prompt: x}\n  - {id: a, prompt: y}\n"),)),
    Case("validate/suite-case-without-prompt", "validate {repo} --suite {scratch}/s.yaml", error("needs a `prompt`"),
         setup=(write("scratch/s.yaml", "cases:\n  - {id: a}\n"),)),
    Case("validate/unknown-strategy", "validate {repo} --suite {scratch}/suite.yaml --strategies magic",
         error("--strategies: unknown magic"), setup=(suite("      - {type: parses}\n"),)),
    Case("validate/no-strategies", "validate {repo} --suite {scratch}/suite.yaml --strategies ,",
         error("none given"), setup=(suite("      - {type: parses}\n"),)),
    Case("validate/max-tokens-negative", "validate {repo} --suite {scratch}/suite.yaml --max-tokens -1",
         usage("--max-tokens"), setup=(suite("      - {type: parses}\n"),)),
    Case("validate/corrupt-db", "validate {repo} --suite {scratch}/suite.yaml", error("not a usable Idiomatic database"),
         setup=(suite("      - {type: parses}\n"), write(REPO_DB, GARBAGE))),
    Case("validate/junit-a-folder", "validate {repo} --suite {scratch}/suite.yaml --junit {scratch}",
         usage("is a directory"), setup=(suite("      - {type: parses}\n"),)),

    # idiom roi
    Case("roi/corrupt-db", "roi {repo}", error("not a usable Idiomatic database"), setup=(write(REPO_DB, GARBAGE),)),
    Case("roi/db-cut-in-half", "roi {repo}", error("not a usable Idiomatic database"),
         setup=(half_a_database(REPO_DB),)),
    Case("roi/never-harvested", "roi {never}", error("no validation results")),
    Case("roi/env-team-size-negative", "roi {repo}", error("IDIOM_ROI_TEAM_SIZE must be at least 1"),
         env={"IDIOM_ROI_TEAM_SIZE": "-3"}),
    Case("roi/config-team-size-zero", "roi {repo}", error("team_size must be at least 1"),
         setup=(toml("[roi]\nteam_size = 0\n"),)),
    Case("roi/config-days-out-of-range", "roi {repo}", error("working_days_per_month must be between 0 and 31"),
         setup=(toml("[roi]\nworking_days_per_month = 40\n"),)),
    Case("roi/registry-garbage", "roi {repo}", error("registry.json"), setup=(logged, version(registry="{nope"))),
    Case("roi/idiom-home-below-a-file", "roi {repo}", error("no validation results"),
         env={"IDIOM_HOME": "{scratch}/file/home"}, setup=(write("scratch/file", "x"),)),

    # idiom feedback record|export
    Case("feedback/record-id-not-a-number", "feedback record first accepted --repo {repo}",
         usage("'first' is not a valid integer")),
    Case("feedback/record-bad-outcome", "feedback record 1 loved --repo {repo}", usage("'loved' is not one of")),
    Case("feedback/record-final-missing", "feedback record 1 edited --final {scratch}/nope.py --repo {repo}",
         usage("does not exist")),
    Case("feedback/record-unknown-request", "feedback record 999 accepted --repo {repo}", error("no request 999")),
    Case("feedback/record-never-used", "feedback record 1 accepted --repo {never}", error("no request 1")),
    Case("feedback/record-corrupt-db", "feedback record 1 accepted --repo {repo}",
         error("not a usable Idiomatic database"), setup=(write(REPO_DB, GARBAGE),)),
    Case("feedback/export-corrupt-db", "feedback export {repo}", error("not a usable Idiomatic database"),
         setup=(write(REPO_DB, GARBAGE),)),
    Case("feedback/export-never-used", "feedback export {never}", OK),
    Case("feedback/export-out-below-a-file", "feedback export {repo} --out {repo}/README.md/f.jsonl",
         error("README.md: a file stands where a folder is needed")),

    # idiom serve: argument errors only (nothing is started)
    Case("serve/tcp-negative", "serve --tcp -1", usage("--tcp")),
    Case("serve/tcp-too-high", "serve --tcp 70000", usage("--tcp")),
    Case("serve/tcp-not-a-number", "serve --tcp http", usage("'http' is not a valid integer")),
    Case("serve/host-without-tcp", "serve --host 0.0.0.0", error("--host only applies with --tcp")),
    Case("serve/repo-missing", "serve --repo {world}/nowhere", usage("does not exist")),
    Case("serve/log-file-a-folder", "serve --log-file {scratch}", usage("is a directory")),

    # idiom mcp: argument errors and a repository it may not use (nothing is served)
    Case("mcp/repo-missing", "mcp --repo {world}/nowhere", usage("does not exist")),
    Case("mcp/repo-a-file", "mcp --repo {repo}/package.json", usage("is a file")),
    Case("mcp/log-file-a-folder", "mcp --log-file {scratch}", usage("is a directory")),
    Case("mcp/artifacts-a-link", "mcp --repo {never}", error("symbolic link"), setup=(linked_home,)),
    Case("mcp/port-without-http", "mcp --repo {repo} --port 9000", error("--port only applies with --http")),
    Case("mcp/port-too-high", "mcp --repo {repo} --http --port 70000", usage("--port")),
    Case("mcp/http-exposed-host", "mcp --repo {repo} --http --host 0.0.0.0", error("pass --i-understand-this-exposes-code")),

    # idiom api serve|token: argument errors, and tokens of a data folder (nothing is served)
    Case("api/serve-repos-without-path", "api serve --data {scratch}/api --repos acme", error("give NAME=PATH")),
    Case("api/serve-repo-missing", "api serve --data {scratch}/api --repos acme={world}/nowhere",
         error("is not a folder")),
    Case("api/serve-repo-bad-name", "api serve --data {scratch}/api --repos 'a b={repo}'",
         error("use letters, digits")),
    Case("api/serve-nothing-to-serve", "api serve --data {scratch}/api", error("no repositories to serve")),
    Case("api/serve-port-too-high", "api serve --data {scratch}/api --repos acme={repo} --port 70000",
         usage("--port")),
    Case("api/serve-data-a-file", "api serve --data {repo}/package.json --repos acme={repo}", usage("is a file")),
    Case("api/token-bad-role", "api token create ada --data {scratch}/api --role boss", usage("'boss' is not one of")),
    Case("api/token-empty-name", "api token create ' ' --data {scratch}/api", error("a token needs a name")),
    Case("api/token-list-empty", "api token list --data {scratch}/api --json", OK),
    Case("api/token-revoke-unknown", "api token revoke nobody --data {scratch}/api", error("no live token named")),
)
CASE_COUNT = len(CASES)


# --- the world every case starts from ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def pristine(acme_harvest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example repository harvested, built and indexed (artifacts in its own .idiom/), and a copy of
    it that was never harvested; read-only: every case works on its own copy."""
    source, harvest = acme_harvest
    world = tmp_path_factory.mktemp("pristine")
    repo = world / REPO
    shutil.copytree(source, repo, symlinks=True, ignore=shutil.ignore_patterns(".idiom"))
    shutil.copytree(source, world / "never", symlinks=True, ignore=shutil.ignore_patterns(".idiom"))
    shutil.copytree(harvest, repo / ".idiom" / "harvest" / harvest.name)
    (repo / ".idiom" / ".gitignore").write_text("*\n")
    (world / "scratch").mkdir()
    (world / "config").mkdir()
    runner = CliRunner()
    for argv in (["dataset", "build", str(repo)], ["index", str(repo)]):
        result = runner.invoke(idiom, argv, env=_environment(world, {}))
        assert result.exit_code == 0, result.output
    for folder in (repo, world / "never"):  # a few pack files copy faster than hundreds of loose objects
        subprocess.run(["git", "-C", str(folder), "repack", "-a", "-d", "-q"], check=True)
        subprocess.run(["git", "-C", str(folder), "prune-packed"], check=True)
    untouched = snapshot(world)
    yield world
    assert changes(untouched, snapshot(world)) == [], "a case wrote through a hard link into the pristine world"


def copy_world(pristine: Path, target: Path) -> None:
    """A copy of the pristine world made of hard links (fast), except the index, whose SQLite files
    Chroma writes in place. Every writer under test replaces files (atomic rename, git's lock files,
    staging folders), and setup steps unlink before writing, so the pristine files stay untouched."""
    shutil.copytree(pristine, target, symlinks=True, copy_function=os.link,
                    ignore=lambda folder, names: ["index"] if Path(folder).name == ".idiom" else [])
    shutil.copytree(pristine / INDEX, target / INDEX, symlinks=True)


def _environment(world: Path, extra: Mapping[str, str]) -> dict[str, str | None]:
    """The case's variables: artifacts in the repository's own .idiom/, the user's config in the world,
    hash embeddings (fast and offline), no provider keys (no case may reach a provider)."""
    base: dict[str, str | None] = {"IDIOM_HOME": None, "IDIOM_CONFIG_DIR": str(world / "config"),
                                   "IDIOM_INDEX_EMBEDDING_MODEL": "hash", "HF_HUB_OFFLINE": "1",
                                   "OPENAI_API_KEY": None, "ANTHROPIC_API_KEY": None}
    return base | {key: _fill(value, world) for key, value in extra.items()}


def _fill(text: str, world: Path) -> str:
    return text.format(world=world, repo=world / REPO, never=world / "never", scratch=world / "scratch",
                       config=world / "config")


def snapshot(world: Path) -> dict[str, str]:
    """Every file and link under `world` (git's own folders aside) by its content hash."""
    found = {}
    for folder, dirs, files in os.walk(world):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files + [d for d in dirs if Path(folder, d).is_symlink()]:
            path = Path(folder, name)
            key = path.relative_to(world).as_posix()
            found[key] = f"-> {os.readlink(path)}" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest()
        found.update({Path(folder, d).relative_to(world).as_posix() + "/": "dir" for d in dirs})
    return found


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Paths added, removed or rewritten between two snapshots. Chroma rewrites its own SQLite and vector
    files whenever a collection is opened, even to read, and any reader of a WAL database rewrites its
    `-shm` index: those count when they appear or vanish only."""
    def rewritten_by_readers(path: str) -> bool:
        return CHROMA in path or path.endswith("-shm")

    return sorted(p for p in before.keys() | after.keys()
                  if before.get(p) != after.get(p) and not (rewritten_by_readers(p) and p in before and p in after))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_bad_input_gets_one_clear_line(case: Case, pristine: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    world = tmp_path / "world"
    copy_world(pristine, world)
    for step in case.setup:
        step(world)
    monkeypatch.chdir(world / REPO)  # where people run it; `.` and the scrubber's allowlist mean the repository
    before = snapshot(world)
    argv = [_fill(word, world) for word in shlex.split(case.argv)]
    result = CliRunner().invoke(idiom, argv, env=_environment(world, case.env))

    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, "".join(traceback.format_exception(*result.exc_info))
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exit_code == case.expect.code, f"exit {result.exit_code}\n{result.stdout}\n{result.stderr}"
    lines = result.stderr.strip().splitlines()
    if case.expect.code == 1:
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert case.expect.needle in lines[0]
    elif case.expect.code == 2:  # click's own block: Usage, Try --help, Error
        usage_line, hint, problem = [line for line in lines if line]
        assert usage_line.startswith("Usage: ") and hint.startswith("Try ") and problem.startswith("Error: ")
        assert case.expect.needle in problem
    moved = changes(before, snapshot(world))
    if case.expect.code:
        assert moved == [], f"a failed run changed {moved}"
    else:
        assert [p for p in moved if not any(fnmatch.fnmatch(p, g) for g in case.writes)] == []


def test_the_corpus_counts_its_cases() -> None:
    ids = [c.id for c in CASES]
    assert len(set(ids)) == len(ids), "case ids must be unique"
    assert CASE_COUNT >= 120
    print(f"CLI bad-input corpus: {CASE_COUNT} cases")


def test_every_command_has_cases() -> None:
    def leaves(group: click.Group, prefix: str = "") -> list[str]:
        found = []
        for name, command in group.commands.items():
            path = f"{prefix}{name}"
            found += leaves(command, path + " ") if isinstance(command, click.Group) else [path]
        return found

    argvs = [" ".join(shlex.split(c.argv)) + " " for c in CASES]
    assert [path for path in leaves(idiom) if not any(a.startswith(path + " ") for a in argvs)] == []
