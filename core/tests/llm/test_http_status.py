"""HTTP statuses from a model provider map onto the core LLMError tree."""

from __future__ import annotations

import pytest

from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
    LLMConnectionError,
    LLMError,
    LLMRateLimitError,
    LLMServiceError,
    LLMTimeoutError,
)
from agent_gateway_core.llm.http_status import error_for_status

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (429, LLMRateLimitError),
        (408, LLMTimeoutError),
        (401, LLMAuthenticationError),
        (403, LLMAuthenticationError),
        (400, LLMBadRequestError),
        (404, LLMBadRequestError),
        (422, LLMBadRequestError),
        (500, LLMServiceError),
        (529, LLMServiceError),
        (None, LLMServiceError),
    ],
)
def test_status_codes_map_to_core_errors(status: int | None, expected: type[LLMError]) -> None:
    error = error_for_status(status, "provider said no", model="openai/m", retry_after=1.5)

    assert type(error) is expected
    assert str(error) == "provider said no"
    assert (error.status_code, error.model, error.retry_after) == (status, "openai/m", 1.5)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (429, "rate limit"),
        (408, "timeout"),
        (401, "authentication error"),
        (403, "authentication error"),
        (400, "bad request"),
        (404, "bad request"),
        (500, "service error"),
        (None, "service error"),
    ],
)
def test_the_public_message_names_the_kind_provider_and_model_not_the_text(
    status: int | None, kind: str
) -> None:
    error = error_for_status(status, "secret provider text", model="openai/gpt-4o-mini")

    where = "provider 'openai', model 'openai/gpt-4o-mini'"
    suffix = f", HTTP {status}" if status is not None else ""
    assert error.public_message == f"model call failed: {kind} ({where}{suffix})"
    assert str(error) == "secret provider text"  # for the log


def test_a_public_message_without_a_provider_prefix_names_the_model() -> None:
    error = LLMConnectionError("refused: 10.0.0.7:443", model="gpt-4o")

    assert error.public_message == "model call failed: connection error (model 'gpt-4o')"
