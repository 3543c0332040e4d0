"""Issue 16's end-to-end target: secrets planted in a repository's history, messages and PR export reach
no artifact in strict mode.

A real repository (tests/harvest/planted.py) goes through the real commands: `idiom harvest --prs`,
`idiom index` (MiniLM), then `idiom generate` against the local OpenAI-wire stand-in and `idiom feedback
record`. Every file written under `.idiom/` is read back (JSONL, JSON, YAML, DATASET.md, Chroma's and the
request log's SQLite databases cell by cell, binary index files), and so is every request the provider
received. No planted value, nor any run of 12 of its characters, may appear in any of them.

Every plant must be caught. The shapes test below draws 200 values per context; shapes some draws of
which still slip through are marked `xfail(strict=True)` with the reason (SHAPE_GAPS).
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

from harvest.mining.redact import Redactor
from server.cli import idiom
from tests.harvest.planted import (
    B64,
    DIGITS,
    UPPER,
    URLSAFE,
    WINDOW,
    Plant,
    Planted,
    Secrets,
    build,
)
from tests.router.fake_llm import fake_llm

pytestmark = pytest.mark.slow

@dataclass
class Run:
    """The planted repository after every command, and everything that left the commands."""

    planted: Planted
    home: Path  # the artifact folder, `<repo>/.idiom`
    outlets: dict[str, str]  # artifact (file, database cell dump, provider request) → its text
    report: dict
    request_id: int
    provider_bodies: list[str]


def _invoke(args: list[str], env: dict[str, str | None]) -> str:
    result = CliRunner().invoke(idiom, args, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _sqlite_cells(path: Path) -> str:
    """Every cell of every table, blobs decoded: what a dump would show, without SQL's hex quoting of blobs."""
    cells: list[str] = []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in db.execute(f'SELECT * FROM "{table}"'):
                cells.extend(c.decode("utf-8", "replace") if isinstance(c, bytes) else str(c)
                             for c in row if c is not None)
    return "\n".join(cells)


def _printable_runs(data: bytes, shortest: int) -> str:
    """A binary file as `strings` shows it: its runs of printable ASCII at least `shortest` long, one a line.
    A text secret written into a binary lies whole in such a run; the rest (an ONNX model's 90 MB of weights)
    is noise that would make looking for thousands of fragments take hours."""
    return "\n".join(run.decode("ascii") for run in re.findall(rb"[\x20-\x7e\t\r\n]{%d,}" % shortest, data))


