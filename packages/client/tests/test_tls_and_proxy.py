"""TLS (a private CA, a client certificate) and a proxy, over real sockets."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from agent_gateway_client import ConfigurationError, GatewayConnectionError
from agent_gateway_client._tls import ssl_context

from ._scripted_server import Answer, ScriptedServer
from .conftest import MakeClient

pytestmark = pytest.mark.integration


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own CA, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def pem(tmp_path: Path) -> tuple[Path, Path]:
    return _self_signed(tmp_path)


@pytest.fixture
def https_server(pem: tuple[Path, Path]) -> Iterator[ScriptedServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*pem)
    with ScriptedServer(ssl_context=context).running_in_thread() as server:
        yield server


async def test_a_private_ca_is_trusted_when_verify_names_it(
    https_server: ScriptedServer, pem: tuple[Path, Path], make_client: MakeClient
) -> None:
    https_server.script(Answer(200, []), Answer(200, []))

    trusting = make_client(base_url=https_server.url, verify=str(pem[0]))
    assert len(await trusting.agents.list()) == 0
    default = make_client(base_url=https_server.url, max_retries=0)
    with pytest.raises(GatewayConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        await default.agents.list()
    insecure = make_client(base_url=https_server.url, verify=False)
    assert len(await insecure.agents.list()) == 0


def test_a_client_certificate_is_loaded_into_the_context(pem: tuple[Path, Path]) -> None:
    context = ssl_context(True, (str(pem[0]), str(pem[1])))

    assert isinstance(context, ssl.SSLContext)
    assert ssl_context(False, None) is False
    with pytest.raises(ConfigurationError, match="cannot load"):
        ssl_context(str(pem[0].parent / "missing.pem"), None)


async def test_requests_go_through_the_proxy(make_client: MakeClient) -> None:
    with ScriptedServer().running_in_thread() as proxy:
        client = make_client(base_url="http://gateway.invalid:8000", proxy=proxy.url)
        proxy.script(Answer(200, [{"id": "via-proxy"}]))

        page = await client.agents.list()

    assert [agent.id for agent in page] == ["via-proxy"]
    received = proxy.received[0]
    assert received.headers["Host"] == "gateway.invalid:8000"
    assert received.path == "/v1/agents"
