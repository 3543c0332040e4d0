"""Provider token shapes for the written benchmark set, each from the provider's own documentation.

Used by `bench/secrets/write.py` to generate positives: a documented prefix, the alphabet and length of
the random part, and the page that documents it. Some pages state the prefix but not the length or alphabet;
those shapes say so (`length_documented=False`) and use the length such tokens are seen with, so a rule
tuned to them should not be stricter than the prefix. The random part comes from a seeded RNG, so
no value here is a real credential. Formats are facts from the providers' pages, not other scanners' rules.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass

BASE62 = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
UPPER_HEX = "0123456789ABCDEF"
URLSAFE = BASE62 + "-_"
BASE64 = BASE62 + "+/"
BASE32 = string.ascii_uppercase + "234567"
BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


@dataclass(frozen=True)
class TokenShape:
    """One provider's documented token: `make(rng)` returns a fresh token of that shape."""

    name: str
    doc: str
    make: Callable[[random.Random], str]
    env: str  # the variable name a project would keep it under
    length_documented: bool = True  # False: the page gives the prefix only


def pick(rng: random.Random, alphabet: str, n: int) -> str:
    """`n` characters drawn from `alphabet`."""
    return "".join(rng.choice(alphabet) for _ in range(n))


def _prefixed(prefix: str, alphabet: str, n: int) -> Callable[[random.Random], str]:
    return lambda rng: prefix + pick(rng, alphabet, n)


