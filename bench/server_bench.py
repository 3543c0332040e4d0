"""What the language server adds to a completion, with a provider that answers instantly.

    python bench/server_bench.py [--requests 1000] [--clients 20]

The bundled example is built, harvested and indexed (real MiniLM), and a local fake OpenAI server
(its own process) answers every model call at once. Over stdio, a pygls client asks the real `idiom serve` for inline
completions: one client at a time, then `--clients` documents in flight together, then `--requests`
requests of which half are cancelled right after they are sent. Overhead = what the editor waits minus
the model call as the provider client timed it. The baseline, in this process, is the router's own
`answer()` on the same request without the server: the ratio is what the protocol, the queue and the
event loop cost. Resident memory of the server is read at the start and the end of the cancellation run.
Targets (issue 7): p95 overhead <= 15 ms at 20 concurrent; memory growth < 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import importlib.util
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = ROOT / "bench" / ".work" / "server"
BUTTON = "src/components/Button/Button.tsx"
TYPING_PAUSE_S = 0.5  # mean pause between one developer's completion requests (debounced typing)
ANSWER = "export const ButtonGroup: FC<{ label: string }> = ({ children }) => <div>{children}</div>;\n"


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99 in milliseconds."""
    from router.validation.stats import percentile

    return tuple(round(percentile(samples, q) * 1000, 2) for q in (0.50, 0.95, 0.99))


def prepare() -> Path:
    """The example repository, harvested and indexed under bench/.work/server (reused when present)."""
    repo, home = WORK / "acme-web", WORK / "home"
    os.environ["IDIOM_HOME"] = str(home)
    if (home / "index" / "manifest.json").is_file():
        return repo
    shutil.rmtree(WORK, ignore_errors=True)
    spec = importlib.util.spec_from_file_location("build_example", ROOT / "examples" / "build_example.py")
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    builder.build(repo)
    idiom = str(Path(sys.executable).with_name("idiom"))
    for command in (["harvest", str(repo), "--prs", str(builder.export_path(repo))], ["index", str(repo)]):
        subprocess.run([idiom, *command], check=True, stdout=subprocess.DEVNULL)
    return repo


def baseline(repo: Path, url: str, count: int) -> list[float]:
    """The router alone, in this process: seconds per request minus the model call."""
    from router.config import load_index_config, load_router_config
    from router.contracts import CompletionRequest
    from router.routing import answer, conventions_of
    from router.strategies.loaded import LoadedStrategies

    config = dataclasses.replace(load_router_config(repo), base_url=url, max_retries=0)
    index, conventions, strategies = load_index_config(repo), conventions_of(repo), LoadedStrategies(repo)
    text = (repo / BUTTON).read_text()
    request = CompletionRequest(prefix=text, path=BUTTON, language="tsx", max_tokens=128)
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        routed = answer(request, strategies, config, index, conventions)
        samples.append(time.perf_counter() - started - sum(a.latency_s for a in routed.attempts))
    return samples


