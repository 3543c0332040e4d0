"""How a JavaScript/TypeScript repository names its own modules: `tsconfig.json`/`jsconfig.json`
`baseUrl` and `paths` aliases (following `extends`), workspace packages declared by the root
`package.json` `workspaces` or `pnpm-workspace.yaml`, and the root package itself (a library's tests
import it by its own name), each with its entry points and its `exports` subpaths.

Config files are read from the harvested file texts, never from disk, so the graph sees HEAD.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from harvest.globs import matches_glob
from harvest.yamltext import load_yaml

COMMENT_OR_STRING = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
TRAILING_COMMA_OR_STRING = re.compile(r'"(?:\\.|[^"\\])*"|,(?=\s*[}\]])')
TS_CONFIG = re.compile(r"(^|/)[tj]sconfig(\.[\w.-]+)?\.json$")
BUILD_FOLDERS = re.compile(r"^(dist|lib|build|esm|cjs|out|types)/")


@dataclass(frozen=True)
class Aliases:
    """The `paths` and `baseUrl` that apply to files under `folder` (the tsconfig's directory)."""

    folder: str
    base_url: str  # repository path `baseUrl` points to; "" when not set
    paths_base: str  # what `paths` targets are relative to
    paths: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Package:
    """A package of the repository: its name, folder, the files its bare name may resolve to, and the
    same for each `exports` subpath (`swr/infinite` → {"infinite": (...)})."""

    name: str
    folder: str
    entries: tuple[str, ...]
    subpaths: dict[str, tuple[str, ...]] = field(default_factory=dict)


def parse_jsonc(text: str) -> Any:
    """JSON with // and /* */ comments and trailing commas, as tsconfig files are written."""
    return json.loads(TRAILING_COMMA_OR_STRING.sub(_keep_strings, COMMENT_OR_STRING.sub(_keep_strings, text)))


def _keep_strings(match: re.Match[str]) -> str:
    return match.group(0) if match.group(0).startswith('"') else ""


def read_aliases(configs: Mapping[str, str]) -> list[Aliases]:
    """One `Aliases` per tsconfig/jsconfig named exactly `tsconfig.json`/`jsconfig.json`, deepest first."""
    found = []
    for path in configs:
        if posixpath.basename(path) not in ("tsconfig.json", "jsconfig.json"):
            continue
        options = _compiler_options(path, configs, set())
        folder = posixpath.dirname(path)
        base_url = options.get("baseUrl", ("", ""))
        paths = options.get("paths", ({}, folder))
        resolved_base = _join(base_url[1], base_url[0]) if base_url[0] else ""
        found.append(Aliases(folder, resolved_base, resolved_base or paths[1],
                             {k: list(v) for k, v in paths[0].items() if isinstance(v, list)}))
    return sorted(found, key=lambda a: -len(a.folder.split("/")) if a.folder else 0)


def _compiler_options(path: str, configs: Mapping[str, str], seen: set[str]) -> dict[str, tuple[Any, str]]:
    """compilerOptions merged along `extends`, each value with the folder of the config that set it."""
    if path in seen or path not in configs:
        return {}
    seen.add(path)
    try:
        data = parse_jsonc(configs[path])
    except (json.JSONDecodeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    merged: dict[str, tuple[Any, str]] = {}
    parents = data.get("extends", [])
    for parent in [parents] if isinstance(parents, str) else parents:
        if isinstance(parent, str) and parent.startswith("."):
            target = _join(posixpath.dirname(path), parent)
            merged.update(_compiler_options(target if target.endswith(".json") else target + ".json", configs, seen))
    options = data.get("compilerOptions") or {}
    folder = posixpath.dirname(path)
    for key in ("baseUrl", "paths"):
        if key in options:
            merged[key] = (options[key], folder)
    return merged


def read_packages(configs: Mapping[str, str]) -> list[Package]:
    """The root package and the workspace packages named in its `workspaces` or `pnpm-workspace.yaml`."""
    globs = _workspace_globs(configs)
    found = []
    for path, text in configs.items():
        folder = posixpath.dirname(path)
        if posixpath.basename(path) != "package.json":
            continue
        if folder and (not any(matches_glob(folder, g) for g in globs if not g.startswith("!")) or
                       any(matches_glob(folder, g[1:]) for g in globs if g.startswith("!"))):
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("name"), str) and data["name"]:
            found.append(Package(data["name"], folder, _entries(folder, data), _subpaths(folder, data)))
    return found


def _workspace_globs(configs: Mapping[str, str]) -> list[str]:
    globs: list[str] = []
    try:
        root = json.loads(configs.get("package.json", "{}"))
    except ValueError:
        root = {}
    workspaces = root.get("workspaces", []) if isinstance(root, dict) else []
    if isinstance(workspaces, dict):
        workspaces = workspaces.get("packages", [])
    globs += [w.strip("./") if w.startswith("./") else w for w in workspaces if isinstance(w, str)]
    try:
        pnpm = load_yaml(configs.get("pnpm-workspace.yaml", "")) or {}
    except yaml.YAMLError:
        pnpm = {}
    packages = pnpm.get("packages", []) if isinstance(pnpm, dict) else []
    globs += [p.removeprefix("./") for p in packages if isinstance(p, str)]
    return [g.rstrip("/") for g in globs]


def _entries(folder: str, data: dict[str, Any]) -> tuple[str, ...]:
    """Where the package's code is: its declared entry fields, their source twin (dist/x.js → src/x),
    then `src/index` and `index`, all without extension (the resolver tries each one)."""
    declared = [data.get(k) for k in ("source", "types", "typings", "module", "main")]
    exports = data.get("exports")
    declared.append(_export_target(exports.get(".") if isinstance(exports, dict) else exports))
    entries = _candidates(folder, declared)
    return entries + tuple(c for c in (_join(folder, "src/index"), _join(folder, "index")) if c not in entries)


def _subpaths(folder: str, data: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """`exports` subpaths without wildcards (`"./infinite": {...}`) → the files each may resolve to."""
    exports = data.get("exports")
    if not isinstance(exports, dict):
        return {}
    return {key[2:]: _candidates(folder, [_export_target(value)]) for key, value in exports.items()
            if key.startswith("./") and "*" not in key and not key.endswith(".json") and _export_target(value)}


def _export_target(value: Any) -> Any:
    """The file an `exports` entry names, through its condition objects (source and types first)."""
    while isinstance(value, dict):
        value = next((v for k, v in value.items() if k in ("source", "types", "import", "default", "require")),
                     next(iter(value.values()), None))
    return value


def _candidates(folder: str, declared: list[Any]) -> tuple[str, ...]:
    """Each declared entry as written, without its extension, and its source twin (dist/x → src/x)."""
    found: list[str] = []
    for entry in (e for e in declared if isinstance(e, str)):
        relative = posixpath.normpath(entry).removeprefix("./")
        stem = re.sub(r"(\.d)?\.[cm]?[jt]sx?$", "", relative)
        for candidate in (relative, stem, BUILD_FOLDERS.sub("src/", stem)):
            if candidate not in found:
                found.append(candidate)
    return tuple(_join(folder, c) for c in found)


def _join(folder: str, relative: str) -> str:
    joined = posixpath.normpath(posixpath.join(folder, relative))
    return "" if joined == "." else joined
