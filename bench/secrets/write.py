"""Write the labelled set bench/secrets/written/{dev,held-back}.jsonl that the scrubber benchmark reads.

    .venv/bin/python -m bench.secrets.write          # regenerate both files (deterministic)

Every case is a realistic file snippet written here from public facts: provider tokens shaped as the
providers document them (`tokens.py`, doc page in each case's `doc` field) placed in config files, and
credentials in the contexts issue 16 lists (unquoted YAML, SQL `IDENTIFIED BY`, `-p`/`--password`,
`curl -u`, URL userinfo, headers, .env/INI/TOML/properties/XML, Docker/k8s env, PowerShell, JWK), beside as
many realistic negatives (identifiers, templates, digests, UUIDs, placeholders, lock-file integrity).
Random parts come from one seeded RNG; a seeded hash of each case id puts ~30% of the cases in
`held-back`, which the benchmark reads only with `--final`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import string
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from bench.secrets.tokens import (
    BASE62,
    BASE64,
    SHAPES,
    URLSAFE,
    TokenShape,
    mapbox_body,
    pick,
)

SEED = 16
SOURCE = "idiomatic/written"
OUT = Path(__file__).resolve().parent / "written"
HELD_BACK_SHARE = 30  # percent
_WORDS = ["river", "maple", "falcon", "copper", "summer", "winter", "orange", "harbor", "silver", "tiger"]
_URL_SAFE_PW = BASE62 + "-_."
_PW = BASE62 + "!#%*-_.+"

Snippet = tuple[str, str]  # (path, text)


def password(rng: random.Random, alphabet: str = _PW) -> str:
    """A password as people set them: random characters, or a capitalised word, digits and a symbol."""
    if rng.random() < 0.6:
        return pick(rng, alphabet, rng.randint(8, 16))
    symbol = rng.choice("!#%*.") if alphabet == _PW else rng.choice("-_.")
    return rng.choice(_WORDS).capitalize() + str(rng.randint(10, 9999)) + symbol


def _b64url(rng: random.Random, n_bytes: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(n_bytes)).rstrip(b"=").decode()


# --- credentials in contexts: (rng) -> (path, text, secret) -----------------------------------------

def _yaml_unquoted(r):
    pw = password(r)
    return "config/database.yml", f"production:\n  adapter: postgresql\n  host: db.internal\n  username: app\n  password: {pw}\n  pool: 5\n", pw


def _sql_identified_by(r):
    pw = password(r)
    return "db/init.sql", f"CREATE USER 'report'@'%' IDENTIFIED BY '{pw}';\nGRANT SELECT ON shop.* TO 'report'@'%';\n", pw


def _sql_alter_user(r):
    pw = password(r)
    return "migrations/0007_roles.sql", f"ALTER USER app_rw WITH PASSWORD '{pw}';\nGRANT ALL ON SCHEMA app TO app_rw;\n", pw


def _mysql_p(r):
    pw = pick(r, BASE62, r.randint(8, 14))
    return "scripts/restore.sh", f"#!/bin/sh\nset -e\nmysql -h db -u root -p{pw} shop < /backup/shop.sql\n", pw


def _password_flag(r):
    pw = password(r, _URL_SAFE_PW)
    return "ci/deploy.sh", f"docker login registry.internal --username deploy --password {pw}\ndocker push registry.internal/app:latest\n", pw


def _token_flag(r):
    tok = pick(r, BASE62, 40)
    return "Makefile", f"publish:\n\tcloudctl deploy --project shop --token {tok} --region eu-west-1\n", tok


def _curl_u(r):
    pw = password(r, _URL_SAFE_PW)
    return "docs/api.md", f"Fetch the report:\n\n    curl -u admin:{pw} https://reports.internal/api/v1/daily\n", pw


def _url_userinfo(r):
    pw = password(r, _URL_SAFE_PW)
    return "settings/local.py", f'DATABASE_URL = "postgresql://shop:{pw}@db.internal:5432/shop"\n', pw


def _git_remote_token(r):
    tok = pick(r, BASE62, 40)
    return "scripts/mirror.sh", f"git clone https://ci-bot:{tok}@git.internal/platform/tools.git\n", tok


def _bearer_header(r):
    tok = _b64url(r, 32)
    return "requests/orders.http", f"GET https://api.internal/orders\nAuthorization: Bearer {tok}\nAccept: application/json\n", tok


def _api_key_header(r):
    tok = pick(r, BASE62, 32)
    return "scripts/smoke.sh", f"curl -s -H 'X-API-Key: {tok}' https://api.internal/health\n", tok


def _dotenv(r):
    pw = password(r)
    return ".env", f"APP_ENV=production\nDB_HOST=db.internal\nDB_PASSWORD={pw}\nLOG_LEVEL=info\n", pw


def _ini(r):
    pw = password(r)
    return "conf/app.ini", f"[database]\nhost = db.internal\nuser = app\npassword = {pw}\n\n[cache]\nttl = 300\n", pw


def _toml(r):
    tok = pick(r, BASE62, 32)
    return "config.toml", f'[service]\nname = "billing"\napi_secret = "{tok}"\ntimeout = 30\n', tok


def _properties(r):
    pw = password(r)
    return "src/main/resources/application.properties", (
        f"spring.datasource.url=jdbc:postgresql://db:5432/shop\nspring.datasource.username=shop\n"
        f"spring.datasource.password={pw}\n"), pw


def _xml_element(r):
    pw = password(r)
    return "conf/server.xml", f"<datasource>\n  <user>app</user>\n  <password>{pw}</password>\n</datasource>\n", pw


def _xml_attribute(r):
    tok = pick(r, BASE62, 32)
    return "Web.config", f'<appSettings>\n  <add key="PaymentApiKey" value="{tok}" />\n</appSettings>\n', tok


def _xml_escaped(r):
    # Issue 16's leak: an API key whose value holds `&amp;` in an XML/HTML-escaped file.
    raw = pick(r, BASE62, 12) + "&amp;" + pick(r, BASE62, 14)
    return "conf/settings.xml", f'<setting name="API_KEY" value="{raw}" />\n', raw


def _compose_env(r):
    pw = password(r)
    return "docker-compose.yml", (
        f"services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: shop\n"
        f"      POSTGRES_PASSWORD: {pw}\n"), pw


def _compose_list(r):
    pw = password(r)
    return "docker-compose.yml", f"services:\n  mysql:\n    image: mysql:8\n    environment:\n      - MYSQL_ROOT_PASSWORD={pw}\n", pw


def _k8s_env(r):
    tok = pick(r, BASE62, 40)
    return "k8s/deployment.yaml", (
        f"        env:\n          - name: LOG_LEVEL\n            value: info\n          - name: API_TOKEN\n"
        f'            value: "{tok}"\n'), tok


def _dockerfile_env(r):
    pw = password(r)
    return "Dockerfile", f"FROM python:3.12-slim\nENV ADMIN_PASSWORD={pw}\nCOPY . /app\n", pw


def _powershell(r):
    pw = password(r)
    return "deploy/Install.ps1", (
        f'$secure = ConvertTo-SecureString -String "{pw}" -AsPlainText -Force\n'
        "$cred = New-Object System.Management.Automation.PSCredential ('svc_deploy', $secure)\n"), pw


def _jwk_private(r):
    d = _b64url(r, 32)
    x, y = _b64url(r, 32), _b64url(r, 32)
    text = json.dumps({"kty": "EC", "crv": "P-256", "x": x, "y": y, "d": d, "use": "sig"}, indent=2)
    return "keys/signing.jwk", text + "\n", d


def _activation_key(r):
    key = "-".join(pick(r, string.ascii_uppercase + string.digits, 5) for _ in range(5))
    return "INSTALL.txt", f"Product: Studio Pro\nActivation key : {key}\n", key


def _secret_key_label(r):
    key = pick(r, BASE62, 40)
    return "notes/keys.txt", f"Staging account\nSECRET KEY:{key}\n", key


def _go_walrus(r):
    tok = pick(r, BASE62, 32)
    return "cmd/sync/main.go", f'func main() {{\n\tapiKey := "{tok}"\n\tclient := sync.New(apiKey)\n\tclient.Run()\n}}\n', tok


def _php_arrow(r):
    pw = password(r)
    return "config/database.php", f"return [\n    'host' => 'db.internal',\n    'password' => '{pw}',\n];\n", pw


def _netrc(r):
    pw = password(r)
    return ".netrc", f"machine api.internal\n  login deploy\n  password {pw}\n", pw


def _jdbc_query(r):
    pw = password(r, _URL_SAFE_PW)
    return "conf/jdbc.properties", f"url=jdbc:mysql://db:3306/shop?user=shop&password={pw}&useSSL=true\n", pw


def _api_key_b64(r):
    # Issue 16's other leak: a 60-character base64 value assigned to API_KEY.
    val = pick(r, BASE64, 60)
    return "app/settings.py", f'API_KEY = "{val}"\n', val


def _short_unquoted(r):
    pw = pick(r, BASE62 + "!", 8)
    return "ansible/group_vars/db.yml", f"db_user: app\npassword:{pw}\n", pw


CONTEXTS: tuple[Callable[[random.Random], tuple[str, str, str]], ...] = (
    _yaml_unquoted, _sql_identified_by, _sql_alter_user, _mysql_p, _password_flag, _token_flag, _curl_u,
    _url_userinfo, _git_remote_token, _bearer_header, _api_key_header, _dotenv, _ini, _toml, _properties,
    _xml_element, _xml_attribute, _xml_escaped, _compose_env, _compose_list, _k8s_env, _dockerfile_env,
    _powershell, _jwk_private, _activation_key, _secret_key_label, _go_walrus, _php_arrow, _netrc, _jdbc_query,
    _api_key_b64, _short_unquoted,
)

# --- provider tokens placed in files a project keeps them in ---------------------------------------

def _token_in_file(rng: random.Random, shape: TokenShape, token: str) -> Snippet:
    """A file holding `token`: mostly under its usual variable name, sometimes with no name at all
    (a positional argument, a command line), where only the token's own shape can give it away."""
    name = shape.env
    return rng.choice((
        (".env.production", f"NODE_ENV=production\n{name}={token}\n"),
        ("config/secrets.yml", f"production:\n  {name.lower()}: {token}\n"),
        ("settings.py", f'{name} = "{token}"\n'),
        ("deploy/values.json", json.dumps({"env": {name: token}}, indent=2) + "\n"),
        ("k8s/secret.yaml", f"apiVersion: v1\nkind: Secret\nstringData:\n  {name}: \"{token}\"\n"),
        ("README.md", f"Run the job with\n\n    export {name}={token}\n    ./run.sh\n"),
        ("src/client.ts", f'const client = new Client({{ token: "{token}" }});\n'),
        ("scripts/bootstrap.py", f'client = Client("{token}", timeout=30)\n'),
        ("docs/setup.md", f"Log in once:\n\n    tool auth login {token}\n"),
    ))


