"""gateway.yaml's ``context`` and ``context_retrieval`` in system prompts: the business context
section, context files cut at ``max_context_file_chars``, retrieved text capped at
``max_retrieved_chars``, and each retriever call bounded by ``retriever_timeout_seconds``."""

from __future__ import annotations

import asyncio
import logging

import pytest

from agent_gateway_core.domain.agent import AgentDefinition, ContextFile
from agent_gateway_core.engine.prompt import business_context_section, static_prompt
from agent_gateway_core.ports.retriever import RetrievalQuery
from agent_gateway_core.retrievers import as_retriever
from agent_gateway_core.testing import StaticRetriever
from agent_gateway_core.workspace.state import ContextRetrieval

pytestmark = pytest.mark.unit

PROMPT_LOGGER = "agent_gateway_core.engine.prompt"
CONTEXT = {"company": "Acme Corp", "products": ["Widgets", "Gadgets"], "tiers": {"gold": 3}}


def system_prompt(harness, index: int = 0) -> str:
    return harness.llm.requests[index].messages[0].content


class SlowRetriever:
    """Our port; answers after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def retrieve(self, query: RetrievalQuery) -> list[str]:
        await asyncio.sleep(self.delay)
        return ["late passage"]


class SlowKeywordRetriever:
    """The agents-gateway 0.2 protocol; answers after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def retrieve(self, *, query: str, agent_id: str) -> list[str]:
        await asyncio.sleep(self.delay)
        return ["late keyword passage"]


# context


def test_business_context_renders_one_line_per_entry() -> None:
    assert business_context_section(CONTEXT) == (
        "## Business context\n\n"
        "- company: Acme Corp\n"
        '- products: ["Widgets", "Gadgets"]\n'
        '- tiers: {"gold": 3}'
    )
    assert business_context_section({}) == ""


def test_business_context_follows_the_shared_files_and_precedes_the_agent() -> None:
    agent = AgentDefinition(
        id="a",
        prompt="You triage tickets.",
        context_files=(ContextFile(name="faq.md", content="FAQ."),),
    )

    prompt = static_prompt(
        agent,
        {},
        shared_prompt="You work for Acme.",
        shared_behavior="No secrets.",
        business_context={"company": "Acme Corp"},
    )

    assert prompt == (
        "You work for Acme.\n\nNo secrets.\n\n## Business context\n\n- company: Acme Corp\n\n"
        "You triage tickets.\n\n## faq.md\n\nFAQ."
    )


async def test_business_context_reaches_every_agent_once_per_snapshot(harness) -> None:
    engine = harness.engine(
        harness.agent("helper", prompt="I help."),
        harness.agent("other", prompt="I help too."),
        context=CONTEXT,
        shared_prompt="Shared.",
    )

    await harness.run(engine, agent_id="helper")
    await harness.run(engine, agent_id="other")

    for index in (0, 1):
        prompt = system_prompt(harness, index)
        assert "## Business context\n\n- company: Acme Corp" in prompt
        assert prompt.index("Shared.") < prompt.index("## Business context")
        assert prompt.index("## Business context") < prompt.index("I help")
    # Static, so cached with the rest of the agent's plan rather than rebuilt per request.
    assert engine.plan_for("helper").static_prompt is engine.plan_for("helper").static_prompt
    assert "## Business context" in engine.plan_for("helper").static_prompt


async def test_no_business_context_leaves_no_section(harness) -> None:
    await harness.run(harness.engine())

    assert "Business context" not in system_prompt(harness)


# context_retrieval.max_context_file_chars


async def test_context_files_are_cut_with_one_warning_per_snapshot(harness, caplog) -> None:
    agent = harness.agent(
        context_files=(
            ContextFile(name="big.md", content="A" * 30 + "TAIL"),
            ContextFile(name="small.md", content="short"),
        )
    )
    engine = harness.engine(agent, context_retrieval=ContextRetrieval(max_context_file_chars=30))

    with caplog.at_level(logging.WARNING, logger=PROMPT_LOGGER):
        await harness.run(engine)
        await harness.run(engine)

    for index in (0, 1):
        prompt = system_prompt(harness, index)
        assert "## big.md\n\n" + "A" * 30 + "\n\n" in prompt
        assert "TAIL" not in prompt
        assert "## small.md\n\nshort" in prompt
    warnings = [r.getMessage() for r in caplog.records if "truncated" in r.getMessage()]
    assert warnings == [
        "context file 'big.md' of agent 'helper' truncated from 34 to 30 chars "
        "(context_retrieval.max_context_file_chars)"
    ]


