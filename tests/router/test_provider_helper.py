"""The remote providers' calls through the helper process (router/providers/helper.py), as the language server makes
them: real SDKs in a real second interpreter, over real HTTP to the local stand-in provider."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from router import providers
from router.config import RouterConfig
from router.contracts import ChatRequest, Infill, Message
from router.errors import RouterError
from router.providers import open_client, provider, start_helper, stop_helper
from router.providers.base import guarded
from router.providers.errors import FAILURES, ProviderError
from router.providers.helper import HelperStopped
from tests.router.fake_llm import fake_llm

AWS_KEY = "AKIA" + "Z7Q2R4T6Y3W3K5M7"
REQUEST = ChatRequest("gpt-4o-mini", (Message("system", "You write code like the team."),
                                      Message("user", f"Add a Button. My key is {AWS_KEY}")), max_tokens=64)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def helper(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, object]]:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-openai")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    with fake_llm() as (url, script):
        start_helper(2)
        try:
            yield url, script
        finally:
            stop_helper()


def running() -> subprocess.Popen:
    helper = providers._running
    assert helper is not None and helper.serves()
    return helper.process


@pytest.mark.parametrize("name", ["openai", "anthropic"])
def test_a_call_through_the_helper_answers_as_in_this_process_and_sends_no_secret(helper, name: str) -> None:
    url, script = helper
    config = RouterConfig(provider=name, model="gpt-4o-mini" if name == "openai" else "claude-haiku-4-5",
                          base_url=f"{url}/v1" if name == "openai" else url, max_retries=0)
    through = provider(name)(REQUEST, config)
    assert running().pid != os.getpid()
    stop_helper()
    here = provider(name)(REQUEST, config)
    assert (through.text, through.usage, through.cost_usd, through.sent) == (here.text, here.usage, here.cost_usd,
                                                                             here.sent)
    assert len(script.requests) == 2 and script.requests[0]["body"] == script.requests[1]["body"]
    assert AWS_KEY not in str(script.requests[0]["body"]) and AWS_KEY not in str(through.sent)


def test_an_infill_leaves_scrubbed_and_without_its_messages(helper) -> None:
    url, script = helper
    infill = Infill(f"key = '{AWS_KEY}'\ndef f(", "):\n    pass\n", family="codellama")
    chat = ChatRequest("codellama-7b", REQUEST.messages, max_tokens=16, infill=infill)
    assert guarded(chat).messages == () and AWS_KEY not in str(guarded(chat).infill)
    provider("openai")(chat, RouterConfig(base_url=f"{url}/v1", max_retries=0))
    (sent,) = script.requests
    assert sent["path"] == "/v1/completions" and AWS_KEY not in str(sent["body"])


def test_errors_come_back_as_they_were_raised(helper, monkeypatch: pytest.MonkeyPatch) -> None:
    url, script = helper
    script.replies = [(401, 0.0)]
    with pytest.raises(ProviderError) as caught:
        provider("openai")(REQUEST, RouterConfig(base_url=f"{url}/v1", max_retries=1))
    assert caught.value.failure == FAILURES["auth"] and "API key was refused" in str(caught.value)
    with pytest.raises(ProviderError, match="no answer within"):
        script.replies = [(200, 2.0)]
        provider("openai")(REQUEST, RouterConfig(base_url=f"{url}/v1", timeout=0.3, max_retries=0))
    first = running().pid
    monkeypatch.delenv("OPENAI_API_KEY")  # the helper read the keys when it started: another one starts
    with pytest.raises(RouterError, match="OPENAI_API_KEY is not set"):
        provider("openai")(REQUEST, RouterConfig())
    with pytest.raises(RouterError, match="OPENAI_API_KEY is not set"):  # the server's head start, as in one process
        open_client(RouterConfig())
    assert running().pid != first


def test_a_helper_that_dies_fails_its_call_in_flight_and_the_next_call_starts_another(helper) -> None:
    url, script = helper
    config = RouterConfig(base_url=f"{url}/v1", max_retries=0, timeout=30)
    open_client(config)
    process = running()
    script.replies = [(200, 3.0)]
    threading.Timer(0.5, process.kill).start()
    with pytest.raises(HelperStopped, match="provider helper process stopped"):
        provider("openai")(REQUEST, config)
    assert provider("openai")(REQUEST, config).text == script.text
    assert running().pid != process.pid


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc")
def test_the_helper_writes_to_the_servers_log_not_its_stdout_and_ends_with_it(tmp_path: Path) -> None:
    """A stdio language server's stdout is the editor's channel; killed, it leaves no helper behind."""
    program = textwrap.dedent("""
        import os, sys, time
        from router.providers import _helper, start_helper
        start_helper(2)
        pid = _helper().process.pid
        print(pid, os.readlink(f"/proc/{pid}/fd/1") == os.readlink("/proc/self/fd/2"), flush=True)
        time.sleep(60)
    """)
    server = subprocess.Popen([sys.executable, "-c", program], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=(tmp_path / "log").open("w"), text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    pid, logged = server.stdout.readline().split()
    assert logged == "True"
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    deadline = time.monotonic() + 20
    while Path(f"/proc/{pid}").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z":
        assert time.monotonic() < deadline, "the helper outlived the server"
        time.sleep(0.05)


def test_a_helper_that_cannot_start_leaves_the_calls_in_this_process(helper, monkeypatch: pytest.MonkeyPatch) -> None:
    url, script = helper
    stop_helper()
    monkeypatch.setattr(sys, "executable", str(ROOT / "no-such-python"))  # no process can be made
    start_helper(2)
    assert provider("openai")(REQUEST, RouterConfig(base_url=f"{url}/v1", max_retries=0)).text == script.text
    assert providers._running is None and len(script.requests) == 1
