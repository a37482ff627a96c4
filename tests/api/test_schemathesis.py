"""Property-based fuzzing of every operation against the OpenAPI schema: no 5xx, responses conform.

schemathesis' own pytest loaders (`from_fixture`) do not run under pytest 9 (they read the removed
`Function._nodeid`), so each operation is driven with `operation.as_strategy()` and `@given` instead.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from api.app import create_app
from rag.feedback import FeedbackStore

# Every operation but the admin re-index (it rebuilds the index; it has its own tests).
WITH_INPUT = ["POST /v1/ask", "POST /v1/ask/stream", "GET /v1/search", "GET /v1/documents/{doc_id}",
              "POST /v1/feedback", "GET /metrics", "GET /v1/admin/gaps"]
OPERATIONS = [*WITH_INPUT, "GET /healthz", "GET /readyz", "GET /v1/library"]
# Negative (schema-violating) data only where there is input to violate; probes take none.
CASES = [(label, GenerationMode.POSITIVE) for label in OPERATIONS] + \
        [(label, GenerationMode.NEGATIVE) for label in WITH_INPUT]
EXCLUDED = {"POST /v1/admin/reindex"}
FUZZ_KEY = "fuzz-key-0123456789"


@pytest.fixture
def api_schema(service, settings_for, tmp_path):
    """The app's own schema, loaded in-process; API keys on (so auth is fuzzed too), no rate limit."""
    settings = settings_for(rate_limit_per_minute=0, api_keys=FUZZ_KEY)
    app = create_app(service, FeedbackStore(tmp_path / "feedback.sqlite3"), settings)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_fuzzed_operations_are_all_the_operations(api_schema):
    labels = {result.ok().label for result in api_schema.get_all_operations()}
    assert labels == set(OPERATIONS) | EXCLUDED


@pytest.mark.slow
@pytest.mark.parametrize(("label", "mode"), CASES, ids=[f"{label} {mode.value}" for label, mode in CASES])
def test_operation_conforms_to_its_schema(api_schema, label, mode):
    operation = api_schema.find_operation_by_label(label)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                     HealthCheck.function_scoped_fixture])
    def check(case):
        case.call_and_validate(headers={"Authorization": f"Bearer {FUZZ_KEY}"})

    check()
