"""Every fault test runs under a time limit, so a hang fails the test instead of stalling CI."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from types import FrameType

import pytest

DEFAULT_LIMIT = 240  # s; a test may ask for another with @pytest.mark.time_limit(seconds)


class TimeLimitExceeded(Exception):
    pass


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "time_limit(seconds): fail a fault test that runs longer than this"
    )


@pytest.fixture(autouse=True)
def _time_limit(request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker("time_limit")
    limit = int(marker.args[0]) if marker else DEFAULT_LIMIT

    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise TimeLimitExceeded(f"{request.node.name} ran over its {limit} s limit (a hang?)")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(limit)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
