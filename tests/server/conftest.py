"""Language-server fixtures: the example repository served by `idiom serve` against a local fake model
provider, and the command and environment that start the real server as a subprocess."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.router.fake_llm import Script, fake_llm

# What the fake provider answers: a component the way acme-web writes them (FC, exported props
# interface, styled-components with theme values). No `styled.span<...>` generic before the template
# literal: the tsx grammar counts that as a syntax error, and the server's fast rules would drop it.
TAG_TSX = """\
import type { FC, ReactNode } from 'react';
import styled from 'styled-components';

export type TagTone = 'neutral' | 'success' | 'danger';

export interface TagProps {
  tone?: TagTone;
  children: ReactNode;
}

const StyledTag = styled.span`
  padding: 0 ${({ theme }) => theme.space.sm};
  border-radius: ${({ theme }) => theme.radii.round};
  color: ${({ theme }) => theme.colors.text};
`;

export const Tag: FC<TagProps> = ({ tone = 'neutral', children }) => (
  <StyledTag data-tone={tone}>{children}</StyledTag>
);
"""


@dataclass
class Served:
    """What a client needs to start the real server on the example: its command, environment and the
    fake provider's script (set `script.text` to choose what the "model" answers)."""

    repo: Path
    command: list[str]
    env: dict[str, str]
    script: Script


@pytest.fixture
def served(repo: Path) -> Iterator[Served]:
    """The indexed example, a fake OpenAI-compatible provider on 127.0.0.1, and `idiom serve` for it."""
    with fake_llm() as (url, script):
        env = {**os.environ, "IDIOM_INDEX_EMBEDDING_MODEL": "hash", "IDIOM_ROUTER_BASE_URL": url,
               "IDIOM_ROUTER_MAX_RETRIES": "0", "OPENAI_API_KEY": "sk-test", "HF_HUB_OFFLINE": "1",
               "IDIOM_HOME": os.environ["IDIOM_HOME"]}
        yield Served(repo, [sys.executable, "-m", "server", "serve", "--repo", str(repo)], env, script)


@pytest.fixture(params=["sqlite", "postgresql"])
def api_data(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The server's --data folder; its database SQLite in it, or a fresh database of the session's PostgreSQL
    made the team database (IDIOM_TEAM_DATABASE_URL, which the server's environment inherits)."""
    if request.param == "postgresql":
        monkeypatch.setenv("IDIOM_TEAM_DATABASE_URL", request.getfixturevalue("postgres_cluster").new_database())
    return tmp_path / "api-data"