# --- negatives: (rng) -> (path, text) ----------------------------------------------------------------

def _neg_form_field(r):
    return "app/views.py", 'password = request.form["password"]\nuser = authenticate(name, password)\n'


def _neg_getenv(r):
    return "app/config.py", 'API_KEY = os.environ["API_KEY"]\nSECRET_KEY = os.getenv("SECRET_KEY", "")\n'


def _neg_yaml_template(r):
    return "ansible/db.yml", "db_password: \"{{ vault_db_password }}\"\napi_token: \"{{ lookup('env', 'API_TOKEN') }}\"\n"


def _neg_compose_var(r):
    return "docker-compose.yml", "    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      API_KEY: ${API_KEY:?set it}\n"


def _neg_k8s_secret_ref(r):
    return "k8s/deployment.yaml", ("        env:\n          - name: API_TOKEN\n            valueFrom:\n"
                                   "              secretKeyRef:\n                name: api\n                key: token\n")


def _neg_git_sha(r):
    return "deps.lock", f"commit: {r.randbytes(20).hex()}\nref: refs/heads/main\n"


def _neg_docker_digest(r):
    return "Dockerfile", f"FROM python:3.12-slim@sha256:{r.randbytes(32).hex()}\nRUN pip install -r requirements.txt\n"


def _neg_uuid(r):
    return "fixtures/users.json", json.dumps({"id": str(uuid.UUID(bytes=r.randbytes(16), version=4)), "name": "Ada"}) + "\n"


