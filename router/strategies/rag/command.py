"""`idiom index` and `idiom search`: build the retrieval index, and query it (one query or a batch)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from harvest.errors import InputError
from router.strategies.rag.modes import MODES


@click.command("index")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False), default=".")
@click.option("--name", default="", help="Which dataset's units (default: the only one, else the indexed one).")
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again (e.g. after changing the model).")
@click.option("--stats", "show_stats", is_flag=True, help="Only print what the index holds.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def index_command(repo: Path, name: str, rebuild: bool, show_stats: bool, as_json: bool) -> None:
    """Embed the dataset's code units into the retrieval index (.idiom/index/, or [index] url).

    Incremental: only units whose content changed since the last run are embedded again.
    """
    from rich.progress import Progress

    from harvest.store import Artifacts, dataset_file
    from router.config import load_index_config
    from router.strategies.rag.index import build_index, read_manifest

    artifacts = Artifacts(repo)
    folder = artifacts.index
    if show_stats:
        manifest = read_manifest(folder)
        if not manifest:
            raise InputError(f"no index at {folder}; run `idiom index {repo}` first")
        click.echo(json.dumps(manifest, indent=2) if as_json else
                   f"{manifest['units']} units, model {manifest['model']}, collection {manifest['collection']}")
        return
    units_file = dataset_file(artifacts.dataset(name), "units.jsonl")
    config = load_index_config(repo)
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("embedding units", total=None)
        stats = build_index(units_file, folder, config, rebuild, lambda n: bar.advance(task, n))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(stats), indent=2))
    else:
        click.echo(f"indexed {stats.units} units in {stats.seconds} s: {stats.embedded} embedded, {stats.kept} kept, "
                   f"{stats.deleted} deleted (model {stats.model}; query encoder: {stats.query_encoder})")


@click.command("search")
@click.argument("query", required=False)
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".", help="The repository.")
@click.option("--file", "file", default="", help="Take the query from this file (relative to --repo), as the editor would.")
@click.option("--line", type=click.IntRange(min=0), default=0,
              help="With --file: the line the cursor is on (1-based).")
@click.option("-k", "k", type=click.IntRange(min=1), default=10, show_default=True, help="How many results.")
@click.option("--lang", "language", default="", help="Only units of this language (python, typescript, tsx, …).")
@click.option("--kind", default="", help="Only units of this kind (function, component, test, route, …).")
@click.option("--path", default="", help="Only units whose path matches this glob.")
@click.option("--mode", type=click.Choice(list(MODES)), default="hybrid", show_default=True,
              help="; ".join(f"{mode}: {meaning}" for mode, meaning in MODES.items()) + ".")
@click.option("--queries", type=click.Path(path_type=Path, dir_okay=False),
              help='Batch mode: JSONL rows {"id", "query"} or {"id", "path", "line"}; prints one JSON line of '
                   "results per row.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search_command(query: str | None, repo: Path, file: str, line: int, k: int, language: str, kind: str,
                   path: str, mode: str, queries: Path | None, as_json: bool) -> None:
    """Find the team's code for QUERY, or for a position in a file (--file, --line): the definitions the
    code depends on and the files of the same role, each with the reason it was chosen."""
    from harvest.store import Artifacts
    from router.config import load_index_config
    from router.strategies.rag.focus import Focus, focus_of_file
    from router.strategies.rag.retrieve import Retriever

    if not query and not queries and not file:
        raise InputError("give a QUERY, --file PATH --line N, or --queries FILE.jsonl")
    if file and line < 1:
        raise InputError("--file needs --line N (the cursor's line, 1-based)")
    retriever = Retriever(Artifacts(repo).index, load_index_config(repo))
    if queries:
        for number, row in enumerate(queries.read_text(encoding="utf-8").splitlines(), 1):
            if not row.strip():
                continue
            item = _query_row(queries, number, row)
            focus = focus_of_file(repo, item["path"], item["line"], item.get("query", "")) if "path" in item \
                else Focus(instruction=item["query"])
            hits = retriever.search(focus, k, mode, item.get("lang", language), item.get("kind", kind), path)
            click.echo(json.dumps({"id": item.get("id", number), "results": [
                {"path": h.path, "name": h.name, "kind": h.kind, "line": h.start_line, "score": h.score,
                 "source": h.source, "why": h.why} for h in hits]}))
        return
    focus = focus_of_file(repo, file, line, query or "") if file else Focus(instruction=query or "")
    hits = retriever.search(focus, k, mode, language, kind, path)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(h) for h in hits], indent=2))
        return
    for rank, hit in enumerate(hits, 1):
        click.echo(f"{rank:>2}. {hit.path}:{hit.start_line} {hit.kind} {hit.name}  [{'; '.join(hit.why)}]")


def _query_row(queries: Path, number: int, row: str) -> dict:
    """One batch row, checked: {"query": …} or {"path": …, "line": N} (both may carry "id", "lang", "kind")."""
    try:
        item = json.loads(row)
    except json.JSONDecodeError:
        item = None
    valid = isinstance(item, dict) and (isinstance(item.get("query"), str) or (
        isinstance(item.get("path"), str) and isinstance(item.get("line"), int)))
    if not valid:
        raise InputError(f'{queries}:{number}: expected a JSON object with "query", or "path" and "line"')
    return item
