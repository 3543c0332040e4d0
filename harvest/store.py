"""Where artifacts live: `<repo>/.idiom/` (or `IDIOM_HOME`), and what is in it by name.

Artifacts are written atomically (harvest/atomic.py), so a failed or killed re-harvest leaves the
previous result intact. An artifact exists when its folder holds its manifest (written last) and its name
does not start with a dot (`complete_artifacts`). `Artifacts(repo)` names every place under the root and
holds the one rule for choosing a dataset or harvest (`Artifacts.dataset`). Finding the folder creates
nothing (a read-only command leaves no trace); only writers call `ensure_home`. A `.idiom` that is a
symlink, or that is committed to the repository and not trusted by the user (harvest/trust.py), is refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from harvest.atomic import atomic_write_text
from harvest.errors import InputError, TrustError
from harvest.trust import check_artifacts

HOME_ENV = "IDIOM_HOME"
MANIFEST = "manifest.json"  # written last into a harvest, dataset or index: its presence means complete
CACHES = "cache"


_checked_homes: set[Path] = set()  # `.idiom` folders found safe: one stat per request once checked


def idiom_home(repo: Path) -> Path:
    """The artifact root for `repo`: `$IDIOM_HOME` when set, else `<repo>/.idiom` once it is found safe."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    home = repo / ".idiom"
    if home not in _checked_homes:
        if home.is_symlink():
            raise TrustError(f"{home} is a symbolic link: artifacts are never written through one (it could send "
                             "them anywhere); remove the link, or set IDIOM_HOME to keep artifacts elsewhere")
        if home.exists():
            if not home.is_dir():
                raise TrustError(f"{home} is a file, not Idiomatic's artifact folder; move it away")
            check_artifacts(repo)
            _checked_homes.add(home)
    return home


def ensure_home(repo: Path) -> Path:
    """`idiom_home(repo)`, created on first use with a `.gitignore` that hides it from the team's `git status`."""
    home = idiom_home(repo)
    ignore = home / ".gitignore"
    if not ignore.exists():
        home.mkdir(parents=True, exist_ok=True)
        atomic_write_text(ignore, "*\n")
    return home


def build_cache(home: Path, name: str) -> Path:
    """`<home>/cache/<name>/`: what dataset `name`'s build reuses from the last one (harvest/dataset/cache.py)."""
    return home / CACHES / name


def units_file_of(index: Path, manifest: dict[str, Any]) -> Path:
    """The units file an index was built from: its manifest records it relative to the index folder, so the
    index works from any directory and moves with its home."""
    return (index / manifest["units_file"]).resolve()


