"""The repositories the server bench serves, each made ready once under bench/.work/server/ and reused:

- `example`: the bundled example (examples/build_example.py), harvested and indexed with MiniLM;
- a repository of the real-world matrix (bench/realworld/repos.toml) cloned at its pinned commit the
  matrix's way (from the project's mirror when there is one, else GitHub), harvested and indexed with
  MiniLM by the `idiom` command;
- `synthetic`: a generated design system of N units (bench/server/synthetic.py) whose index is built by the
  product's `build_index`. Real MiniLM over 100k units is too slow for 2 cores (`embedding_rate` measures
  it), so by default the vectors are hashed token counts written through the same code into the same
  Chroma collection, recorded as MiniLM: the server opens it as a MiniLM index and embeds its queries
  with MiniLM, so a query costs what it costs on a real index of that size.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.environment import replaced_environment

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "bench" / ".work" / "server"
PREPARED = "bench-case.json"  # in a case's home: how it was made, written last


@dataclass(frozen=True)
class Case:
    """A repository ready to serve: its artifacts in `home`, and the file the developers type in."""

    name: str
    repo: Path
    home: Path
    document: str  # path inside `repo`
    units: int  # units in the index
    how: str  # how the index was built, in a phrase
    seconds: dict[str, float] = field(default_factory=dict)  # what preparing it took, by step

    def environment(self) -> dict[str, str]:
        """The environment of every product command and of the server: this case's home, offline."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("IDIOM_")}
        return {**env, "IDIOM_HOME": str(self.home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def example_case(work: Path = WORK) -> Case:
    """The bundled example, harvested and indexed (real MiniLM)."""
    folder = work / "example"
    repo, home = folder / "acme-web", folder / "home"
    if (done := _prepared(home)) is not None:
        return done
    shutil.rmtree(folder, ignore_errors=True)
    spec = importlib.util.spec_from_file_location("build_example", ROOT / "examples" / "build_example.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(repo)
    case = Case("example", repo, home, "src/components/Button/Button.tsx", 0, "MiniLM (`idiom index`)")
    seconds = {"harvest_s": _idiom(case, "harvest", str(repo), "--prs", str(builder.export_path(repo))),
               "index_s": _idiom(case, "index", str(repo))}
    return _record(case, seconds)


def repository_case(name: str, clones: Path, document: str, work: Path = WORK) -> Case:
    """Repository `name` of the matrix at its pinned commit (a clone in `clones`, made if missing),
    harvested and indexed with MiniLM into its own home."""
    from bench.realworld.catalog import ensure_clone, load_repos

    specs = {s.name: s for s in load_repos()} | {s.repo: s for s in load_repos()}
    if name not in specs:
        raise CaseError(f"unknown repository {name!r}; known: {', '.join(s.name for s in load_repos())}")
    spec = specs[name]
    if not document:
        raise CaseError(f"which file of {spec.repo} do the developers type in? pass --document PATH")
    home = work / spec.name / "home"
    if (done := _prepared(home)) is not None:
        return done
    shutil.rmtree(home, ignore_errors=True)
    started = time.perf_counter()
    clone = ensure_clone(spec, clones)
    if not (clone / document).is_file():
        raise CaseError(f"{spec.repo} at {spec.commit[:12]} has no {document}; pass --document PATH")
    case = Case(spec.name, clone, home, document, 0, f"MiniLM (`idiom index`), {spec.repo} at {spec.commit[:12]}")
    seconds = {"clone_s": round(time.perf_counter() - started, 1), "harvest_s": _idiom(case, "harvest", str(clone)),
               "index_s": _idiom(case, "index", str(clone))}
    return _record(case, seconds)


def synthetic_case(units: int, minilm: bool = False, work: Path = WORK, rate_sample: int = 256) -> Case:
    """A generated repository of at least `units` units, its files written out and its index built by the
    product's `build_index` (MiniLM's vectors only with `minilm`; else MiniLM's rate over `rate_sample`
    units says what it would have cost)."""
    from bench.server.synthetic import repository
    from harvest.atomic import write_jsonl
    from harvest.classify import kind_of, language_of
    from harvest.graph.graph import build_graph
    from harvest.records import FileRecord
    from router.config import load_index_config
    from router.strategies.rag.index import build_index

    folder = work / f"synthetic-{units}{'-minilm' if minilm else ''}"
    repo, home = folder / "repo", folder / "home"
    if (done := _prepared(home)) is not None:
        return done
    shutil.rmtree(folder, ignore_errors=True)
    seconds: dict[str, float] = {}
    with _timed(seconds, "generate_s"):
        files, found = repository(units)
        for path, text in files.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text, encoding="utf-8")
    dataset = home / "datasets" / "synthetic"
    dataset.mkdir(parents=True)
    write_jsonl(dataset / "units.jsonl", found)
    with _timed(seconds, "graph_s"):
        records = [FileRecord(p, kind_of(p), language_of(p), len(t), "", t) for p, t in sorted(files.items())]
        build_graph(records).save(dataset / "graph")
    how = "MiniLM (`build_index`)" if minilm else \
        "vectors written directly (hashed token counts, through `build_index`, into the MiniLM collection)"
    if not minilm and rate_sample:
        rate = embedding_rate(rate_sample)
        how += f": real MiniLM embeds {rate:.0f} units/s here, {len(found) / rate / 60:.0f} min for this index"
    case = Case(f"synthetic-{len(found)}", repo, home, _typed_document(files), 0, how)
    with _timed(seconds, "index_s"), replaced_environment(case.environment()), \
            (contextlib.nullcontext() if minilm else _direct_vectors()):
        build_index(dataset / "units.jsonl", home / "index", load_index_config(repo))
    return _record(case, seconds)


def embedding_rate(sample: int = 256) -> float:
    """Units per second real MiniLM embeds, over `sample` synthetic units as `idiom index` would send them."""
    from bench.server.synthetic import repository
    from router.strategies.rag.embeddings import SentenceEmbedding
    from router.strategies.rag.index import document_of

    _, found = repository(sample)
    documents = [document_of(u) for u in found[:sample]]
    embed = SentenceEmbedding()
    embed(documents[:8])  # the model's load is not the rate
    started = time.perf_counter()
    embed(documents)
    return len(documents) / (time.perf_counter() - started)


class CaseError(Exception):
    """A case that cannot be prepared: said in one line, exit code 1."""


def _typed_document(files: dict[str, str]) -> str:
    """The component file the developers type in: the first generated one that uses other components."""
    return next(p for p, t in files.items() if p.endswith(".tsx") and not p.endswith(".test.tsx") and '"../' in t)


@contextlib.contextmanager
def _direct_vectors() -> Iterator[None]:
    """`build_index` with MiniLM's name on the collection and hashed token counts as its vectors."""
    from router.strategies.rag import embeddings
    from router.strategies.rag.embeddings import HashEmbedding, SentenceEmbedding

    class Direct(SentenceEmbedding):
        def __call__(self, input: Sequence[str]) -> Any:  # chromadb names the parameter `input`
            return HashEmbedding()(input)

    real = embeddings.embedding_function
    embeddings.embedding_function = Direct  # the only seam: build_index takes no embedding function
    try:
        yield
    finally:
        embeddings.embedding_function = real


@contextlib.contextmanager
def _timed(seconds: dict[str, float], key: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    seconds[key] = round(time.perf_counter() - started, 1)


def _idiom(case: Case, *arguments: str) -> float:
    """`idiom ARGUMENTS…` in the case's environment; seconds it took; its last line of error on failure."""
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).with_name("idiom")), *arguments], env=case.environment(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if done.returncode:
        raise CaseError(f"idiom {arguments[0]} failed for {case.name}: "
                        f"{(done.stderr.strip().splitlines() or ['no output'])[-1]}")
    return round(time.perf_counter() - started, 1)


def _record(case: Case, seconds: dict[str, float]) -> Case:
    manifest = json.loads((case.home / "index" / "manifest.json").read_text(encoding="utf-8"))
    made = Case(case.name, case.repo, case.home, case.document, manifest["units"], case.how, seconds)
    (case.home / PREPARED).write_text(json.dumps({**asdict(made), "repo": str(made.repo), "home": str(made.home)}),
                                      encoding="utf-8")
    return made


def _prepared(home: Path) -> Case | None:
    """The case prepared earlier in `home`, or None."""
    if not (home / PREPARED).is_file():
        return None
    data = json.loads((home / PREPARED).read_text(encoding="utf-8"))
    return Case(**{**data, "repo": Path(data["repo"]), "home": Path(data["home"])})
