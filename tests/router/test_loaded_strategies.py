"""Strategies load once per version of their artifacts: the same loaded answer serves every request until
the index is rebuilt or the dataset replaced, then the next request loads the new one."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.store import Artifacts
from router.config import IndexConfig, RouterConfig
from router.errors import RouterError
from router.strategies.loaded import LoadedStrategies
from router.strategies.registry import NAMES, REGISTRY, ROUTED
from server.cli import idiom

HASH_INDEX = IndexConfig(embedding_model="hash")


def test_a_loaded_strategy_is_reused_until_its_artifacts_change(repo: Path) -> None:
    strategies = LoadedStrategies(repo)
    config = RouterConfig()
    rag, few_shot = (strategies.answer_of(n, config, HASH_INDEX) for n in ("rag", "few_shot"))
    assert strategies.answer_of("rag", config, HASH_INDEX) is rag
    assert strategies.answer_of("few_shot", config, HASH_INDEX) is few_shot

    env = {"IDIOM_INDEX_EMBEDDING_MODEL": "hash"}
    assert CliRunner().invoke(idiom, ["index", str(repo), "--rebuild"], env=env).exit_code == 0
    assert strategies.answer_of("rag", config, HASH_INDEX) is not rag  # a new index: loaded again
    assert strategies.answer_of("few_shot", config, HASH_INDEX) is few_shot  # the dataset did not change

    assert CliRunner().invoke(idiom, ["dataset", "build", str(repo)]).exit_code == 0
    assert strategies.answer_of("few_shot", config, HASH_INDEX) is not few_shot


def test_threads_asking_at_once_share_one_load(repo: Path) -> None:
    strategies = LoadedStrategies(repo)
    loaded: list[object] = []
    threads = [threading.Thread(target=lambda: loaded.append(strategies.answer_of("rag", RouterConfig(), HASH_INDEX)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loaded) == 4 and all(answer is loaded[0] for answer in loaded)


def test_availability_and_preload_follow_the_artifacts(repo: Path, tmp_path: Path) -> None:
    strategies = LoadedStrategies(repo)
    assert strategies.available() == ["few_shot", "rag"]  # no promoted model: no finetuned
    assert strategies.preload(RouterConfig(), HASH_INDEX) == {}
    assert strategies.preload(RouterConfig(), HASH_INDEX, ("finetuned",)) == {
        "finetuned": "finetuned: no promoted fine-tuned model; run `idiom train`"}

    (Artifacts(repo).index / "manifest.json").unlink()
    assert strategies.available() == ["few_shot"]
    with pytest.raises(RouterError, match="index"):
        strategies.answer_of("rag", RouterConfig(), HASH_INDEX)


def _watched_retrievals_and_scrubs(monkeypatch: pytest.MonkeyPatch) -> tuple[list[object], list[tuple[str, str]]]:
    """The focus of each retrieval done, and (thread, text) of each prompt text scrubbed for the provider, as
    they happen."""
    from router.providers import base
    from router.strategies.rag import context

    retrievals: list[object] = []
    retrieve = context._retrieved
    monkeypatch.setattr(context, "_retrieved", lambda index, focus, *rest: retrievals.append(focus) or retrieve(
        index, focus, *rest))
    scrubbed: list[tuple[str, str]] = []
    scrub = base.scrub
    monkeypatch.setattr(base, "scrub", lambda text, **options: scrubbed.append(
        (threading.current_thread().name, text)) or scrub(text, **options))
    base._scrubbed.cache_clear()
    return retrievals, scrubbed


@pytest.mark.parametrize("model", ["gpt-4o-mini", "Qwen2.5-Coder-7B"])  # chat messages; FIM code to /completions
def test_a_request_starts_its_query_embedding_retrieval_and_prompt_ahead_and_the_answer_takes_them_up(
        repo: Path, monkeypatch: pytest.MonkeyPatch, model: str) -> None:
    from harvest.scrub import STRICT, scrub
    from router.contracts import CompletionRequest
    from router.strategies.rag.focus import focus_of_request
    from router.strategies.rag.query_encoder import QueryVectors
    from router.strategies.rag.retrieve import dense_query
    from tests.router.fake_llm import fake_llm

    encoded: list[str] = []
    uncached = QueryVectors.uncached
    monkeypatch.setattr(QueryVectors, "uncached", lambda self, query: encoded.append(query) or uncached(self, query))
    retrievals, scrubbed = _watched_retrievals_and_scrubs(monkeypatch)
    strategies = LoadedStrategies(repo, wait=False)
    request = CompletionRequest(prefix="import { Button } from '../Button/Button';\n\nexport const Tag = (",
                                path="src/components/Tag/Tag.tsx", language="tsx", max_tokens=64)
    with fake_llm() as (url, _):
        config = RouterConfig(base_url=url, max_retries=0, model=model)
        strategies.ahead(request, config)  # nothing loaded yet: nothing starts, nor loads on this thread
        assert strategies._held == {} and encoded == []

        strategies.answer_of("rag", config, HASH_INDEX)
        strategies.answer_of("few_shot", config, HASH_INDEX)
        encoded.clear()  # the index's warm-up query
        strategies.ahead(request, config, ("few_shot",))  # only the strategies named
        assert encoded == []
        strategies.ahead(request, config)
        query = dense_query(focus_of_request(request))
        deadline = time.monotonic() + 30
        while not encoded and time.monotonic() < deadline:  # on an encoding thread of its own
            time.sleep(0.01)
        assert encoded == [query]  # started before the request is answered
        while not retrievals and time.monotonic() < deadline:  # the retrieval too, on a thread of its own
            time.sleep(0.01)
        assert retrievals == [focus_of_request(request)]
        completion = strategies.complete("rag", request, config, HASH_INDEX)
        assert encoded == [query] and len(retrievals) == 1  # and the answer took them up instead of doing them again
        assert completion.sources  # what was retrieved ahead is what the answer's prompt carries
        # Its prompt was built and scrubbed on the retrieval thread, each text once, and the answer sent that.
        assert scrubbed and {thread.split("_")[0] for thread, _ in scrubbed} == {"idiom-retrieval"}
        assert len({text for _, text in scrubbed}) == len(scrubbed)
        guarded = {scrub(text, profile=STRICT).text for _, text in scrubbed}
        if model == "gpt-4o-mini":  # the chat turns sent are the texts scrubbed ahead
            assert {m.content for m in completion.prompt} <= guarded
        else:  # the FIM prompt is laid out from the code scrubbed ahead
            assert [m.role for m in completion.prompt] == ["prompt"] and len(scrubbed) >= 2


def test_the_keystrokes_into_one_word_share_a_retrieval_and_each_has_its_prompt_built_ahead(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from router.contracts import CompletionRequest
    from tests.router.fake_llm import fake_llm

    retrievals, scrubbed = _watched_retrievals_and_scrubs(monkeypatch)
    strategies = LoadedStrategies(repo, wait=False)
    typed = "import { Button } from '../Button/Button';\n\nexport const Tag = ({ lab"
    with fake_llm() as (url, _):
        config = RouterConfig(base_url=url, max_retries=0)
        strategies.answer_of("rag", config, HASH_INDEX)
        for prefix in (typed, typed + "e", typed + "el"):  # "label", typed a keystroke at a time
            request = CompletionRequest(prefix=prefix, path="src/components/Tag/Tag.tsx", language="tsx",
                                        max_tokens=64)
            strategies.ahead(request, config)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not any(prefix in text for _, text in scrubbed):
                time.sleep(0.01)  # this request's own prompt, built on a retrieval thread from the shared hits
            before = len(scrubbed)
            assert strategies.complete("rag", request, config, HASH_INDEX).sources
            assert len(scrubbed) == before  # the answer found its prompt built and scrubbed
    assert len(retrievals) == 1  # the word being typed is not part of the query: one retrieval served the three
    assert {thread.split("_")[0] for thread, _ in scrubbed} == {"idiom-retrieval"}


def test_the_registry_is_the_one_list_of_strategies() -> None:
    assert NAMES == tuple(line.name for line in REGISTRY) and set(ROUTED) <= set(NAMES)
    assert len(set(NAMES)) == len(NAMES)


def test_the_server_keeps_answering_from_the_loaded_version_while_a_new_one_loads(repo: Path) -> None:
    strategies = LoadedStrategies(repo, wait=False)
    first = strategies.answer_of("rag", RouterConfig(), HASH_INDEX, wait=False)  # a first load is waited for
    assert CliRunner().invoke(idiom, ["index", str(repo), "--rebuild"],
                              env={"IDIOM_INDEX_EMBEDDING_MODEL": "hash"}).exit_code == 0
    with strategies._locks["rag"]:  # as while another thread opens the new index
        assert strategies.answer_of("rag", RouterConfig(), HASH_INDEX, wait=False) is first
    assert strategies.answer_of("rag", RouterConfig(), HASH_INDEX) is not first


def test_what_a_server_imports_at_launch_reads_no_repository_and_never_torch(tmp_path: Path) -> None:
    import subprocess
    import sys

    launch = ("import sys; from router.strategies.registry import REGISTRY, import_early; import_early(); "
              "print(all(m in sys.modules for line in REGISTRY for m in line.libraries), 'torch' in sys.modules)")
    where = tmp_path / "repository"
    where.mkdir()
    done = subprocess.run([sys.executable, "-c", launch], capture_output=True, text=True, check=True, cwd=where,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
                               "HOME": str(tmp_path / "home")})
    assert done.stdout.split() == ["True", "False"]
    assert not any(where.iterdir())  # nothing read or written where it runs (onnxruntime keeps an id in ~/.cache)


def test_a_load_right_after_launch_waits_for_the_early_imports_instead_of_deadlocking_in_chromadb() -> None:
    import subprocess
    import sys

    # Importing chromadb in two threads at once fails in its import cycle; this ran into it every time.
    race = ("from router.strategies.registry import start_early_imports, strategy; start_early_imports(); "
            "print(type(strategy('rag')).__name__)")
    done = subprocess.run([sys.executable, "-c", race], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.stdout.strip() == "Strategy" and "Error" not in done.stderr