class Artifacts:
    """The artifact layout of one repository: every folder and file under `idiom_home(repo)` by name.

    Choosing a dataset (or the harvest it came from) follows one rule everywhere, the CLI and the
    editor alike: the one named; else the only one; else, of several, the one the retrieval index was
    built from (so `idiom index --name NAME` makes NAME the default); else an error saying how to choose.
    """

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.home = idiom_home(repo)

    @property
    def harvests(self) -> Path:
        """`<home>/harvest/`: the first half's scrubbed records, one folder per harvest."""
        return self.home / "harvest"

    @property
    def datasets(self) -> Path:
        """`<home>/datasets/`: units, pairs, conventions and splits, one folder per dataset."""
        return self.home / "datasets"

    @property
    def index(self) -> Path:
        """`<home>/index/`: the retrieval index (its manifest names the dataset it was built from)."""
        return self.home / "index"

    @property
    def models(self) -> Path:
        """`<home>/models/`: the fine-tuned model registry."""
        return self.home / "models"

    @property
    def db(self) -> Path:
        """`<home>/idiom.db`: validation results and the request log."""
        return self.home / "idiom.db"

    @property
    def reports(self) -> Path:
        """`<home>/reports/`: the ROI report."""
        return self.home / "reports"

    @property
    def suite(self) -> Path:
        """`<home>/suites/default.yaml`: the suite `idiom suite generate` writes and `idiom validate` reads."""
        return self.home / "suites" / "default.yaml"

    @property
    def clones(self) -> Path:
        """`<home>/repos/`: the clones `idiom harvest --repos` makes of listed URLs (the default --workdir)."""
        return self.home / "repos"

    def dataset_names(self) -> list[str]:
        """The finished datasets' names, sorted."""
        return complete_artifacts(self.datasets)

    def find_dataset(self, name: str = "") -> Path | None:
        """The dataset the rule chooses (see the class), None when it chooses none."""
        chosen = self._choose(self.dataset_names(), name)
        return self.datasets / chosen if chosen else None

    def dataset(self, name: str = "", option: str = "--name") -> Path:
        """The dataset the rule chooses, else one line saying why not and how to choose (`option` is the
        caller's flag for naming one; "" where there is none, as in the editor)."""
        found = self.find_dataset(name)
        if found is None:
            raise InputError(self.dataset_problem(name, option))
        return found

    def dataset_problem(self, name: str = "", option: str = "--name") -> str:
        """Why the rule chooses no dataset, and how to choose one ("" when it chooses one)."""
        if self.find_dataset(name):
            return ""
        return self._not_chosen("dataset", self.datasets, self.dataset_names(), name, option)

    def conventions(self, name: str = "", option: str = "--name") -> Path:
        """The chosen dataset's `conventions.yaml`: what `idiom lint` and the editor's diagnostics read."""
        return self.dataset(name, option) / "conventions.yaml"

    def harvest(self, name: str = "", option: str = "--name") -> Path:
        """The harvest the same rule chooses (a harvest and its dataset share a name)."""
        found = self.find_harvest(name)
        if found is None:
            raise InputError(self._not_chosen("harvest", self.harvests, complete_artifacts(self.harvests), name,
                                              option))
        return found

    def find_harvest(self, name: str = "") -> Path | None:
        """The harvest the rule chooses, None when it chooses none."""
        chosen = self._choose(complete_artifacts(self.harvests), name)
        return self.harvests / chosen if chosen else None

    def indexed_dataset(self) -> str:
        """The name of the dataset the index was built from ("" with no index, or one that is unreadable
        or built from a folder outside this home's datasets)."""
        try:
            manifest = orjson.loads((self.index / MANIFEST).read_bytes())
            units = units_file_of(self.index, manifest)
        except (OSError, orjson.JSONDecodeError, TypeError, KeyError):
            return ""
        return units.parent.name if units.parent.parent == self.datasets.resolve() else ""

    def _choose(self, names: Sequence[str], name: str) -> str:
        if name or len(names) <= 1:
            return choose(names, name)
        # Several and none named: read the index manifest only now, so the common case costs no read.
        indexed = self.indexed_dataset()
        return indexed if indexed in names else ""

    def _not_chosen(self, what: str, folder: Path, names: Sequence[str], name: str, option: str) -> str:
        """The one error message for a dataset or harvest the rule could not choose."""
        if name:
            return (f"no {what} {name!r} under {folder} (have: {', '.join(names) or 'none'}); "
                    f"run `idiom harvest {self.repo}` first or name one of those")
        if not names:
            return f"no {what} for {self.repo} yet (none under {folder}); run `idiom harvest {self.repo}` first"
        choose_one = f"pass {option} NAME, or " if option else ""
        return (f"several {what}s under {folder} ({', '.join(names)}); {choose_one}make one the default by "
                f"indexing it (`idiom index {self.repo} --name NAME`)")


def safe_name(name: str) -> str:
    """`name` as a single folder name (harvests, datasets, models): no separators, no leading dots."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.") or "repo"


def choose(names: Sequence[str], name: str) -> str:
    """`name` when it is one of `names`, the only name when `name` is empty, else "" (the caller says why)."""
    if not name and len(names) == 1:
        return names[0]
    return name if name in names else ""


def complete_artifacts(folder: Path, marker: str = MANIFEST) -> list[str]:
    """The names of the finished artifacts in `folder` (harvests, datasets, models), sorted.

    A subfolder counts when it holds `marker`, which its writer puts in last; a dot-folder never
    counts, since it is a writer's staging or what a killed writer left.
    """
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".") and (p / marker).is_file())


def dataset_file(dataset: Path, name: str) -> Path:
    """`dataset/name`, checked to be there: a dataset made by `idiom conventions mine` alone holds only
    its conventions."""
    path = dataset / name
    if not path.is_file():
        raise InputError(f"{dataset} has no {name} (only its conventions were mined); build the dataset with "
                         "`idiom dataset build`")
    return path
