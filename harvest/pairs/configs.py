"""Pairs that teach the team's configuration: "add the `compilerOptions` section of tsconfig.json" → the block.

Config units are top-level blocks of JSON/YAML/TOML files and the exported object of JS/TS config files.
"""

from __future__ import annotations

from collections.abc import Iterator

from harvest.pairs.sources import Sources, make_pair
from harvest.records import Pair

# What a block is for, in words, where the file or key is well known; anything else is named as it is.
KNOWN_BLOCKS = {
    ("package.json", "scripts"): "the npm scripts", ("package.json", "dependencies"): "the runtime dependencies",
    ("package.json", "devDependencies"): "the development dependencies",
    ("tsconfig.json", "compilerOptions"): "the TypeScript compiler options",
    ("pyproject.toml", "project"): "the Python project metadata",
}


def config_pairs(sources: Sources) -> Iterator[Pair]:
    """Config blocks at HEAD → their text, prompted by file and section."""
    for unit in sources.units:
        if unit.kind != "config":
            continue
        file_name = unit.path.rsplit("/", 1)[-1]
        what = KNOWN_BLOCKS.get((file_name, unit.name))
        if what is None and unit.name.startswith("[tool."):
            what = f"the `{unit.name.strip('[]').split('.', 1)[1]}` settings"
        what = what or f"the `{unit.name}` section"
        prompt = f"Add {what} to `{unit.path}` the way this team configures it."
        yield make_pair(sources, "config", unit.language, unit.path, prompt, unit.text,
                        commit=unit.commit, key=unit.id, unit=unit.id)
