"""What a credential's scopes grant: exact names, ``*``, ``read``, per-agent invoke, and the
existing product's names."""

from __future__ import annotations

import pytest

from agent_gateway_core.domain.auth import Principal, Scope, scope_granted

pytestmark = pytest.mark.unit


def grants(*granted: str) -> frozenset[str]:
    return frozenset(granted)


@pytest.mark.parametrize("required", list(Scope))
def test_star_grants_every_scope(required: Scope) -> None:
    assert scope_granted(grants("*"), required)


@pytest.mark.parametrize("required", list(Scope))
def test_a_scope_grants_itself_and_nothing_else(required: Scope) -> None:
    assert scope_granted(grants(required.value), required)
    others = [s for s in Scope if s is not required]
    assert not any(scope_granted(grants(required.value), other) for other in others)


def test_read_grants_every_read_scope_and_no_other() -> None:
    readable = {s for s in Scope if scope_granted(grants("read"), s)}
    assert readable == {s for s in Scope if s.value.endswith(":read")}
    assert Scope.AGENTS_INVOKE not in readable


def test_agent_specific_invoke_grants_that_agent_only() -> None:
    only_triage = grants("agents:invoke:triage")
    assert scope_granted(only_triage, Scope.AGENTS_INVOKE, agent_id="triage")
    assert not scope_granted(only_triage, Scope.AGENTS_INVOKE, agent_id="assistant")
    assert not scope_granted(only_triage, Scope.AGENTS_INVOKE)
    assert not scope_granted(only_triage, Scope.AGENTS_READ, agent_id="triage")


@pytest.mark.parametrize(
    ("existing_name", "scope"),
    [
        ("agents:configure", Scope.CONFIG_WRITE),
        ("executions:cancel", Scope.EXECUTIONS_MANAGE),
        ("sessions:manage", Scope.SESSIONS_WRITE),
        ("admin:*", Scope.ADMIN),
    ],
)
def test_the_existing_products_scope_names_keep_working(existing_name: str, scope: Scope) -> None:
    assert scope_granted(grants(existing_name), scope)
    assert not scope_granted(grants(existing_name), Scope.AGENTS_INVOKE)


def test_no_scope_grants_nothing_and_admin_is_not_everything() -> None:
    assert not any(scope_granted(grants(), s) for s in Scope)
    assert not scope_granted(grants("admin"), Scope.AGENTS_INVOKE)


def test_a_principal_checks_its_own_scopes() -> None:
    caller = Principal(subject="u", scopes=grants("agents:invoke:triage", "read"))
    assert caller.has_scope("agents:invoke", agent_id="triage")
    assert caller.has_scope("executions:read")
    assert not caller.has_scope("executions:manage")