class Bench:
    """A pygls client on the real server, recording each document's last decision."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        from pygls.lsp.client import LanguageClient

        self.repo, self.env = repo, env
        self.client = LanguageClient("bench", "1")
        self.decisions: dict[str, dict] = {}
        decisions = self.decisions

        @self.client.feature("idiom/decision")
        def decided(params):  # unannotated: pygls would take an annotated first parameter for the client
            decisions[params.uri] = params

        for quiet in ("textDocument/publishDiagnostics", "window/logMessage"):  # not what is measured
            self.client.feature(quiet)(lambda params: None)

        self.text = (repo / BUTTON).read_text()

    async def start(self, clients: int) -> None:
        from lsprotocol import types

        await self.client.start_io(sys.executable, "-m", "server", "serve", "--repo", str(self.repo), env=self.env)
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=self.repo.as_uri(),
            initialization_options={"maxConcurrency": clients, "diagnosticsEnabled": False}))
        self.client.initialized(types.InitializedParams())

    def open(self, number: int) -> str:
        from lsprotocol import types

        uri = (self.repo / f"src/components/Bench{number}/Bench{number}.tsx").as_uri()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=uri, language_id="typescriptreact", version=1, text=self.text)))
        return uri

    def params(self, uri: str):
        from lsprotocol import types

        lines = self.text.split("\n")
        return types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(len(lines) - 1, len(lines[-1])),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic))

    async def ask(self, uri: str) -> float:
        """One inline completion; seconds waited minus the model call."""
        started = time.perf_counter()
        answer = await self.client.text_document_inline_completion_async(self.params(uri))
        waited = time.perf_counter() - started
        assert answer.items, "the instant provider's answer should pass the fast rules"
        return waited - self.decisions[uri].latencyS

    async def clients(self, uris: list[str], each: int, pause_s: float = 0.0) -> list[float]:
        """`each` requests per document, all documents at once: back to back (`pause_s` 0, the server
        saturated), or like developers typing, a pause drawn around `pause_s` before each request."""
        pauses = random.Random(7)

        async def one(uri: str) -> list[float]:
            samples = []
            for _ in range(each):
                if pause_s:
                    await asyncio.sleep(pauses.expovariate(1 / pause_s))
                samples.append(await self.ask(uri))
            return samples

        return [s for samples in await asyncio.gather(*(one(u) for u in uris)) for s in samples]

    async def with_cancellations(self, uris: list[str], total: int) -> int:
        """`total` requests, `len(uris)` at a time, every other one cancelled as soon as it is sent."""
        from lsprotocol import types

        cancelled = 0
        for start in range(0, total, len(uris)):
            futures = []
            for offset, uri in enumerate(uris[:total - start]):
                msg_id = f"r{start + offset}"
                future = self.client.protocol.send_request(types.TEXT_DOCUMENT_INLINE_COMPLETION, self.params(uri),
                                                           msg_id=msg_id)
                futures.append(asyncio.wrap_future(future))
                if (start + offset) % 2:
                    self.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))
                    cancelled += 1
            await asyncio.gather(*futures, return_exceptions=True)
        return cancelled

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.client._server.pid}/status").read_text()  # the client owns the process
        return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def run(repo: Path, url: str, requests: int, clients: int) -> None:
    env = {**os.environ, "IDIOM_ROUTER_BASE_URL": url, "IDIOM_ROUTER_MAX_RETRIES": "0",
           "OPENAI_API_KEY": "sk-bench", "HF_HUB_OFFLINE": "1"}
    bench = Bench(repo, env)
    await bench.start(clients)
    try:
        uris = [bench.open(n) for n in range(clients)]
        await bench.clients(uris[:1], 20)  # warm: imports, the embedding model, sqlite
        direct = baseline(repo, url, 200)
        one = await bench.clients(uris[:1], 200)
        many = await bench.clients(uris, 50)
        typing = await bench.clients(uris, 50, TYPING_PAUSE_S)
        before = bench.rss_mb()
        cancelled = await bench.with_cancellations(uris, requests)
        after = bench.rss_mb()
        check = await bench.clients(uris[:1], 20)  # still answering after the storm
    finally:
        await bench.stop()
    rows = [("router in-process (baseline)", direct), ("server, 1 client", one),
            (f"server, {clients} back to back", many), (f"server, {clients} typing (~{TYPING_PAUSE_S} s apart)", typing)]
    print(f"{'overhead per inline completion':<40} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p50 / base':>10}")
    base = percentiles(direct)[0]
    for name, samples in rows:
        p50, p95, p99 = percentiles(samples)
        print(f"{name:<40} {len(samples):>5} {p50:>8} {p95:>8} {p99:>8} {p50 / base:>9.2f}x")
    growth = (after - before) / before
    print(f"{requests} requests, {cancelled} cancelled: server RSS {before:.1f} MB → {after:.1f} MB "
          f"({growth:+.1%}); answering afterwards: p50 {percentiles(check)[0]} ms")
    p95, typed = percentiles(many)[1], percentiles(typing)[1]
    print(f"target p95 <= 15 ms at {clients} concurrent: {'met' if p95 <= 15 else 'NOT met'} back to back ({p95} ms), "
          f"{'met' if typed <= 15 else 'NOT met'} typing ({typed} ms); "
          f"memory growth < 10%: {'met' if growth < 0.10 else 'NOT met'}")


def provider(answer: str, channel: Connection) -> None:
    """The instant provider, in a process of its own so that it takes no CPU from the client's."""
    from tests.router.fake_llm import fake_llm

    with fake_llm() as (url, script):
        script.text = answer
        channel.send(url)
        channel.recv()  # serve until the bench is done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    repo = prepare()
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    serving = spawn.Process(target=provider, args=(ANSWER, theirs), daemon=True)
    serving.start()
    try:
        asyncio.run(run(repo, ours.recv(), args.requests, args.clients))
    finally:
        ours.send("done")
        serving.join(10)


if __name__ == "__main__":
    main()
