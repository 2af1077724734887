"""Identifier formats (part of the public contract) and their randomness."""

from __future__ import annotations

import os
import re
import uuid

import pytest

from agent_gateway_core.domain.ids import new_execution_id, new_record_id, new_session_id

pytestmark = pytest.mark.unit


def test_an_execution_id_is_a_version_4_uuid_string() -> None:
    for _ in range(600):  # more than one pool's worth of bytes
        value = new_execution_id()
        parsed = uuid.UUID(value)
        assert str(parsed) == value
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)


def test_a_record_id_is_a_version_4_uuid_in_hex() -> None:
    value = new_record_id()
    assert re.fullmatch(r"[0-9a-f]{32}", value)
    assert uuid.UUID(hex=value).version == 4


def test_a_session_id_is_sess_and_12_hex_characters() -> None:
    assert re.fullmatch(r"sess_[0-9a-f]{12}", new_session_id())


def test_ids_do_not_repeat() -> None:
    ids = [new_execution_id() for _ in range(5000)] + [new_record_id() for _ in range(5000)]
    assert len(set(ids)) == len(ids)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.filterwarnings(
    "ignore:This process .* fork:DeprecationWarning"
)  # 3.12+, harmless here
def test_a_forked_child_does_not_repeat_its_parents_next_ids() -> None:
    new_execution_id()  # the pool holds unread bytes now
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report its next id and leave at once
        os.write(write_end, new_execution_id().encode())
        os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        child_id = pipe.read()
    assert uuid.UUID(child_id).version == 4
    assert child_id != new_execution_id()