async def test_context_files_within_the_limit_are_untouched(harness, caplog) -> None:
    agent = harness.agent(context_files=(ContextFile(name="f.md", content="x" * 30),))
    engine = harness.engine(agent, context_retrieval=ContextRetrieval(max_context_file_chars=30))

    with caplog.at_level(logging.WARNING, logger=PROMPT_LOGGER):
        await harness.run(engine)

    assert "x" * 30 in system_prompt(harness)
    assert not caplog.records


# context_retrieval.max_retrieved_chars


async def test_retrieved_text_is_capped_across_retrievers_in_order(harness, caplog) -> None:
    first = StaticRetriever(["a" * 10, "b" * 10])
    second = StaticRetriever(["c" * 10, "d" * 10])
    agent = harness.agent(retrievers=("first", "second"))
    engine = harness.engine(
        agent,
        retrievers={"first": first, "second": second},
        context_retrieval=ContextRetrieval(max_retrieved_chars=35),
    )

    with caplog.at_level(logging.WARNING, logger=PROMPT_LOGGER):
        result = await harness.run(engine, "")

    assert result.succeeded
    prompt = system_prompt(harness)
    assert "## Context from first\n\n" + "a" * 10 + "\n\n" + "b" * 10 in prompt
    assert "## Context from second\n\n" + "c" * 10 in prompt
    assert "d" * 10 not in prompt  # whole passages only: 30 + 10 would pass 35
    assert any("capped at 35 chars" in r.getMessage() for r in caplog.records)


async def test_a_first_passage_over_the_cap_leaves_out_everything_after(harness) -> None:
    retriever = StaticRetriever(["x" * 50, "short"])
    other = StaticRetriever(["never"])
    agent = harness.agent(retrievers=("kb", "other"))
    engine = harness.engine(
        agent,
        retrievers={"kb": retriever, "other": other},
        context_retrieval=ContextRetrieval(max_retrieved_chars=20),
    )

    await harness.run(engine, "")

    prompt = system_prompt(harness)
    assert "Context from" not in prompt
    assert "never" not in prompt


async def test_retrieved_text_within_the_cap_is_whole(harness, caplog) -> None:
    agent = harness.agent(retrievers=("kb",))
    engine = harness.engine(
        agent,
        retrievers={"kb": StaticRetriever(["12345", "67890"])},
        context_retrieval=ContextRetrieval(max_retrieved_chars=10),
    )

    with caplog.at_level(logging.WARNING, logger=PROMPT_LOGGER):
        await harness.run(engine, "")

    assert "## Context from kb\n\n12345\n\n67890" in system_prompt(harness)
    assert not caplog.records


# context_retrieval.retriever_timeout_seconds


async def test_a_slow_retriever_of_either_protocol_is_skipped_like_a_failing_one(
    harness, caplog
) -> None:
    agent = harness.agent(retrievers=("slow", "slow_keyword", "fast"))
    retrievers = {
        "slow": as_retriever("slow", SlowRetriever(5)),
        "slow_keyword": as_retriever("slow_keyword", SlowKeywordRetriever(5)),
        "fast": StaticRetriever(["quick passage"]),
    }
    engine = harness.engine(
        agent,
        retrievers=retrievers,
        context_retrieval=ContextRetrieval(retriever_timeout_seconds=0.05),
    )

    with caplog.at_level(logging.WARNING, logger=PROMPT_LOGGER):
        result = await asyncio.wait_for(harness.run(engine, ""), timeout=2)

    assert result.succeeded
    prompt = system_prompt(harness)
    assert "## Context from fast\n\nquick passage" in prompt
    assert "late" not in prompt
    messages = [r.getMessage() for r in caplog.records]
    for name in ("slow", "slow_keyword"):
        assert (
            f"retriever {name!r} failed for agent 'helper': timed out after 0.05s "
            "(context_retrieval.retriever_timeout_seconds)"
        ) in messages


async def test_a_retriever_within_its_timeout_is_used(harness) -> None:
    agent = harness.agent(retrievers=("kb", "kw"))
    engine = harness.engine(
        agent,
        retrievers={
            "kb": as_retriever("kb", SlowRetriever(0.01)),
            "kw": as_retriever("kw", SlowKeywordRetriever(0.01)),
        },
        context_retrieval=ContextRetrieval(retriever_timeout_seconds=5),
    )

    await harness.run(engine, "")

    prompt = system_prompt(harness)
    assert "## Context from kb\n\nlate passage" in prompt
    assert "## Context from kw\n\nlate keyword passage" in prompt
