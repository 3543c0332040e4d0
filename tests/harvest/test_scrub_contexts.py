"""Credentials found by the syntax around them, in both scrub modes: one table of contexts (SQL, command
lines, connection strings, headers, PowerShell, Docker/Kubernetes, JWK, .netrc/.pgpass, XML, YAML, labelled
lines) with the texts each must clean and the look-alikes each must leave.

Secrets are assembled at run time from seeded random characters, so this file holds none itself.
"""

from __future__ import annotations

import random
import string

import pytest

from harvest.scrub import PRECISE, STRICT, scrub

LETTERS, DIGITS, SYMBOLS = string.ascii_letters, string.digits, "#%*!+._-"


def password(seed: str, n: int = 12) -> str:
    """A typed-looking random password: letters, digits and one symbol, in a seeded order."""
    rng = random.Random(seed)
    chars = [rng.choice(LETTERS) for _ in range(n - 3)] + [rng.choice(DIGITS), rng.choice(DIGITS), rng.choice(SYMBOLS)]
    rng.shuffle(chars)
    if chars[0] in SYMBOLS:
        chars.append(chars.pop(0))
    return "Q" + "".join(chars)


def token(seed: str, n: int = 40) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(LETTERS + DIGITS) for _ in range(n - 2)) + "7q"


def b64url(seed: str, n: int = 43) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(LETTERS + DIGITS + "-_") for _ in range(n - 2)) + "Q7"


P, T = password("p"), token("t")

