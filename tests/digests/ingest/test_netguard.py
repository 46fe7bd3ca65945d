from __future__ import annotations

import ipaddress
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from digests.ingest.errors import AddressRefusedError, ConnectionFailedError
from digests.ingest.netguard import GuardedTransport, address_refusal, check_host
from tests.digests.ingest.conftest import LoopbackServer, fake_dns


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("127.3.4.5", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.8", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - an address to refuse, not one to bind
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("64:ff9b::7f00:1", "loopback"),
        ("2002:7f00:0001::1", "loopback"),
    ],
)
def test_non_public_addresses_are_refused_with_the_reason(address: str, why: str) -> None:
    refusal = address_refusal(ipaddress.ip_address(address))
    assert refusal is not None
    assert why in refusal


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "1.1.1.1"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


async def test_check_host_refuses_a_name_when_any_answer_is_private() -> None:
    resolver = fake_dns({"mixed.example": ["93.184.215.14", "10.0.0.1"]})
    with pytest.raises(AddressRefusedError, match=r"mixed\.example resolves to 10\.0\.0\.1.*private"):
        await check_host("mixed.example", resolver, allow_private=False)


async def test_check_host_allows_anything_when_private_is_allowed() -> None:
    resolver = fake_dns({"intranet.example": ["10.0.0.1"]})
    assert await check_host("intranet.example", resolver, allow_private=True) == ["10.0.0.1"]


async def test_check_host_refuses_literal_addresses_without_dns() -> None:
    resolver = fake_dns({})
    with pytest.raises(AddressRefusedError, match=r"169\.254\.169\.254 is a cloud metadata address"):
        await check_host("169.254.169.254", resolver, allow_private=False)
    with pytest.raises(AddressRefusedError, match="loopback"):
        await check_host("[::1]", resolver, allow_private=False)


async def test_unresolvable_names_fail_clearly() -> None:
    with pytest.raises(ConnectionFailedError, match="could not be resolved"):
        await check_host("nowhere.example", fake_dns({}), allow_private=False)
    with pytest.raises(ConnectionFailedError, match="no address"):
        await check_host("empty.example", fake_dns({"empty.example": []}), allow_private=False)


async def test_the_transport_checks_the_address_it_connects_to(server: LoopbackServer) -> None:
    """With no check before the request, the connection itself is refused: the guard is in the transport."""
    server.serve("/feed", b"<rss/>")
    transport = GuardedTransport(resolver=fake_dns({"sneaky.example": ["127.0.0.1"]}))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(AddressRefusedError, match=r"sneaky\.example resolves to 127\.0\.0\.1"):
            await client.get(server.url("/feed", host="sneaky.example"))
    assert server.seen == []


async def test_the_transport_connects_to_the_checked_address_with_the_original_host_header(
    server: LoopbackServer,
) -> None:
    server.serve("/feed", b"<rss/>")
    transport = GuardedTransport(resolver=fake_dns({"feeds.example": ["127.0.0.1"]}), allow_private=True)
    async with httpx.AsyncClient(transport=transport) as client:
        response = await client.get(server.url("/feed", host="feeds.example"))
    assert response.status_code == 200
    assert response.content == b"<rss/>"
    assert server.seen[0].headers["Host"] == f"feeds.example:{server.port}"


def _self_signed(name: str, folder: Path) -> tuple[Path, Path]:
    """A certificate for ``name`` (and only it), signed by its own key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


async def test_tls_checks_the_name_while_connecting_to_the_checked_address(tmp_path: Path) -> None:
    cert, key = _self_signed("secure.example", tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    app = web.Application()

    async def hello(_request: web.Request) -> web.Response:
        return web.Response(text="over TLS")

    app.router.add_get("/", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_context)
    await site.start()
    port = int(runner.addresses[0][1])
    client_context = ssl.create_default_context(cafile=str(cert))
    dns = fake_dns({"secure.example": ["127.0.0.1"], "impostor.example": ["127.0.0.1"]})
    transport = GuardedTransport(resolver=dns, allow_private=True, ssl_context=client_context)
    try:
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.get(f"https://secure.example:{port}/")
            assert response.text == "over TLS"
            with pytest.raises(httpx.ConnectError, match=r"certificate|hostname"):
                await client.get(f"https://impostor.example:{port}/")
    finally:
        await runner.cleanup()
