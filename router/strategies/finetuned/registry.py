"""The model registry: `.idiom/models/<name>/v<N>/` per training run, and which version is served.

A version holds the adapter (PEFT layout) or `remote.json` (a provider's model id), `training.json`
(the exact config, base model, backend, dataset hash), `metrics.json` and the model card `README.md`.
`registry.json` records the promoted version and the ones promoted before it, so rollback is one step.
Versions are written through a staging folder: a crash never leaves half a version.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from harvest.artifacts import read_json
from harvest.store import Artifacts, atomic_write_json, choose
from router.errors import TrainingError

VERSION = re.compile(r"^v(\d+)$")


def versions(folder: Path) -> list[str]:
    """The versions of the model in `folder`, oldest first."""
    found = [p.name for p in folder.iterdir() if p.is_dir() and VERSION.match(p.name)] if folder.is_dir() else []
    return sorted(found, key=lambda v: int(v[1:]))


def next_version(folder: Path) -> str:
    """The version a new run of this model becomes."""
    existing = versions(folder)
    return f"v{int(existing[-1][1:]) + 1 if existing else 1}"


def state(folder: Path) -> dict[str, Any]:
    """`registry.json`: {"promoted": "v2", "history": ["v1"]} (empty when nothing was promoted)."""
    path = folder / "registry.json"
    if not path.is_file():
        return {"promoted": "", "history": []}
    return read_json(path, f"delete it and promote the version to serve again (`idiom models promote {folder.name} "
                           "VERSION`)", promoted=str, history=list)


def promoted(folder: Path) -> str:
    """The version the `finetuned` strategy serves ("" when none)."""
    return state(folder)["promoted"]


def promote(folder: Path, version: str) -> None:
    """Serve `version` from now on; the one served before is remembered for rollback."""
    if version not in versions(folder):
        raise TrainingError(f"{folder.name} has no version {version} (have: {', '.join(versions(folder)) or 'none'})")
    current = state(folder)
    if current["promoted"] == version:
        return
    history = current["history"] + ([current["promoted"]] if current["promoted"] else [])
    atomic_write_json(folder / "registry.json", {"promoted": version, "history": history})


def rollback(folder: Path) -> str:
    """Serve the previously promoted version again; returns it."""
    current = state(folder)
    if not current["history"]:
        raise TrainingError(f"{folder.name}: nothing to roll back to (promoted: {current['promoted'] or 'none'})")
    *history, previous = current["history"]
    atomic_write_json(folder / "registry.json", {"promoted": previous, "history": history})
    return previous


def chosen_version(folder: Path, version: str | None) -> Path:
    """The folder of `version` of the model in `folder`, the promoted one when `version` is not given."""
    chosen = version or promoted(folder)
    if not chosen:
        raise TrainingError(f"{folder.name} has no promoted version; name one (have: "
                            f"{', '.join(versions(folder)) or 'none'}) or promote one with `idiom models promote`")
    return folder / chosen


def describe(version_dir: Path) -> dict[str, Any]:
    """A version's training record and metrics."""
    if not (version_dir / "training.json").is_file():
        raise TrainingError(f"{version_dir} is not a registered version (no training.json)")
    rebuild = f"remove {version_dir} and train it again (`idiom train`)"
    record = read_json(version_dir / "training.json", rebuild, backend=str, base_model=str)
    metrics = version_dir / "metrics.json"
    return record | {"metrics": read_json(metrics, rebuild) if metrics.is_file() else {}}


def promoted_models(home: Path) -> list[str]:
    """The models under `home` (a models/ folder) with a promoted version."""
    return [p.name for p in sorted(home.iterdir()) if (p / "registry.json").is_file() and promoted(p)] \
        if home.is_dir() else []


def model_folder(repo: Path, name: str) -> Path:
    """The folder of model `name`, or the only model when `name` is empty."""
    home = Artifacts(repo).models
    names = sorted(p.name for p in home.iterdir() if versions(p)) if home.is_dir() else []
    chosen = choose(names, name)
    if not chosen:
        raise TrainingError(f"no fine-tuned model {name!r} under {home} (have: {', '.join(names) or 'none'}); "
                            "train one with `idiom train`")
    return home / chosen
