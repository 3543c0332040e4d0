"""A real repository with secrets planted where issue 16 says they hide, for the end-to-end leak test.

Secrets live in files added then deleted (only removed diff lines hold them), in lines replaced later,
in renamed files, in the text git prints after a hunk header, in commit subjects and bodies, and in a
GitHub-REST-shaped PR export (titles, bodies, review summaries, line comments, suggestion blocks, the
`diff_hunk` a comment was written on). Values are drawn at run time from the documented shapes of
each format (provider prefixes and lengths, JWK members, PEM bodies, short unquoted passwords), from a
seeded generator, so this file holds no detectable secret and every run plants the same ones.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import GitRepo

UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
B62 = UPPER + LOWER + DIGITS
B64 = B62 + "+/"
URLSAFE = B62 + "-_"
HEX = "0123456789abcdef"
# Symbols a password may hold without quoting in YAML, shell, SQL or a URL's userinfo.
SYMBOLS = "!#%*-_+=."
WINDOW = 12  # a leak is any run of this many characters of a secret


@dataclass
class Plant:
    """One planted secret: what was written, where, and the parts that must never be written out."""

    id: str
    shape: str  # "provider" (a token format) or "context" (a credential in a syntax that names it)
    place: str  # deleted-file, replaced-line, renamed-file, head-file, hunk-header, commit-subject, commit-body,
    # hunk-context, pr-title, pr-body, review-body, review-comment, suggestion, diff-hunk, pragma-line, prompt,
    # prompt-context, answer, feedback, validation
    value: str  # the secret as it stands in the text
    parts: tuple[str, ...] = ()  # the random parts (no fixed prefix); the value itself when empty
    location: str = ""  # the scrub report's location kind that must count it
    path: str = ""  # the file it was planted in (files and review comments)
    commit: str = ""  # the commit holding it (set while the repository is built)

    def secret_parts(self) -> tuple[str, ...]:
        return self.parts or (self.value,)


class Secrets:
    """Seeded random values in documented shapes."""

    def __init__(self, seed: str) -> None:
        self.rng = random.Random(seed)

    def rnd(self, n: int, alphabet: str = B62) -> str:
        """`n` characters of `alphabet`, with every class (upper, lower, digit) it has."""
        classes = [c for c in (UPPER, LOWER, DIGITS) if set(c) & set(alphabet)]
        while True:
            value = "".join(self.rng.choice(alphabet) for _ in range(n))
            if all(set(value) & set(c) for c in classes):
                return value

    def password(self, n: int = 10) -> str:
        """A short human-made-looking password: letters, digits and one symbol, `n` characters."""
        body = list(self.rnd(n - 1))
        body.insert(self.rng.randrange(1, n - 1), self.rng.choice(SYMBOLS))
        return "".join(body)

    def pem_lines(self, count: int = 6) -> list[str]:
        return [self.rnd(64, B64) for _ in range(count)]

    def jwt(self) -> tuple[str, str]:
        """(token, signature) of an HS256 JWT whose header and payload decode."""
        def enc(obj: dict) -> str:
            return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

        payload = enc({"sub": self.rnd(12), "role": "deploy", "iat": 1735689600})
        signature = self.rnd(43, URLSAFE)
        return f"{enc({'alg': 'HS256', 'typ': 'JWT'})}.{payload}.{signature}", payload + "." + signature


@dataclass(frozen=True)
class Typed:
    """Texts that reach the router rather than the harvester: what a developer types, what a model
    answers, what the developer keeps."""

    instruction: str
    answer: str
    final: str
    validated: str  # the answer a validation run checks against a suite's `not-regex` for hard-coded hooks


@dataclass
class Planted:
    """The built repository, its PR export, the router's texts, and every plant with the commit that holds it."""

    repo: GitRepo
    export: Path
    typed: Typed
    plants: list[Plant] = field(default_factory=list)

    def by_id(self) -> dict[str, Plant]:
        return {p.id: p for p in self.plants}


def _pem(kind: str, lines: list[str]) -> str:
    return f"-----BEGIN {kind}PRIVATE KEY-----\n" + "\n".join(lines) + f"\n-----END {kind}PRIVATE KEY-----"


