"""Provider detectors: credentials whose format the issuer documents (a fixed prefix, length, alphabet).

Each pattern starts with a literal so the regex engine can skip ahead at C speed, and each check
rejects filler (`ghp_xxxx…`, `AKIAZZZZ…`) so documentation keeps its placeholders.
"""

from __future__ import annotations

import base64
import json
import re

from harvest.scrub.base import Collector, Span, bounded, token
from harvest.scrub.values import is_placeholder, is_wordy, looks_random, random_threshold, shannon_entropy

PROVIDERS = Collector()

PROVIDERS.table(
    (
        ("gcp-api-key", ("aiza",), r"AIza(?P<b>[\w-]{35})", "Google Cloud / Firebase API keys: AIza + 35 URL-safe base64."),
        ("github-token", ("gh", "github_pat_"), r"g(?:h[pousr]|ithub_pat)_(?P<b>[A-Za-z0-9_]{30,255})",
         "GitHub tokens: classic ghp_/gho_/ghu_/ghs_/ghr_ + 36 base62, fine-grained github_pat_ + 82."),
        ("stripe-webhook-secret", ("whsec_",), r"whsec_(?P<b>[A-Za-z0-9]{32,})", "Stripe webhook signing secrets."),
        ("sendgrid-key", ("sg.",), r"SG\.(?P<b>[\w-]{22}\.[\w-]{43})", "SendGrid API keys: SG.<22>.<43>."),
        ("npm-token", ("npm_",), r"npm_(?P<b>[A-Za-z0-9]{36})", "npm access tokens: npm_ + 36 base62."),
        ("pypi-token", ("pypi-age",), r"pypi-AgE(?P<b>[\w-]{100,})",
         "PyPI API tokens: pypi- + a base64 macaroon (AgE…), at least identifier and signature long."),
        ("openai-key", ("t3blbkfj",), r"sk-(?:proj-|svcacct-|admin-|None-)?(?P<b>[\w-]{20,}T3BlbkFJ[\w-]{20,})",
         "OpenAI API keys: sk-[proj-|svcacct-|admin-]… with the T3BlbkFJ marker (base64 of 'OpenAI')."),
        ("anthropic-key", ("sk-ant-",), r"sk-ant-(?:api|admin|oat|ort|sid)\d\d-(?P<b>[\w-]{93})AA",
         "Anthropic API and admin keys: sk-ant-<kind><NN>- + 93 URL-safe base64 + AA."),
        ("shopify-token", ("shp",), r"shp(?:at|ca|pa|ss)_(?P<b>[a-fA-F0-9]{32})",
         "Shopify access, custom-app, private-app tokens and shared secrets: shpat_/shpca_/shppa_/shpss_ + 32 hex."),
        ("square-token", ("sq0",), r"sq0[a-z]{3}-(?P<b>[\w-]{22,50})",
         "Square OAuth secrets and application tokens: sq0csp-, sq0atp-, … + 22-50."),
        ("square-access-token", ("eaaa",), r"EAAA(?P<b>[\w+=-]{60})", "Square access tokens: EAAA + 60."),
        ("heroku-api-key", ("hrku-",), r"HRKU-(?P<b>[\w-]{60})", "Heroku platform API keys: HRKU- + 60."),
        ("digitalocean-token", ("_v1_",), r"do[opr]_v1_(?P<b>[a-f0-9]{64})",
         "DigitalOcean personal, OAuth and refresh tokens: dop_/doo_/dor_ v1_ + 64 hex."),
        ("atlassian-token", ("at",), r"AT(?:[AC]TT3|BB)(?P<b>[\w=-]{28,})",
         "Atlassian API tokens (ATATT3…, ATCTT3…) and Bitbucket app passwords (ATBB…)."),
        ("age-secret-key", ("age-secret-key-1",), r"AGE-SECRET-KEY-1(?P<b>[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})",
         "age encryption identities: AGE-SECRET-KEY-1 + 58 bech32 characters."),
        ("1password-service-token", ("ops_eyj",), r"ops_eyJ(?P<b>[\w+/=-]{100,})",
         "1Password service-account tokens: ops_ + base64 JSON."),
        ("1password-secret-key", ("a3-",),
         r"A3-(?P<b>[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})",
         "1Password account secret keys: A3-XXXXXX-XXXXXX-XXXXX-XXXXX-XXXXX-XXXXX."),
        ("vault-token", ("hv",), r"hv[sbr]\.(?P<b>[\w-]{24,})",
         "HashiCorp Vault service, batch and recovery tokens: hvs./hvb./hvr. + base64."),
        ("huggingface-token", ("hf_",), r"hf_(?P<b>(?=[A-Za-z0-9]{0,33}[A-Z])(?=[A-Za-z0-9]{0,33}[a-z])[A-Za-z0-9]{34})",
         "Hugging Face user access tokens: hf_ + 34 mixed-case alphanumerics."),
        ("huggingface-org-token", ("api_org_",), r"api_org_(?P<b>(?=[A-Za-z]{0,33}[A-Z])[A-Za-z]{34})",
         "Hugging Face organisation API tokens: api_org_ + 34 mixed-case letters."),
        ("databricks-token", ("dapi",), r"dapi(?P<b>[a-f0-9]{32})(?:-\d)?", "Databricks tokens: dapi + 32 hex."),
        ("openshift-token", ("sha256~",), r"sha256~(?P<b>[\w-]{43})", "OpenShift OAuth tokens: sha256~ + 43."),
        ("scalingo-token", ("tk-us-",), r"tk-us-(?P<b>[\w-]{48})", "Scalingo API tokens: tk-us- + 48."),
        ("sentry-token", ("sntry",), r"sntry[su]_(?P<b>[\w+/=-]{60,})", "Sentry org (sntrys_) and user (sntryu_) tokens."),
        ("intra42-secret", ("s-s4t2",), r"s-s4t2(?:ud|af)-(?P<b>[a-f0-9]{64})", "42 intranet client secrets."),
        ("cloudflare-origin-ca-key", ("v1.0-",), r"v1\.0-(?P<b>[a-f0-9]{24}-[a-f0-9]{146})",
         "Cloudflare Origin CA keys: v1.0-<24 hex>-<146 hex>."),
        ("google-oauth-secret", ("gocspx-",), r"GOCSPX-(?P<b>[\w-]{28})", "Google OAuth client secrets: GOCSPX- + 28."),
        ("grafana-token", ("gl",), r"gl(?:c|sa)_(?P<b>[A-Za-z0-9+/_]{32,400}={0,2})",
         "Grafana Cloud API tokens (glc_) and service-account tokens (glsa_)."),
        ("prefect-token", ("pnu_",), r"pnu_(?P<b>[A-Za-z0-9]{36})", "Prefect API keys: pnu_ + 36."),
        ("readme-token", ("rdme_",), r"rdme_(?P<b>[a-z0-9]{70})", "ReadMe API keys: rdme_ + 70."),
        ("perplexity-key", ("pplx-",), r"pplx-(?P<b>[A-Za-z0-9]{48})", "Perplexity API keys: pplx- + 48."),
        ("postman-key", ("pmak-",), r"PMAK-(?P<b>[a-f0-9]{24}-[a-f0-9]{34})", "Postman API keys: PMAK-<24>-<34> hex."),
        ("docker-hub-token", ("dckr_pat_",), r"dckr_pat_(?P<b>[\w-]{27})", "Docker Hub personal access tokens."),
        ("linear-key", ("lin_api_",), r"lin_api_(?P<b>[A-Za-z0-9]{40})", "Linear API keys: lin_api_ + 40."),
        ("doppler-token", ("dp.",), r"dp\.(?:pt|st|sa|ct)\.(?P<b>[A-Za-z0-9]{40,44})",
         "Doppler personal, service, service-account and CLI tokens."),
        ("artifactory-key", ("akc",), r"AKC(?P<b>[A-Za-z0-9]{59,})", "JFrog Artifactory API keys: AKC + 60-70."),
        ("artifactory-reference-token", ("cmvmd",), r"cmVmd(?P<b>[A-Za-z0-9]{59,})",
         "JFrog Artifactory reference tokens: cmVmd (base64 of 'ref') + 59."),
        ("flyio-token", ("fo1_", "fm"), r"f(?:o1|m[12][ar]?)_(?P<b>[\w+/=-]{43,})",
         "Fly.io access tokens (fo1_) and macaroon tokens (fm1_/fm2_)."),
        ("sourcegraph-token", ("sgp_",), r"sgp_(?:[a-fA-F0-9]{16}_|local_)?(?P<b>[a-fA-F0-9]{40})",
         "Sourcegraph access tokens: sgp_[<16 hex>_|local_] + 40 hex."),
        ("sonar-prefixed-token", ("sq",), r"sq[upa]_(?P<b>[a-fA-F0-9]{40})",
         "SonarQube user, project and analysis tokens: squ_/sqp_/sqa_ + 40 hex."),
        ("gitlab-runner-token", ("gr1348941",), r"GR1348941(?P<b>[\w-]{20,})", "GitLab runner registration tokens."),
        ("mailgun-key", ("key-",), r"key-(?P<b>[0-9a-f]{32})", "Mailgun API keys: key- + 32 hex."),
        ("notion-token", ("ntn_",), r"ntn_(?P<b>\d{11}(?=[A-Za-z0-9]{0,34}[A-Za-z])[A-Za-z0-9]{35})", "Notion integration tokens."),
    )
)


