"""Router fixtures: the example's dataset built once, a real `chroma run` server on 127.0.0.1 and the tiny
model."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvest.config import HarvestConfig
from harvest.dataset.build import build_dataset
from router.models.tiny import build_tiny_model


@pytest.fixture(scope="session")
def acme_dataset(acme_harvest) -> Path:
    """`units.jsonl` of the bundled example's dataset (read-only for tests)."""
    _, harvest_dir = acme_harvest
    summary = build_dataset(harvest_dir, HarvestConfig(), progress=False)
    return Path(summary.output) / "units.jsonl"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server on 127.0.0.1; yields its URL and stops it afterwards."""
    import chromadb

    port = _free_port()
    chroma = Path(sys.executable).with_name("chroma")
    process = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma")),
                                "--host", "127.0.0.1", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("chroma run did not start") from None
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Llama with a tokenizer trained on the harvester's own code."""
    texts = [p.read_text() for p in (Path(__file__).parents[2] / "harvest").rglob("*.py")]
    return build_tiny_model(texts, tmp_path_factory.mktemp("tiny"))
