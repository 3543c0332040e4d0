"""`idiom train` (plan, train and register) and `idiom models …` (the registry)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from harvest.options import setting_type
from router.strategies.finetuned.config import FinetuneConfig

REPO = click.Path(path_type=Path, file_okay=False)


@click.command("train")
@click.argument("repo", type=REPO, default=".")
@click.option("--name", default="", help="Model name in the registry (default: the dataset's name).")
@click.option("--dataset", "dataset_name", default="",
              help="Which dataset (default: the only one, else the indexed one).")
@click.option("--backend", type=click.Choice(["local", "openai", "anthropic"]), help="Where to train ([finetune] backend).")
@click.option("--base-model", help="Base model: a local directory or a hub name ([finetune] base_model).")
@click.option("--method", type=click.Choice(["auto", "lora", "qlora"]), help="LoRA, or QLoRA on a 4-bit base (CUDA).")
@click.option("--kinds", help="Train on these pair kinds only, comma-separated (component,hook,test,…).")
@click.option("--epochs", type=setting_type(FinetuneConfig, "epochs"), help="Passes over the training split.")
@click.option("--max-steps", type=setting_type(FinetuneConfig, "max_steps"),
              help="Stop after this many optimizer steps (-1 = run all epochs).")
@click.option("--lr", "learning_rate", type=setting_type(FinetuneConfig, "learning_rate"), help="Peak learning rate.")
@click.option("--r", "lora_r", type=setting_type(FinetuneConfig, "lora_r"), help="LoRA rank.")
@click.option("--max-length", type=setting_type(FinetuneConfig, "max_length"), help="Tokens per training sequence.")
@click.option("--all-linear", is_flag=True, default=None, help="Adapt the MLP projections too.")
@click.option("--train-lm-head", is_flag=True, default=None, help="Also train the output layer (for tiny bases).")
@click.option("--rag-context", is_flag=True, default=None,
              help="Put retrieved team code from the index in each training prompt (the pair's own file left out), "
                   "as the finetuned_rag strategy serves it.")
@click.option("--fim-rate", type=setting_type(FinetuneConfig, "fim_rate"),
              help="Share of the training examples that are fill-in-the-middle rows in the base model's FIM format "
                   "(0 = instruction pairs only); given here, a base or dataset without FIM stops the run.")
@click.option("--plan", "show_plan", is_flag=True, help="Print what the run needs (parameters, memory, steps, time, "
                                                         "cost) without loading weights, and stop.")
@click.option("--resume", is_flag=True, help="Continue the interrupted run from its last checkpoint.")
@click.option("--sweep", default="", help='A small grid, e.g. "lr=1e-4,2e-4 r=8,16 epochs=3,5": every run is '
                                          "recorded, the best by eval loss becomes the version.")
@click.option("--promote", is_flag=True, help="Serve the new version at once (the first version always is).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def train_command(repo: Path, name: str, dataset_name: str, show_plan: bool, resume: bool, sweep: str,
                  promote: bool, as_json: bool, **overrides: object) -> None:
    """Fine-tune a model on the repository's dataset and register it as the next version.

    Locally (transformers + peft + trl): QLoRA on a GPU, LoRA elsewhere; the same entry point runs
    under `accelerate launch` for several GPUs. Or as an OpenAI fine-tuning job (--backend openai).
    """
    from rich.progress import Progress

    from harvest.store import Artifacts
    from router.strategies.finetuned.config import load_finetune_config
    from router.strategies.finetuned.train import plan_for, train

    config = load_finetune_config(repo)
    changes = {k: v for k, v in overrides.items() if v is not None}
    if "kinds" in changes:
        changes["kinds"] = tuple(k.strip() for k in str(changes["kinds"]).split(",") if k.strip())
    config = dataclasses.replace(config, **changes)
    if show_plan:
        from router.strategies.finetuned.local import resolve_method
        from router.strategies.finetuned.rag_data import context_budget, rag_prompter

        prompter = rag_prompter(repo, context_budget(config)) if config.rag_context else None
        found = plan_for(config, resolve_method(config), Artifacts(repo).dataset(dataset_name, option="--dataset"),
                         prompter)
        click.echo(json.dumps(found.as_dict(), indent=2) if as_json else found.text())
        return
    with Progress(transient=True, disable=as_json) as bar:
        task = bar.add_task("training", total=None)
        trained = train(repo, config, name, dataset_name, resume, promote,
                        lambda step, total: bar.update(task, completed=step, total=total), sweep,
                        lambda status, tokens: bar.update(task, description=f"OpenAI job {status}, {tokens:,} tokens"),
                        fim_required="fim_rate" in changes)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(trained), indent=2))
        return
    metrics = trained.metrics
    losses = f"eval loss {metrics['base_eval_loss']} → {metrics['final_eval_loss']}" if "final_eval_loss" in metrics \
        else "no eval split"
    click.echo(f"registered {trained.name} {trained.version} at {trained.folder} ({losses}; "
               f"{metrics.get('steps', '?')} steps in {metrics.get('wall_seconds', '?')} s)"
               + ("; promoted: the finetuned strategy serves it" if trained.promoted else
                  f"; serve it with `idiom models promote {trained.name} {trained.version}`"))


@click.group("models")
def models_group() -> None:
    """The registry of fine-tuned models: list, show, promote, rollback, merge, export-vllm."""


@models_group.command("list")
@click.option("--repo", type=REPO, default=".", help="The repository.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_command(repo: Path, as_json: bool) -> None:
    """Every model and version, with the one served marked."""
    from harvest.store import Artifacts
    from router.strategies.finetuned.data import trained_fim_family, trained_fim_share
    from router.strategies.finetuned.registry import describe, promoted, versions

    home = Artifacts(repo).models
    rows = []
    for folder in sorted(p for p in home.iterdir() if versions(p)) if home.is_dir() else []:
        for version in versions(folder):
            record = describe(folder / version)
            rows.append({"name": folder.name, "version": version, "backend": record["backend"],
                         "base_model": record["base_model"], "eval_loss": record["metrics"].get("final_eval_loss"),
                         "fim_share": trained_fim_share(record), "fim_family": trained_fim_family(record),
                         "promoted": promoted(folder) == version})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        click.echo(f"{'*' if row['promoted'] else ' '} {row['name']} {row['version']}  {row['backend']} "
                   f"{row['base_model']}  eval loss {row['eval_loss']}  "
                   + (f"fim {row['fim_share']:.0%} ({row['fim_family']})" if row["fim_family"] else "no fim"))
    if not rows:
        click.echo("no fine-tuned models yet; train one with `idiom train`")


@models_group.command("show")
@click.argument("name")
@click.argument("version", required=False)
@click.option("--repo", type=REPO, default=".", help="The repository.")
def show_command(name: str, version: str | None, repo: Path) -> None:
    """A version's training record and metrics as JSON (default: the promoted one)."""
    from router.strategies.finetuned.registry import chosen_version, describe, model_folder

    click.echo(json.dumps(describe(chosen_version(model_folder(repo, name), version)), indent=2))


