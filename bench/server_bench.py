"""What the language server adds to a completion, with a provider that answers instantly.

    python bench/server_bench.py [--case example|synthetic|NAME ...] [--units 100000] [--clones DIR]
                                 [--clients 20] [--each 50] [--warm 5] [--single 200] [--requests 1000]
                                 [--debounce-ms 50] [--strategies rag] [--profile N] [--json] [--write-results]

Cases (bench/server/cases.py, each prepared once under bench/.work/server and reused): `example`, the
bundled example; NAME, a repository of the real-world matrix (bench/realworld/repos.toml) cloned at its
pinned commit into --clones (from the project's mirror when there is one), harvested and indexed with
MiniLM; `synthetic`, a generated design system of --units units with an index of that size (how its
vectors are made is said in the output). A local fake OpenAI server (its own process) answers every
model call without waiting: about 3 ms for one client, about 40 ms among twenty (http.server sets no
TCP_NODELAY; Nagle's algorithm holds the reply until the client's delayed ACK; bench/RESULTS.md, stop 45).

Over stdio, a pygls client starts the real `idiom serve` with only --strategies allowed, and measures:
the time from `initialized` to the first inline completion answered; then, after --warm more, for inline
completions, one client at a time (--single requests), --clients documents back to back (--each requests each), the
same documents like developers typing (a pause drawn around 0.5 s before each request), and --requests
requests of which half are cancelled right after they are sent (server memory read before and after; 0
skips it). Every request follows an edit: the developer types the next one to four characters of a line
taken from the document itself at the end of it (`Typist`), so no two requests of a developer ask the same,
as in an editor. As VS Code does, the edit is sent at once and the request --debounce-ms later (VS Code asks
for ghost text 50 ms after the last keystroke; 0 sends both together, as a client that sends its edits just
before each request). Overhead = what the editor waits for the request minus the model call as the provider
client timed it. The baseline, in this process, is the router's own `answer()` on the same typed requests
without the server; with --profile N that call is profiled (cold, then N warm calls) to show where the time
goes.
Targets (issues 7 and 17): p95 overhead <= 15 ms at 20 developers typing; first request <= 1 s after
`initialized`; memory growth < 10%. `--json` prints the results for scripts; `--write-results` replaces
the server bench's section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import multiprocessing
import os
import platform
import random
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The project root instead of bench/ (Python puts the script's folder first): bench/secrets would hide the
# standard library's `secrets`, which numpy imports when the embedding model loads in this process.
sys.path[0:1] = [str(ROOT)] if Path(sys.path[0]).resolve() == Path(__file__).resolve().parent else \
    [str(ROOT), sys.path[0]]

from bench.environment import paused_collector, replaced_environment
from bench.server import figures
from bench.server.cases import (
    WORK,
    Case,
    CaseError,
    example_case,
    repository_case,
    synthetic_case,
)

TYPING_PAUSE_S = 0.5  # mean pause between one developer's completion requests (debounced typing)
# VS Code asks for inline completions 50 ms after the last edit (its 'InlineCompletionsDebounce', min = max = 50 ms)
EDITOR_DEBOUNCE_MS = 50
ANSWERS = {  # what the instant provider answers, by the typed file's language: code that passes the fast rules
    "tsx": "export const ButtonGroup: FC<{ label: string }> = ({ children }) => <div>{children}</div>;\n",
    "typescript": "export function clampValue(value: number): number {\n  return Math.max(0, value);\n}\n",
    "python": "def clamp_value(value: int) -> int:\n    return max(0, value)\n",
    "go": "func clampValue(value int) int {\n\treturn max(0, value)\n}\n",
    "java": "    static int clampValue(final int value) {\n        return Math.max(0, value);\n    }\n",
}
# The file typed in, per matrix repository: a component or module of the team's usual size. primitives is the case
# the server was tuned on; rich and palette were first served at stop 46, after its changes, gin at stop 47 and
# commons-lang at stop 48, each after that stop's changes (bench/RESULTS.md).
DOCUMENTS = {"primitives": "packages/react/toggle/src/toggle.tsx", "rich": "rich/panel.py",
             "palette": "packages/palette/src/elements/Button/Button.tsx", "gin": "routergroup.go",
             "commons-lang": "src/main/java/org/apache/commons/lang3/concurrent/BackgroundInitializer.java"}
LANGUAGE_IDS = {"tsx": "typescriptreact", "typescript": "typescript", "python": "python", "javascript": "javascript",
                "go": "go", "java": "java"}


class Typist:
    """What one developer types at the end of the document between two requests: the next one to four
    characters of the document's own lines, from a line of its own (developers do not type the same)."""

    def __init__(self, document: str, number: int) -> None:
        lines = [line for line in document.splitlines() if line.strip()] or ["x = 1"]
        self.source = "\n".join(lines[number * 7 % len(lines):] + lines[:number * 7 % len(lines)]) + "\n"
        self.text = document if document.endswith("\n") else document + "\n"
        self.done = 0
        self.chunks = random.Random(number)

    def type(self) -> tuple[str, tuple[int, int]]:
        """The next characters typed, and the (line, character) where they go: the document's end."""
        lines = self.text.split("\n")
        at = (len(lines) - 1, len(lines[-1]))
        size = self.chunks.randint(1, 4)
        chunk = "".join(self.source[(self.done + n) % len(self.source)] for n in range(size))
        self.done += size
        self.text += chunk
        return chunk, at


