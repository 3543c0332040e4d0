"""The Node client that speaks what the VS Code extension sends (editor-extension/client) against the real
`idiom serve`: editor-extension/test/protocol.test.js walks through docs/editor-protocol.md under Node's
test runner, with the example repository and a fake model provider."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.server.conftest import TAG_TSX

EXTENSION = Path(__file__).resolve().parents[2] / "editor-extension"
NODE = shutil.which("node")



@pytest.mark.slow
@pytest.mark.skipif(NODE is None, reason="node is not installed")
@pytest.mark.skipif(not (EXTENSION / "node_modules").is_dir(),
                    reason="editor-extension/node_modules is missing (run `npm ci` in editor-extension)")
def test_the_node_client_drives_the_real_server_through_the_protocol(served) -> None:
    served.script.text = TAG_TSX
    env = {**served.env, "IDIOM_TEST_SERVER": json.dumps(served.command), "IDIOM_TEST_REPO": str(served.repo)}
    done = subprocess.run([NODE, "--test", "test/protocol.test.js"], cwd=EXTENSION, env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{done.stdout[-12000:]}\n--- stderr ---\n{done.stderr[-4000:]}"
    assert "# skipped 0" in done.stdout and "# fail 0" in done.stdout  # it ran, not skipped
