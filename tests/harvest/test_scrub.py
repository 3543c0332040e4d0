"""`scrub` itself: placeholders that keep code readable, line structure, diff hunks, pragma and
`.idiomignore`, and findings that never carry a value."""

from __future__ import annotations

import dataclasses
import random
import string
from pathlib import Path

import pytest

from harvest.errors import InputError
from harvest.scrub import PRECISE, STRICT, Allowlist, Finding, ScrubResult, load_allowlist, parse_allowlist, scrub

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"


def rnd(n: int, alphabet: str = B62, seed: int = 7) -> str:
    rng = random.Random(seed * 1000 + n)
    return "".join(rng.choice(alphabet) for _ in range(n - 2)) + "7q"


GITHUB = "gh" + "p_" + rnd(36)
STRIPE = "sk" + "_live_" + rnd(24)
KEY_LINES = [rnd(64, B64, seed=i) for i in range(5)]


def pem_block(prefix: str = "") -> str:
    lines = ["-----BEGIN RSA " + "PRIVATE KEY-----", *KEY_LINES, "-----END RSA PRIVATE KEY-----"]
    return "\n".join(prefix + line for line in lines)


def test_placeholders_replace_only_the_value() -> None:
    text = (
        f'GITHUB_TOKEN = "{GITHUB}"\n'
        f"DATABASE_URL = postgres://app:{rnd(18)}@db.internal:5432/app\n"
        f'password = "{rnd(14)}"\n'
        "author = Ada <ada" + "@" + "lovelace.dev>\n"
    )
    result = scrub(text, path="settings.py")
    assert result.text == (
        'GITHUB_TOKEN = "<SECRET:github-token>"\n'
        "DATABASE_URL = postgres://app:<PASSWORD>@db.internal:5432/app\n"
        'password = "<PASSWORD>"\n'
        "author = Ada <<EMAIL>>\n"
    )
    assert result.findings == (
        Finding("github-token", 1, "secret"),
        Finding("connection-string", 2, "secret"),
        Finding("password-assignment", 3, "secret"),
        Finding("email", 4, "pii"),
    )


def test_findings_never_hold_the_value() -> None:
    result = scrub(f"token: {GITHUB}\nkey = '{STRIPE}'\n")
    assert len(result.findings) == 2
    for finding in result.findings:
        assert set(dataclasses.asdict(finding)) == {"rule", "line", "kind"}
        assert GITHUB not in repr(finding) and STRIPE not in repr(finding)
    assert GITHUB not in result.text and STRIPE not in result.text


def test_clean_text_comes_back_unchanged() -> None:
    text = "def add(a: int, b: int) -> int:\n    return a + b  # key = value\n"
    assert scrub(text) == ScrubResult(text, ())
    assert scrub("") == ScrubResult("", ())


def test_private_key_keeps_line_count_and_later_line_numbers() -> None:
    text = "KEY = '''\n" + pem_block() + "\n'''\n" + f"token = '{GITHUB}'\n"
    result = scrub(text, path="keys.py")
    assert result.text.count("\n") == text.count("\n")
    assert result.text.splitlines()[1] == "<SECRET:private-key>"
    assert [(f.rule, f.line) for f in result.findings] == [("private-key", 2), ("github-token", 10)]
    assert not any(line in result.text for line in KEY_LINES)


def test_private_key_added_in_a_diff_hunk() -> None:
    hunk = "@@ -1,2 +1,9 @@\n import os\n" + pem_block("+") + "\n+print('done')\n"
    result = scrub(hunk, path="deploy/key.pem")
    lines = result.text.split("\n")
    assert lines[2] == "+<SECRET:private-key>"
    assert all(line == "+" for line in lines[3:9])  # every body line keeps its diff marker, nothing else
    assert lines[9] == "+print('done')"
    assert result.findings == (Finding("private-key", 3, "secret"),)


def test_private_key_removed_in_a_diff_and_truncated_key() -> None:
    removed = scrub("@@ -1,7 +0,0 @@\n" + pem_block("-"))
    assert [f.rule for f in removed.findings] == ["private-key"]
    assert not any(line in removed.text for line in KEY_LINES)
    truncated = "\n".join(pem_block().splitlines()[:4])  # no END line: cut off by a diff context limit
    result = scrub(truncated)
    assert [f.rule for f in result.findings] == ["private-key"]
    assert result.text.count("\n") == truncated.count("\n")


def test_private_key_escaped_in_json() -> None:
    text = '{"private_key": "' + pem_block().replace("\n", "\\n") + '\\n", "client_id": "1"}'
    result = scrub(text, path="sa.json")
    assert result.text == '{"private_key": "<SECRET:private-key>\\n", "client_id": "1"}'


def test_diff_hunk_assignments_are_scrubbed() -> None:
    hunk = f'@@ -3,1 +3,2 @@\n-API_KEY = ""\n+API_KEY = "{rnd(32)}"\n context\n'
    result = scrub(hunk, path="config.py")
    assert result.text == '@@ -3,1 +3,2 @@\n-API_KEY = ""\n+API_KEY = "<SECRET:generic-secret>"\n context\n'
    assert result.findings == (Finding("generic-secret", 3, "secret"),)


