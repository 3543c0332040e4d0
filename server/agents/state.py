"""What `idiom mcp` holds for its repository while it serves: the strategies (the router's `LoadedStrategies`,
as the language server holds them), the mined conventions and the open retrieval index, each loaded on first
use and again only when its file changes (a re-harvest, a re-index), so a tool call pays for the answer,
never for opening the index or reading the dataset. Settings are read again at most once a second (reading
them, with the user's config and the trust checks, cost about 2 ms a request on the team server): a changed
`idiom.toml` applies within a second, without a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any, TypeVar

from harvest.conventions.rules import Rule
from harvest.conventions.store import load_conventions
from harvest.errors import InputError
from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig, load_index_config
from router.providers import load_router_config
from router.providers.base import credentials_problem
from router.strategies.base import file_stamp
from router.strategies.loaded import LoadedStrategies
from router.strategies.rag.context import OpenIndex, open_index
from router.strategies.rag.strategy import index_stamp
from router.strategies.registry import early_imports_done

T = TypeVar("T")


class AgentState:
    """The repository one `idiom mcp` serves and what it has loaded for it (shared by the tools' threads)."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo.resolve()
        self.artifacts = Artifacts(self.repo)
        self.strategies = LoadedStrategies(self.repo)
        self._held: dict[str, tuple[Hashable, Any]] = {}
        self._lock = threading.Lock()

    def router_config(self) -> RouterConfig:
        """`[router]`: the user's config, and the repository's idiom.toml without its trusted-only settings
        (a provider endpoint) until the user trusts it (docs/trust.md)."""
        return self._once("router_config", _this_second(), lambda: load_router_config(self.repo))

    def index_config(self) -> IndexConfig:
        """`[index]`, read the same way."""
        return self._once("index_config", _this_second(), lambda: load_index_config(self.repo))

    def conventions_file(self, dataset: str = "") -> Path:
        """The conventions.yaml of `dataset` (default: the one `Artifacts` chooses); an error saying what to
        run when there is none yet."""
        path = self.artifacts.conventions(dataset, option="")
        if not path.is_file():
            raise InputError(f"{path.parent} has no conventions.yaml; run `idiom conventions mine {self.repo}`")
        return path

    def conventions(self) -> dict[str, Rule]:
        """The mined conventions by id, read once per version of the file."""
        path = self.conventions_file()
        return self._once("conventions", file_stamp(path), lambda: {r.id: r for r in load_conventions(path)})

    def index(self) -> OpenIndex:
        """The retrieval index with its units' texts, opened once per build of the index."""
        config = self.index_config()
        return self._once("index", index_stamp(self.artifacts, config),
                          lambda: open_index(self.artifacts.index, config))

    def preload(self) -> dict[str, str]:
        """Load what the tools use before the first call needs it (in a thread at launch): the conventions, the
        index, and the router's strategies when a provider is configured (else `generate` refuses anyway).
        Returns what could not load and why; the call that needs it says so again."""
        failed = {}
        try:
            self.conventions()
        except Exception as exc:  # noqa: BLE001 - a preload only warms up; the tool call reports the problem
            failed["conventions"] = _first_line(exc)
        try:
            self.index()
        except Exception as exc:  # noqa: BLE001
            failed["index"] = _first_line(exc)
        try:
            config = self.router_config()
            if not credentials_problem(config.provider, config.base_url):
                failed.update(self.strategies.preload(config, self.index_config()))
        except Exception as exc:  # noqa: BLE001
            failed["strategies"] = _first_line(exc)
        return failed

    def inside(self, path: str) -> str:
        """`path` as a POSIX path relative to the repository (it need not exist yet); an error for one that
        leads outside it, through `..`, an absolute path elsewhere or a symbolic link."""
        if not path.strip():
            raise InputError("path is empty; give a file's path relative to the repository, e.g. src/app.py")
        given = Path(path)
        resolved = (given if given.is_absolute() else self.repo / given).resolve()
        try:
            relative = resolved.relative_to(self.repo)
        except ValueError:
            raise InputError(f"{path} is outside the repository {self.repo}; give a path inside it") from None
        if not relative.parts:
            raise InputError(f"{path} is the repository itself; give a file's path inside it")
        return relative.as_posix()

    def _once(self, key: str, stamp: Hashable, load: Callable[[], T]) -> T:
        """`load()` the first time, and again when `stamp` changes; other threads wait for a load in flight."""
        with self._lock:
            held = self._held.get(key)
            if held is None or held[0] != stamp:
                early_imports_done()  # an import beside the launch's early imports could deadlock in an import cycle
                held = (stamp, load())
                self._held[key] = held
            return held[1]


def _this_second() -> int:
    """The stamp of settings read from files: a new one each second."""
    return int(time.monotonic())


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__