@PROVIDERS("aws-access-key", ("a",), r"A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])(?P<b>[A-Z0-9]{16})")
def aws_access_key(m: re.Match[str], text: str) -> Span | None:
    """AWS access key ids: AKIA (long-term), ASIA (temporary), ABIA/ACCA/A3T… + 16 upper-case base32-ish."""
    return token(m, text)


_WORD = re.compile(r"\w")


@PROVIDERS("stripe-key", ("k_",), r"k_(?:live|test|prod)_(?P<b>[A-Za-z0-9]{16,})")
def stripe_key(m: re.Match[str], text: str) -> Span | None:
    """Stripe secret (sk_) and restricted (rk_) keys, live, test or prod; pk_ keys are public."""
    start = m.start() - 1
    if start < 0 or text[start] not in "sr" or (start and _WORD.match(text[start - 1])):
        return None
    after = text[m.end() : m.end() + 1]
    return None if is_placeholder(m.group("b")) or _WORD.match(after) else (start, m.end())



@PROVIDERS(
    "aws-secret-key",
    ("secret",),
    r"secret(?P<n>_?access)?(?:_?key)?[\"']?[ \t]*(?::=|=>|[:=])[ \t]*[\"']?(?P<b>[a-z0-9/+]{40})(?![a-z0-9/+=])",
    lowered=True,
)
def aws_secret_key(m: re.Match[str], text: str) -> Span | None:
    """AWS secret access keys: 40 base64 characters assigned to an aws_secret… / …secret_access_key name."""
    if not m.group("n") and not text[max(0, m.start() - 4) : m.start()].lower().rstrip("_").endswith("aws"):
        return None
    start, end = m.span("b")
    return (start, end) if looks_random(text[start:end], 40, floor=4.0) else None