def _neg_uuid_key(r):
    return "tests/fixtures/tenant.yml", f"tenant_id: {uuid.UUID(bytes=r.randbytes(16), version=4)}\nregion: eu\n"


def _neg_placeholder(r):
    return "config/example.env", r.choice((
        "API_KEY=<your-api-key>\nDB_PASSWORD=changeme\n",
        "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx\n",
        "password: YOUR_PASSWORD_HERE\ntoken: REPLACE_ME\n",
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
    ))


def _neg_npm_integrity(r):
    blob = base64.b64encode(r.randbytes(64)).decode()
    return "package-lock.json", (
        '    "node_modules/left-pad": {\n      "version": "1.3.0",\n'
        f'      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",\n      "integrity": "sha512-{blob}"\n    }}\n')


def _neg_yarn_integrity(r):
    blob = base64.b64encode(r.randbytes(64)).decode()
    return "yarn.lock", f'lodash@^4.17.21:\n  version "4.17.21"\n  integrity sha512-{blob}\n'


def _neg_poetry_hash(r):
    return "poetry.lock", f'files = [\n    {{file = "idna-3.7.tar.gz", hash = "sha256:{r.randbytes(32).hex()}"}},\n]\n'


def _neg_cargo_checksum(r):
    return "Cargo.lock", f'[[package]]\nname = "serde"\nversion = "1.0.203"\nchecksum = "{r.randbytes(32).hex()}"\n'


