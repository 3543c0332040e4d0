"""`idiom scrub`: real files in a temporary tree, the real click command, no values in any output."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvest.errors import InputError
from harvest.scrub.command import scrub_command

B62 = string.ascii_letters + string.digits
_RNG = random.Random(3)
GITHUB = "gh" + "p_" + "".join(_RNG.choice(B62) for _ in range(34)) + "Q7"
PASSWORD = "-".join(["Tr0ub4dor", "horse", "93!"])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A small project: a secret in code, a password in .env, an e-mail, a clean file, noise to skip."""
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text(f'import os\nTOKEN = "{GITHUB}"\n')
    (root / ".env").write_text(f"DB_PASSWORD={PASSWORD}\n")
    (root / "AUTHORS").write_text("Ada <ada" + "@" + "lovelace.dev>\n")
    (root / "src" / "clean.py").write_text("def f():\n    return 1\n")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0" + bytes(range(256)))
    (root / "big.log").write_text("x" * (1024 * 1024 + 1))
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"token = {GITHUB}\n")
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(scrub_command, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_reports_locations_and_fails_on_secrets(tree: Path) -> None:
    code, out, err = run(str(tree))
    assert code == 1
    assert f"{tree / 'src' / 'app.py'}:2: github-token" in out
    assert f"{tree / '.env'}:1: password-assignment" in out
    assert f"{tree / 'AUTHORS'}:1: email (pii)" in out
    assert "2 secret(s), 1 personal-data finding(s) in 4 file(s) scanned" in out
    assert "skipped 1 binary file(s)" in err and "big.log (larger than 1 MiB" in err
    assert ".git" not in out + err
    assert GITHUB not in out + err and PASSWORD not in out + err


def test_json_output_has_locations_only(tree: Path) -> None:
    code, out, _ = run(str(tree), "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["files_scanned"] == 4 and doc["secrets"] == 2
    assert {(Path(f["path"]).name, f["line"], f["rule"], f["kind"]) for f in doc["findings"]} == {
        ("app.py", 2, "github-token", "secret"),
        (".env", 1, "password-assignment", "secret"),
        ("AUTHORS", 1, "email", "pii"),
    }
    assert all(set(f) == {"path", "line", "rule", "kind"} for f in doc["findings"])
    assert GITHUB not in out and PASSWORD not in out


def test_exit_zero_when_only_personal_data_or_clean(tree: Path) -> None:
    assert run(str(tree / "AUTHORS"))[0] == 0
    assert run(str(tree / "src" / "clean.py"))[0] == 0


def test_write_to_mirrors_the_tree_with_scrubbed_copies(tree: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "scrubbed"
    run(str(tree), "--write-to", str(out_dir))
    assert (out_dir / "src" / "app.py").read_text() == 'import os\nTOKEN = "<SECRET:github-token>"\n'
    assert (out_dir / ".env").read_text() == "DB_PASSWORD=<PASSWORD>\n"
    assert (out_dir / "src" / "clean.py").read_text() == "def f():\n    return 1\n"
    assert not (out_dir / "logo.png").exists() and not (out_dir / ".git").exists()
    assert not list(out_dir.rglob("*.tmp"))  # atomic writes leave no temporary files behind


def test_write_to_inside_the_scanned_tree_is_not_rescanned(tree: Path) -> None:
    run(str(tree), "--write-to", str(tree / "out"))
    code, out, _ = run(str(tree), "--write-to", str(tree / "out"), "--json")
    assert all("/out/" not in f["path"] for f in json.loads(out)["findings"])
    assert code == 1


def test_idiomignore_in_the_scanned_directory(tree: Path) -> None:
    (tree / ".idiomignore").write_text("src/\n[values]\n" + PASSWORD + "\n")
    code, out, _ = run(str(tree))
    assert code == 0
    assert "0 secret(s)" in out


def test_nonexistent_path_and_no_arguments_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        run(str(tmp_path / "missing"))
    with pytest.raises(InputError, match="nothing to scan"):
        run()


def _case(i: int, label: str, text: str, source: str = "acme/corpus") -> str:
    return json.dumps({"id": f"c{i}", "source": source, "label": label, "text": text})


def test_cases_report_recall_and_false_positive_rate(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join([
        _case(1, "positive", f'token = "{GITHUB}"'),
        _case(2, "positive", "nothing to see here"),
        _case(3, "negative", "ghp_" + "x" * 36),
        _case(4, "negative", f"key = '{GITHUB}'"),
    ]) + "\n")
    code, out, _ = run("--cases", str(cases))
    assert code == 0
    assert "acme/corpus: recall 50.0% (1/2), false positives 50.0% (1/2)" in out
    doc = json.loads(run("--cases", str(cases), "--json")[1])
    score = doc["sources"]["acme/corpus"]
    assert score["missed_ids"] == ["c2"] and score["false_positive_ids"] == ["c4"]
    assert GITHUB not in out


def test_malformed_cases_name_file_and_line(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(_case(1, "positive", "x") + "\n{not json\n")
    with pytest.raises(InputError, match=rf"{cases.name}:2: not valid JSON"):
        run("--cases", str(cases))
    cases.write_text(json.dumps({"id": "a", "source": "s", "text": "t"}) + "\n")
    with pytest.raises(InputError, match=r":1: case lacks label"):
        run("--cases", str(cases))
    cases.write_text(json.dumps({"id": "a", "source": "s", "text": "t", "label": "maybe"}) + "\n")
    with pytest.raises(InputError, match=r":1: label 'maybe' must be"):
        run("--cases", str(cases))


def test_mode_strict_also_replaces_literals_precise_leaves(tmp_path: Path) -> None:
    """precise (the default) flags likely credentials; strict also a password made of words and a random
    token with no name."""
    (tmp_path / "settings.py").write_text('DB_PASS = "Lantern-Fig"\nclient.post("/hooks/' + GITHUB[4:] + 'x9Kq")\n')
    code, out, _ = run(str(tmp_path), "--json")
    assert code == 0 and json.loads(out)["mode"] == "precise" and json.loads(out)["secrets"] == 0
    code, out, _ = run(str(tmp_path), "--json", "--mode", "strict")
    doc = json.loads(out)
    assert code == 1 and doc["mode"] == "strict"
    assert {(f["line"], f["rule"]) for f in doc["findings"]} == {(1, "password-assignment"), (2, "random-token")}


def test_unknown_mode_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(scrub_command, [str(tmp_path), "--mode", "lenient"])
    assert result.exit_code == 2 and "'lenient' is not one of 'precise', 'strict'" in result.output