@PROVIDERS("gcp-service-account", ("private_key_id",), r"\"private_key_id\"\s*:\s*\"(?P<b>[a-f0-9]{40})\"")
def gcp_service_account(m: re.Match[str], text: str) -> Span | None:
    """Google service-account JSON: the private key id (the key itself is caught by `private-key`)."""
    return m.span("b")


@PROVIDERS(
    "azure-storage-key",
    ("ac",),
    r"ac(?:count|cess)key[ \t]*=[ \t]*(?P<b>[a-z0-9+/]{40,}={0,2})",
    lowered=True,
)
def azure_storage_key(m: re.Match[str], text: str) -> Span | None:
    """Azure storage account keys and Service Bus / Event Hubs shared access keys in connection strings."""
    start, end = m.span("b")
    return (start, end) if looks_random(text[start:end], 40, floor=4.0) else None


_AZURE_HEAD = re.compile(r"[\w~.-]{3}\d\Z")


@PROVIDERS("azure-ad-client-secret", ("q~",), r"Q~(?P<b>[\w~.-]{31,34})(?![\w~.-])")
def azure_ad_client_secret(m: re.Match[str], text: str) -> Span | None:
    """Microsoft Entra (Azure AD) client secrets: 3 characters, a digit, Q~, then 31-34 characters."""
    start = m.start() - 4
    if start < 0 or not _AZURE_HEAD.search(text, start, m.start()):
        return None
    if start and re.match(r"[\w~.-]", text[start - 1]):
        return None
    return None if is_placeholder(m.group("b")) else (start, m.end())


_GITLAB_LENGTHS = {"imt": (25, 25), "ptt": (40, 40), "oas": (64, 64), "agent": (50, 400)}


@PROVIDERS(
    "gitlab-token",
    ("gl",),
    r"gl(?P<k>pat|dt|soat|cbt|imt|ptt|agent|oas|rtr|rt|ft|ffct|tst|wt)-(?P<b>[\w.-]{20,})",
)
def gitlab_token(m: re.Match[str], text: str) -> Span | None:
    """GitLab tokens: personal (glpat-), deploy, OAuth, runner, trigger, feed, agent … with their lengths."""
    low, high = _GITLAB_LENGTHS.get(m.group("k"), (20, 400))
    return token(m, text, extra="-.") if low <= len(m.group("b")) <= high else None


