"""What one `idiom api` process holds: its database (the team's, else SQLite under --data), each served
repository's `AgentState` (the strategies, conventions and index `idiom mcp` loads, reused as they are), the
limits and the metrics. Made once at launch by the command, read by every route."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from sqlalchemy import Engine

from router.config import load_team_config
from router.storage.engines import engine_for, sqlite_url
from router.storage.location import serve_repository
from router.storage.tokens import RecentTokens, Token
from server.agents.state import AgentState
from server.api.config import ApiConfig
from server.api.limits import TokenBuckets
from server.api.metrics import Metrics

# What the log line of the request in flight says about it, filled in as the route learns it (the repository);
# a dict, so a route running in the thread pool fills the same one the middleware reads.
LOG_FIELDS: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("log_fields")


def server_database_exists(data: Path) -> bool:
    """Whether the team server has a database to read: the team's, or `DATA/idiom.db` made by an earlier run."""
    return bool(load_team_config().database_url) or (data.resolve() / "idiom.db").is_file()


def server_database_url(data: Path) -> str:
    """The team server's database: `[team] database_url` (or IDIOM_TEAM_DATABASE_URL), else `DATA/idiom.db`."""
    return load_team_config().database_url or sqlite_url(data.resolve() / "idiom.db")


@dataclass
class ApiState:
    database_url: str
    repositories: dict[str, AgentState]
    config: ApiConfig
    buckets: TokenBuckets
    metrics: Metrics = field(default_factory=Metrics)
    tokens: RecentTokens = field(default_factory=RecentTokens)

    @property
    def engine(self) -> Engine:
        return engine_for(self.database_url)

    def repository(self, name: str, token: Token) -> AgentState:
        """The served repository `name` if `token` may use it: 404 for a name not served, 403 outside the token's
        scope (a name it may not use is not told apart from one served to others only after the 404)."""
        fields = LOG_FIELDS.get(None)
        if fields is not None:
            fields["repository"] = name
        state = self.repositories.get(name)
        if state is None:
            raise HTTPException(404, f"no repository {name!r} on this server; served: "
                                     f"{', '.join(n for n in self.repositories if token.may_use(n)) or 'none for you'}")
        if not token.may_use(name):
            raise HTTPException(403, f"your token may not use repository {name!r}; ask a lead for one that may")
        return state


def open_state(data: Path, repositories: dict[str, Path], config: ApiConfig) -> ApiState:
    """Open the database (migrating it) and bind each repository to its name in it."""
    data.mkdir(parents=True, exist_ok=True)
    url = server_database_url(data)
    engine_for(url)
    served = {}
    for name, folder in repositories.items():
        serve_repository(folder, name, url)
        served[name] = AgentState(folder)
    return ApiState(url, served, config, TokenBuckets(config.rate_per_minute / 60.0, config.burst))