def _neg_go_sum(r):
    return "go.sum", f"golang.org/x/text v0.14.0 h1:{base64.b64encode(r.randbytes(32)).decode()}\n"


def _neg_sri(r):
    return "templates/base.html", (f'<script src="/static/app.js" integrity="sha384-{base64.b64encode(r.randbytes(48)).decode()}"'
                                   ' crossorigin="anonymous"></script>\n')


def _neg_identifiers(r):
    return "src/auth/tokens.ts", ("const tokenRefreshInterval = TOKEN_REFRESH_INTERVAL_MS;\n"
                                  "const passwordResetUrl = buildPasswordResetUrl(user.id);\n")


def _neg_config_numbers(r):
    return "config/auth.yml", "password_min_length: 12\npassword_reset_path: /account/reset\ntoken_ttl_seconds: 3600\n"


def _neg_port_flag(r):
    return "scripts/dev.sh", f"docker run --rm -p {r.randint(3000, 9000)}:80 -v $PWD:/app nginx:1.27\n"


def _neg_mysql_prompt(r):
    return "docs/db.md", "Connect and type the password when asked:\n\n    mysql -h db -u root -p shop\n"


def _neg_curl_vars(r):
    return "scripts/report.sh", 'curl -u "$REPORT_USER:$REPORT_PASSWORD" https://reports.internal/api/v1/daily\n'


def _neg_bearer_var(r):
    return "requests/orders.http", "GET https://api.internal/orders\nAuthorization: Bearer {{token}}\n"


def _neg_read_host(r):
    return "deploy/Install.ps1", '$secure = Read-Host -Prompt "Password" -AsSecureString\n'


def _neg_jwk_public(r):
    text = json.dumps({"kty": "EC", "crv": "P-256", "x": _b64url(r, 32), "y": _b64url(r, 32), "use": "sig"}, indent=2)
    return "keys/signing.pub.jwk", text + "\n"


def _neg_stripe_publishable(r):
    # Stripe documents publishable keys as safe to expose in client code (https://docs.stripe.com/keys).
    return "web/checkout.js", f'const stripe = Stripe("pk_live_{pick(r, BASE62, 99)}");\n'


def _neg_mapbox_public(r):
    # Mapbox documents `pk.` tokens as public, meant for client code (https://docs.mapbox.com/accounts/guides/tokens/).
    return "web/map.js", f'mapboxgl.accessToken = "pk.{mapbox_body(r)}";\n'


def _neg_posthog_project_key(r):
    # PostHog's project API key is public: it ships in the web snippet (https://posthog.com/docs/api).
    return "web/analytics.js", f'posthog.init("phc_{pick(r, BASE62, 43)}", {{ api_host: "https://eu.i.posthog.com" }});\n'


def _neg_webpack_asset(r):
    return "dist/manifest.json", json.dumps({"main.js": f"main.{r.randbytes(10).hex()}.js"}) + "\n"


def _neg_css_module(r):
    return "dist/styles.css", f".Button_primary__{pick(r, URLSAFE, 5)} {{ color: #{r.randbytes(3).hex()}; }}\n"


def _neg_data_uri(r):
    return "web/icons.css", f".icon {{ background: url(data:image/png;base64,{base64.b64encode(r.randbytes(48)).decode()}); }}\n"


