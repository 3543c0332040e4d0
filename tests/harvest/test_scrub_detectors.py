"""One direct test per detector, from one table: each rule finds its own format and leaves look-alikes.

Fake credentials are assembled at run time from split prefixes and seeded random bodies, so this
file itself holds no detectable secret.
"""

from __future__ import annotations

import random
import string

import pytest

from harvest.scrub import UnknownDetectorError, detectors, scrub
from harvest.scrub.rulefile import provider_detectors

DETECTORS = detectors()

UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
B62 = UPPER + LOWER + DIGITS
B64 = B62 + "+/"
URLSAFE = B62 + "-_"
HEX = "0123456789abcdef"


def rnd(n: int, alphabet: str = B62, seed: str = "") -> str:
    """A deterministic random string that mixes every class of `alphabet` it can."""
    rng = random.Random(f"{seed}{n}{alphabet}")
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(n))
        classes = [c for c in (UPPER, LOWER, DIGITS) if set(c) & set(alphabet)]
        if all(set(value) & set(c) for c in classes):
            return value


def pem(kind: str) -> str:
    lines = [rnd(64, B64, seed=str(i)) for i in range(6)]
    return f"-----BEGIN {kind}PRIVATE KEY-----\n" + "\n".join(lines) + f"\n-----END {kind}PRIVATE KEY-----\n"


# name → (texts the rule must replace, texts it must leave alone). Provider rules carry their examples in
# harvest/scrub/rules/providers.yaml (tested by test_scrub_rules.py).
CASES: dict[str, tuple[list[str], list[str]]] = {
    "private-key": ([pem("RSA "), pem("OPENSSH "), pem("")],
                    ["-----BEGIN PRIVATE KEY-----this is not a private key-----END PRIVATE KEY-----",
                     "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----"]),
    "private-key-tail": (["@@ -10,3 +10,3 @@\n " + rnd(64, B64) + "\n " + rnd(20, B64) + "==\n -----END RSA PRIVATE KEY-----\n"],
                         ["see the -----END PRIVATE KEY----- line", "x\n-----END PRIVATE KEY-----\n"]),
    "connection-string": ([f"postgres://app:{rnd(16)}@db.internal:5432/app", f"mongodb+srv://root:{rnd(12)}@cluster0/x"],
                          ["postgresql://user:user@localhost/db", "redis://:${REDIS_PASSWORD}@cache:6379", "https://host:8080/x"]),
    "auth-header": ([f'headers = {{"Authorization": "Bearer {rnd(32)}"}}', f"-H 'Authorization: Basic {rnd(24, B64)}='"],
                    ['"Authorization": f"Bearer {token}"', "Authorization: Bearer $API_KEY", "'Authorization': auth_header"]),
    "curl-basic-auth": ([f"curl -u deploy:{rnd(16)} https://ci.internal/api"],
                        ['curl -u "$USER:$PASS" https://x', "curl -u test:test https://x", "curl --user neo4j:[PASSWORD] x"]),
    "bundler-credentials": ([f"export BUNDLE_GEMS__CONTRIBSYS__COM={rnd(8, HEX)}:{rnd(8, HEX)}"], ["BUNDLE_GEMS__CONTRIBSYS__COM=${CREDS}"]),
    "xml-secret": ([f"<password>{rnd(20)}</password>", f"<master>{{{rnd(64, B64)}}}</master>"], ["<password>${env.PASS}</password>"]),
    "password-assignment": ([f'DB_PASSWORD = "{rnd(12)}!"', f"password: {rnd(10)}", f"export DB_PASSWORD={rnd(14)}"],
                            ["password = os.environ['DB_PASSWORD']", 'password: "changeme"', "def login(password: str):",
                             "CLIENT_SECRET = settings.GITHUB_API_SECRET", "passwordVariable: 'PASSWORD'"]),
    "generic-secret": ([f'api_key = "{rnd(32)}"', f'"client_token": "{rnd(24, URLSAFE)}"', f"--auth-token {rnd(30)}"],
                       ['api_key = "<your-api-key>"', "token: ${{ secrets.GITHUB_TOKEN }}", 'public_key = "' + rnd(43) + '"',
                        'key_name = "prod-key"', "primaryKey: true"]),
    "high-entropy": ([f"mimi={rnd(40, B64)}", f'"session": "{rnd(48)}"'],
                     [f'commit = "{rnd(40, HEX)}"', "config: T5Gemma2EncoderConfig", f"sum = {rnd(40)};"]),
    "random-token": ([f"curl https://hooks.internal/{rnd(40, URLSAFE)}", f"token {rnd(48, B64)}=="],
                     [f'"integrity": "sha512-{rnd(64, B64)}"', "class SomeVeryLongComponentNameForTheDesignSystem2",
                      f"This reverts commit {rnd(40, HEX)}.", "id: 9b2f4c1e-7d3a-4e8b-a5c6-1f0e2d3c4b5a", '{"kty": "RSA", "e": "AQAB", "n": "' + rnd(86, URLSAFE) + '"}',
                      '{"kty": "EC", "crv": "P-256", "x": "' + rnd(43, URLSAFE) + '", "y": "' + rnd(43, URLSAFE) + '"}', f"uses: actions/checkout@{rnd(40, HEX)}",
                      "src: 'https://images.example/photo-1497366754035-f200968a6e72?w=900'",
                      "-----BEGIN CERTIFICATE-----\n" + rnd(64, B64) + "\n-----END CERTIFICATE-----", "src/components/forms/DatePickerRangeInput2.tsx"]),
    "email": (["Reviewed-by: Grace Hopper <grace" + "@" + "hopper.dev>"], ["user@example.com", "git@github.com:org/repo.git", "@pytest.fixture"]),
    "api-key-header": ([f"curl -H 'X-API-Key: {rnd(32)}' https://api.internal/x"], ['{"X-API-Key": api_key}']),
    # Contexts (harvest/scrub/contexts.py); tests/harvest/test_scrub_contexts.py holds the full table.
    "sql-password": ([f"CREATE USER app IDENTIFIED BY '{rnd(12)}';", f"ALTER ROLE app WITH PASSWORD '{rnd(12)}';"],
                     ["CREATE USER app IDENTIFIED BY %s;", "ALTER USER app PASSWORD EXPIRE;"]),
    "mysql-password": ([f"mysql -u root -p{rnd(12)} shop"], ["mysql -u root -p shop", "mysql -P3306 -p"]),
    "command-password": ([f"sshpass -p {rnd(12)} ssh host", f"docker login -u ci -p {rnd(12)} registry"],
                         ["docker run -p 8080:80 nginx", "ssh login -p 2222 host"]),
    "htpasswd-password": ([f"htpasswd -bc .htpasswd admin {rnd(12)}"], ["htpasswd -c .htpasswd admin"]),
    "powershell-secure-string": ([f"ConvertTo-SecureString '{rnd(12)}' -AsPlainText -Force"],
                                 ["ConvertTo-SecureString $plain -AsPlainText -Force"]),
    "connection-password": ([f"Server=db;User Id=sa;Password={rnd(12)};"], ["connect(host=h, password=getpass())"]),
    "dockerfile-env": ([f"ENV DB_PASSWORD {rnd(12)}"], ["ENV LANG C.UTF-8"]),
    "k8s-env-value": ([f"- name: DB_PASSWORD\n  value: {rnd(12)}"], ["- name: LOG_LEVEL\n  value: info"]),
    "k8s-secret-data": ([f"kind: Secret\nstringData:\n  relay: {rnd(32)}\n"], ["kind: ConfigMap\ndata:\n  level: info\n"]),
    "jwk-private-key": ([f'{{"kty": "EC", "d": "{rnd(43, URLSAFE)}"}}'], [f'{{"kty": "EC", "x": "{rnd(43, URLSAFE)}"}}']),
    "netrc-password": ([f"machine h login u password {rnd(12)}"], ["the machine password is set by default"]),
    "pgpass-password": ([f"db:5432:shop:app:{rnd(12)}"], ["localhost:5432:*:postgres:postgres"]),
    "xml-setting": ([f'<add key="ApiKey" value="{rnd(32)}" />'], ['<add key="TokenLifetime" value="3600" />']),
    "labelled-secret": ([f"Password - {rnd(12)}"], ["Password - see the team vault"]),
    "credential-setter": ([f'ds.setPassword("{rnd(12)}");', f'.apiKey("{rnd(32)}")'],
                          ['hash_password("hunter22")', 'vault.get_secret("db-password")', "ds.setPassword(pw);"]),
    "credential-constructor": ([f'new NetworkCredential("svc", "{rnd(12)}")'], ['new NetworkCredential("svc", pw)']),
}


