"""The session-wide test stack, shared by tests/e2e and tests/browser.

Both conftests import `stack` from here. Pytest makes one fixture per conftest, so the
processes themselves live in this module: started by the first user, stopped by the last.
A stack that failed to start fails every test that needs it, at once (no second try).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .stack import Stack, StackError

_shared: dict[str, object] = {"stack": None, "users": 0, "error": None}


def acquire() -> Stack:
    if _shared["error"] is not None:
        raise StackError(str(_shared["error"]))
    if _shared["stack"] is None:
        stack = Stack()
        try:
            stack.start()
        except StackError as exc:
            _shared["error"] = exc
            raise
        _shared["stack"] = stack
    _shared["users"] = int(_shared["users"]) + 1  # type: ignore[call-overload]
    return _shared["stack"]  # type: ignore[return-value]


def release() -> None:
    _shared["users"] = int(_shared["users"]) - 1  # type: ignore[call-overload]
    stack = _shared["stack"]
    if _shared["users"] == 0 and isinstance(stack, Stack):
        stack.cleanup()
        _shared["stack"] = None


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    running = acquire()
    try:
        yield running
    finally:
        release()


@pytest.fixture
def healthy_stack(stack: Stack) -> Stack:
    """The stack, with every component running again (a test may have stopped one)."""
    for name in stack.components:
        if not stack.is_ready(name):
            stack.start_component(name)
    return stack


@pytest.fixture(autouse=True)
def fresh_people(request: pytest.FixtureRequest) -> None:
    """Tests that use the stack start with the demo people as the seed made them."""
    if "stack" in request.fixturenames or "healthy_stack" in request.fixturenames:
        request.getfixturevalue("stack").reset_people()