_SLACK_SHAPE = re.compile(r"(?:\d{1,2}-)?(?:[A-Za-z0-9]{6,}-){1,4}[A-Za-z0-9]{8,}|\d-[A-Za-z0-9]{40,}")


@PROVIDERS("slack-token", ("xox", "xapp-"), r"x(?:ox[abeoprs]|app)(?:\.xox[bp])?-(?P<b>[A-Za-z0-9-]{10,})")
def slack_token(m: re.Match[str], text: str) -> Span | None:
    """Slack bot, user, app-level, workspace, configuration and refresh tokens (xoxb-, xoxp-, xapp-, xoxe-…)."""
    if not _SLACK_SHAPE.fullmatch(m.group("b")):
        return None
    return token(m, text, extra="-")


@PROVIDERS("slack-webhook", ("hooks.slack.com",), r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<b>[\w+/-]{20,})")
def slack_webhook(m: re.Match[str], text: str) -> Span | None:
    """Slack incoming-webhook and workflow URLs: the path after hooks.slack.com is the credential."""
    return None if is_placeholder(m.group("b")) else m.span()


_MAILCHIMP_HEAD = re.compile(r"(?<![A-Za-z0-9])[0-9a-f]{32}\Z")


@PROVIDERS("mailchimp-key", ("-us",), r"-us\d{1,2}(?![A-Za-z0-9])")
def mailchimp_key(m: re.Match[str], text: str) -> Span | None:
    """Mailchimp API keys: 32 hex + -us<datacenter>."""
    head = _MAILCHIMP_HEAD.search(text, max(0, m.start() - 33), m.start())
    if head is None or is_placeholder(head.group()):
        return None
    return head.start(), m.end()


_DISCORD_HEAD = re.compile(r"(?<![\w-])[\w-]{24,26}\Z")


@PROVIDERS("discord-bot-token", (".",), r"\.(?P<t>[\w-]{6})\.(?P<b>[\w-]{27,38})(?![\w-])")
def discord_bot_token(m: re.Match[str], text: str) -> Span | None:
    """Discord bot tokens: base64 user id (24-26) . timestamp (6) . HMAC (27-38)."""
    head = _DISCORD_HEAD.search(text, max(0, m.start() - 27), m.start())
    if head is None:
        return None
    whole = text[head.start() : m.end()]
    if is_wordy(whole) or is_placeholder(m.group("b")) or shannon_entropy(whole) < random_threshold(whole):
        return None
    return head.start(), m.end()


_TELEGRAM_HEAD = re.compile(r"(?<![\w:])\d{8,10}\Z")


@PROVIDERS("telegram-bot-token", (":aa",), r":AA(?P<b>[\w-]{33})(?![\w-])")
def telegram_bot_token(m: re.Match[str], text: str) -> Span | None:
    """Telegram bot tokens: numeric bot id, colon, AA + 33 characters."""
    head = _TELEGRAM_HEAD.search(text, max(0, m.start() - 11), m.start())
    if head is None or is_placeholder(m.group("b")):
        return None
    return head.start(), m.end()


@PROVIDERS(
    "aws-bedrock-key",
    ("absk", "bedrock-api-key-"),
    # The base64 of "bedrock.amazonaws.com" identifies a short-lived key (split so this file is not one).
    (r"ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/=]{20,}", r"bedrock-api-key-" r"YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%&]*"),
)
def aws_bedrock_key(m: re.Match[str], text: str) -> Span | None:
    """Amazon Bedrock API keys: long-lived ABSK + base64 'BedrockAPIKey-…', short-lived bedrock-api-key-…."""
    return None if is_placeholder(m.group()) or not bounded(m, text) else m.span()


@PROVIDERS("twilio-key", ("twilio",), r"(?:AC|SK)(?P<b>[0-9a-f]{32})")
def twilio_key(m: re.Match[str], text: str) -> Span | None:
    """Twilio account SIDs and API key SIDs (AC/SK + 32 hex) in files that mention Twilio."""
    return token(m, text)


@PROVIDERS("facebook-token", ("eaa",), r"EAA(?P<b>[A-Za-z0-9]{80,})")
def facebook_token(m: re.Match[str], text: str) -> Span | None:
    """Facebook / Meta Graph API user and page access tokens: EAA + long base62."""
    return token(m, text)