SHAPES: tuple[TokenShape, ...] = (
    TokenShape("github-classic-pat", "https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/",
               _prefixed("ghp_", BASE62, 36), "GITHUB_TOKEN"),
    TokenShape("github-fine-grained-pat", "https://github.blog/changelog/2022-10-18-introducing-fine-grained-personal-access-tokens/",
               lambda r: "github_pat_" + pick(r, BASE62, 22) + "_" + pick(r, BASE62, 59), "GH_PAT"),
    TokenShape("gitlab-pat", "https://docs.gitlab.com/ee/security/tokens/#token-prefixes",
               _prefixed("glpat-", URLSAFE, 20), "GITLAB_TOKEN"),
    TokenShape("gitlab-runner-token", "https://docs.gitlab.com/ee/security/tokens/#token-prefixes",
               _prefixed("glrt-", URLSAFE, 20), "RUNNER_TOKEN", length_documented=False),
    TokenShape("slack-bot-token", "https://api.slack.com/authentication/token-types",
               lambda r: f"xoxb-{pick(r, string.digits, 12)}-{pick(r, string.digits, 13)}-{pick(r, BASE62, 24)}",
               "SLACK_BOT_TOKEN"),
    TokenShape("stripe-secret-key", "https://docs.stripe.com/keys",
               _prefixed("sk_live_", BASE62, 99), "STRIPE_SECRET_KEY", length_documented=False),
    TokenShape("stripe-restricted-key", "https://docs.stripe.com/keys#create-restricted-api-secret-key",
               _prefixed("rk_live_", BASE62, 99), "STRIPE_RESTRICTED_KEY", length_documented=False),
    TokenShape("aws-access-key-id", "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids",
               _prefixed("AKIA", BASE32, 16), "AWS_ACCESS_KEY_ID"),
    TokenShape("aws-secret-access-key", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html",
               lambda r: pick(r, BASE64, 40), "AWS_SECRET_ACCESS_KEY"),
    TokenShape("twilio-api-key-sid", "https://www.twilio.com/docs/iam/api-keys",
               _prefixed("SK", HEX, 32), "TWILIO_API_KEY"),
    TokenShape("twilio-auth-token", "https://www.twilio.com/docs/iam/api/authtoken",
               lambda r: pick(r, HEX, 32), "TWILIO_AUTH_TOKEN"),
    TokenShape("npm-access-token", "https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/",
               _prefixed("npm_", BASE62, 36), "NPM_TOKEN"),
    TokenShape("pypi-api-token", "https://pypi.org/help/#apitoken",
               lambda r: "pypi-AgEIcHlwaS5vcmc" + pick(r, URLSAFE, 160), "PYPI_TOKEN"),
    TokenShape("rubygems-api-key", "https://guides.rubygems.org/api-key-scopes/",
               _prefixed("rubygems_", HEX, 48), "GEM_HOST_API_KEY"),
    TokenShape("huggingface-token", "https://huggingface.co/docs/hub/security-tokens",
               _prefixed("hf_", string.ascii_letters, 34), "HF_TOKEN", length_documented=False),
    TokenShape("databricks-pat", "https://docs.databricks.com/en/dev-tools/auth/pat.html",
               _prefixed("dapi", HEX, 32), "DATABRICKS_TOKEN"),
    TokenShape("digitalocean-pat", "https://docs.digitalocean.com/reference/api/create-personal-access-token/",
               _prefixed("dop_v1_", HEX, 64), "DIGITALOCEAN_TOKEN"),
    TokenShape("shopify-admin-token", "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens",
               _prefixed("shpat_", HEX, 32), "SHOPIFY_ACCESS_TOKEN"),
    TokenShape("doppler-service-token", "https://docs.doppler.com/reference/auth-token-formats",
               _prefixed("dp.st.", BASE62, 43), "DOPPLER_TOKEN", length_documented=False),
    TokenShape("linear-api-key", "https://developers.linear.app/docs/graphql/working-with-the-graphql-api",
               _prefixed("lin_api_", BASE62, 40), "LINEAR_API_KEY", length_documented=False),
    TokenShape("terraform-cloud-token", "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens",
               lambda r: pick(r, BASE62, 14) + ".atlasv1." + pick(r, BASE62, 67), "TFE_TOKEN"),
    TokenShape("vault-service-token", "https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes",
               _prefixed("hvs.", BASE62, 24), "VAULT_TOKEN", length_documented=False),
    TokenShape("postman-api-key", "https://learning.postman.com/docs/developer/postman-api/authentication/",
               lambda r: f"PMAK-{pick(r, HEX, 24)}-{pick(r, HEX, 34)}", "POSTMAN_API_KEY"),
    TokenShape("grafana-service-account-token", "https://grafana.com/docs/grafana/latest/administration/service-accounts/",
               lambda r: f"glsa_{pick(r, BASE62, 32)}_{pick(r, HEX, 8)}", "GRAFANA_TOKEN"),
    TokenShape("mailgun-api-key", "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/",
               lambda r: f"key-{pick(r, HEX, 32)}", "MAILGUN_API_KEY", length_documented=False),
    TokenShape("mailchimp-api-key", "https://mailchimp.com/developer/marketing/guides/quick-start/",
               lambda r: f"{pick(r, HEX, 32)}-us{r.randint(1, 21)}", "MAILCHIMP_API_KEY"),
    TokenShape("notion-integration-secret", "https://developers.notion.com/docs/authorization",
               _prefixed("secret_", BASE62, 43), "NOTION_TOKEN", length_documented=False),
    TokenShape("airtable-pat", "https://airtable.com/developers/web/guides/personal-access-tokens",
               lambda r: f"pat{pick(r, BASE62, 14)}.{pick(r, HEX, 64)}", "AIRTABLE_TOKEN", length_documented=False),
    TokenShape("pulumi-access-token", "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/",
               _prefixed("pul-", HEX, 40), "PULUMI_ACCESS_TOKEN", length_documented=False),
    TokenShape("new-relic-user-key", "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/",
               _prefixed("NRAK-", string.ascii_uppercase + string.digits, 27), "NEW_RELIC_API_KEY", length_documented=False),
    TokenShape("dynatrace-token", "https://docs.dynatrace.com/docs/manage/identity-access-management/access-tokens-and-oauth-clients/access-tokens",
               lambda r: f"dt0c01.{pick(r, BASE32, 24)}.{pick(r, BASE32, 64)}", "DT_API_TOKEN"),
    TokenShape("contentful-pat", "https://www.contentful.com/developers/docs/references/authentication/",
               _prefixed("CFPAT-", URLSAFE, 43), "CONTENTFUL_MANAGEMENT_TOKEN", length_documented=False),
    TokenShape("replicate-api-token", "https://replicate.com/docs/topics/security/api-tokens",
               _prefixed("r8_", BASE62, 37), "REPLICATE_API_TOKEN", length_documented=False),
    TokenShape("telegram-bot-token", "https://core.telegram.org/bots/api#authorizing-your-bot",
               lambda r: f"{r.randint(10**8, 10**10 - 1)}:AA{pick(r, URLSAFE, 33)}", "TELEGRAM_BOT_TOKEN", length_documented=False),
    TokenShape("tailscale-auth-key", "https://tailscale.com/kb/1085/auth-keys",
               lambda r: f"tskey-auth-{pick(r, BASE62, 17)}-{pick(r, BASE62, 33)}", "TS_AUTHKEY", length_documented=False),
    TokenShape("age-identity", "https://age-encryption.org/v1",
               lambda r: "AGE-SECRET-KEY-1" + pick(r, BECH32, 58).upper(), "SOPS_AGE_KEY"),
    TokenShape("buildkite-api-token", "https://buildkite.com/docs/platform/security/tokens",
               _prefixed("bkua_", HEX, 40), "BUILDKITE_API_TOKEN", length_documented=False),
    TokenShape("shippo-live-token", "https://docs.goshippo.com/docs/guides_general/authentication/",
               _prefixed("shippo_live_", HEX, 40), "SHIPPO_API_TOKEN", length_documented=False),
    TokenShape("square-access-token", "https://developer.squareup.com/docs/build-basics/access-tokens",
               _prefixed("EAAA", URLSAFE, 60), "SQUARE_ACCESS_TOKEN", length_documented=False),
    TokenShape("sendgrid-api-key", "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys",
               lambda r: f"SG.{pick(r, URLSAFE, 22)}.{pick(r, URLSAFE, 43)}", "SENDGRID_API_KEY", length_documented=False),
    TokenShape("azure-storage-account-key", "https://learn.microsoft.com/en-us/azure/storage/common/storage-configure-connection-string",
               lambda r: pick(r, BASE64, 86) + "==", "AZURE_STORAGE_KEY"),
    TokenShape("supabase-secret-key", "https://supabase.com/docs/guides/api/api-keys",
               _prefixed("sb_secret_", URLSAFE, 31), "SUPABASE_SECRET_KEY", length_documented=False),
    TokenShape("mapbox-secret-token", "https://docs.mapbox.com/accounts/guides/tokens/",
               lambda r: "sk." + mapbox_body(r), "MAPBOX_SECRET_TOKEN", length_documented=False),
    TokenShape("posthog-personal-api-key", "https://posthog.com/docs/api",
               _prefixed("phx_", BASE62, 43), "POSTHOG_PERSONAL_API_KEY", length_documented=False),
    TokenShape("sentry-user-token", "https://docs.sentry.io/account/auth-tokens/",
               _prefixed("sntryu_", HEX, 64), "SENTRY_AUTH_TOKEN", length_documented=False),
    TokenShape("gitlab-deploy-token", "https://docs.gitlab.com/ee/security/tokens/#token-prefixes",
               _prefixed("gldt-", URLSAFE, 20), "CI_DEPLOY_PASSWORD", length_documented=False),
    TokenShape("slack-app-token", "https://api.slack.com/authentication/token-types",
               lambda r: f"xapp-1-A{pick(r, BASE32[:26] + string.digits, 10)}-{pick(r, string.digits, 13)}-{pick(r, HEX, 64)}",
               "SLACK_APP_TOKEN", length_documented=False),
    TokenShape("slack-incoming-webhook", "https://api.slack.com/messaging/webhooks",
               lambda r: f"https://hooks.slack.com/services/T{pick(r, BASE32[:26] + string.digits, 10)}"
                         f"/B{pick(r, BASE32[:26] + string.digits, 10)}/{pick(r, BASE62, 24)}", "SLACK_WEBHOOK_URL"),
    TokenShape("discord-webhook", "https://discord.com/developers/docs/resources/webhook",
               lambda r: f"https://discord.com/api/webhooks/{r.randint(10**17, 10**19 - 1)}/{pick(r, URLSAFE, 68)}",
               "DISCORD_WEBHOOK_URL", length_documented=False),
    TokenShape("stripe-webhook-secret", "https://docs.stripe.com/webhooks#verify-events",
               _prefixed("whsec_", BASE62, 32), "STRIPE_WEBHOOK_SECRET", length_documented=False),
    TokenShape("docker-hub-pat", "https://docs.docker.com/security/for-developers/access-tokens/",
               _prefixed("dckr_pat_", URLSAFE, 27), "DOCKERHUB_TOKEN", length_documented=False),
    TokenShape("groq-api-key", "https://console.groq.com/docs/api-keys",
               _prefixed("gsk_", BASE62, 52), "GROQ_API_KEY", length_documented=False),
)


def mapbox_body(rng: random.Random) -> str:
    """Mapbox tokens: a type prefix (`pk.` public, `sk.` secret), base64url JSON naming user and id, a signature."""
    user, key_id = pick(rng, string.ascii_lowercase, 8), pick(rng, string.ascii_lowercase + string.digits, 25)
    payload = json.dumps({"u": user, "a": key_id}, separators=(",", ":"))
    encoded = base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()
    return f"{encoded}.{pick(rng, URLSAFE, 22)}"
