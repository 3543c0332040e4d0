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

from tests.server.conftest import TAG_TSX, Served

EXTENSION = Path(__file__).resolve().parents[2] / "editor-extension"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NODE is None, reason="node is not installed"),
    pytest.mark.skipif(not (EXTENSION / "node_modules").is_dir(),
                       reason="editor-extension/node_modules is missing (run `npm ci` in editor-extension)"),
]

# The server side of `initializationOptions.trusted` (issue 14) is built on another branch. The contract:
# trusted=false → the server only checks conventions (diagnostics, idiom.validateFile, idiom.explain), makes
# no provider or index call, and answers the other commands with an error naming trust; `trusted` is a
# known key. Until that is merged the Node tests skip the assertions that need it, with this reason; set
# it to None once the server implements the contract.
TRUST_CONTRACT_PENDING: str | None = (
    "the server does not implement initializationOptions.trusted yet (issue 14 contract: untrusted = "
    "conventions only, no provider or index calls, other commands refused naming trust)")


def run_node_test(file: str, served: Served) -> None:
    """Run one node test file against the served example; it must pass, skipping only what waits for trust."""
    env = {**served.env, "IDIOM_TEST_SERVER": json.dumps(served.command), "IDIOM_TEST_REPO": str(served.repo)}
    if TRUST_CONTRACT_PENDING:
        env["IDIOM_TEST_TRUST_PENDING"] = TRUST_CONTRACT_PENDING
    done = subprocess.run([NODE, "--test", file], cwd=EXTENSION, env=env, capture_output=True, text=True,
                          timeout=600, check=False)
    report = f"{done.stdout[-12000:]}\n--- stderr ---\n{done.stderr[-4000:]}"
    assert done.returncode == 0, report
    assert "# fail 0" in done.stdout and "# pass 0\n" not in done.stdout, report
    skipped = re.findall(r"# SKIP(.*)$", done.stdout, re.MULTILINE)
    assert all(TRUST_CONTRACT_PENDING and TRUST_CONTRACT_PENDING in reason for reason in skipped), skipped


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
                           "--json", "--", *served.command], cwd=served.repo, env=served.env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    result = json.loads(done.stdout)
    assert result["inline"]["text"].strip() == TAG_TSX.strip()
    assert result["generate"]["text"].strip() == TAG_TSX.strip() and result["generate"]["applied"] is True
