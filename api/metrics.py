"""Prometheus metrics of one app, kept in the app's own CollectorRegistry (no global state)."""
from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class ApiMetrics:
    """Request counts and latencies by route, answer outcomes and the live index version."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter("reelqa_http_requests", "HTTP requests by route, method and status",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("reelqa_http_request_duration_seconds", "HTTP request latency by route",
                                 ["route", "method"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.answers = Counter("reelqa_answers", "Answers given over HTTP, by outcome", ["outcome"],
                               registry=self.registry)
        self.index_info = Gauge("reelqa_index_info", "The live index version (value is always 1)", ["version"],
                                registry=self.registry)
        self.index_documents = Gauge("reelqa_index_documents", "Documents in the live index", registry=self.registry)
        self.index_chunks = Gauge("reelqa_index_chunks", "Chunks in the live index", registry=self.registry)
        for outcome in ("answered", "abstained"):
            self.answers.labels(outcome)

    def observe_request(self, route: str, method: str, status: int, seconds: float) -> None:
        """Count one finished request and its latency."""
        self.requests.labels(route, method, str(status)).inc()
        self.latency.labels(route, method).observe(seconds)

    def observe_answer(self, answered: bool) -> None:
        """Count one answer by outcome."""
        self.answers.labels("answered" if answered else "abstained").inc()

    def set_index(self, status: dict | None) -> None:
        """Show the live index version (or none) from a service status dict."""
        self.index_info.clear()
        if status:
            self.index_info.labels(status["version"]).set(1)
            self.index_documents.set(status.get("documents", 0))
            self.index_chunks.set(status.get("chunks", 0))

    def track_llm(self, outcomes: Callable[[], dict[str, int]]) -> None:
        """Export the service's chat-model request counts as reelqa_llm_requests_total{outcome} at each scrape."""
        self.registry.register(_LlmCollector(outcomes))

    def render(self) -> bytes:
        """The registry in Prometheus text format."""
        return generate_latest(self.registry)


class _LlmCollector:
    """Reads the chat-model outcome counts the service keeps (the service counts; the endpoint exports)."""

    def __init__(self, outcomes: Callable[[], dict[str, int]]):
        self.outcomes = outcomes

    def collect(self):
        family = CounterMetricFamily("reelqa_llm_requests", "Chat-model (LLM) requests by outcome", labels=["outcome"])
        for outcome, count in sorted(self.outcomes().items()):
            family.add_metric([outcome], count)
        yield family
