"""HTTP statuses from a model provider map onto the core LLMError tree."""

from __future__ import annotations

import pytest

from agent_gateway_core.errors import (
    LLMAuthenticationError,
    LLMBadRequestError,
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
