"""`idiom index` and `idiom search`: build the retrieval index, and query it (one query or a batch)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from harvest.errors import InputError


def _home(repo: Path) -> tuple[Path, Path]:
    from harvest.store import idiom_home

    home = idiom_home(repo)
    return home / "datasets", home / "index"


@click.command("index")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default="", help="Which dataset's units (default: the only one).")
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again (e.g. after changing the model).")
@click.option("--stats", "show_stats", is_flag=True, help="Only print what the index holds.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def index_command(repo: Path, name: str, rebuild: bool, show_stats: bool, as_json: bool) -> None:
    """Embed the dataset's code units into the retrieval index (.idiom/index/, or [index] url).

    Incremental: only units whose content changed since the last run are embedded again.
    """
    from rich.progress import Progress

    from router.config import load_index_config
    from router.strategies.rag.index import build_index, read_manifest, units_file_for

    datasets, folder = _home(repo)
    if show_stats:
        manifest = read_manifest(folder)
        if not manifest:
            raise InputError(f"no index at {folder}; run `idiom index {repo}` first")
        click.echo(json.dumps(manifest, indent=2) if as_json else
                   f"{manifest['units']} units, model {manifest['model']}, collection {manifest['collection']}")
        return
    units_file = units_file_for(datasets, name)
    config = load_index_config(repo)
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("embedding units", total=None)
        stats = build_index(units_file, folder, config, rebuild, lambda n: bar.advance(task, n))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(stats), indent=2))
    else:
        click.echo(f"indexed {stats.units} units in {stats.seconds} s: {stats.embedded} embedded, {stats.kept} kept, "
                   f"{stats.deleted} deleted (model {stats.model})")


@click.command("search")
@click.argument("query", required=False)
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".", help="The repository.")
@click.option("-k", "k", type=int, default=10, show_default=True, help="How many results.")
@click.option("--lang", "language", default="", help="Only units of this language (python, typescript, tsx, …).")
@click.option("--kind", default="", help="Only units of this kind (function, component, test, route, …).")
@click.option("--path", default="", help="Only units whose path matches this glob.")
@click.option("--mode", type=click.Choice(["hybrid", "bm25", "embedding"]), default="hybrid", show_default=True,
              help="Fuse both retrievers, or use one alone (to compare them).")
@click.option("--queries", type=click.Path(path_type=Path, dir_okay=False),
              help='Batch mode: a JSONL file of {"id": …, "query": …}; prints one JSON line of results per line.')
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search_command(query: str | None, repo: Path, k: int, language: str, kind: str, path: str, mode: str,
                   queries: Path | None, as_json: bool) -> None:
    """Find the team's code for QUERY: BM25 and embeddings fused, with why each result matched."""
    from router.config import load_index_config
    from router.strategies.rag.retrieve import Retriever

    if not query and not queries:
        raise InputError("give a QUERY or --queries FILE.jsonl")
    retriever = Retriever(_home(repo)[1], load_index_config(repo))
    if queries:
        for number, line in enumerate(queries.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                text = item["query"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(f"{queries}:{number}: expected a JSON object with \"query\"") from None
            hits = retriever.search(text, k, item.get("lang", language), item.get("kind", kind), path, mode)
            click.echo(json.dumps({"id": item.get("id", number), "results": [
                {"path": h.path, "name": h.name, "kind": h.kind, "score": h.score} for h in hits]}))
        return
    hits = retriever.search(query, k, language, kind, path, mode)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(h) for h in hits], indent=2))
        return
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank:>2}. {hit.path}:{hit.start_line} {hit.kind} {hit.name}  [{'; '.join(hit.why)}]")