def typed_path(document: str, number: int) -> str:
    """The path of developer `number`'s new file: beside `document`, named like it (`toggle3.tsx`), so it has
    the same role and its relative imports resolve."""
    path = PurePosixPath(document)
    return str(path.with_name(f"{path.stem}{number}{path.suffix}"))


def server_environment(case: Case, url: str) -> dict[str, str]:
    return {**case.environment(), "IDIOM_ROUTER_BASE_URL": url, "IDIOM_ROUTER_MAX_RETRIES": "0",
            "OPENAI_API_KEY": "sk-bench"}


def in_process(case: Case, url: str, strategies: tuple[str, ...]) -> Any:
    """One call of the router's `answer()` on the first developer's request, as a function; it returns the
    seconds it took minus the model call."""
    from harvest.classify import language_of
    from router.config import load_index_config
    from router.contracts import CompletionRequest
    from router.providers import load_router_config
    from router.routing import answer, conventions_of
    from router.strategies.loaded import LoadedStrategies

    config = dataclasses.replace(load_router_config(case.repo), base_url=url, max_retries=0)
    loaded = LoadedStrategies(case.repo)  # as the server holds them: the first call loads, the next reuse
    index, conventions = load_index_config(case.repo), conventions_of(case.repo)
    path = typed_path(case.document, 0)
    typist = Typist((case.repo / case.document).read_text(encoding="utf-8"), 0)

    def call() -> float:
        typist.type()
        request = CompletionRequest(prefix=typist.text, path=path, language=language_of(path), max_tokens=128)
        started = time.perf_counter()
        routed = answer(request, loaded, config, index, conventions, allowed=strategies)
        return time.perf_counter() - started - sum(a.latency_s for a in routed.attempts)

    return call


