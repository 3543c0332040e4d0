"""Provider failures in one table: what happened, whether a retry can help, and what to tell people.

Both SDKs raise exceptions carrying an HTTP status (or a timeout/connection class); `classify` maps
them to a row here, so retry policy and wording live in one place for every provider.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.errors import RouterError


@dataclass(frozen=True)
class Failure:
    """One kind of provider failure."""

    name: str
    retry: bool
    advice: str


FAILURES = {
    "rate-limit": Failure("rate-limit", True, "the provider is rate limiting; it was retried with backoff"),
    "timeout": Failure("timeout", True, "no answer within [router] timeout seconds; raise it or try again"),
    "connection": Failure("connection", True, "cannot reach the provider; check [router] base_url and the network"),
    "server": Failure("server", True, "the provider had an internal error; it was retried"),
    "auth": Failure("auth", False, "the API key was refused; set OPENAI_API_KEY / ANTHROPIC_API_KEY"),
    "bad-request": Failure("bad-request", False, "the provider rejected the request (model name? prompt too long?)"),
    "not-found": Failure("not-found", False, "no such model or endpoint at this provider; check [router] model"),
}


class ProviderError(RouterError):
    """A provider call failed; `failure` says which kind and whether it was retryable."""

    def __init__(self, provider: str, failure: Failure, detail: str) -> None:
        super().__init__(f"{provider}: {failure.advice} ({detail})")
        self.provider, self.failure, self.detail = provider, failure, detail

    def __reduce__(self) -> tuple[type[ProviderError], tuple[str, Failure, str]]:
        """Rebuilt from its parts where it is unpickled (a provider's helper process raises it in the server)."""
        return type(self), (self.provider, self.failure, self.detail)


def classify(exc: BaseException) -> Failure:
    """The table row for an SDK exception (by HTTP status, else by exception class)."""
    status = getattr(exc, "status_code", None)
    if status is not None:
        if status == 429:
            return FAILURES["rate-limit"]
        if status in (401, 403):
            return FAILURES["auth"]
        if status == 404:
            return FAILURES["not-found"]
        if status >= 500:
            return FAILURES["server"]
        return FAILURES["bad-request"]
    name = type(exc).__name__
    if "Timeout" in name:
        return FAILURES["timeout"]
    return FAILURES["connection"]
