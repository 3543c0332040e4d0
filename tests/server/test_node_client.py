"""The Node client that speaks what the VS Code extension sends (editor-extension/client) against the real
`idiom serve`: editor-extension/test/protocol.test.js walks through docs/editor-protocol.md under Node's
test runner in a trusted workspace, test/untrusted.test.js checks what is left when the workspace is not
trusted, and client/drive.js (what `make demo` ends with) runs once from the command line. All use the
example repository and a fake model provider."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from router.retention import retained_summary
from tests.server.conftest import TAG_TSX, Served

EXTENSION = Path(__file__).resolve().parents[2] / "editor-extension"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(not (EXTENSION / "node_modules").is_dir(),
                       reason="editor-extension/node_modules is missing (run `npm ci` in editor-extension)"),
]


def run_node_test(file: str, served: Served) -> None:
    """Run one node test file against the served example; it must pass whole, nothing skipped."""
    env = {**served.env, "IDIOM_TEST_SERVER": json.dumps(served.command), "IDIOM_TEST_REPO": str(served.repo)}
    done = subprocess.run([NODE, "--test", file], cwd=EXTENSION, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    report = f"{done.stdout[-12000:]}\n--- stderr ---\n{done.stderr[-4000:]}"
    assert done.returncode == 0, report
    assert "# fail 0" in done.stdout and "# pass 0\n" not in done.stdout, report
    assert not re.findall(r"# SKIP(.*)$", done.stdout, re.MULTILINE), report


def test_the_node_client_drives_the_real_server_through_the_protocol(served) -> None:
    served.script.text = TAG_TSX
    run_node_test("test/protocol.test.js", served)


def test_an_untrusted_client_gets_conventions_checked_and_no_model_call(served) -> None:
    run_node_test("test/untrusted.test.js", served)
    assert served.script.requests == []  # nothing reached the model provider


def test_drive_js_runs_the_demo_trusted(served) -> None:
    served.script.text = TAG_TSX
    done = subprocess.run([NODE, str(EXTENSION / "client/drive.js"), "--repo", str(served.repo), "--file",
                           "src/components/Tag/Tag.tsx", "--instruction", "Create a Tag component with a tone prop",
                           "--accept", "--json", "--", *served.command], cwd=served.repo, env=served.env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout)
    assert result["inline"]["text"].strip() == TAG_TSX.strip()
    assert result["generate"]["text"].strip() == TAG_TSX.strip() and result["generate"]["applied"] is True
    # Accepted, then idiom.generate inserted a second copy after it: the shutdown recorded the first whole.
    assert result["inline"]["accepted"] and retained_summary(served.repo)[result["inline"]["decision"]["strategy"]][
        "share_600s"] == 1.0