def gen(name: str) -> Secrets:
    """The generator for one named value: seeded by its name, so adding a plant changes no other value."""
    return Secrets(f"issue-16/{name}")


def build(base: Path) -> Planted:
    """Build the planted repository under `base` and its PR export; return both with the plants."""
    repo = GitRepo(base / "planted")
    plants: list[Plant] = []

    def plant(id_: str, shape: str, place: str, value: str, parts: tuple[str, ...] = (), location: str = "",
              path: str = "") -> str:
        plants.append(Plant(id_, shape, place, value, parts, location, path))
        return value

    def password(id_: str, n: int, place: str, location: str = "", path: str = "") -> str:
        return plant(id_, "context", place, gen(id_).password(n), (), location, path)

    ada, grace, linus = ("Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>",
                         "Linus Ops <linus@example.com>")

    # c1: the scaffold, with secrets that stay at HEAD (scrubbed in files.jsonl, units, pairs, the index).
    g = gen("api-key-xml-escaped-amp")
    raw_amp = f"{g.rnd(14)}&amp;{g.rnd(14)}"  # the leak: an XML-escaped `&` inside the value
    amp = plant("api-key-xml-escaped-amp", "context", "head-file", raw_amp, (raw_amp, raw_amp.replace("&amp;", "&")),
                "head-file", "app/keys.py")
    b64_60 = plant("api-key-base64-60", "context", "head-file", gen("api-key-base64-60").rnd(60, B64), (), "head-file",
                   "integrations/partner.py")
    yaml_pw = plant("yaml-unquoted-password-head", "context", "head-file",
                    "!" + gen("yaml-unquoted-password-head").password(9), (), "head-file", "config/settings.yaml")
    compose_pw = password("compose-env-password", 12, "head-file", "head-file", "docker-compose.yml")
    repo.write("README.md", "# Billing service\n\nRun `make dev`.\n")
    repo.write("app/__init__.py", "")
    repo.write("app/users.py", "def get_user(user_id: int) -> dict:\n    return {'id': user_id}\n\n\n"
                                "def list_users(limit: int = 10) -> list[dict]:\n"
                                "    return [get_user(i) for i in range(limit)]\n")
    repo.write("app/keys.py", f'"""Partner API settings."""\n\nAPI_KEY = "{amp}"\n'
                              'API_URL = "https://api.partner.test"\n\n\ndef headers() -> dict:\n'
                              "    return {'X-Api-Key': API_KEY}\n")
    repo.write("integrations/partner.py", f'API_KEY = "{b64_60}"\n\n\ndef client(session):\n'
                                          "    session.headers['X-Api-Key'] = API_KEY\n    return session\n")
    repo.write("config/settings.yaml", f"database:\n  host: db.internal\n  user: billing\n  password: {yaml_pw}\n")
    repo.write("docker-compose.yml", "services:\n  db:\n    image: postgres:16\n    environment:\n"
                                     f"      POSTGRES_USER: billing\n      POSTGRES_PASSWORD: {compose_pw}\n")
    # A line the repository marks `pragma: allowlist secret` (someone silenced a pre-commit scanner): the
    # marker vouches for nothing once the text is a training example or a prompt.
    pragma_ghp = gen("pragma-marked-github-token").rnd(36)
    plant("pragma-marked-github-token", "provider", "pragma-line", "ghp_" + pragma_ghp, (pragma_ghp,), "head-file",
          "app/staging.py")
    repo.write("app/staging.py", f'STAGING_TOKEN = "ghp_{pragma_ghp}"  # pragma: allowlist secret\n\n\n'
                                 "def staging_headers() -> dict:\n"
                                 "    return {'Authorization': f'token {STAGING_TOKEN}'}\n")
    # The first line starting with a letter above the hunk c3 makes: git prints it after the `@@` header.
    secret_key = plant("hunk-header-secret-key", "context", "hunk-header",
                       gen("hunk-header-secret-key").rnd(50, B62 + "!#%*-_+="), (), "head-file", "settings/base.py")
    repo.write("settings/base.py", f'SECRET_KEY = "{secret_key}"\n# Timeouts, in seconds.\n#\n#\n#\n'
                                   "    # (kept short: the gateway gives up at 30)\n#\n#\nTIMEOUT = 10\n")
    # A private key in a string, with a constant right after it that c3 changes: that hunk's context holds
    # the key's last lines and END line, but not its BEGIN line.
    g = gen("pem-tail-in-hunk-context")
    sign_lines = g.pem_lines(5) + [g.rnd(26, B64) + "=="]
    plant("pem-tail-in-hunk-context", "provider", "hunk-context", sign_lines[-1], tuple(sign_lines), "head-file",
          "config/signing.py")
    repo.write("config/signing.py", 'SIGNING_KEY = """' + _pem("RSA ", sign_lines) + '"""\nSIGNING_ALG = "RS256"\n')
    # A 4096-bit-sized key above a dozen lines of code: the last 60 lines, all a prompt takes from before the
    # cursor at the end of the file, start inside the key, below its BEGIN line.
    g = gen("prompt-window-cuts-key")
    tls_lines = g.pem_lines(50) + [g.rnd(20, B64) + "=="]
    plant("prompt-window-cuts-key", "provider", "prompt-context", tls_lines[25], tuple(tls_lines), "head-file",
          "deploy/tls.py")
    repo.write("deploy/tls.py", 'TLS_KEY = """' + _pem("", tls_lines) + '"""\n\n\n'
                                + "".join(f"PORT_{n} = {8000 + n}\n" for n in range(10)))
    values_pw = password("yaml-password-replaced", 10, "replaced-line", "history-diff", "deploy/values.yaml")
    repo.write("deploy/values.yaml", f"replicas: 2\ndb:\n  user: billing\n  password: {values_pw}\n")
    props = "src/main/resources/application.properties"
    props_pw = password("properties-password-replaced", 11, "replaced-line", "history-diff", props)
    repo.write(props, "spring.datasource.url=jdbc:postgresql://db.internal/billing\n"
                      f"spring.datasource.password={props_pw}\n")
    glpat = gen("gitlab-token-renamed").rnd(20, URLSAFE)
    plant("gitlab-token-renamed", "provider", "renamed-file", "glpat-" + glpat, (glpat,), "head-file",
          "src/api/client.ts")
    repo.write("src/client.ts", f'const GITLAB_TOKEN = "glpat-{glpat}";\n\nexport function auth(): string {{\n'
                                "  return `Bearer ${GITLAB_TOKEN}`;\n}\n")
    db_pass = password("db-pass-renamed-away", 12, "renamed-file", "history-diff", "app/db_config.py")
    repo.write("app/db_config.py", f'import os\n\nDB_HOST = "db.internal"\nDB_PASS = "{db_pass}"\n'
                                   'DB_NAME = os.environ.get("DB_NAME", "billing")\n')
    repo.commit("feat: billing service scaffold", author=ada)

    # c2: credentials committed by mistake, every file deleted again in c4.
    legacy = "config/legacy_settings.py"
    ghp, akid = gen("github-token").rnd(36), gen("aws-access-key-id").rnd(16, UPPER + DIGITS)
    aws, stripe = gen("aws-secret-access-key").rnd(40, B64), gen("stripe-live-key").rnd(24)
    g = gen("openai-project-key")
    openai = f"{g.rnd(20, URLSAFE)}T3BlbkFJ{g.rnd(20, URLSAFE)}"
    anthropic = gen("anthropic-key").rnd(93, URLSAFE)
    for id_, value, parts in (("github-token", "ghp_" + ghp, (ghp,)), ("aws-access-key-id", "AKIA" + akid, (akid,)),
                              ("aws-secret-access-key", aws, ()), ("stripe-live-key", "sk_live_" + stripe, (stripe,)),
                              ("openai-project-key", "sk-proj-" + openai, (openai,)),
                              ("anthropic-key", f"sk-ant-api03-{anthropic}AA", (anthropic,))):
        shape = "context" if id_ == "aws-secret-access-key" else "provider"
        plant(id_, shape, "deleted-file", value, parts, "history-diff", legacy)
    repo.write(legacy, f'GITHUB_TOKEN = "ghp_{ghp}"\nAWS_ACCESS_KEY_ID = "AKIA{akid}"\n'
                       f'AWS_SECRET_ACCESS_KEY = "{aws}"\n'
                       f'STRIPE_KEY = "sk_live_{stripe}"\nOPENAI_API_KEY = "sk-proj-{openai}"\n'
                       f'ANTHROPIC_API_KEY = "sk-ant-api03-{anthropic}AA"\n')
    env_pw = password("env-unquoted-short-password", 9, "deleted-file", "history-diff", ".env")
    g = gen("sendgrid-key")
    sg1, sg2 = g.rnd(22, URLSAFE), g.rnd(43, URLSAFE)
    plant("sendgrid-key", "provider", "deleted-file", f"SG.{sg1}.{sg2}", (sg1, sg2), "history-diff", ".env")
    g = gen("slack-bot-token")
    xoxb = f"{g.rnd(12, DIGITS)}-{g.rnd(13, DIGITS)}-{g.rnd(24)}"
    plant("slack-bot-token", "provider", "deleted-file", "xoxb-" + xoxb, (xoxb,), "history-diff", ".env")
    hf = gen("huggingface-token").rnd(34)
    plant("huggingface-token", "provider", "deleted-file", "hf_" + hf, (hf,), "history-diff", ".env")
    repo.write(".env", f"DB_PASSWORD={env_pw}\nSENDGRID_API_KEY=SG.{sg1}.{sg2}\nSLACK_BOT_TOKEN=xoxb-{xoxb}\n"
                       f"HF_TOKEN=hf_{hf}\n")
    sql_alter = password("sql-identified-by", 12, "deleted-file", "history-diff", "scripts/setup.sql")
    sql_create = password("sql-with-password", 11, "deleted-file", "history-diff", "scripts/setup.sql")
    repo.write("scripts/setup.sql", f"CREATE USER report WITH PASSWORD '{sql_create}';\n"
                                    f"ALTER USER app_rw IDENTIFIED BY '{sql_alter}';\n"
                                    "GRANT SELECT ON ALL TABLES TO report;\n")
    curl_pw = password("curl-user-password", 12, "deleted-file", "history-diff", "scripts/deploy.sh")
    flag_pw = password("cli-password-flag", 10, "deleted-file", "history-diff", "scripts/deploy.sh")
    mysql_pw = password("mysql-p-flag", 10, "deleted-file", "history-diff", "scripts/deploy.sh")
    url_pw = password("postgres-url-userinfo", 14, "deleted-file", "history-diff", "scripts/deploy.sh")
    repo.write("scripts/deploy.sh", "#!/bin/sh\nset -e\n"
                                    f"curl -u deploy:{curl_pw} https://ci.internal/api/hooks/deploy\n"
                                    f"./admin-cli login --user ops --password {flag_pw}\n"
                                    f"mysql -h db.internal -u root -p{mysql_pw} billing < schema.sql\n"
                                    f'psql "postgresql://billing:{url_pw}@db.internal:5432/billing" -c "select 1"\n')
    ps_pw = password("powershell-securestring", 13, "deleted-file", "history-diff", "ops/creds.ps1")
    repo.write("ops/creds.ps1", f'$secure = ConvertTo-SecureString -String "{ps_pw}" -AsPlainText -Force\n'
                                '$cred = New-Object PSCredential("ops", $secure)\n')
    ec_d, rsa_d = gen("jwk-ec-private-d").rnd(43, URLSAFE), gen("jwk-rsa-private-d").rnd(342, URLSAFE)
    plant("jwk-ec-private-d", "context", "deleted-file", ec_d, (), "history-diff", "keys/signing.jwk.json")
    plant("jwk-rsa-private-d", "context", "deleted-file", rsa_d, (), "history-diff", "keys/signing.jwk.json")
    public = gen("jwk-public-members")
    jwks = {"keys": [
        {"kty": "EC", "crv": "P-256", "kid": "sig-1", "x": public.rnd(43, URLSAFE), "y": public.rnd(43, URLSAFE),
         "d": ec_d},
        {"kty": "RSA", "kid": "sig-2", "e": "AQAB", "n": public.rnd(342, URLSAFE), "d": rsa_d}]}
    repo.write("keys/signing.jwk.json", json.dumps(jwks, indent=2) + "\n")
    netrc_pw = password("netrc-password", 12, "deleted-file", "history-diff", ".netrc")
    repo.write(".netrc", f"machine api.partner.test\n  login deploy\n  password {netrc_pw}\n")
    pem_lines = gen("pem-file-rsa").pem_lines(8)
    plant("pem-file-rsa", "provider", "deleted-file", pem_lines[3], tuple(pem_lines), "history-diff",
          "deploy/server.key")
    repo.write("deploy/server.key", _pem("RSA ", pem_lines) + "\n")
    npm = gen("commit-subject-npm-token").rnd(36)
    plant("commit-subject-npm-token", "provider", "commit-subject", "npm_" + npm, (npm,), "commit-message")
    body_pw = password("commit-body-env-password", 12, "commit-body", "commit-message")
    repo.write("app/users.py",
               (repo.path / "app/users.py").read_text() + "\n\ndef count_users() -> int:\n    return 0\n")
    c2 = repo.commit(f"chore: deploy scripts, publish with npm_{npm}\n\nSet these before running deploy.sh:\n\n"
                     f"    export DATABASE_PASSWORD={body_pw}\n    export REGION=eu-west-1\n", author=grace)

    # c3: a change under the SECRET_KEY line (git prints it after the hunk header), one under the signing
    # key, and the replaced lines.
    repo.write("settings/base.py", (repo.path / "settings/base.py").read_text().replace("TIMEOUT = 10", "TIMEOUT = 25"))
    repo.write("config/signing.py", (repo.path / "config/signing.py").read_text().replace('"RS256"', '"PS256"'))
    repo.write("deploy/values.yaml", "replicas: 2\ndb:\n  user: billing\n  password: ${DB_PASSWORD}\n")
    repo.write(props, "spring.datasource.url=jdbc:postgresql://db.internal/billing\n"
                      "spring.datasource.password=${DB_PASSWORD}\n")
    secret_kw = plant("commit-body-secret-key-colon", "context", "commit-body",
                      gen("commit-body-secret-key-colon").rnd(24), (), "commit-message")
    c3 = repo.commit(f"fix: longer timeout, passwords from the environment\n\nThe staging box still uses\n"
                     f"SECRET KEY:{secret_kw}\nuntil the rotation on Monday.\n", author=linus)

    # c4: the deletion, with a key in the subject and a password in prose.
    gcp = gen("commit-subject-gcp-key").rnd(35, URLSAFE)
    plant("commit-subject-gcp-key", "provider", "commit-subject", "AIza" + gcp, (gcp,), "commit-message")
    old_pw = password("commit-body-old-password", 11, "commit-body", "commit-message")
    for path in (legacy, ".env", "scripts/setup.sql", "scripts/deploy.sh", "ops/creds.ps1", "keys/signing.jwk.json",
                 ".netrc", "deploy/server.key"):
        (repo.path / path).unlink()
    c4 = repo.commit(f"fix: drop committed credentials (revoked AIza{gcp})\n\nRotated everything.\n"
                     f"Old admin password: {old_pw}\n", author=grace)

    # c5: renames, one keeping its secret (HEAD), one losing it on the way.
    (repo.path / "src/api").mkdir()
    repo.git("mv", "src/client.ts", "src/api/client.ts")
    repo.write("src/api/client.ts", (repo.path / "src/api/client.ts").read_text() + "\nexport const API = '/api';\n")
    repo.git("mv", "app/db_config.py", "app/database.py")
    repo.write("app/database.py", (repo.path / "app/database.py").read_text().replace(
        f'DB_PASS = "{db_pass}"', 'DB_PASS = os.environ["DB_PASS"]'))
    g = gen("commit-body-activation-key")
    activation = "-".join(g.rnd(5, UPPER + DIGITS) for _ in range(5))
    plant("commit-body-activation-key", "context", "commit-body", activation, (), "commit-message")
    c5 = repo.commit(f"refactor: move the API client and the database settings\n\nLicence for the profiler:\n"
                     f"Activation key : {activation}\n", author=ada)

    # c6: a whole private key pasted into a commit body.
    ssh_lines = gen("commit-body-openssh-key").pem_lines(7)
    plant("commit-body-openssh-key", "provider", "commit-body", ssh_lines[2], tuple(ssh_lines), "commit-message")
    repo.write("README.md", (repo.path / "README.md").read_text() + "\nDeploy with `make deploy`.\n")
    c6 = repo.commit("docs: deploy notes\n\nThe deploy key, for the record:\n\n" + _pem("OPENSSH ", ssh_lines) + "\n",
                     author=linus)

    # c7: a squash-merged PR (#12), whose export carries the review plants below.
    repo.write("app/users.py", (repo.path / "app/users.py").read_text().replace(
        "def count_users() -> int:\n    return 0\n",
        "def count_users(db) -> int:\n    return db.scalar('select count(*) from users')\n"))
    c7 = repo.commit("feat(billing): count users from the database (#12)\n\nCounts come from the users table.",
                     author=grace)

    # c8: a merge commit (#15) whose body holds a JWT.
    repo.git("checkout", "-q", "-b", "feature/export", "HEAD")
    repo.write("app/export.py", "import csv\n\n\ndef export_users(users, out):\n    writer = csv.writer(out)\n"
                                "    for user in users:\n        writer.writerow([user['id']])\n")
    repo.commit("feat: export users as CSV", author=linus)
    repo.git("checkout", "-q", "main")
    token, jwt_secret = gen("merge-body-jwt").jwt()
    plant("merge-body-jwt", "provider", "commit-body", token, tuple(jwt_secret.split(".")), "commit-message")
    repo.tick += 1
    date = f"2025-01-{repo.tick:02d}T12:00:00+00:00"
    repo.git("merge", "--no-ff", "-q", "feature/export", "-m", "Merge pull request #15 from team/feature/export",
             "-m", f"Export users as CSV\n\nTested against staging with\nAuthorization: Bearer {token}",
             GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    c8 = repo.git("rev-parse", "HEAD")

    # The PR export: GitHub /pulls objects with their /reviews and /comments.
    ghs = gen("pr-title-github-app-token").rnd(36)
    plant("pr-title-github-app-token", "provider", "pr-title", "ghs_" + ghs, (ghs,), "pr")
    key_line = plant("pr-body-private-key-line", "provider", "pr-body", gen("pr-body-private-key-line").rnd(64, B64),
                     (), "pr")
    dop = gen("review-body-digitalocean-token").rnd(64, HEX)
    plant("review-body-digitalocean-token", "provider", "review-body", "dop_v1_" + dop, (dop,), "pr")
    bare = plant("review-comment-bare-key", "provider", "review-comment", gen("review-comment-bare-key").rnd(40), (),
                 "review", "app/users.py")
    ec_lines = gen("review-comment-pem-key").pem_lines(3)
    plant("review-comment-pem-key", "provider", "review-comment", ec_lines[1], tuple(ec_lines), "review",
          "app/users.py")
    suggestion_pw = password("review-suggestion-password", 12, "suggestion", "review", "app/users.py")
    header_key = plant("pr-body-x-api-key-header", "context", "pr-body", gen("pr-body-x-api-key-header").rnd(32), (),
                       "pr")
    hunk_pw = password("review-diff-hunk-password", 12, "diff-hunk", "review", "app/export.py")
    comment_pw = password("review-comment-yaml-password", 10, "review-comment", "review", "app/export.py")
    users_hunk = ("@@ -9,5 +9,5 @@ def list_users(limit: int = 10) -> list[dict]:\n \n \n-def count_users() -> int:\n"
                  "-    return 0\n+def count_users(db) -> int:\n+    return db.scalar('select count(*) from users')")
    export = [
        {"number": 12, "title": f"Count users from the database (rotates ghs_{ghs})",
         "body": f"Counts come from the users table.\n\nThe CI key that leaked:\n{key_line}\n",
         "user": {"login": "grace"}, "merge_commit_sha": c7, "merged_at": "2025-01-07T12:00:00Z",
         "head": {"ref": "feature/count", "sha": c7}, "base": {"ref": "main", "sha": c6},
         "reviews": [{"id": 9001, "user": {"login": "linus"}, "state": "APPROVED", "commit_id": c7,
                      "body": f"LGTM once dop_v1_{dop} is revoked.", "submitted_at": "2025-01-07T11:00:00Z"}],
         "comments": [
             {"id": 7001, "user": {"login": "linus"}, "path": "app/users.py", "commit_id": c7, "line": 12,
              "original_commit_id": c7, "diff_hunk": users_hunk, "created_at": "2025-01-07T10:00:00Z",
              "body": f"Use the read replica; its key is {bare} (the staging one)."},
             {"id": 7002, "user": {"login": "linus"}, "path": "app/users.py", "commit_id": c7, "line": 13,
              "original_commit_id": c7, "diff_hunk": users_hunk, "created_at": "2025-01-07T10:01:00Z",
              "body": "The replica needs this client key:\n\n" + _pem("EC ", ec_lines)},
             {"id": 7003, "user": {"login": "ada"}, "path": "app/users.py", "commit_id": c7, "line": 13,
              "original_commit_id": c7, "diff_hunk": users_hunk, "created_at": "2025-01-07T10:02:00Z",
              "body": f'Read it from the settings:\n\n```suggestion\nDB_PASSWORD = "{suggestion_pw}"\n'
                      "    return db.scalar('select count(*) from users')\n```"}]},
        {"number": 15, "title": "Export users as CSV",
         "body": f"Try it with\n\n    curl -H 'X-API-Key: {header_key}' https://staging.partner.test/export\n",
         "user": {"login": "linus"}, "merge_commit_sha": c8, "merged_at": "2025-01-09T12:00:00Z",
         "head": {"ref": "feature/export", "sha": repo.git("rev-parse", "feature/export")},
         "base": {"ref": "main", "sha": c7}, "reviews": [],
         "comments": [
             {"id": 7101, "user": {"login": "grace"}, "path": "app/export.py", "commit_id": c8, "line": 4,
              "original_commit_id": c8, "created_at": "2025-01-08T10:00:00Z",
              "diff_hunk": f'@@ -0,0 +1,7 @@\n+import csv\n+REDIS_PASSWORD = "{hunk_pw}"\n+\n'
                           "+def export_users(users, out):",
              "body": f"Where does the cache password come from? In staging it is\n\n```yaml\nredis:\n"
                      f"  password: {comment_pw}\n```"}]},
    ]
    export_path = base / "prs.json"
    export_path.write_text(json.dumps(export, indent=2), encoding="utf-8")

    # What reaches the router: an instruction with a token and a password typed into it, a model answer
    # that repeats a key, the developer's edited version with a password in it (both lines marked with
    # the pragma, as a model trained on the repository writes them), and an answer `idiom validate` checks.
    typed_ghp = gen("prompt-instruction-github-token").rnd(36)
    plant("prompt-instruction-github-token", "provider", "prompt", "ghp_" + typed_ghp, (typed_ghp,))
    typed_pw = password("prompt-instruction-password-flag", 12, "prompt")
    # The answer's token passes the router's precise no-secret gate (no name or prefix to go by), so the
    # answer is accepted and logged: only strict mode, in the log, replaces it.
    echoed = plant("model-answer-bare-token", "provider", "answer", gen("model-answer-bare-token").rnd(40))
    final_pw = password("feedback-final-password", 12, "feedback")
    hook = plant("validation-answer-hook-token", "provider", "validation", gen("validation-answer-hook-token").rnd(40))
    typed = Typed(f"Add a partner client; call it with token ghp_{typed_ghp} and log in with --password {typed_pw}",
                  f'\n\ndef replica_hook() -> str:\n    return "https://replica.internal/hooks/{echoed}"'
                  "  # pragma: allowlist secret\n",
                  f'const DB_PASSWORD = "{final_pw}"; // pragma: allowlist secret\n'
                  "export const client = () => DB_PASSWORD;\n",
                  f'def replica_hook() -> str:\n    return "https://replica.internal/hooks/{hook}"\n')

    commits = {"commit-subject-npm-token": c2, "commit-body-env-password": c2, "commit-body-secret-key-colon": c3,
               "commit-subject-gcp-key": c4, "commit-body-old-password": c4, "commit-body-activation-key": c5,
               "commit-body-openssh-key": c6, "merge-body-jwt": c8}
    for p in plants:
        p.commit = commits.get(p.id, "")
    return Planted(repo, export_path, typed, plants)
