"""The SSRF guard: refused targets, the opt-in, DNS answers, and connecting to the vetted
address (over TLS too)."""

from __future__ import annotations

from collections.abc import Sequence

import httpx
import pytest

from agent_gateway_core.errors import NotificationDeliveryError
from agent_gateway_testing.webhook_receiver import WebhookReceiver
from agent_gateway_webhooks import WebhookEndpoint, check_target, vet
from agent_gateway_webhooks.ssrf import resolve

from .conftest import SECRET, MakeBackend, make_notification
from .tls import tls_for

HINT = "set notifications.allow_private_targets to allow it"


class FixedResolver:
    """Answers every name with ``addresses`` and remembers the names asked."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.seen: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        self.seen.append(host)
        return self.addresses


@pytest.mark.integration
@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("127.0.0.1", "refused: 127.0.0.1 is a loopback address"),
        ("10.1.2.3", "refused: 10.1.2.3 is a private address"),
        ("192.168.0.1", "refused: 192.168.0.1 is a private address"),
        ("172.16.5.4", "refused: 172.16.5.4 is a private address"),
        ("169.254.169.254", "refused: 169.254.169.254 is the cloud metadata address"),
        ("169.254.1.1", "refused: 169.254.1.1 is a link-local address"),
        ("[::1]", "refused: ::1 is a loopback address"),
        ("[::ffff:127.0.0.1]", "is a loopback address (IPv6 form of 127.0.0.1)"),
        ("[fd00::1]", "refused: fd00::1 is a private address"),
        ("[fe80::1]", "refused: fe80::1 is a link-local address"),
        ("0.0.0.0", "refused: 0.0.0.0 is an unspecified address"),
        ("localhost", "refused: localhost is a loopback host name"),
    ],
)
async def test_private_targets_are_refused_and_nothing_is_sent(
    make_backend: MakeBackend, receiver: WebhookReceiver, host: str, reason: str
) -> None:
    backend = make_backend(allow_private_targets=False, default_secret=SECRET)
    url = f"http://{host}:{receiver.port}/hook"
    with pytest.raises(NotificationDeliveryError) as raised:
        await backend.send(make_notification(target="", url=url))
    message = str(raised.value)
    assert raised.value.permanent is True
    assert reason in message
    assert HINT in message
    assert receiver.requests == []


@pytest.mark.integration
async def test_a_host_name_resolving_to_loopback_is_refused(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    # The system resolver answers for localhost.localdomain-style names from /etc/hosts;
    # a resolver stands in for DNS here so the test does not depend on the machine.
    resolver = FixedResolver("127.0.0.1")
    backend = make_backend(
        WebhookEndpoint("hooks", f"http://hooks.example.test:{receiver.port}/hook"),
        allow_private_targets=False,
        resolver=resolver,
    )
    with pytest.raises(NotificationDeliveryError) as raised:
        await backend.send(make_notification())
    assert raised.value.permanent is True
    assert "refused: hooks.example.test resolves to 127.0.0.1, a loopback address; " + HINT in str(
        raised.value
    )
    assert "webhook 'hooks'" in str(raised.value)
    assert receiver.requests == []


@pytest.mark.integration
async def test_what_the_system_resolver_says_for_localhost_is_refused(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    # "localhost" itself is refused by name before any lookup; here another name gets the
    # system resolver's real answer for it.
    async def like_localhost(host: str, port: int) -> Sequence[str]:
        return await resolve("localhost", port)

    backend = make_backend(
        WebhookEndpoint("hooks", f"http://hooks.example.test:{receiver.port}/hook"),
        allow_private_targets=False,
        resolver=like_localhost,
    )
    with pytest.raises(
        NotificationDeliveryError, match=r"resolves to (127\.0\.0\.1|::1), a loopback"
    ):
        await backend.send(make_notification())
    assert receiver.requests == []


@pytest.mark.integration
async def test_any_refused_address_among_several_refuses(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    resolver = FixedResolver("93.184.216.34", "10.0.0.7")
    backend = make_backend(
        WebhookEndpoint("hooks", "https://hooks.example.test/hook"),
        allow_private_targets=False,
        resolver=resolver,
    )
    with pytest.raises(NotificationDeliveryError, match=r"resolves to 10\.0\.0\.7, a private"):
        await backend.send(make_notification())


@pytest.mark.integration
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
async def test_private_targets_are_allowed_with_the_opt_in(
    make_backend: MakeBackend, receiver: WebhookReceiver, host: str
) -> None:
    backend = make_backend(
        WebhookEndpoint("hooks", f"http://{host}:{receiver.port}/hook", secret=SECRET),
        allow_private_targets=True,
    )
    await backend.send(make_notification())
    assert len(receiver.requests) == 1
    assert receiver.requests[0].verified is True


@pytest.mark.integration
async def test_the_request_goes_to_the_vetted_address_with_the_original_host(
    make_backend: MakeBackend, receiver: WebhookReceiver
) -> None:
    # hooks.example.test exists in no DNS: reaching the receiver proves that nothing
    # resolved the name again after the guard did.
    resolver = FixedResolver("127.0.0.1")
    backend = make_backend(
        WebhookEndpoint("hooks", f"http://hooks.example.test:{receiver.port}/hook", secret=SECRET),
        resolver=resolver,
    )
    await backend.send(make_notification())
    [received] = receiver.requests
    assert received.headers["host"] == f"hooks.example.test:{receiver.port}"
    assert received.verified is True
    assert resolver.seen == ["hooks.example.test"]


@pytest.mark.integration
async def test_tls_to_the_vetted_address_checks_the_certificate_of_the_host_name(
    make_backend: MakeBackend,
) -> None:
    tls = tls_for("hooks.example.test")
    receiver = WebhookReceiver(secret=SECRET, ssl_context=tls.server)
    await receiver.start()
    client = httpx.AsyncClient(verify=tls.client)
    try:
        backend = make_backend(
            WebhookEndpoint(
                "hooks", f"https://hooks.example.test:{receiver.port}/hook", secret=SECRET
            ),
            resolver=FixedResolver("127.0.0.1"),
            client=client,
        )
        await backend.send(make_notification())
        await backend.send(make_notification())
        other = make_backend(
            WebhookEndpoint("hooks", f"https://other.example.test:{receiver.port}/hook"),
            resolver=FixedResolver("127.0.0.1"),
            client=client,
        )
        with pytest.raises(NotificationDeliveryError, match="cannot connect") as raised:
            await other.send(make_notification())
    finally:
        await client.aclose()
        await receiver.stop()
    assert [r.headers["host"] for r in receiver.requests] == [
        f"hooks.example.test:{receiver.port}"
    ] * 2
    assert all(r.verified for r in receiver.requests)
    # A certificate for hooks.example.test does not pass for other.example.test.
    assert raised.value.permanent is False
    assert "CERTIFICATE_VERIFY_FAILED" in str(raised.value)


@pytest.mark.integration
async def test_vet_endpoints_reports_refused_static_config(make_backend: MakeBackend) -> None:
    backend = make_backend(
        WebhookEndpoint("metadata", "http://169.254.169.254/latest"),
        WebhookEndpoint("public", "https://hooks.example.test/x"),
        allow_private_targets=False,
        resolver=FixedResolver("93.184.216.34"),
    )
    problems = await backend.vet_endpoints()
    assert list(problems) == ["metadata"]
    assert "169.254.169.254 is the cloud metadata address" in problems["metadata"]


# ---------------------------------------------------------------- check_target (pure)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ftp://files.example.com/x", "the scheme 'ftp' is not http or https"),
        ("file:///etc/passwd", "the scheme 'file' is not http or https"),
        ("http://user:pw@hooks.example.com/", "credentials"),
        ("http://user@hooks.example.com/", "credentials"),
        ("http:///path-only", "no host"),
        ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
        ("http://127.8.9.10/", "127.8.9.10 is a loopback address"),
        ("http://10.1.2.3/", "10.1.2.3 is a private address"),
        ("http://100.100.100.200/", "not a globally routable address"),
        ("http://224.0.0.1/", "a multicast address"),
        ("http://240.0.0.1/", "a reserved address"),
        ("http://[::]/", "an unspecified address"),
        ("http://[fc00::1]/", "a private address"),
        ("http://[::ffff:10.0.0.1]/", "a private address (IPv6 form of 10.0.0.1)"),
        ("http://[2002:7f00:1::]/", "a loopback address (IPv6 form of 127.0.0.1)"),
        ("http://[64:ff9b::a9fe:a9fe]/", "the cloud metadata address (IPv6 form of"),
        ("http://LOCALHOST:8080/", "loopback host name"),
        ("http://api.localhost/", "loopback host name"),
    ],
)
def test_check_target_names_the_problem(url: str, problem: str) -> None:
    found = check_target(url, allow_private=False)
    assert found is not None
    assert found.startswith("refused: ")
    assert problem in found


@pytest.mark.unit
@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/x?token=1",
        "http://93.184.216.34:8080/",
        "https://[2606:4700::1111]/",
        "https://bücher.example/",
    ],
)
def test_check_target_accepts_public_targets(url: str) -> None:
    assert check_target(url, allow_private=False) is None


@pytest.mark.unit
def test_allow_private_lifts_only_the_address_rules() -> None:
    assert check_target("http://127.0.0.1/", allow_private=True) is None
    assert check_target("http://localhost/", allow_private=True) is None
    assert check_target("ftp://127.0.0.1/", allow_private=True) is not None
    assert check_target("http://u:p@127.0.0.1/", allow_private=True) is not None


@pytest.mark.unit
def test_check_target_never_repeats_credentials() -> None:
    problem = check_target("http://admin:hunter2@hooks.example.com/", allow_private=False)
    assert problem is not None
    assert "hunter2" not in problem


@pytest.mark.unit
async def test_vet_resolves_and_reports() -> None:
    assert await vet("https://a.example.test/", resolver=FixedResolver("8.8.8.8")) is None
    problem = await vet("https://a.example.test/", resolver=FixedResolver("192.168.1.1"))
    assert problem is not None
    assert "a.example.test resolves to 192.168.1.1, a private address" in problem
    allowed = await vet(
        "https://a.example.test/", allow_private=True, resolver=FixedResolver("192.168.1.1")
    )
    assert allowed is None
