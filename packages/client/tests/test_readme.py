"""The README's examples run: the quick look, and each feature's example (with ``client``, a
``GatewayClientSync`` of the real gateway, printing what the ```text block under it shows; a
block defining ``test_*`` functions is a user's test, run with a ``MockGateway``)."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from agent_gateway_client import GatewayClientSync
from agent_gateway_client.testing import MockGateway

from ._served import ALICE, ServedGateway

pytestmark = pytest.mark.integration

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def examples() -> list[tuple[str, str | None]]:
    """The feature examples (after the quick look), each with the text it prints."""
    found = re.findall(
        r"```python\n(.*?)```\n(?:\n```text\n(.*?)```)?", README.read_text(), flags=re.DOTALL
    )
    return [(code, printed or None) for code, printed in found[2:]]


@pytest.mark.parametrize("index", [0, 1], ids=["async", "sync"])
def test_the_quick_look_runs(index: int, served: ServedGateway) -> None:
    code = python_blocks()[index]
    code = code.replace("http://127.0.0.1:8000", served.url).replace("sk-...", ALICE)
    printed = io.StringIO()

    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(README), "exec"), {"__name__": "readme"})

    assert printed.getvalue() == "echo: Hello! 15\n"


@pytest.mark.parametrize(
    ("code", "printed"), examples(), ids=[f"example-{n}" for n in range(len(examples()))]
)
def test_the_feature_examples_run(code: str, printed: str | None, served: ServedGateway) -> None:
    output = io.StringIO()

    with GatewayClientSync(served.url, api_key=ALICE) as client, contextlib.redirect_stdout(output):
        namespace = {"__name__": "readme", "client": client}
        exec(compile(code, str(README), "exec"), namespace)
        tests = [value for name, value in namespace.items() if name.startswith("test_")]
        for test in tests:
            test(MockGateway())

    assert len(examples()) >= 5
    if printed is None:
        assert tests, "an example prints what its text block shows, or is a test"
    else:
        assert output.getvalue() == printed
