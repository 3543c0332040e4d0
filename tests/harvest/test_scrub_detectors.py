"""One direct test per detector, from one table: each rule finds its own format and leaves look-alikes.

Fake credentials are assembled at run time from split prefixes and seeded random bodies, so this
file itself holds no detectable secret.
"""

from __future__ import annotations

import base64
import json
import random
import string

import pytest

from harvest.scrub import DETECTORS, UnknownDetectorError, scrub

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


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def pem(kind: str) -> str:
    lines = [rnd(64, B64, seed=str(i)) for i in range(6)]
    return f"-----BEGIN {kind}PRIVATE KEY-----\n" + "\n".join(lines) + f"\n-----END {kind}PRIVATE KEY-----\n"


JWT = b64url({"alg": "HS256", "typ": "JWT"}) + "." + b64url({"sub": "1234", "name": "Ada"}) + "." + rnd(43, URLSAFE)

# name → (texts the rule must replace, texts it must leave alone)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "aws-access-key": ([f'aws_access_key_id = "{"AK" + "IA" + rnd(16, UPPER + DIGITS)}"', "AS" + "IA" + rnd(16, UPPER + DIGITS)],
                       ["key = AKIA" + "X" * 16, "TODAYINASIAASACKOFRICEFELLOVER"]),
    "aws-secret-key": ([f"aws_secret_access_key = {rnd(40, B64)}", f'"SecretAccessKey": "{rnd(40, B64)}"'],
                       [f'aws_secret_access_key = "{"wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY"}"']),
    "gcp-api-key": (["const key = 'AI" + "zaSy" + rnd(33, URLSAFE) + "';"], ["AIza" + "a" * 35]),
    "gcp-service-account": ([f'"private_key_id": "{rnd(40, HEX)}",'], ['"private_key_id": "",']),
    "azure-storage-key": ([f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={rnd(86, B64)}==;"],
                          ["AccountKey=${AZURE_KEY}"]),
    "azure-ad-client-secret": ([f"client_secret={rnd(3)}8Q~{rnd(34, B62 + '~._-')}"], ["~" * 40]),
    "github-token": (["token: gh" + "p_" + rnd(36), "github_" + "pat_" + rnd(22) + "_" + rnd(59)],
                     ["ghp_" + "x" * 36, "foo_" + rnd(36)]),
    "gitlab-token": (["glp" + "at-" + rnd(20, URLSAFE), "glpt" + "t-" + rnd(40, HEX)],
                     ["glpat-hello world", "glptt-" + rnd(44, HEX)]),
    "gitlab-runner-token": (["GR134" + "8941" + rnd(20, URLSAFE)], ["GR1348941" + "12" * 10]),
    "slack-token": ([f"xo{'xb'}-{rnd(12, DIGITS)}-{rnd(13, DIGITS)}-{rnd(24)}", f"xa{'pp'}-1-A{rnd(10, UPPER + DIGITS)}-{rnd(13, DIGITS)}-{rnd(64, HEX)}"],
                    ["xoxb-xxx", "xoxp-1234-1234-1234-" + rnd(32, HEX)]),
    "slack-webhook": ([f"https://hooks.slack.com/services/T{rnd(8, UPPER + DIGITS)}/B{rnd(8, UPPER + DIGITS)}/{rnd(24)}"],
                      ["https://hooks.slack.com/services/Txxxxxxxx/Bxxxxxxxx/" + "x" * 24]),
    "stripe-key": (["sk" + "_live_" + rnd(24), "rk" + "_test_" + rnd(99)], ["pk_live_" + rnd(24)]),
    "stripe-webhook-secret": (["wh" + "sec_" + rnd(32)], ["whsec_" + "x" * 32]),
    "twilio-key": ([f'TWILIO_ACCOUNT_SID = "AC{rnd(32, HEX)}"'], ["AC" + rnd(32, HEX)]),
    "sendgrid-key": (["SG." + rnd(22, URLSAFE) + "." + rnd(43, URLSAFE)], ["AG." + rnd(22) + "." + rnd(43)]),
    "mailchimp-key": ([rnd(32, HEX) + "-us" + "12"], [rnd(32, HEX) + "-2"]),
    "mailgun-key": (["ke" + "y-" + rnd(32, HEX)], ["key-" + "0" * 32]),
    "npm-token": (["//registry.npmjs.org/:_authToken=np" + "m_" + rnd(36)], ["npm_" + "x" * 36]),
    "pypi-token": (["pypi-" + "AgE" + rnd(160, URLSAFE)], ["pypi-AgE" + rnd(60, URLSAFE)]),
    "openai-key": (["sk-" + "proj-" + rnd(48, URLSAFE) + "T3Blbk" + "FJ" + rnd(48, URLSAFE)], ["sk-proj-" + rnd(48)]),
    "anthropic-key": (["sk-" + "ant-api03-" + rnd(93, URLSAFE) + "AA"], ["sk-ant-api03-" + rnd(60, URLSAFE) + "AA"]),
    "discord-bot-token": ([f"{rnd(24)}.{rnd(6)}.{rnd(27, URLSAFE)}"], [f"{rnd(23)}.{rnd(5)}.{rnd(27)}"]),
    "telegram-bot-token": ([f"{rnd(10, DIGITS)}:AA{rnd(33, URLSAFE)}"], [f"bot{rnd(9, DIGITS)}:AA{rnd(33, URLSAFE)}"]),
    "shopify-token": (["shp" + "at_" + rnd(32, HEX)], ["shpat_" + "0" * 32]),
    "square-token": (["sq0" + "csp-" + rnd(43, URLSAFE)], ["sq0csp-" + "x" * 43]),
    "square-access-token": (["EA" + "AA" + rnd(60, URLSAFE)], ["EAAA" + "X" * 60]),
    "heroku-api-key": (["HR" + "KU-" + rnd(60, URLSAFE)], ["HRKU-" + "a" * 60]),
    "digitalocean-token": (["dop" + "_v1_" + rnd(64, HEX)], ["dop_v1_" + "0" * 64]),
    "atlassian-token": (["ATATT" + "3" + rnd(180, URLSAFE)], ["ATATT3" + "x" * 180]),
    "age-secret-key": (["AGE-SECRET-" + "KEY-1" + rnd(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")], ["AGE-SECRET-KEY-1" + "Q" * 58]),
    "1password-service-token": (["ops" + "_eyJ" + rnd(140, B64)], ["ops_eyJ" + "A" * 140]),
    "1password-secret-key": (["A3-" + "-".join(rnd(n, UPPER + DIGITS, seed=str(n)) for n in (6, 6, 5, 5, 5, 5))],
                             ["A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX"]),
    "vault-token": (["hv" + "s." + rnd(90, URLSAFE)], ["hvs." + "x" * 90]),
    "vault-legacy-token": (["VAULT_TOKEN=s." + rnd(24)], ["s.AcceptanceTimeoutSeconds", "s.THISSTRINGISALLUPPERCASE"]),
    "huggingface-token": (["huggingface-cli login --token hf" + "_" + rnd(34, UPPER + LOWER)], ["rhf_" + rnd(34, UPPER + LOWER)]),
    "huggingface-org-token": (["api_" + "org_" + rnd(34, UPPER + LOWER)], ["api_org_controller = require('x')"]),
    "databricks-token": (["da" + "pi" + rnd(32, HEX)], ["dapi" + "f" * 32]),
    "openshift-token": (["oc login --token=sha256" + "~" + rnd(43, URLSAFE)], ["sha256~" + "X" * 43]),
    "scalingo-token": (["tk-" + "us-" + rnd(48, URLSAFE)], ["tk-us-" + "x" * 48]),
    "sentry-token": (["sntry" + "s_" + rnd(90, B64)], ["sntrys_"]),
    "intra42-secret": (["s-s4t2" + "ud-" + rnd(64, HEX)], ["s-s4t2ud-" + "0" * 64]),
    "cloudflare-origin-ca-key": (["v1.0-" + rnd(24, HEX) + "-" + rnd(146, HEX)], ["v1.0-" + rnd(24, HEX)]),
    "google-oauth-secret": (["GOCSPX" + "-" + rnd(28, URLSAFE)], ["GOCSPX-" + "x" * 28]),
    "grafana-token": (["gl" + "c_" + rnd(60, B64)], ['API_KEY="glc_' + "1" * 40 + '="']),
    "prefect-token": (["pn" + "u_" + rnd(36)], ["pnu_" + "X" * 36]),
    "readme-token": (["rd" + "me_" + rnd(70, LOWER + DIGITS)], ["rdme_" + "x" * 70]),
    "perplexity-key": (["pp" + "lx-" + rnd(48)], ["pplx-" + "x" * 48]),
    "postman-key": (["PM" + "AK-" + rnd(24, HEX) + "-" + rnd(34, HEX)], ["PMAK-" + "0" * 24 + "-" + "0" * 34]),
    "docker-hub-token": (["dckr" + "_pat_" + rnd(27, URLSAFE)], ["dckr_pat_" + "x" * 27]),
    "linear-key": (["lin" + "_api_" + rnd(40)], ["lin_api_" + "x" * 40]),
    "doppler-token": (["dp." + "pt." + rnd(43)], ["dp.pt." + "x" * 43]),
    "artifactory-key": (["X-JFrog-Art-Api: AK" + "C" + rnd(70)], ["AKC" + "x" * 70]),
    "artifactory-reference-token": (["cmVm" + "d" + rnd(59)], ["cmVmd" + "X" * 59]),
    "flyio-token": (["fo" + "1_" + rnd(43, URLSAFE)], ["fo1_" + "x" * 43]),
    "sourcegraph-token": (["sg" + "p_" + rnd(40, HEX + "ABCDEF")], ["sgp_" + "5" * 40]),
    "sonar-prefixed-token": (["sq" + "u_" + rnd(40, HEX)], ["squ_" + "0" * 40]),
    "sonar-token": ([f'sonar.login={rnd(40, HEX)}'], ["sonar.login=${SONAR_TOKEN}"]),
    "notion-token": (["nt" + "n_" + rnd(11, DIGITS) + rnd(35)], ["ntn_" + "1" * 46]),
    "octopus-deploy-key": (["API-" + rnd(26, UPPER + DIGITS)], ["API-" + "X" * 26]),
    "sumologic-access-id": ([f'sumologic.accessId = "su{rnd(12)}"'], ["sumObj = su" + rnd(12)]),
    "softlayer-key": ([f"http://api.softlayer.com/soap/v3/{rnd(64, LOWER + DIGITS)}"], ["http://api.softlayer.com/soap/v3/"]),
    "aws-bedrock-key": (["ABSKQmVkcm9" + "ja0FQSUtleS" + rnd(120, B64)], ["ABSKQmVkcm9ja0FQSUtleS1EXAMPLE"]),
    "facebook-token": (["EA" + "A" + rnd(150)], ["eaaa" + rnd(60, HEX)]),
    "facebook-app-token": ([rnd(15, DIGITS) + "|" + rnd(27, URLSAFE)], ["| " + rnd(27) + " |"]),
    "terraform-cloud-token": ([rnd(14, LOWER + DIGITS) + ".atlas" + "v1." + rnd(67, URLSAFE)], ["x" * 14 + ".atlasv1." + "x" * 67]),
    "jwt": ([f'Authorization: Bearer {JWT}', JWT.rsplit(".", 1)[0]], ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9x", "keyJob.start()"]),
    "private-key": ([pem("RSA "), pem("OPENSSH "), pem("")],
                    ["-----BEGIN PRIVATE KEY-----this is not a private key-----END PRIVATE KEY-----",
                     "-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----"]),
    "connection-string": ([f"postgres://app:{rnd(16)}@db.internal:5432/app", f"mongodb+srv://root:{rnd(12)}@cluster0/x"],
                          ["postgresql://user:user@localhost/db", "redis://:${REDIS_PASSWORD}@cache:6379", "https://host:8080/x"]),
    "auth-header": ([f'headers = {{"Authorization": "Bearer {rnd(32)}"}}', f"-H 'Authorization: Basic {rnd(24, B64)}='"],
                    ['"Authorization": f"Bearer {token}"', "Authorization: Bearer $API_KEY", "'Authorization': auth_header"]),
    "curl-basic-auth": ([f"curl -u deploy:{rnd(16)} https://ci.internal/api"],
                        ['curl -u "$USER:$PASS" https://x', "curl -u test:test https://x", "curl --user neo4j:[PASSWORD] x"]),
    "bundler-credentials": ([f"export BUNDLE_GEMS__CONTRIBSYS__COM={rnd(8, HEX)}:{rnd(8, HEX)}"], ["BUNDLE_GEMS__CONTRIBSYS__COM=${CREDS}"]),
    "xml-secret": ([f"<password>{rnd(20)}</password>", f"<master>{{{rnd(64, B64)}}}</master>"], ["<password>${env.PASS}</password>"]),
    "password-assignment": ([f'DB_PASSWORD = "{rnd(12)}!"', f"password: {rnd(10)}", f"export PGPASSWORD={rnd(14)}"],
                            ["password = os.environ['DB_PASSWORD']", 'password: "changeme"', "def login(password: str):",
                             "CLIENT_SECRET = settings.GITHUB_API_SECRET", "passwordVariable: 'PASSWORD'"]),
    "generic-secret": ([f'api_key = "{rnd(32)}"', f'"client_token": "{rnd(24, URLSAFE)}"', f"--auth-token {rnd(30)}"],
                       ['api_key = "<your-api-key>"', "token: ${{ secrets.GITHUB_TOKEN }}", 'public_key = "' + rnd(43) + '"',
                        'key_name = "prod-key"', "primaryKey: true"]),
    "high-entropy": ([f"mimi={rnd(40, B64)}", f'"session": "{rnd(48)}"'],
                     [f'commit = "{rnd(40, HEX)}"', "config: T5Gemma2EncoderConfig", f"sum = {rnd(40)};"]),
    "email": (["Reviewed-by: Grace Hopper <grace" + "@" + "hopper.dev>"], ["user@example.com", "git@github.com:org/repo.git", "@pytest.fixture"]),
}


def _rules(text: str, path: str = "app.py") -> set[str]:
    return {f.rule for f in scrub(text, path=path).findings}


def test_every_detector_is_documented_and_tested() -> None:
    """The registry and the table agree, and every rule has a docstring, a keyword and a placeholder."""
    assert set(CASES) == set(DETECTORS), set(CASES) ^ set(DETECTORS)
    for name, detector in DETECTORS.items():
        assert detector.doc, name
        assert detector.keywords and all(k == k.lower() for k in detector.keywords), name
        assert name == name.lower() and " " not in name and "_" not in name, name
        assert CASES[name][0], f"{name} has no positive case"


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