# (rule expected in precise mode, path, text, secret): each must lose its secret in both modes.
POSITIVES: list[tuple[str, str, str, str]] = [
    # SQL user statements
    ("sql-password", "db/init.sql", f"CREATE USER 'report'@'%' IDENTIFIED BY '{P}';\n", P),
    ("sql-password", "db/init.sql", f"ALTER USER app IDENTIFIED WITH mysql_native_password BY '{P}';\n", P),
    ("sql-password", "db/oracle.sql", f"CREATE USER app IDENTIFIED BY {P.replace('.', 'x').replace('#', 'y')};\n",
     P.replace(".", "x").replace("#", "y")),
    ("sql-password", "migrations/1.sql", f"ALTER USER app_rw WITH PASSWORD '{P}';\n", P),
    ("sql-password", "migrations/1.sql", f"CREATE ROLE app LOGIN\n    ENCRYPTED PASSWORD '{P}';\n", P),
    ("sql-password", "db/mssql.sql", f"CREATE LOGIN svc WITH PASSWORD = '{P}';\n", P),
    ("sql-password", "db/mysql.sql", f"SET PASSWORD FOR 'app'@'localhost' = '{P}';\n", P),
    ("sql-password", "db/setup.py", f'cur.execute("ALTER ROLE app WITH PASSWORD \'{P}\'")\n', P),
    ("sql-password", "migrations/2.sql", "ALTER USER app WITH PASSWORD '*Xz9#kT2wq';\n", "*Xz9#kT2wq"),  # pragma: allowlist secret
    # command lines
    ("mysql-password", "scripts/restore.sh", f"mysql -h db -u root -p{P} shop < dump.sql\n", P),
    ("mysql-password", "README.md", f"    mysqldump -uroot -p'{P}' shop > shop.sql\n", P),
    ("command-password", "ci/deploy.sh", f"docker login -u deploy -p {P} registry.internal\n", P),
    ("command-password", "ci/deploy.sh", f"sshpass -p '{P}' ssh deploy@web1 uptime\n", P),
    ("command-password", "ops/cache.md", f"redis-cli -h cache -a {P} ping\n", P),
    ("command-password", "ops/mongo.md", f"mongosh --host db -u admin -p {P} --authenticationDatabase admin\n", P),
    ("command-password", "docs/db.md", f"PGPASSWORD={P} psql -h db -U app shop\n", P),
    ("mysql-password", "scripts/restore.sh", f"mysql -u root -p '{P}' shop\n", P),
    ("command-password", "ci/deploy.sh", f"docker login -p {P} -u deploy registry.internal\n", P),
    ("command-password", "ops/certs.md", f"openssl pkcs12 -export -in c.pem -passout pass:{P} -out c.p12\n", P),
    ("command-password", "ops/backup.sh", f"openssl enc -aes-256-cbc -k {P} -in db.sql -out db.enc\n", P),
    ("command-password", "ops/share.sh", f"smbclient //files/backup -U deploy%{P} -c ls\n", P),
    ("command-password", "ops/users.bat", f"net user svc_backup {P} /add\n", P),
    ("command-password", "ops/mq.sh", f"rabbitmqctl add_user app {P}\n", P),
    ("command-password", "ops/install.sh", f"echo '{P}' | sudo -S apt-get install -y nginx\n", P),
    ("command-password", "db/load.ps1", f"sqlcmd -S db01 -U sa -P {P} -i schema.sql\n", P),
    ("command-password", "ops/remote.bat", f"psexec \\\\web01 -u deploy -p {P} cmd /c ipconfig\n", P),
    ("command-password", "ops/ldap.sh", f"ldapsearch -x -D cn=admin,dc=corp -w {P} -b dc=corp\n", P),
    ("password-assignment", "ops/tls.sh", f"keytool -importcert -keystore app.jks -storepass {P} -file ca.pem\n", P),
    ("htpasswd-password", "deploy/setup.sh", f"htpasswd -b -c /etc/nginx/.htpasswd admin {P}\n", P),
    ("htpasswd-password", "deploy/setup.sh", f"htpasswd -nb admin '{P}' >> users\n", P),
    ("password-assignment", "ci/deploy.sh", "docker login --username deploy --password Summer1387_ registry\n", "Summer1387_"),  # pragma: allowlist secret
    ("password-assignment", "deploy/release.md", f"    tool publish --password={P} --verbose\n", P),
    ("generic-secret", "Makefile", f"\tcloudctl deploy --token {T} --region eu-west-1\n", T),
    ("generic-secret", "ci/run.sh", f"cli upload --api-key {T}\n", T),
    # connection strings
    ("connection-password", "conf/jdbc.properties", f"url=jdbc:mysql://db:3306/shop?user=shop&password={P}&useSSL=true\n", P),
    ("connection-password", "conf/app.conf", f"db=jdbc:sqlserver://db:1433;databaseName=shop;user=sa;password={P};\n", P),
    ("connection-password", "appsettings.json", f'{{"Db": "Server=db;Database=shop;User Id=sa;Password={P};"}}\n', P),
    ("connection-password", "odbc.ini", f"conn = Driver={{ODBC Driver 18}};Server=db;Uid=sa;Pwd={{{P}}};\n", P),
    ("connection-password", "scripts/q.sh", f'psql "host=db port=5432 dbname=shop user=app password={P}"\n', P),
    ("connection-password", "docs/nas.md", f"    mount -t cifs //nas/share /mnt -o username=backup,password={P}\n", P),
    # calls in code
    ("credential-setter", "src/Db.java", f'ds.setPassword("{P}");\n', P),
    ("credential-setter", "src/Client.java", f'Client c = Client.builder().apiKey("{T}").build();\n', T),
    ("credential-setter", "app/cfg.py", f"cfg.with_client_secret('{T}')\n", T),
    ("credential-constructor", "src/Mail.cs", f'var cred = new NetworkCredential("svc", "{P}");\n', P),
    ("credential-constructor", "src/Http.java", f'new UsernamePasswordCredentials("admin", "{P}")\n', P),
    ("password-assignment", "docs/run.md", f"    docker run -e POSTGRES_PASSWORD={P} postgres:16\n", P),
    ("password-assignment", "docs/run.md", f"    export DB_PASSWORD={P}\n", P),
    # headers
    ("api-key-header", "scripts/smoke.sh", f"curl -s -H 'X-API-Key: {T}' https://api.internal/health\n", T),
    ("api-key-header", "client.py", f'headers = {{"X-Auth-Token": "{T}"}}\n', T),
    ("api-key-header", "requests.http", f"GET https://api.internal/x\nApi-Key: {T}\n", T),
    ("api-key-header", "ci/gitlab.sh", f'curl --header "PRIVATE-TOKEN: {T}" https://gitlab.internal/api/v4/projects\n', T),
    ("auth-header", "requests.http", f"GET https://api.internal/x\nAuthorization: Bearer {T}\n", T),
    # PowerShell
    ("powershell-secure-string", "deploy/Install.ps1",
     f'$s = ConvertTo-SecureString -String "{P}" -AsPlainText -Force\n', P),
    ("powershell-secure-string", "deploy/Install.ps1", f"$s = ConvertTo-SecureString '{P}' -AsPlainText -Force\n", P),
    ("powershell-secure-string", "deploy/Install.ps1",
     f"$s = ConvertTo-SecureString -AsPlainText -Force -String '{P}'\n", P),
    ("password-assignment", "deploy/Install.ps1", f"Connect-Appliance -Username admin -Password '{P}'\n", P),
    # Docker and Kubernetes
    ("password-assignment", "Dockerfile", "FROM python:3.12-slim\nENV ADMIN_PASSWORD=Copper5982#\n", "Copper5982#"),  # pragma: allowlist secret
    ("dockerfile-env", "Dockerfile", f"FROM python:3.12-slim\nENV ADMIN_PASSWORD {P}\n", P),
    ("generic-secret", "Dockerfile", f"ARG NPM_TOKEN={T}\n", T),
    ("password-assignment", "docker-compose.yml",
     f"services:\n  db:\n    environment:\n      - MYSQL_ROOT_PASSWORD={P}\n", P),
    ("password-assignment", "docker-compose.yml", f"services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: {P}\n", P),
    ("k8s-env-value", "k8s/deployment.yaml", f"        env:\n          - name: DB_PASS\n            value: {P}\n", P),
    ("k8s-env-value", "k8s/deployment.yaml", f'        env:\n          - name: API_TOKEN\n            value: "{T}"\n', T),
    ("k8s-secret-data", "k8s/secret.yaml",
     f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\nstringData:\n  relay: {T}\n", T),
    ("k8s-secret-data", "k8s/secret.yaml",
     f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\ntype: Opaque\ndata:\n  auth: {T}==\n", T),
    # JSON Web Keys
    ("jwk-private-key", "keys/signing.jwk",
     f'{{"kty": "EC", "crv": "P-256", "x": "{b64url("x")}", "y": "{b64url("y")}", "d": "{b64url("d")}"}}\n',
     b64url("d")),
    ("jwk-private-key", "keys/rsa.json",
     f'{{\n  "kty": "RSA",\n  "n": "{b64url("n", 342)}",\n  "e": "AQAB",\n  "p": "{b64url("p", 171)}"\n}}\n',
     b64url("p", 171)),
    ("jwk-private-key", "web/keys.js",
     f"const jwk = {{kty: 'EC', crv: 'P-256', x: '{b64url('x')}', d: '{b64url('d')}'}};\n", b64url("d")),
    ("jwk-private-key", "keys/hmac.yaml", f"jwk:\n  kty: oct\n  k: {b64url('k', 22)}\n", b64url("k", 22)),
    ("jwk-private-key", "keys/hmac.json", f'{{"kty": "oct", "alg": "HS256", "k": "{b64url("k", 22)}"}}\n', b64url("k", 22)),
    # credential files
    ("netrc-password", ".netrc", f"machine api.internal\n  login deploy\n  password {P}\n", P),
    ("netrc-password", "scripts/ci.sh", f'echo "machine git.internal login ci password {P}" > ~/.netrc\n', P),
    ("netrc-password", ".netrc", f"@@ -1,3 +0,0 @@\n-machine api.internal\n-  login deploy\n-  password {P}\n", P),
    ("pgpass-password", ".pgpass", f"db.internal:5432:shop:app:{P}\n", P),
    ("pgpass-password", "scripts/ci.sh", f"echo '*:*:*:app:{P}' > ~/.pgpass\n", P),
    ("connection-string", ".git-credentials", f"https://ci-bot:{T}@git.internal\n", T),
    # XML
    ("xml-setting", "Web.config", f'<appSettings>\n  <add key="PaymentApiKey" value="{T}" />\n</appSettings>\n', T),
    ("xml-setting", "conf/settings.xml", f'<setting name="API_KEY" value="{T[:12]}&amp;{T[12:30]}" />\n',
     f"{T[:12]}&amp;{T[12:30]}"),
    ("xml-setting", "beans.xml", f'<property name="password" value="{P}"/>\n', P),
    ("password-assignment", "conf/tomcat-users.xml", f'<user username="admin" password="{P}" roles="manager"/>\n', P),
    ("generic-secret", "docs/snippet.html", f"API_KEY = &quot;{T}&quot;\n", T),
    ("generic-secret", "settings.py", f'API_KEY = "{T[:12]}&amp;{T[12:]}"\n', f"{T[:12]}&amp;{T[12:]}"),
    # YAML, TOML, INI, .env, properties, PHP, Go
    ("password-assignment", "config/database.yml", "production:\n  password: oAfxU.YqX-MmzH\n", "oAfxU.YqX-MmzH"),  # pragma: allowlist secret
    ("password-assignment", "config/app.yml", f"smtp:\n  password: |\n    {P}\n", P),
    ("password-assignment", ".env", "DB_PASSWORD=#VTdI%Un.Iy9\n", "#VTdI%Un.Iy9"),  # pragma: allowlist secret
    ("password-assignment", "notes.txt", "password:!Dd5G4s9\n", "!Dd5G4s9"),  # pragma: allowlist secret
    ("password-assignment", "conf/app.ini", f"[database]\npassword = {P}\n", P),
    ("password-assignment", "notes/handover.txt", "login: admin password: Summer2023!\n", "Summer2023!"),  # pragma: allowlist secret
    ("xml-setting", "conf/db.xml", f'<entry key="db.password">{P}</entry>\n', P),
    ("password-assignment", "application.properties", f"spring.datasource.password={P}\n", P),
    ("password-assignment", "config/database.php", f"return [\n    'password' => '{P}',\n];\n", P),
    ("generic-secret", "main.go", f'\tapiKey := "{T}"\n', T),
    ("generic-secret", "config.toml", f'[hashing]\npepper = "{T}"\n', T),
    ("generic-secret", "settings.py", f'SECURITY_PASSWORD_SALT = "{token("salt", 24)}"\n', token("salt", 24)),
    # labelled lines in notes
    ("generic-secret", "INSTALL.txt", "Product: Studio Pro\nActivation key : DVLXA-A9YT6-RJDXX-XICAV-VHIAL\n",  # pragma: allowlist secret
     "DVLXA-A9YT6-RJDXX-XICAV-VHIAL"),
    ("generic-secret", "notes/keys.txt", f"Staging account\nSECRET KEY:{T}\n", T),
    ("labelled-secret", "notes/wifi.md", f"Network - office\nPassword - {P}\n", P),
    ("generic-secret", "notes/license.txt", "Licence key: 4F2KQ-8XW7P-TTARB-3JDVC-MAHZQ\n", "4F2KQ-8XW7P-TTARB-3JDVC-MAHZQ"),
    ("password-assignment", "notes/db.txt", "DB_PASSWORD=aB3dK.Ef9GhQ\n", "aB3dK.Ef9GhQ"),
    ("labelled-secret", "notes/license.txt", "License key \u2013 7KQ2M-9XW4P-HT6RB-3JDVC\n", "7KQ2M-9XW4P-HT6RB-3JDVC"),
]

# Values strict mode replaces and precise mode keeps (words or identifiers where a password goes).
STRICT_ONLY: list[tuple[str, str, str]] = [
    ("db/init.sql", "CREATE USER app IDENTIFIED BY 'CorrectHorse';\n", "CorrectHorse"),  # pragma: allowlist secret
    ("docker-compose.yml", "    environment:\n      - MYSQL_ROOT_PASSWORD=ldvanPDI\n", "ldvanPDI"),
    ("deploy/Install.ps1", "$s = ConvertTo-SecureString 'Battery-Staple' -AsPlainText -Force\n", "Battery-Staple"),  # pragma: allowlist secret
    ("k8s/secret.yaml", "kind: Secret\nstringData:\n  username: deployer\n", "deployer"),
    ("notes/vault.txt", "passphrase: correct-horse-battery-staple\n", "correct-horse-battery-staple"),  # pragma: allowlist secret
]

# (path, text): no secret finding in either mode.
NEGATIVES: list[tuple[str, str]] = [
    # SQL
    ("db/init.sql", "ALTER USER app WITH PASSWORD NULL;\n"),
    ("db/init.sql", "ALTER USER app PASSWORD EXPIRE;\n"),
    ("db/init.sql", "CREATE USER app IDENTIFIED BY RANDOM PASSWORD;\n"),
    ("db/init.sql", "CREATE USER app IDENTIFIED EXTERNALLY;\n"),
    ("app/db.py", 'cur.execute("CREATE USER app IDENTIFIED BY %s", (pw,))\n'),
    ("app/db.py", "cur.execute(f\"ALTER USER {name} WITH PASSWORD '{password}'\")\n"),
    ("app/db.rb", "conn.exec(\"ALTER ROLE app PASSWORD '#{pw}'\")\n"),
    ("db/init.sql", "CREATE USER app IDENTIFIED BY :new_password;\n"),
    ("docs/sql.md", "Run `ALTER USER app WITH PASSWORD '<password>'` after the first login.\n"),
    ("app/forms.py", "label = 'password'\nhint = 'Choose a password'\n"),
    # command lines
    ("docs/db.md", "Connect and type the password when asked:\n\n    mysql -h db -u root -p shop\n"),
    ("scripts/db.sh", "mysql -h db -P3306 -u root -p\"$MYSQL_PASSWORD\" shop\n"),
    ("scripts/dev.sh", "docker run --rm -p 8080:80 nginx:1.27\nssh -p 2222 deploy@host\n"),
    ("ci/deploy.sh", "echo \"$TOKEN\" | docker login -u deploy --password-stdin registry.internal\n"),
    ("ci/deploy.sh", "docker login -u deploy -p \"$REGISTRY_TOKEN\" registry.internal\n"),
    ("ci/deploy.sh", "sshpass -p \"$SSHPASS\" ssh deploy@web1\nsshpass -f ~/.pw ssh deploy@web1\n"),
    ("deploy/setup.sh", "htpasswd -c /etc/nginx/.htpasswd admin\n"),
    ("docs/db.md", "mysqladmin -u root -p status\nmysql -uroot -p -e 'show databases'\n"),
    ("ops/certs.md", "openssl rsa -in key.pem -passin env:KEY_PASS\nopenssl req -passout pass:$PASS -new\n"),
    ("ops/users.bat", "net user guest /active:no\nnet user administrator *\n"),
    ("ops/share.sh", 'smbclient //files/backup -U "$USER%$PASS"\nrabbitmqctl add_user app "$RABBIT_PASS"\n'),
    ("ops/install.sh", 'echo "$SUDO_PASS" | sudo -S true\necho done | sudo -s\necho "hello" | grep h\n'),
    ("ops/ssh.sh", "ssh login -p 2222 host\nmongodump -p 27017\n"),
    ("db/load.ps1", "sqlcmd -S db01 -E -p -i schema.sql\nldapsearch -x -D cn=admin,dc=corp -W -b dc=corp\n"),
    ("scripts/build.sh", "mkdir -p build/dist\ncp -p a b\n"),
    ("docs/cli.md", "    tool login --password PASSWORD\n    tool deploy --token <token>\n"),
    ("cli/hub.py", 'raise CLIError("--registry-password requires --registry-username.")\n'),
    ("docs/vcs.md", "Credentials can be given with the --username and --password options.\n"),
    ("fonts/cff.py", '"""Return the dict identified by name (str) or index (int)."""\n'),
    ("yarl/url.py", "username = password = port = None\n"),
    ("tools/db.py", 'run("mysql -h db -u root -p shop\\nexit\\n")\nSALT = 0x9E3779B1\\n\n'),
    ("tools/dsn.py", 'dsn = f"Server=db;User Id=sa;Password={make_password()};"\n'),
    ("app/auth.ps1", "$password = ConvertTo-SecureString -String $plain -AsPlainText\n"),
    ("app/form.ts", "const password = form.value.password!;\nlet token = user.token ?? fallback;\n"),
    ("kernels/rounding.py", "SEED_OUT_SALT = 0x9E3779B1\n"),
    ("cli.py", 'parser.add_argument("--password", help="database password")\n'),
    ("scripts/db.sh", "pg_dump --password-file /run/secrets/db shop\n"),
    ("docs/db.md", "PGPASSWORD=$(cat /run/secrets/pg) psql -h db\n"),
    # connection strings
    ("appsettings.json", '{"Db": "Server=db;Database=shop;Trusted_Connection=True;"}\n'),
    ("appsettings.json", '{"Db": "Server=db;Database=shop;User Id=sa;Password=${DB_PASSWORD};"}\n'),
    ("app/db.py", "conn = psycopg.connect(host=host, user=user, password=getpass())\n"),
    ("app/db.py", "conn = connect(host=cfg.host, user=cfg.user, password=cfg.password)\n"),
    ("app/auth.py", 'assert user.check_password("hunter22")\nhashed = hash_password(form["password"])\n'),
    ("app/vault.py", 'value = vault.get_secret("db-password")\nds.setPassword(password)\nds.setPassword("")\n'),
    ("src/Mail.cs", "var cred = new NetworkCredential(user, password);\n"),
    ("docs/run.md", "    export PASSWORD=$(vault read -field=pw secret/db)\n    export TOKEN=$TOKEN\n"),
    # headers
    ("client.py", 'headers = {"X-API-Key": api_key, "X-Auth-Token": self.token}\n'),
    ("scripts/smoke.sh", "curl -H \"X-API-Key: $API_KEY\" https://api.internal/health\n"),
    ("docs/api.md", "Send your key in the `X-API-Key: <your-api-key>` header.\n"),
    ("client.js", "const apiKeyHeader = 'X-Api-Key';\nconfig.apikey = options.apikey;\n"),
    # PowerShell
    ("deploy/Install.ps1", "$s = ConvertTo-SecureString -String $env:SVC_PASSWORD -AsPlainText -Force\n"),
    ("deploy/Install.ps1", "$s = ConvertTo-SecureString $encrypted -Key $key\n"),
    ("deploy/Install.ps1", "$s = Read-Host -Prompt \"Password\" -AsSecureString\n"),
    ("deploy/Install.ps1", "$s = ConvertTo-SecureString -String $plain -AsPlainText\n"),
    # Docker and Kubernetes
    ("Dockerfile", "ENV PASSWORD_FILE=/run/secrets/db\nARG NPM_TOKEN\nENV DB_PASSWORD=${DB_PASSWORD}\nENV PATH=/app/bin:$PATH\n"),
    ("Dockerfile", "ENV API_TOKEN_HEADER X-Token\nENV LANG C.UTF-8\n"),
    ("k8s/deployment.yaml", ("        env:\n          - name: API_TOKEN\n            valueFrom:\n              secretKeyRef:\n"
                            "                name: api\n                key: token\n")),
    ("k8s/deployment.yaml", ("        env:\n          - name: LOG_LEVEL\n            value: info\n"
                            "          - name: DB_PASSWORD_FILE\n            value: /etc/secret/pw\n")),
    ("k8s/secret.yaml", "kind: Secret\nstringData:\n  password: {{ .Values.db.password | quote }}\n"),
    ("k8s/configmap.yaml", "kind: ConfigMap\ndata:\n  password_min_length: \"12\"\n  log_level: info\n"),
    ("docker-compose.yml", "    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n      API_KEY: ${API_KEY:?set it}\n"),
    # JSON Web Keys
    ("web/icon.svg", '<path d="M10 10 L20 20 Z"/>\n'),
    ("data/points.json", '{"p": "first paragraph", "q": "a question"}\n'),
    # credential files and prose
    ("docs/ml.md", "The machine learning model uses the password field as a feature.\n"),
    ("docs/setup.md", "Set the default password in the admin panel.\n"),
    (".pgpass", "localhost:5432:*:postgres:postgres\n"),
    ("docs/pg.md", "Each line of ~/.pgpass reads hostname:port:database:username:password\n"),
    ("logs/run.log", "12:30:45:123 worker started\n"),
    # XML
    ("Web.config", '<add key="TokenLifetime" value="3600" />\n<add key="ApiKeyHeader" value="X-Api-Key" />\n'),
    ("views/login.html", '<input type="password" name="password" value="">\n'),
    ("beans.xml", '<property name="password" value="${db.password}"/>\n<add key="ApiKey" value="" />\n'),
    # YAML and labelled lines
    ("config/app.yml", "password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\ntoken: !Ref ApiToken\n"),
    ("notes/wifi.md", "Password - see the team vault\nKey - value pairs are stored in Redis\n"),
    ("app/hash.py", "salt = bcrypt.gensalt()\nsalt_rounds = 12\n"),
    ("app/math.py", "offset = key - 1\n"),
]


# (path, text): no secret finding in precise mode. Strict mode replaces them on purpose: a phrase where a
# password goes is still a literal there, and `random-token` (strict.py) takes any long random value (a public
# JWK's members, a form's CSRF token).
PRECISE_NEGATIVES: list[tuple[str, str]] = [
    ("views/form.html", f'<input type="hidden" name="authenticity_token" value="{token("csrf", 44)}">\n'),

    ("config/app.yml", "password: my-app-db\nsecret_name: prod-db-credentials\n"),  # pragma: allowlist secret
    ("keys/signing.pub.jwk", f'{{"kty": "EC", "crv": "P-256", "x": "{b64url("x")}", "y": "{b64url("y")}", "use": "sig"}}\n'),
    ("keys/rsa.pub.json", f'{{"kty": "RSA", "n": "{b64url("n", 342)}", "e": "AQAB", "kid": "2024-01"}}\n'),
]


def _secret_rules(text: str, path: str, profile) -> tuple[set[str], str]:
    result = scrub(text, path=path, profile=profile)
    return {f.rule for f in result.findings if f.kind == "secret"}, result.text


@pytest.mark.parametrize(("rule", "path", "text", "secret"), POSITIVES, ids=[f"{r}:{p}" for r, p, _, _ in POSITIVES])
def test_context_is_scrubbed_in_both_modes(rule: str, path: str, text: str, secret: str) -> None:
    rules, cleaned = _secret_rules(text, path, PRECISE)
    assert secret not in cleaned, f"precise mode left the secret ({rules})"
    assert rule in rules, f"expected {rule}, got {rules}"
    _, strict_cleaned = _secret_rules(text, path, STRICT)
    assert secret not in strict_cleaned


@pytest.mark.parametrize(("path", "text", "secret"), STRICT_ONLY, ids=[p for p, _, _ in STRICT_ONLY])
def test_strict_mode_takes_any_literal_in_a_credential_context(path: str, text: str, secret: str) -> None:
    assert secret in _secret_rules(text, path, PRECISE)[1]
    assert secret not in _secret_rules(text, path, STRICT)[1]


@pytest.mark.parametrize(("path", "text"), NEGATIVES, ids=[f"{p}:{i}" for i, (p, _) in enumerate(NEGATIVES)])
@pytest.mark.parametrize("profile", [PRECISE, STRICT], ids=["precise", "strict"])
def test_lookalikes_are_left_alone(path: str, text: str, profile) -> None:
    rules, _ = _secret_rules(text, path, profile)
    assert not rules, f"{profile.name} mode flagged {rules}"


@pytest.mark.parametrize(("path", "text"), PRECISE_NEGATIVES, ids=[p for p, _ in PRECISE_NEGATIVES])
def test_precise_mode_leaves_phrases_and_public_keys(path: str, text: str) -> None:
    rules, _ = _secret_rules(text, path, PRECISE)
    assert not rules, f"precise mode flagged {rules}"


def test_strict_context_length_is_the_profiles_knob() -> None:
    """Strict mode's "any literal in a credential context" starts at `context_min_length` characters."""
    text = "CREATE USER app IDENTIFIED BY 'CorrectHorse';\n"  # pragma: allowlist secret
    assert "CorrectHorse" not in _secret_rules(text, "db/init.sql", STRICT)[1]
    assert "CorrectHorse" in _secret_rules(text, "db/init.sql", STRICT.tuned(context_min_length=13))[1]
