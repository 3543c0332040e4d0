"""`idiom generate` (answer an instruction, routed or with a chosen strategy), `idiom route` (show the
decision alone) and `idiom model tiny`."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import click


@click.command("generate")
@click.argument("instruction")
@click.option("--file", "file_path", default="",
              help="The file the code is for, relative to --repo: its text is the context (a new file: none).")
@click.option("--line", type=click.IntRange(min=0), default=0,
              help="With --file: the cursor is at the end of this line (default: the end of the file).")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".", help="The repository.")
@click.option("--strategy", "strategy_name", default="auto", show_default=True,
              type=click.Choice(["auto", "few_shot", "rag", "finetuned", "finetuned_rag", "plain"]),
              help="auto: the router picks by measured pass rate and cost, checks the answer against the fast rules "
                   "and falls back; few_shot: team examples in the prompt; rag: retrieved team code in the prompt; "
                   "finetuned: the promoted fine-tuned model, short prompt; finetuned_rag: that model with retrieved "
                   "team code; plain: the base model with the instruction alone (the control).")
@click.option("--provider", "provider_name", type=click.Choice(["openai", "anthropic", "local"]),
              help="Who answers (default: [router] provider).")
@click.option("--model", help="Model name, or a model directory for local (default: [router] model).")
@click.option("--max-tokens", type=click.IntRange(min=1), default=256, show_default=True, help="Room for the answer.")
@click.option("--json", "as_json", is_flag=True, help="Print text, usage, cost, latency, sources and the prompt as JSON.")
def generate_command(instruction: str, file_path: str, line: int, repo: Path, strategy_name: str, provider_name: str | None,
                     model: str | None, max_tokens: int, as_json: bool) -> None:
    """Write code for INSTRUCTION the way the team would, and print it."""
    from router.config import load_index_config, load_router_config
    from router.strategies.registry import strategy

    config = load_router_config(repo)
    config = dataclasses.replace(config, **{k: v for k, v in {"provider": provider_name, "model": model}.items() if v})
    request = request_at(repo, instruction, file_path, line, max_tokens)
    if strategy_name == "auto":
        _routed(request, repo, config, as_json)
        return
    completion = strategy(strategy_name)(request, repo, config, load_index_config(repo))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(completion), indent=2))
        return
    _print(completion)


def request_at(repo: Path, instruction: str, file_path: str, line: int, max_tokens: int = 256) -> Any:
    """The request for INSTRUCTION with the cursor at the end of `line` of `file_path` (default: its end).

    A `file_path` that does not exist yet is the new file the code is for (no context); a line in it, a
    folder, or a line past the end of an existing file is an error."""
    from harvest.classify import language_of
    from harvest.errors import InputError
    from router.contracts import CompletionRequest

    target = repo / file_path if file_path else None
    if target and target.exists() and not target.is_file():
        raise InputError(f"--file {file_path}: {target} is a folder; give the file the code is for")
    lines = target.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True) \
        if target and target.is_file() else []
    if line and not (target and target.is_file()):
        missing = f"{target} does not exist" if target else "no --file was given"
        raise InputError(f"--line {line} needs an existing --file ({missing}); leave --line out to write a new file")
    if line > len(lines):
        raise InputError(f"--line {line}: {file_path} has {len(lines)} line(s)")
    cursor = line or len(lines)
    return CompletionRequest(instruction=instruction, prefix="".join(lines[:cursor]), suffix="".join(lines[cursor:]),
                             path=file_path, language=language_of(file_path) if file_path else "",
                             max_tokens=max_tokens)


def _routed(request: Any, repo: Path, config: Any, as_json: bool) -> None:
    from router.config import load_index_config
    from router.routing import answer, conventions_of

    routed = answer(request, repo, config, load_index_config(repo), conventions_of(repo))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(routed), indent=2))
        return
    if routed.completion is not None:
        _print(routed.completion)
    else:
        click.echo("no strategy's answer passed the team's rules; nothing to insert", err=True)
    click.echo(f"-- routed ({routed.kind}): {routed.decision.reason}", err=True)
    for attempt in routed.attempts:
        click.echo(f"-- tried {attempt.strategy}: {attempt.reason}", err=True)


def _print(completion: Any) -> None:
    click.echo(completion.text)
    cost = "n/a" if completion.cost_usd is None else f"${completion.cost_usd:.6f}"
    click.echo(f"-- {completion.strategy} via {completion.model}: {completion.usage.input_tokens} tokens in, "
               f"{completion.usage.output_tokens} out, {cost}, {completion.latency_s:.2f} s", err=True)
    for source in completion.sources:
        click.echo(f"-- source: {source}", err=True)


@click.command("route")
@click.argument("instruction")
@click.option("--file", "file_path", default="", help="The file the code is for.")
@click.option("--kind", default="", help="The kind of request (component, test, hook, route, …; default: inferred).")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".", help="The repository.")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
def route_command(instruction: str, file_path: str, kind: str, repo: Path, as_json: bool) -> None:
    """Show which strategy the router would ask for INSTRUCTION, in what order it would fall back, and why
    (no model is called)."""
    from router.config import load_router_config
    from router.routing import route

    found, decision = route(request_at(repo, instruction, file_path, 0), repo, load_router_config(repo), kind)
    if as_json:
        click.echo(json.dumps({"kind": found, **dataclasses.asdict(decision)}, indent=2))
        return
    click.echo(f"{decision.strategy} for this {found} request: {decision.reason}")
    click.echo(f"cascade: {' → '.join(decision.order)}")


@click.group("model")
def model_group() -> None:
    """Local models."""


@model_group.command("tiny")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".",
              help="Train the tokenizer on this repository's harvested code.")
def tiny_command(directory: Path, repo: Path) -> None:
    """Build a tiny Llama (CodeLlama's classes) with a tokenizer trained on the repo's code, into DIRECTORY.

    For CPU machines and tests: `[router] provider = "local"`, `model = "DIRECTORY"` runs the whole path offline.
    """
    from harvest.records import FileRecord, read_records
    from harvest.store import Artifacts, complete_artifacts
    from router.models.tiny import build_tiny_model

    harvests = Artifacts(repo).harvests
    texts = [f.text for name in complete_artifacts(harvests)
             for f in read_records(harvests / name / "files.jsonl", FileRecord) if f.kind in ("source", "test")]
    click.echo(f"wrote {build_tiny_model(texts, directory)} (tokenizer trained on {len(texts)} files)")
