"""`POST /v1/chat/completions` of the real team server driven by the real `openai` SDK (base_url = the server's
/v1, api_key = a token): routed and named-strategy models, the repository and path from headers or metadata,
with and without streaming; and what left for the provider is scrubbed as on the editor's path."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from tests.conftest import AWS_SECRET
from tests.router.fake_llm import fake_llm
from tests.server.api_server import api_server, make_token, server_environment
from tests.server.conftest import TAG_TSX

pytestmark = pytest.mark.slow
TAG = "src/components/Tag/Tag.tsx"


def test_an_openai_client_uses_the_team_router_as_its_model(repo: Path, tmp_path: Path) -> None:
    data = tmp_path / "api-data"
    token = make_token(data, "script", repos="acme")
    with fake_llm() as (url, script), api_server(data, {"acme": repo}, server_environment(url)) as server:
        script.text = TAG_TSX
        client = openai.OpenAI(base_url=server.url + "/v1", api_key=token, max_retries=0, timeout=60)
        headers = {"X-Idiom-Repository": "acme", "X-Idiom-Path": TAG}
        instruction = f"A Tag component with a tone prop; our key is {AWS_SECRET}"
        answer = client.chat.completions.create(model="idiom", messages=[{"role": "user", "content": instruction}],
                                                extra_headers=headers)
        assert answer.choices[0].message.content == TAG_TSX and answer.choices[0].finish_reason == "stop"
        assert answer.model.startswith("idiom/") and answer.usage.total_tokens > 0
        sent = [r for r in script.requests if r.get("path", "").endswith("/chat/completions")]
        assert sent and all(AWS_SECRET not in str(r) for r in script.requests)

        chunks = list(client.chat.completions.create(
            model="idiom/few_shot", messages=[{"role": "user", "content": "A Tag component with a tone prop"}],
            metadata={"repository": "acme", "path": TAG}, stream=True))
        assert chunks[0].choices[0].delta.role == "assistant" and chunks[-1].choices[0].finish_reason == "stop"
        assert "".join(c.choices[0].delta.content or "" for c in chunks) == TAG_TSX
        assert {c.model for c in chunks} == {"idiom/few_shot"}

        with pytest.raises(openai.UnprocessableEntityError, match="unknown model 'gpt-4o'"):
            client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}],
                                           extra_headers=headers)
        with pytest.raises(openai.UnprocessableEntityError, match="X-Idiom-Repository"):
            client.chat.completions.create(model="idiom", messages=[{"role": "user", "content": "x"}])
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=server.url + "/v1", api_key="idiom_wrong", max_retries=0).chat.completions.create(
                model="idiom", messages=[{"role": "user", "content": "x"}], extra_headers=headers)
    assert token not in server.log.read_text()
