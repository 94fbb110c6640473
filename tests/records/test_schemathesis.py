"""Property-based tests of the records OpenAPI with schemathesis, in process: whatever the
input and whoever calls, no route answers with a server error, and every answer matches the
schema the OpenAPI declares for its status (response-schema conformance).

Every operation runs as every kind of caller of SPEC §3.4 (patients, parents, a representative,
professionals of each case, an insurer, an agent, the assistant for another user, anonymous):
the caller the route is meant for gets `MAX_EXAMPLES` examples, every other kind one by default
(mostly a refusal, which does not depend on the input), so the run stays bounded on a shared
machine. `SCHEMATHESIS_EXAMPLES` raises the budget for a deeper
run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from fixtures_record import CALLER_KINDS, build_world, empty_tables
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from records.storage import LocalEncryptedStorage, set_storage

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))
OTHER_CALLER_EXAMPLES = max(1, MAX_EXAMPLES // 8)
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture(scope="module")
def callers(app, database, settings, tmp_path_factory):
    set_storage(LocalEncryptedStorage(tmp_path_factory.mktemp("docs"), bytes(32)))
    empty_tables(database)
    with database.session() as session:
        world = build_world(session, settings)
        session.commit()
    yield world
    set_storage(None)


@pytest.fixture(scope="module")
def api_schema(app, callers):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_every_caller_kind_is_tried():
    assert {"owner", "parent", "pro_authorised", "insurer", "agent", "anonymous"} <= set(
        CALLER_KINDS
    )


def test_no_server_error_and_answers_match_the_schema(api_schema, callers):
    """One hypothesis run per operation and caller (the pytest plugin of schemathesis does
    not load under this pytest); any failing check fails the test with the request."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 60
    for operation in operations:
        pro = operation.path.startswith(("/patients", "/threads"))
        meant_for = "pro_authorised" if pro else "owner"
        for caller in CALLER_KINDS:
            examples = MAX_EXAMPLES if caller == meant_for else OTHER_CALLER_EXAMPLES
            run = _runner(operation, callers.headers(caller), examples)
            try:
                run()
            except Exception as exc:  # noqa: BLE001 - one or a group of failing examples
                failures.append(f"[{caller}] {str(exc).strip().splitlines()[0][:300]}")
    assert not failures, "\n".join(failures)


def _runner(operation, headers, examples: int):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:
            raise AssertionError(
                f"{case.method} {case.formatted_path} -> {response.status_code}: "
                f"{response.text[:200]} ({type(exc).__name__}: {str(exc)[:300]})"
            ) from exc

    return run
