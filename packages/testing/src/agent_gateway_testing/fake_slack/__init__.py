"""A fake Slack Web API (``chat.postMessage``) on 127.0.0.1, for slack-sdk's real clients."""

from agent_gateway_testing.fake_slack.server import FakeSlackServer, ScriptedFailure, SlackRequest

__all__ = ["FakeSlackServer", "ScriptedFailure", "SlackRequest"]