class Bench:
    """A pygls client on the real server, recording each document's last decision."""

    def __init__(self, case: Case, env: dict[str, str], debounce_s: float) -> None:
        from pygls.lsp.client import LanguageClient

        self.case, self.env, self.debounce_s = case, env, debounce_s
        self.client = LanguageClient("bench", "1")
        self.decisions: dict[str, dict] = {}
        self.answered = self.asked = 0
        self.refused = ""  # why the last request that got no answer got none
        decisions = self.decisions

        @self.client.feature("idiom/decision")
        def decided(params):  # unannotated: pygls would take an annotated first parameter for the client
            decisions[params.uri] = params

        for quiet in ("textDocument/publishDiagnostics", "window/logMessage", "window/showMessage"):
            self.client.feature(quiet)(lambda params: None)  # not what is measured

        self.text = (case.repo / case.document).read_text(encoding="utf-8")
        self.typists: dict[str, Typist] = {}
        self.versions: dict[str, int] = {}

    async def start(self, clients: int, strategies: tuple[str, ...]) -> None:
        from lsprotocol import types

        await self.client.start_io(sys.executable, "-m", "server", "serve", "--repo", str(self.case.repo),
                                   env=self.env)
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), root_uri=self.case.repo.as_uri(),
            initialization_options={"maxConcurrency": clients, "diagnosticsEnabled": False,
                                    "strategies": list(strategies)}))
        self.client.initialized(types.InitializedParams())

    def open(self, number: int) -> str:
        from lsprotocol import types

        from harvest.classify import language_of

        path = typed_path(self.case.document, number)
        uri = (self.case.repo / path).as_uri()
        self.typists[uri], self.versions[uri] = Typist(self.text, number), 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(
            uri=uri, language_id=LANGUAGE_IDS.get(language_of(path), "plaintext"), version=1,
            text=self.typists[uri].text)))
        return uri

    def params(self, uri: str):
        """The next characters typed into `uri`'s document (a didChange), then the inline completion request
        at the cursor after them."""
        from lsprotocol import types

        chunk, (line, character) = self.typists[uri].type()
        self.versions[uri] += 1
        at = types.Position(line, character)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(self.versions[uri], uri),
            [types.TextDocumentContentChangePartial(types.Range(at, at), chunk)]))
        lines = self.typists[uri].text.split("\n")
        return types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri), position=types.Position(len(lines) - 1, len(lines[-1])),
            context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic))

    async def ask(self, uri: str, debounced: bool = True) -> tuple[float, float]:
        """One edit, and the inline completion after it (`debounced`: after the editor's wait): (seconds waited for
        the completion, seconds of the model call)."""
        params = self.params(uri)
        if debounced and self.debounce_s:
            await asyncio.sleep(self.debounce_s)
        started = time.perf_counter()
        answer = await self.client.text_document_inline_completion_async(params)
        waited = time.perf_counter() - started
        self.asked += 1
        self.answered += bool(answer and answer.items)
        if not (answer and answer.items):
            self.refused = self.decisions[uri].reason
        return waited, self.decisions[uri].latencyS

    async def clients(self, uris: list[str], each: int, pause_s: float = 0.0) -> list[float]:
        """Overheads of `each` requests per document, all documents at once: back to back (`pause_s` 0, the
        server saturated), or like developers typing, a pause drawn around `pause_s` before each request."""
        pauses = random.Random(7)

        async def one(uri: str) -> list[tuple[float, float]]:
            timed = []
            for _ in range(each):
                if pause_s:
                    await asyncio.sleep(pauses.expovariate(1 / pause_s))
                timed.append(await self.ask(uri))
            return timed

        timed = [t for timings in await asyncio.gather(*(one(u) for u in uris)) for t in timings]
        return figures.overheads([w for w, _ in timed], [m for _, m in timed])

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

    def cpu_s(self) -> float:
        """The server's CPU seconds so far, all its threads, user and system (/proc/PID/stat, in clock ticks):
        beside the wall time it says whether the first answer waited for work or for something else."""
        fields = Path(f"/proc/{self.client._server.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


async def serve(case: Case, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every server figure of one case."""
    bench = Bench(case, server_environment(case, url), args.debounce_ms / 1000)
    launched = time.perf_counter()
    await bench.start(args.clients, args.strategies)
    ready, ready_cpu = time.perf_counter(), bench.cpu_s()
    rows: dict[str, Any] = {}
    memory = None
    try:
        uris = [bench.open(n) for n in range(args.clients)]
        _, model = await bench.ask(uris[0], debounced=False)  # the editor's wait would give the loading a head start
        first_s = time.perf_counter() - ready  # the strategies load from `initialized`; the request waits
        first_cpu = bench.cpu_s()
        await bench.clients(uris[:1], args.warm)  # warm: sqlite, caches filled by later requests
        if args.single:
            rows["one"] = figures.summary(await bench.clients(uris[:1], args.single))
        if args.each:
            rows["many"] = figures.summary(await bench.clients(uris, args.each))
            rows["typing"] = figures.summary(await bench.clients(uris, args.each, TYPING_PAUSE_S))
        if args.requests:
            before = bench.rss_mb()
            cancelled = await bench.with_cancellations(uris, args.requests)
            after = bench.rss_mb()
            check = await bench.clients(uris[:1], 20)  # still answering after the storm
            memory = {"requests": args.requests, "cancelled": cancelled, "before_mb": round(before, 1),
                      "after_mb": round(after, 1), "growth": round((after - before) / before, 4),
                      "after_p50_ms": figures.summary(check)["p50_ms"]}
    finally:
        await bench.stop()
    return {"start_s": round(ready - launched, 3), "first_s": round(first_s, 3),
            "cpu_s": {"start": round(ready_cpu, 2), "first": round(first_cpu, 2)},
            "first_overhead_s": round(figures.overheads([first_s], [model])[0], 3), "rows": rows,
            "memory": memory, "answered": bench.answered, "asked": bench.asked, "refused": bench.refused}


def measure(case: Case, url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The case served, then its baseline (and profile) in this process."""
    from bench.server.profile import profile

    load = os.getloadavg()[0]  # the machine may be shared: its load says how far to trust the tails
    say(f"{case.name}: serving ({case.units} units in the index)")
    with paused_collector():  # the clients' collections would count as the server's time
        served = asyncio.run(serve(case, url, args))
    say(f"{case.name}: the router in this process" + (" (profiled)" if args.profile else ""))
    with replaced_environment(server_environment(case, url)):
        call = in_process(case, url, args.strategies)
        found = profile(call, args.profile) if args.profile else call()  # the baseline is measured warm
        baseline = [call() for _ in range(args.single)] if args.single else []
    if baseline:
        served["rows"] = {"baseline": figures.summary(baseline), **served["rows"]}
    result = {"case": case.name, "units": case.units, "how": case.how, "prepared": case.seconds,
              "document": case.document, "strategies": list(args.strategies), "clients": args.clients,
              "pause_s": TYPING_PAUSE_S, "debounce_ms": args.debounce_ms, **served,
              "load": [round(load, 1), round(os.getloadavg()[0], 1)], "cpus": os.cpu_count()}
    if args.profile:
        result["profile"] = found
    return result | {"targets": figures.verdicts(result)}


def prepared(name: str, args: argparse.Namespace) -> Case:
    if name == "example":
        return example_case()
    if name == "synthetic":
        return synthetic_case(args.units, args.minilm)
    return repository_case(name, args.clones, args.document or DOCUMENTS.get(name.split("/")[-1], ""))


def provider(answers: dict[str, str], channel: Connection) -> None:
    """The instant provider, in a process of its own so that it takes no CPU from the client's. It answers
    every call with the code for the typed file's language."""
    from tests.router.fake_llm import fake_llm

    with fake_llm() as (url, script):
        channel.send(url)
        while (language := channel.recv()) != "done":  # serve until the bench is done
            script.text = answers.get(language, answers["tsx"])
            channel.send("ok")


def say(line: str) -> None:
    """Progress, on stderr: a large case takes minutes per step."""
    print(f"[{time.strftime('%H:%M:%S')}] {line}", file=sys.stderr, flush=True)


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "") if Path("/proc/cpuinfo").exists() else ""
    return f"{os.cpu_count()} CPUs ({model or platform.processor()}), Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    from bench.realworld.catalog import MatrixError
    from bench.server.profile import describe
    from harvest.classify import language_of

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", action="append", default=[], metavar="CASE",
                        help="example, synthetic, or a repository of bench/realworld/repos.toml (repeatable; "
                             "default: example)")
    parser.add_argument("--units", type=int, default=100_000, help="units of the synthetic case")
    parser.add_argument("--minilm", action="store_true", help="embed the synthetic case with real MiniLM")
    parser.add_argument("--clones", type=Path, default=WORK / "clones", help="where the matrix's clones are kept")
    parser.add_argument("--document", default="", help="the file typed in, for a repository case")
    parser.add_argument("--clients", type=int, default=20, help="developers at once")
    parser.add_argument("--each", type=int, default=50, help="requests per developer in the concurrent runs")
    parser.add_argument("--warm", type=int, default=5, help="requests after the first before measuring")
    parser.add_argument("--single", type=int, default=200, help="requests of one client, and of the baseline")
    parser.add_argument("--requests", type=int, default=1000, help="requests of the cancellation run (0 skips it)")
    parser.add_argument("--debounce-ms", type=float, default=EDITOR_DEBOUNCE_MS,
                        help="the editor's wait between an edit and the inline completion it asks for (VS Code: 50; "
                             "0 sends them together)")
    parser.add_argument("--strategies", default="rag", help="strategies the server may use, comma-separated")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile answer() in-process: the first call and N more")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--write-results", action="store_true", help="replace the section of bench/RESULTS.md")
    args = parser.parse_args(argv)
    args.strategies = tuple(s.strip() for s in args.strategies.split(",") if s.strip())
    if args.clients < 1 or args.units < 1 or args.debounce_ms < 0:
        print("server_bench: --clients and --units must be at least 1, --debounce-ms at least 0", file=sys.stderr)
        return 1
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    serving = spawn.Process(target=provider, args=(ANSWERS, theirs), daemon=True)
    serving.start()
    url = ours.recv()
    results = []
    try:
        for name in args.case or ["example"]:
            say(f"{name}: preparing (reused when bench/.work/server has it)")
            case = prepared(name, args)
            ours.send(language_of(case.document))
            ours.recv()
            results.append(measure(case, url, args))
    except (CaseError, MatrixError) as exc:
        print(f"server_bench: {exc}", file=sys.stderr)
        return 1
    finally:
        ours.send("done")
        serving.join(10)
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        figures.print_results(results)
        for result in results:
            if "profile" in result:
                print(f"\nprofile, {result['case']}:", *describe(result["profile"]), sep="\n")
    if args.write_results:
        command = "HF_HUB_OFFLINE=1 .venv/bin/python bench/server_bench.py " + " ".join(
            argv if argv is not None else sys.argv[1:])
        figures.write_section(ROOT / "bench" / "RESULTS.md",
                              figures.markdown(results, command.strip(), time.strftime("%Y-%m-%d"), machine()))
        print(f"wrote the server bench's section of {ROOT / 'bench' / 'RESULTS.md'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