@models_group.command("promote")
@click.argument("name")
@click.argument("version")
@click.option("--repo", type=REPO, default=".", help="The repository.")
def promote_command(name: str, version: str, repo: Path) -> None:
    """Serve VERSION of NAME through the finetuned strategy."""
    from router.strategies.finetuned.registry import model_folder, promote

    promote(model_folder(repo, name), version)
    click.echo(f"{name} {version} is served")


@models_group.command("rollback")
@click.argument("name")
@click.option("--repo", type=REPO, default=".", help="The repository.")
def rollback_command(name: str, repo: Path) -> None:
    """Serve the previously promoted version of NAME again."""
    from router.strategies.finetuned.registry import model_folder, rollback

    click.echo(f"{name} {rollback(model_folder(repo, name))} is served again")


@models_group.command("merge")
@click.argument("name")
@click.argument("version", required=False)
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@click.option("--repo", type=REPO, default=".", help="The repository.")
def merge_command(name: str, version: str | None, out: Path, repo: Path) -> None:
    """Write base + adapter of VERSION (default: the promoted one) as one full model into OUT,
    for servers without PEFT support."""
    from router.strategies.finetuned.merge import merge_version
    from router.strategies.finetuned.registry import chosen_version, model_folder

    click.echo(f"wrote {merge_version(chosen_version(model_folder(repo, name), version), out)}")


@models_group.command("export-vllm")
@click.argument("name")
@click.option("--repo", type=REPO, default=".", help="The repository.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True,
              help="Port the vLLM server will listen on.")
def export_vllm_command(name: str, repo: Path, port: int) -> None:
    """Print the `vllm serve` command that serves every local version of NAME as a LoRA module, and the
    idiom.toml block that points the router at it."""
    from router.strategies.finetuned.merge import vllm_command
    from router.strategies.finetuned.registry import model_folder

    click.echo(vllm_command(model_folder(repo, name), port))