@pytest.mark.parametrize(
    "line",
    [
        'api_key = "EXAMPLE_KEY_VALUE"',
        'api_key = "xxxxxxxxxxxxxxxxxxxxxxxx"',
        'api_key = "<your-api-key>"',
        "token: ${{ secrets.DEPLOY_TOKEN }}",
        'API_TOKEN="${API_TOKEN}"',
        'token = "{{ vault_token }}"',
        'api_key = os.environ["API_KEY"]',
        "const token = process.env.API_TOKEN;",
        'password = "changeme"',
        'password: "password"',
        'secret = "dummy"',
        "password = ****",
        'auth_token = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
        'api_key = "abcdefghijklmnopqrstuvwxyz"',
    ],
)
def test_obvious_placeholders_are_left_alone(line: str) -> None:
    assert scrub(line, path="app.py").findings == ()


def test_unquoted_values_are_literals_in_config_and_expressions_in_code() -> None:
    value = "hunter2horse"
    assert [f.rule for f in scrub(f"password: {value}\n", path="deploy/values.yaml").findings] == ["password-assignment"]
    assert [f.rule for f in scrub(f"DB_PASSWORD={value}\n", path=".env.production").findings] == ["password-assignment"]
    assert scrub(f"password = {value}\n", path="app.py").findings == ()


def test_pragma_suppresses_its_line_only_in_precise_mode() -> None:
    text = f"a = '{STRIPE}'  # pragma: allowlist secret\nb = '{STRIPE}'\n"
    result = scrub(text, profile=PRECISE)
    assert result.findings == (Finding("stripe-key", 2, "secret"),)
    assert result.text.splitlines()[0] == f"a = '{STRIPE}'  # pragma: allowlist secret"
    # Strict mode (what is written or sent) scrubs the marked line too.
    assert [f.line for f in scrub(text, profile=STRICT).findings] == [1, 2]


def test_idiomignore_paths_and_values(tmp_path: Path) -> None:
    (tmp_path / ".idiomignore").write_text(
        "# fixtures hold published test keys\n"
        "tests/fixtures/**\n"
        "*.pem.example   # sample keys\n"
        "vendor/\n"
        "!vendor/ours.py\n"
        "\n[values]\n"
        f"{STRIPE}\n"
    )
    allowlist = load_allowlist(tmp_path)
    text = f"key = '{GITHUB}'\n"
    assert scrub(text, allowlist, path="tests/fixtures/keys.py").findings == ()
    assert scrub(text, allowlist, path="docs/server.pem.example").findings == ()
    assert scrub(text, allowlist, path="vendor/lib/x.py").findings == ()
    assert scrub(text, allowlist, path="vendor/ours.py").findings != ()
    assert scrub(text, allowlist, path="src/tests/fixtures.py").findings != ()
    published = scrub(f"STRIPE = '{STRIPE}'\nGH = '{GITHUB}'\n", allowlist, path="src/pay.py")
    assert [f.rule for f in published.findings] == ["github-token"]
    assert STRIPE in published.text


def test_missing_idiomignore_is_empty_and_bad_section_names_the_line(tmp_path: Path) -> None:
    assert load_allowlist(tmp_path) == Allowlist()
    with pytest.raises(InputError, match=r"\.idiomignore:3: unknown section \[secrets\]"):
        parse_allowlist("a/\n\n[secrets]\nx\n")


def test_windows_and_dot_slash_paths_match_globs() -> None:
    allowlist = parse_allowlist("tests/fixtures/\n")
    assert allowlist.path_allowed("tests\\fixtures\\a.py")
    assert allowlist.path_allowed("./tests/fixtures/a.py")
    assert not allowlist.path_allowed("src/tests/fixtures/a.py")


def test_commit_message_and_markdown() -> None:
    message = f"Rotate the deploy key\n\nThe old one ({GITHUB}) leaked in #42.\nCo-authored-by: Bo <bo" + "@" + "corp.io>\n"
    result = scrub(message)
    assert result.text.splitlines()[2] == "The old one (<SECRET:github-token>) leaked in #42."
    assert [f.kind for f in result.findings] == ["secret", "pii"]
    markdown = f"```bash\nexport OPENAI_API_KEY={rnd(20)}T3Blbk" + f"FJ{rnd(20)}\ncurl -u admin:{rnd(12)} https://x\n```\n"
    assert {f.rule for f in scrub(markdown, path="README.md").findings} >= {"curl-basic-auth"}


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("app.ts", f'const stripe = new Stripe("{STRIPE}");'),
        ("main.go", f'apiKey := "{rnd(32)}"'),
        ("App.java", f'private static final String API_TOKEN = "{rnd(32)}";'),
        ("settings.ini", f"[db]\npassword = {rnd(16)}"),
        ("config.json", f'{{"client_secret": "{rnd(40)}"}}'),
        ("deploy.sh", f"export AWS_SECRET_ACCESS_KEY={rnd(40, B64)}"),
        ("ci.yml", f"  api_token: {rnd(32)}"),
        ("lib.rb", f'config.api_key = "{rnd(32)}"'),
    ],
)
def test_languages_and_config_formats(path: str, line: str) -> None:
    result = scrub(line, path=path)
    assert result.findings and all(f.kind == "secret" for f in result.findings)
    assert "<SECRET:" in result.text or "<PASSWORD>" in result.text
