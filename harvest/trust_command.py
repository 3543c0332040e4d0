"""`idiom trust`: the user's decision that a repository's idiom.toml (and committed `.idiom/`) may be used whole.

See harvest/trust.py for what an untrusted repository cannot do; this is the command that records,
shows and revokes trust.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("trust", short_help="Trust a repository's idiom.toml (and committed .idiom/), or revoke it.")
@click.argument("repo", type=click.Path(path_type=Path, file_okay=False, exists=True), default=".")
@click.option("--artifacts", is_flag=True, help="Also use the .idiom/ folder committed to the repository "
                                                 "(datasets, conventions, database made by someone else).")
@click.option("--revoke", is_flag=True, help="Forget the trust recorded for REPO.")
@click.option("--status", "show_status", is_flag=True, help="Only show what is trusted and what is held back.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON on stdout.")
def trust_command(repo: Path, artifacts: bool, revoke: bool, show_status: bool, as_json: bool) -> None:
    """Trust REPO's idiom.toml as it is now.

    Until then, the settings in it that run a program, read files outside the repository, or choose
    where code and API keys are sent ([harvest] format_command and prs_file, [router] base_url and
    models_file, [index] url and embedding_model) are ignored, with one line saying so. Trust is
    recorded per file content (sha256) in your config folder: after the file changes, review it and
    trust it again. The same settings in your own config.toml, IDIOM_* variables and flags always apply.
    """
    from harvest.trust import config_dir, status, trust_repository
    from harvest.trust import revoke as forget

    if revoke:
        done = forget(repo)
        _say(as_json, {"revoked": done}, f"no longer trusted: {', '.join(done)}" if done
             else f"nothing was trusted for {repo}")
        return
    if not show_status:
        done = trust_repository(repo, artifacts)
        _say(as_json, {"trusted": done, "record": str(config_dir() / "trusted.json")},
             f"trusted: {', '.join(done)} (recorded in {config_dir() / 'trusted.json'})")
        return
    found = status(repo)
    held = ", ".join(found["trusted_only_settings"]) or "none"
    _say(as_json, found, f"{found['config']}: {found['config_state']}; trusted-only settings in it: {held}\n"
                         f"committed .idiom/ files: {found['committed_artifacts']} ({found['artifacts_state']})")


def _say(as_json: bool, data: dict, text: str) -> None:
    click.echo(json.dumps(data, indent=2) if as_json else text)
