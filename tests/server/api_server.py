"""The real `idiom api serve` as a subprocess on 127.0.0.1 (a free port), for the API's tests and
bench/api_bench.py: started, waited for until /healthz answers, stopped (or killed) afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from click.testing import CliRunner

from server.cli import idiom

STARTUP_S = 120  # the first start imports the retrieval libraries on 2 busy cores


@dataclass
class ApiServer:
    url: str
    log: Path
    process: subprocess.Popen

    def kill(self) -> None:
        """kill -9: no shutdown, no flush."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def api_server(data: Path, repos: dict[str, Path], env: dict[str, str]) -> Iterator[ApiServer]:
    """`idiom api serve --data DATA --repos NAME=PATH ...` until the block ends."""
    port = free_port()
    log = data / "api.log"
    command = [sys.executable, "-m", "server", "api", "serve", "--data", str(data), "--port", str(port),
               *[f"--repos={name}={path}" for name, path in repos.items()]]
    data.mkdir(parents=True, exist_ok=True)
    with open(data / "stderr.log", "ab") as stderr:
        process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    server = ApiServer(f"http://127.0.0.1:{port}", log, process)
    try:
        _wait_until_up(server, data)
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_until_up(server: ApiServer, data: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"idiom api exited: {(data / 'stderr.log').read_text()[-2000:]}")
        try:
            if httpx.get(server.url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"idiom api did not answer /healthz in {STARTUP_S} s")


def server_environment(provider_url: str, **settings: str) -> dict[str, str]:
    """The server's environment: this test's IDIOM_* (home, user config, team database), the hash embedding,
    the fake provider as the OpenAI-compatible endpoint, and `settings` (IDIOM_API_* limits)."""
    return {**os.environ, "IDIOM_INDEX_EMBEDDING_MODEL": "hash", "IDIOM_ROUTER_BASE_URL": provider_url,
            "IDIOM_ROUTER_MAX_RETRIES": "0", "OPENAI_API_KEY": "sk-test", "HF_HUB_OFFLINE": "1", **settings}


def make_token(data: Path, name: str, role: str = "developer", repos: str = "") -> str:
    """`idiom api token create`: the token is stdout's only line."""
    result = CliRunner().invoke(idiom, ["api", "token", "create", name, "--data", str(data), "--role", role,
                                        *(["--repos", repos] if repos else [])])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
