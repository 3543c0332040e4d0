"""A language server's workers import lazily, so they wait for the launch's early imports (which import
every package of the project): two threads importing at once can deadlock on a package and its module."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# In a fresh process: workers asked to import a package and its modules before the early imports are done.
# Without the wait, about half of such runs fail with "deadlock detected by _ModuleLock('harvest.units...')".
RACE = """
import asyncio, importlib, sys, threading
from router.strategies.registry import start_early_imports
from server.lsp.state import IdiomServer
from server.lsp.warmup import warm_up

MODULES = ("harvest.units.nodes", "harvest.units", "harvest.graph.graph", "harvest.conventions.lint")
release = threading.Event()
start_early_imports(also=lambda: (release.wait(), warm_up()))
ls = IdiomServer()

async def main():
    imports = [asyncio.ensure_future(ls.off_loop(importlib.import_module, name)) for name in MODULES]
    await asyncio.sleep(0.3)
    print("waited", not any(task.done() for task in imports))
    release.set()
    await asyncio.gather(*imports)
    print("imported", all(name in sys.modules for name in MODULES))

asyncio.run(main())
"""


def test_workers_import_only_after_the_launch_imports_so_no_two_threads_deadlock() -> None:
    done = subprocess.run([sys.executable, "-c", RACE], capture_output=True, text=True, timeout=120, check=False,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["waited", "True", "imported", "True"]


def test_the_early_imports_cover_every_package_of_the_project() -> None:
    from server.lsp.warmup import project_packages

    root = Path(__file__).resolve().parents[2]
    on_disk = {".".join(init.parent.relative_to(root).parts) for top in ("harvest", "router", "server")
               for init in (root / top).rglob("__init__.py")}
    assert set(project_packages()) == on_disk


# The launch's imports run with the cyclic collector paused, and are frozen once done (their objects live as
# long as the process); a command runs with it on again.
PAUSED = """
import gc
from router.strategies.registry import early_imports_done, start_early_imports
seen = []
start_early_imports(also=lambda: seen.append(gc.isenabled()))
early_imports_done()
print(seen[0], gc.isenabled(), gc.get_freeze_count() > 0)
"""

LAUNCHED = """
import gc
import server.cli
server.cli.main = lambda: print(gc.isenabled(), gc.get_freeze_count() > 0)
from server.launch import main
main()
"""


def test_the_collector_is_paused_for_the_launch_imports_and_on_again_after() -> None:
    for script, expected in ((PAUSED, ["False", "True", "True"]), (LAUNCHED, ["True", "True"])):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                              check=False, cwd=Path(__file__).resolve().parents[2])
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.split() == expected