def _neg_migration_id(r):
    return "alembic/versions/a1.py", f'revision = "{r.randbytes(6).hex()}"\ndown_revision = "{r.randbytes(6).hex()}"\n'


def _neg_password_prose(r):
    return "docs/security.md", "Passwords are hashed with argon2. A token expires after one hour; the key is rotated monthly.\n"


def _neg_secret_name_only(r):
    return "k8s/kustomization.yaml", "secretGenerator:\n  - name: api-credentials\n    envs:\n      - secrets.env\n"


def _neg_hash_assign(r):
    return "tests/test_hashing.py", f'EXPECTED_SHA256 = "{hashlib.sha256(r.randbytes(8)).hexdigest()}"\n'


def _neg_long_identifier(r):
    return "src/registry.py", "handler = registry.getAuthenticationTokenProviderFactoryForTenant(tenant)\n"


NEGATIVES: tuple[Callable[[random.Random], Snippet], ...] = (
    _neg_form_field, _neg_getenv, _neg_yaml_template, _neg_compose_var, _neg_k8s_secret_ref, _neg_git_sha,
    _neg_docker_digest, _neg_uuid, _neg_uuid_key, _neg_placeholder, _neg_npm_integrity, _neg_yarn_integrity,
    _neg_poetry_hash, _neg_cargo_checksum, _neg_go_sum, _neg_sri, _neg_identifiers, _neg_config_numbers,
    _neg_port_flag, _neg_mysql_prompt, _neg_curl_vars, _neg_bearer_var, _neg_read_host, _neg_jwk_public,
    _neg_stripe_publishable, _neg_mapbox_public, _neg_posthog_project_key, _neg_webpack_asset, _neg_css_module, _neg_data_uri, _neg_migration_id,
    _neg_password_prose, _neg_secret_name_only, _neg_hash_assign, _neg_long_identifier,
)
PER_CONTEXT, PER_SHAPE, PER_NEGATIVE = 4, 2, 6


def _case(case_id: str, label: str, path: str, text: str, secret: str = "",
          shape: TokenShape | None = None) -> dict[str, str | bool]:
    case: dict[str, str | bool] = {"id": case_id, "source": SOURCE, "label": label, "path": path, "text": text}
    if secret:
        case["secret"] = secret
    if shape is not None:
        case["doc"], case["length_documented"] = shape.doc, shape.length_documented
    return case


def build_cases(seed: int = SEED) -> list[dict[str, str | bool]]:
    """Every written case, in a fixed order; the same seed gives the same cases."""
    rng = random.Random(seed)
    cases = []
    for shape in SHAPES:
        for n in range(PER_SHAPE):
            token = shape.make(rng)
            path, text = _token_in_file(rng, shape, token)
            cases.append(_case(f"written:provider:{shape.name}:{n}", "positive", path, text, token, shape))
    for make in CONTEXTS:
        for n in range(PER_CONTEXT):
            path, text, secret = make(rng)
            cases.append(_case(f"written:context:{make.__name__.lstrip('_')}:{n}", "positive", path, text, secret))
    for make in NEGATIVES:
        for n in range(PER_NEGATIVE):
            path, text = make(rng)
            cases.append(_case(f"written:negative:{make.__name__.removeprefix('_neg_')}:{n}", "negative", path, text))
    return cases


def split_of(case_id: str, seed: int = SEED) -> str:
    """`held-back` for ~HELD_BACK_SHARE% of ids (seeded hash, independent of order), else `dev`."""
    digest = hashlib.sha256(f"{seed}:{case_id}".encode()).digest()
    return "held-back" if int.from_bytes(digest[:4], "big") % 100 < HELD_BACK_SHARE else "dev"


def write(out: Path = OUT, seed: int = SEED) -> dict[str, int]:
    """Write dev.jsonl and held-back.jsonl under `out`; returns the number of cases in each."""
    out.mkdir(parents=True, exist_ok=True)
    parts: dict[str, list[str]] = {"dev": [], "held-back": []}
    for case in build_cases(seed):
        parts[split_of(case["id"], seed)].append(json.dumps(case, sort_keys=True))
    for name, lines in parts.items():
        (out / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {name: len(lines) for name, lines in parts.items()}


if __name__ == "__main__":
    counts = write()
    print(", ".join(f"{name}: {n} cases" for name, n in counts.items()) + f" -> {OUT}")
    sys.exit(0)
