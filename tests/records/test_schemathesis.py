"""Property-based tests of the records OpenAPI with schemathesis, in process: whatever the
input, no route answers with a server error. Bounded (a few examples per operation) so the
run stays well under 2 minutes; every operation is called with a real caller: a patient
session for the person's routes, an authorised professional's key for theirs."""

from __future__ import annotations

import pytest
import schemathesis
from fixtures_record import build_world, empty_tables
from hypothesis import HealthCheck, given, settings

from records.storage import LocalEncryptedStorage, set_storage

MAX_EXAMPLES = 5


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


def test_no_server_error(api_schema, callers):
    """One hypothesis run per operation (the pytest plugin of schemathesis does not load
    under this pytest); a 5xx on any operation fails the test with the request that did it."""
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 60
    for operation in operations:
        pro = operation.path.startswith(("/patients", "/threads"))
        run = _runner(operation, callers.headers("pro_authorised" if pro else "owner"))
        try:
            run()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert not failures, "\n".join(failures)


def _runner(operation, headers):
    @given(case=operation.as_strategy())
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}"
        )

    return run