_APP_ID = re.compile(r"(?<![\w])\d{15,16}\Z")


@PROVIDERS("facebook-app-token", ("|",), r"\|(?P<b>[\w-]{27})(?![\w-])")
def facebook_app_token(m: re.Match[str], text: str) -> Span | None:
    """Facebook app access tokens: app id | app secret-derived token (27)."""
    head = _APP_ID.search(text, max(0, m.start() - 17), m.start())
    if head is None or not looks_random(m.group("b"), 27):
        return None
    return head.start(), m.end()


_TF_HEAD = re.compile(r"(?<![\w])[a-zA-Z0-9]{14}\Z")


@PROVIDERS("terraform-cloud-token", ("atlasv1",), r"\.atlasv1\.(?P<b>[\w=-]{60,70})")
def terraform_cloud_token(m: re.Match[str], text: str) -> Span | None:
    """Terraform Cloud / Enterprise API tokens: 14 characters .atlasv1. 60-70 characters."""
    head = _TF_HEAD.search(text, max(0, m.start() - 14), m.start())
    if head is None or is_placeholder(head.group() + m.group("b")):
        return None
    return head.start(), m.end()


@PROVIDERS("vault-legacy-token", ("s.",), r"s\.(?P<b>[A-Za-z0-9]{24})(?![\w.-])")
def vault_legacy_token(m: re.Match[str], text: str) -> Span | None:
    """HashiCorp Vault tokens before 1.10: s. + 24 base62 mixing digits and both cases."""
    body = m.group("b")
    mixed = any(c.isdigit() for c in body) and any(c.islower() for c in body) and any(c.isupper() for c in body)
    return token(m, text) if mixed and not is_wordy(body) else None


@PROVIDERS("octopus-deploy-key", ("api-",), r"API-(?P<b>[A-Z0-9]{26})")
def octopus_deploy_key(m: re.Match[str], text: str) -> Span | None:
    """Octopus Deploy API keys: API- + 26 upper-case alphanumerics (mixing letters and digits)."""
    body = m.group("b")
    return token(m, text) if any(c.isdigit() for c in body) and any(c.isalpha() for c in body) else None


@PROVIDERS(
    "sonar-token",
    ("sonar",),
    r"sonar[._-]?(?:login|token)[\"']?[ \t]*(?::{1,3}=|\?=|[:=])[ \t]*[\"']?(?P<b>(?:sq[upa]_)?[a-z0-9]{40})(?![a-z0-9])",
    lowered=True,
)
def sonar_token(m: re.Match[str], text: str) -> Span | None:
    """SonarQube / SonarCloud tokens (40 characters, optionally squ_/sqp_/sqa_) assigned to sonar.login/token."""
    start, end = m.span("b")
    return None if is_placeholder(text[start:end]) else (start, end)


@PROVIDERS(
    "sumologic-access-id",
    ("sumo",),
    r"sumo[\w.]{0,20}?access_?id[\"']?[ \t]*[:=][ \t]*[\"']?(?P<b>su[a-z0-9]{12})(?![a-z0-9])",
    lowered=True,
)
def sumologic_access_id(m: re.Match[str], text: str) -> Span | None:
    """Sumo Logic access ids: su + 12 alphanumerics assigned to an access-id name."""
    start, end = m.span("b")
    return None if is_placeholder(text[start:end]) else (start, end)


@PROVIDERS("softlayer-key", ("softlayer",), r"api\.softlayer\.com/(?:soap|rest)/v3(?:\.1)?/(?P<b>[a-z0-9]{64})")
def softlayer_key(m: re.Match[str], text: str) -> Span | None:
    """IBM SoftLayer API keys embedded in API URLs."""
    return m.span("b")


def _jwt_header(segment: str) -> dict[str, object] | None:
    try:
        decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:
        return None
    return decoded if isinstance(decoded, dict) else None


@PROVIDERS("jwt", ("eyj",), r"eyJ[\w-]{10,}={0,2}\.[\w-]{10,}={0,2}(?:\.[\w-]*)?")
def jwt(m: re.Match[str], text: str) -> Span | None:
    """JSON Web Tokens (also unsigned or two-part): the header must decode to JSON naming alg/typ/kid."""
    if not bounded(m, text, "-"):
        return None
    header = _jwt_header(m.group().split(".", 1)[0].rstrip("="))
    return m.span() if header and {"alg", "typ", "kid", "enc"} & header.keys() else None