def read_outlets(home: Path, shortest: int) -> dict[str, str]:
    """Every file under `home` as text, and each SQLite database's cells besides its raw pages. A binary file
    that is neither text nor SQLite is read as its printable runs of at least `shortest` characters."""
    outlets: dict[str, str] = {}
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = str(path.relative_to(home))
        if data.startswith(b"SQLite format 3\x00"):
            outlets[name] = data.decode("utf-8", "replace")
            outlets[f"{name} (rows)"] = _sqlite_cells(path)
            continue
        try:
            outlets[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            outlets[name] = _printable_runs(data, shortest)
    return outlets


def fragments(plant: Plant) -> set[str]:
    """The value, and every WINDOW-character run of its random parts (a part shorter than that, whole)."""
    found = {plant.value}
    for part in plant.secret_parts():
        if len(part) < WINDOW:
            found.add(part)
        else:
            found.update(part[i:i + WINDOW] for i in range(len(part) - WINDOW + 1))
    return found


def leaks(plant: Plant, outlets: dict[str, str]) -> list[str]:
    """The outlets holding a fragment of `plant`, looked for as written, with all whitespace removed (YAML
    folding or wrapping must not hide a value) and with XML/HTML entities decoded (JUnit XML)."""
    wanted = fragments(plant)
    hits = []
    for name, text in outlets.items():
        forms = (text, re.sub(r"\s+", "", text), html.unescape(text))
        if any(f in form for f in wanted for form in forms):
            hits.append(name)
    return hits


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    base = tmp_path_factory.mktemp("planted")
    planted = build(base)
    repo = planted.repo.path
    # Artifacts go to `<repo>/.idiom`, the default; no user setting may move or shape them.
    env: dict[str, str | None] = {key: None for key in os.environ if key.startswith("IDIOM_")}
    env |= {"IDIOM_CONFIG_DIR": str(base / "user-config"), "HF_HUB_OFFLINE": "1"}
    _invoke(["harvest", str(repo), "--prs", str(planted.export), "--json"], env)
    _invoke(["index", str(repo), "--json"], env)
    final = base / "final.ts"
    final.write_text(planted.typed.final, encoding="utf-8")
    with fake_llm() as (url, script):
        script.text = planted.typed.answer
        router_env = env | {"IDIOM_ROUTER_PROVIDER": "openai", "IDIOM_ROUTER_MODEL": "gpt-4o-mini",
                            "IDIOM_ROUTER_BASE_URL": url, "IDIOM_ROUTER_EXPLORATION": "0",
                            "OPENAI_API_KEY": "sk-test"}
        # The file is app/keys.py as it stands in the work tree: its unscrubbed text is the prompt's context.
        routed = json.loads(_invoke(["generate", planted.typed.instruction, "--file", "app/keys.py",
                                     "--repo", str(repo), "--json"], router_env))
        # A file whose key starts above the 60 lines a prompt takes from before the cursor.
        _invoke(["generate", "Add a port for metrics", "--file", "deploy/tls.py", "--repo", str(repo),
                 "--strategy", "few_shot"], router_env)
        bodies = [json.dumps(r["body"]) for r in script.requests if r["body"]]
    _invoke(["feedback", "record", str(routed["request_id"]), "edited", "--final", str(final), "--repo", str(repo)],
            env)
    # A lead's suite forbids hard-coded hook URLs; the rule's reason for a failure quotes what it matched.
    suite, junit = base / "suite.yaml", base / "junit.xml"
    suite.write_text("name: planted\ncases:\n  - id: replica-hook\n    prompt: Add the replica hook\n"
                     "    path: app/hooks.py\n    assert:\n      - {type: not-regex, value: 'hooks/\\w+'}\n",
                     encoding="utf-8")
    with fake_llm() as (url, script):
        script.text = planted.typed.validated
        validated = _invoke(["validate", str(repo), "--suite", str(suite), "--strategies", "few_shot",
                             "--junit", str(junit), "--json"], router_env | {"IDIOM_ROUTER_BASE_URL": url})
        bodies_validated = [json.dumps(r["body"]) for r in script.requests if r["body"]]
    home = repo / ".idiom"
    outlets = read_outlets(home, shortest=min(len(f) for plant in planted.plants for f in fragments(plant)))
    outlets |= {f"provider request {n}": body for n, body in enumerate(bodies + bodies_validated, 1)}
    outlets |= {"validation JUnit XML": junit.read_text(encoding="utf-8"), "idiom validate --json": validated}
    report = json.loads((home / "harvest" / "planted" / "scrub-report.json").read_text(encoding="utf-8"))
    return Run(planted, home, outlets, report, routed["request_id"], bodies)


def build_ids() -> list[str]:
    """Plant ids, in planting order (building the repository is cheap; the commands are not)."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        return [p.id for p in build(Path(scratch)).plants]


PLANT_IDS = build_ids()


def test_at_least_forty_secrets_of_both_shapes_are_planted_everywhere(run: Run) -> None:
    plants = run.planted.plants
    assert len(plants) >= 40
    assert {p.shape for p in plants} == {"provider", "context"}
    assert {p.place for p in plants} >= {"deleted-file", "replaced-line", "renamed-file", "head-file", "hunk-header",
                                         "hunk-context", "commit-subject", "commit-body", "pr-title", "pr-body",
                                         "review-body", "review-comment", "suggestion", "diff-hunk", "pragma-line",
                                         "prompt", "prompt-context", "answer", "feedback", "validation"}


def test_every_secret_is_really_in_what_the_commands_read(run: Run) -> None:
    """The control: each value stands in the repository's history, its PR export or the router's inputs,
    so an empty leak list below means the scrubber removed it, not that it was never there."""
    repo = run.planted.repo
    history = subprocess.run(["git", "-C", str(repo.path), "log", "--all", "-p", "--format=%B"], check=True,
                             capture_output=True, text=True).stdout
    sources = {"history": history, "export": run.planted.export.read_text(encoding="utf-8"),
               "router": "\n".join(vars(run.planted.typed).values())}
    for plant in run.planted.plants:
        assert plant.value in "\n".join(sources.values()), plant.id
    # and the outlets are really read: text from units, the index's SQLite and the request log is there.
    assert any("API_URL" in text for name, text in run.outlets.items()
               if name.startswith("index/chroma") and name.endswith("(rows)"))
    assert any("Add a partner client" in text for name, text in run.outlets.items() if name == "idiom.db (rows)")
    assert any("API_URL" in body for body in run.provider_bodies)  # the file's context reached the provider


@pytest.mark.parametrize("plant_id", PLANT_IDS)
def test_no_planted_secret_reaches_any_artifact(run: Run, plant_id: str) -> None:
    plant = run.planted.by_id()[plant_id]
    assert leaks(plant, run.outlets) == [], f"{plant.id} ({plant.place}) leaked"
    if plant.location:  # the scrub report counts it where it was found
        assert any(f["location"] == plant.location and f["kind"] == "secret"
                   and (not plant.path or f["path"] == plant.path)
                   and (not plant.commit or f["commit"] == plant.commit) for f in run.report["findings"]), plant.id


def test_the_scrub_report_counts_every_place_and_holds_only_locations(run: Run) -> None:
    report = run.report
    assert set(report["by_location"]) == {"head-file", "history-diff", "commit-message", "pr", "review"}
    counted = [p for p in run.planted.plants if p.location]
    assert report["secrets"] >= len(counted)
    assert report["secrets_only_in_history"] >= 10
    for finding in report["findings"]:
        assert set(finding) == {"rule", "kind", "location", "path", "commit", "line"}


def test_a_secret_git_prints_after_a_hunk_header_is_scrubbed(run: Run) -> None:
    """Regression: git appends the nearest line above a hunk that looks like a function header, for a
    file without a diff driver any line starting with a letter (`SECRET_KEY = "…"`). That header went
    to commits.jsonl and the commit pairs unscrubbed."""
    commits = [json.loads(line) for line in (run.home / "harvest/planted/commits.jsonl").open(encoding="utf-8")]
    headers = {h["header"] for c in commits for ch in c["changes"]
               if ch["path"] in ("settings/base.py", "src/api/client.ts") for h in ch["hunks"]}
    assert any(h.endswith('SECRET_KEY = "<SECRET:generic-secret>"') for h in headers), headers
    assert any("<SECRET:gitlab-token>" in h for h in headers), headers
    assert any(f["location"] == "history-diff" and f["path"] == "settings/base.py" and f["line"] == 0
               for f in run.report["findings"])


def test_the_router_scrubs_what_it_sends_logs_and_keeps(run: Run) -> None:
    db = run.home / "idiom.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        instruction, completion = connection.execute("SELECT instruction, completion FROM requests WHERE id = ?",
                                                     (run.request_id,)).fetchone()
        (final,) = connection.execute("SELECT final_text FROM feedback WHERE request_id = ?",
                                      (run.request_id,)).fetchone()
    assert "<SECRET:github-token>" in instruction and "<PASSWORD>" in instruction
    assert "replica.internal/hooks/<SECRET" in completion
    assert "DB_PASSWORD" in final and "<PASSWORD>" in final
    assert run.provider_bodies and any("<SECRET:github-token>" in body for body in run.provider_bodies)


# One draw per shape above can pass by luck: the detectors judge values (randomness, wordiness, a `.` read
# as a dotted name), so the same context is tried here with DRAWS values each, through the Redactor the
# harvester uses. Shapes with misses today are xfail(strict=True), named by what is missed.
DRAWS = 200
SHAPES: dict[str, tuple[str, Callable[[Secrets], str]]] = {
    "cli-flag-password": ("./admin-cli login --password {}\n", lambda g: g.password(10 + g.rng.randrange(5))),
    "cli-flag-password-letters-digits": ("./admin-cli login --password {}\n", lambda g: g.rnd(9 + g.rng.randrange(4))),
    "env-password": ("DB_PASSWORD={}\n", lambda g: g.password(10 + g.rng.randrange(5))),
    "yaml-password": ("db:\n  password: {}\n", lambda g: g.password(10 + g.rng.randrange(5))),
    "python-quoted-password": ('DB_PASS = "{}"\n', lambda g: g.password(10 + g.rng.randrange(5))),
    "curl-user-password": ("curl -u deploy:{} https://ci.internal/x\n", lambda g: g.password(12)),
    "url-userinfo-password": ('psql "postgresql://app:{}@db.internal:5432/app"\n', lambda g: g.password(12)),
    "secret-key-colon": ("SECRET KEY:{}\n", lambda g: g.rnd(24)),
    "x-api-key-header": ("curl -H 'X-API-Key: {}' https://x\n", lambda g: g.rnd(32)),
    "bare-token-in-prose-32": ("its key is {} (the staging one).\n", lambda g: g.rnd(32)),
    "pem-line-alone": ("The CI key that leaked:\n{}\n", lambda g: g.rnd(64, B64)),
    "jwk-private-d": ('  "d": "{}",\n', lambda g: g.rnd(43, URLSAFE)),
    "activation-key": ("Activation key : {}\n", lambda g: "-".join(g.rnd(5, UPPER + DIGITS) for _ in range(5))),
}
SHAPE_GAPS = {
    "yaml-password": ("an unquoted value in prose whose `_`-separated pieces each read as a name (`HbtxHwx_L6`) is "
                     "taken for a reference, ~1% of draws"),
    "bare-token-in-prose-32": ("random-token's entropy floor (a random string's mean minus 0.4 bits) leaves ~1% of random "
                               "32-character draws; a wider margin costs strict mode its FP cap on the shared corpus"),
}


@pytest.mark.parametrize("shape", [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=SHAPE_GAPS[name]))
                                   if name in SHAPE_GAPS else name for name in SHAPES])
def test_each_context_holds_for_many_random_values(shape: str) -> None:
    template, draw = SHAPES[shape]
    missed = []
    for n in range(DRAWS):
        value = draw(Secrets(f"draws/{shape}/{n}"))
        if value in Redactor().clean(template.format(value), "commit-message"):
            missed.append(value)
    assert not missed, f"{len(missed)}/{DRAWS} missed, e.g. {missed[:3]}"


def test_a_validation_reason_quoting_the_answer_is_scrubbed(run: Run) -> None:
    """Regression: a `regex` rule's reason quotes what it matched in the answer; it went to idiom.db's
    results, `idiom validate --json` and the JUnit XML as it was."""
    failure = ElementTree.fromstring(run.outlets["validation JUnit XML"]).find(".//failure")
    assert failure is not None and "not: matches `hooks/<SECRET:" in failure.get("message", "")
    assert "not: matches `hooks/<SECRET:" in run.outlets["idiom validate --json"]
