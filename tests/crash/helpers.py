"""A small real repository for the crash tests, and the CLI run the way a user runs it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from server.cli import idiom
from tests.conftest import GitRepo

IDIOM = str(Path(sys.executable).with_name("idiom"))
CHEAP_INDEX = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash", "HF_HUB_OFFLINE": "1"}


def small_repo(repo: GitRepo, modules: int = 4) -> GitRepo:
    """A few Python and TypeScript files over a few commits: enough for units, pairs and conventions."""
    for n in range(modules):
        repo.write(f"app/service_{n}.py", f'"""Service {n}."""\n\n\ndef load_{n}(key: str) -> dict:\n'
                                          f'    return {{"key": key, "n": {n}}}\n\n\ndef save_{n}(item: dict) -> None:\n'
                                          f'    print(item)\n')
        repo.write(f"tests/test_service_{n}.py", f"from app.service_{n} import load_{n}\n\n\n"
                                                 f"def test_load_{n}():\n    assert load_{n}('a')['n'] == {n}\n")
        repo.write(f"web/use_thing_{n}.ts", f"export function useThing{n}(value: string): string {{\n"
                                            f"  return value + '{n}'\n}}\n")
        repo.commit(f"feat: service {n} (#{n + 1})")
    return repo


def change(repo: GitRepo, round_number: int) -> None:
    """A new commit that changes what harvest and index produce."""
    repo.write(f"app/feature_{round_number}.py", f"def feature_{round_number}(x: int) -> int:\n"
                                                 f"    return x * {round_number + 2}\n")
    repo.commit(f"feat: feature {round_number}")


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """`idiom ARGS` in this process, with the test's IDIOM_HOME."""
    return CliRunner().invoke(idiom, list(args), env={**CHEAP_INDEX, **(env or {})})


def one_line_error(result: Result) -> str:
    """The error a command printed, checked to be one line with no traceback and a non-zero exit."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    return lines[0]


def home() -> Path:
    return Path(os.environ["IDIOM_HOME"])
