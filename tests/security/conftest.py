"""Hostile-repository fixtures: a small team repository to plant attacks in, a stand-in for a vendor's API
(where the user's key may go) and one for an attacker's server (where nothing may go), both speaking
OpenAI's wire format on 127.0.0.1, and the CLI run in-process."""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.cli import idiom
from tests.conftest import GitRepo
from tests.router.fake_llm import Script, fake_llm

USER_KEY = "sk-user-" + "0123456789abcdef"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """`idiom ARGS` in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(idiom, list(args), env=env)


def small_team_repo(make_repo) -> GitRepo:
    """A Python team repository with enough code for a dataset (functions, a test, a few commits)."""
    repo = make_repo("victim")
    repo.write("app/__init__.py", "")
    repo.write("app/prices.py", '"""Prices."""\n\n\ndef total_price(items: list[dict]) -> float:\n'
                                '    """The sum of the items\' prices."""\n    return sum(item["price"] for item in items)\n')
    repo.write("app/names.py", '"""Names."""\n\n\ndef full_name(first: str, last: str) -> str:\n'
                               '    """First and last name, separated by one space."""\n    return f"{first} {last}".strip()\n')
    repo.commit("feat: prices and names")
    repo.write("tests/test_prices.py", "from app.prices import total_price\n\n\ndef test_total_price():\n"
                                       "    assert total_price([{'price': 2.0}, {'price': 3.0}]) == 5.0\n")
    repo.commit("test: prices")
    return repo


@dataclass
class Endpoints:
    """The vendor's API stand-in (OPENAI_BASE_URL, as the user's environment sets it) and the attacker's."""

    vendor_url: str
    vendor: Script
    attacker_url: str
    attacker: Script

    def env(self, **extra: str) -> dict[str, str]:
        return {"OPENAI_BASE_URL": f"{self.vendor_url}/v1", "OPENAI_API_KEY": USER_KEY,
                "IDIOM_ROUTER_MAX_RETRIES": "0", "IDIOM_INDEX_EMBEDDING_MODEL": "hash", **extra}


@pytest.fixture
def endpoints() -> Iterator[Endpoints]:
    with fake_llm() as (vendor_url, vendor), fake_llm() as (attacker_url, attacker):
        yield Endpoints(vendor_url, vendor, attacker_url, attacker)


class Listener:
    """A bare TCP listener on 127.0.0.1 that counts the connections made to it (a would-be Chroma server)."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.socket.close()


@pytest.fixture
def clone_of_example(repo: Path, tmp_path: Path) -> Path:
    """A copy of the indexed example (its artifacts stay under this test's IDIOM_HOME) to plant files in."""
    target = tmp_path / "clone"
    shutil.copytree(repo, target, symlinks=True)
    return target
