"""A contract subclass that forgets a fixture errors at setup, naming the fixture to provide."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.unit

pytest_plugins = ["pytester"]


def test_a_subclass_without_its_fixture_errors_naming_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from agent_gateway_testing.contracts import ClockContract

        class TestForgetful(ClockContract):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider", "-q", "-W", "ignore")

    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", 0) > 0
    assert "passed" not in outcomes  # nothing runs against a missing implementation
    result.stdout.fnmatch_lines(["*TestForgetful must override the `clock` fixture*"])
