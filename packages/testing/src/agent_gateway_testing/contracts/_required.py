"""The one way a contract suite says that its subclass must provide a fixture."""

from __future__ import annotations

from typing import NoReturn

import pytest


def fixture_required(contract: object, fixture: str, what: str = "") -> NoReturn:
    """Fail the test: ``type(contract)`` subclasses a contract without providing ``fixture``.

    Every contract is a base class whose subclass supplies the implementation under test
    through fixtures; a missing one is a mistake in the subclass, reported as such.
    """
    wanted = f" ({what})" if what else ""
    pytest.fail(
        f"{type(contract).__name__} must override the `{fixture}` fixture{wanted}",
        pytrace=False,
    )