def _rules(text: str, path: str = "app.py") -> set[str]:
    return {f.rule for f in scrub(text, path=path).findings}


def test_every_detector_is_documented_and_tested() -> None:
    """Registry = rule file + this table, and every rule has a docstring, a keyword and a placeholder."""
    from_file = {d.name for d in provider_detectors()}
    assert not from_file & set(CASES), from_file & set(CASES)
    assert set(CASES) | from_file == set(DETECTORS), (set(CASES) | from_file) ^ set(DETECTORS)
    for name, detector in DETECTORS.items():
        assert detector.doc, name
        assert detector.keywords or detector.strict_only, f"{name} needs keywords (only strict-only rules run ungated)"
        assert all(k == k.lower() for k in detector.keywords), name
        assert name == name.lower() and " " not in name and "_" not in name, name
        assert name in from_file or CASES[name][0], f"{name} has no positive case"


def test_unknown_detector_lists_valid_names() -> None:
    with pytest.raises(UnknownDetectorError, match=r"valid names: .*github-token"):
        DETECTORS["no-such-rule"]


@pytest.mark.parametrize(("name", "text"), [(n, t) for n, (pos, _) in CASES.items() for t in pos])
def test_detector_finds_its_format(name: str, text: str) -> None:
    """The rule fires on its own (direct call) and wins the span in `scrub`, which removes the value."""
    detector = DETECTORS[name]
    assert list(detector.spans(text, text.lower(), "app.py")), f"{name} missed its case"
    result = scrub(text, path="app.py")
    assert name in {f.rule for f in result.findings}
    placeholder = detector.placeholder
    assert placeholder in result.text


@pytest.mark.parametrize(("name", "text"), [(n, t) for n, (_, neg) in CASES.items() for t in neg])
def test_detector_leaves_lookalikes(name: str, text: str) -> None:
    assert not list(DETECTORS[name].spans(text, text.lower(), "app.py")), f"{name} fired on a look-alike"


def test_provider_rule_beats_generic_rules_on_the_same_span() -> None:
    token = "gh" + "p_" + rnd(36)
    result = scrub(f'GITHUB_TOKEN = "{token}"\n')
    assert [f.rule for f in result.findings] == ["github-token"]
    assert result.text == 'GITHUB_TOKEN = "<SECRET:github-token>"\n'


def test_generic_rule_catches_an_unlisted_provider() -> None:
    assert _rules(f'ACME_API_KEY = "acme_live_{rnd(32)}"') == {"generic-secret"}
    assert _rules(f"export WIDGETS_TOKEN={rnd(40, URLSAFE)}", path=".env") == {"generic-secret"}
