"""`GET /metrics`: what the team server counts, in Prometheus' text format, in a registry of its own (so two
servers in one test process do not share counters): requests and their latency per endpoint and strategy,
cascade fallbacks, feedback outcomes (acceptance) and the model cost."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from router.routing import Routed

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("idiom_api_requests", "HTTP requests answered", ["endpoint", "status"],
                                registry=self.registry)
        self.routed = Counter("idiom_routed_requests", "Routed requests by the strategy that answered",
                              ["repository", "strategy", "outcome"], registry=self.registry)
        self.latency = Histogram("idiom_routed_latency_seconds", "Routed request latency per strategy", ["strategy"],
                                 buckets=LATENCY_BUCKETS, registry=self.registry)
        self.fallbacks = Counter("idiom_cascade_fallbacks", "Strategies that failed before the answer (or none)",
                                 ["strategy"], registry=self.registry)
        self.feedback = Counter("idiom_feedback", "Feedback by outcome (accepted = acceptance)", ["outcome"],
                                registry=self.registry)
        self.cost = Counter("idiom_cost_usd", "Model cost in US dollars per strategy", ["strategy"],
                            registry=self.registry)

    def observe(self, repository: str, routed: Routed, seconds: float) -> None:
        """Count one routed request: who answered, how long it took, who failed before, what it cost."""
        strategy = routed.completion.strategy if routed.completion else "none"
        self.routed.labels(repository, strategy, "answered" if routed.completion else "nothing passed").inc()
        self.latency.labels(strategy).observe(seconds)
        for attempt in routed.attempts:
            if not attempt.passed:
                self.fallbacks.labels(attempt.strategy).inc()
            if attempt.cost_usd:
                self.cost.labels(attempt.strategy).inc(attempt.cost_usd)

    def text(self) -> bytes:
        return generate_latest(self.registry)
