"""`make demo`'s accepted suggestion: the editor session again, with the suggestion taken, so that the ROI
report has retained-code figures to show.

The demo's tiny model writes noise that never passes the team's rules, so nothing could be accepted from
it. Here a stand-in model on 127.0.0.1 (the tests' fake OpenAI-compatible server, tests/router/fake_llm.py)
answers every call with a Tag component written the team's way; everything else is real: `idiom serve`
routes, checks and logs the answer, and editor-extension/client/drive.js accepts it as VS Code does, then
shuts the server down, which records how much of it is still in the document.

    python examples/accepted_session.py examples/acme-web
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0:1] = [str(ROOT)]  # run as a script: the repository's packages, tests included, import from its root

from tests.router.fake_llm import fake_llm
from tests.server.conftest import TAG_TSX


def main(repo: Path) -> int:
    idiom = Path(sys.executable).with_name("idiom")
    with fake_llm() as (url, script):
        script.text = TAG_TSX
        env = {**os.environ, "IDIOM_ROUTER_PROVIDER": "openai", "IDIOM_ROUTER_BASE_URL": url,
               "IDIOM_ROUTER_MODEL": "stand-in", "OPENAI_API_KEY": "sk-stand-in", "IDIOM_ROUTER_MAX_RETRIES": "0"}
        return subprocess.run(["node", str(ROOT / "editor-extension/client/drive.js"), "--repo", str(repo),
                               "--file", "src/components/Tag/Tag.tsx", "--instruction",
                               "Create a Tag component with a tone prop", "--accept", "--", str(idiom), "serve",
                               "--repo", str(repo)], env=env, check=False).returncode


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python examples/accepted_session.py REPO")
    sys.exit(main(Path(sys.argv[1])))
