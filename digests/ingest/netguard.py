"""Which network addresses a fetch may reach, checked on the address actually connected to.

A feed URL is user input: without these checks, "add feed http://169.254.169.254/..." would read cloud
credentials, and a name that resolves to a public address when checked and to 127.0.0.1 when connecting
(DNS rebinding) would reach services on the bot's own machine. So the name is resolved once, here, every
address it resolved to is checked, and the connection goes to a checked address; the Host header, TLS SNI
and certificate verification keep using the name (httpcore passes it to ``start_tls`` separately).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore
import httpx

from digests.ingest.errors import AddressRefusedError, ConnectionFailedError

__all__ = [
    "GuardedNetworkBackend",
    "GuardedTransport",
    "IPAddress",
    "Resolver",
    "address_refusal",
    "check_host",
    "system_resolver",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# host name -> the IP addresses it resolves to (as strings). Injectable so tests can simulate DNS.
Resolver = Callable[[str], Awaitable[Sequence[str]]]

# Instance metadata services of the big clouds, named in the refusal because they are the usual target.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


async def system_resolver(host: str) -> list[str]:
    """The operating system's answer for ``host`` (A and AAAA), without duplicates, in its order."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64), which is what gets reached."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress) -> str | None:
    """Why ``address`` must not be fetched ("a loopback address" ...), or None when it is public."""
    if isinstance(address, ipaddress.IPv6Address):
        address = ipaddress.IPv6Address(address.compressed.split("%", 1)[0])  # drop any zone id
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            inner = address_refusal(embedded)
            return f"{inner} (inside the IPv6 address)" if inner else None
    if address in _METADATA:
        return "a cloud metadata address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_reserved:
        return "a reserved address"
    if address.is_private:
        return "a private address"
    if not address.is_global:  # shared address space (100.64/10), benchmarking ranges ...
        return "not a public address"
    return None


def _literal_address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


async def check_host(host: str, resolver: Resolver, *, allow_private: bool) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing them all when any one is not public.

    Any one bad answer refuses the lot: a name with both a public and a loopback address could otherwise
    be steered to the loopback one. With ``allow_private`` every address is accepted.
    """
    literal = _literal_address(host)
    if literal is not None:
        answers: Sequence[str] = [str(literal)]
    else:
        try:
            answers = await resolver(host)
        except (OSError, UnicodeError) as exc:
            raise ConnectionFailedError(f"the name {host!r} could not be resolved ({exc})") from exc
        if not answers:
            raise ConnectionFailedError(f"the name {host!r} resolved to no address")
    addresses: list[str] = []
    for answer in answers:
        address = _literal_address(answer)
        if address is None:
            raise ConnectionFailedError(f"the resolver gave {answer!r} for {host!r}: not an IP address")
        refusal = None if allow_private else address_refusal(address)
        if refusal is not None:
            subject = f"{host} is" if literal is not None else f"{host} resolves to {address}, which is"
            raise AddressRefusedError(f"refused: {subject} {refusal} (feeds must be on public addresses)")
        addresses.append(str(address))
    return addresses


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to checked addresses.

    ``connect_tcp`` receives the URL's host name; it resolves it with ``resolver``, checks every answer and
    connects to the checked IP itself, so nothing resolves the name a second time behind the check.
    """

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        allow_private: bool = False,
        inner: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        self._resolver = resolver or system_resolver
        self._allow_private = allow_private
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface names it so
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        async with asyncio.timeout(timeout):
            addresses = await check_host(host, self._resolver, allow_private=self._allow_private)
        last_error: Exception | None = None
        for address in addresses:  # first reachable checked address wins
            try:
                return await self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        assert last_error is not None  # check_host never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface names it so
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise ConnectionFailedError("refused: the fetcher does not connect to Unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


# httpcore's exceptions as the httpx ones callers know (httpx's own mapping is private).
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.TimeoutException, httpx.TimeoutException),
)


def _as_httpx_error(exc: Exception) -> Exception:
    for core_type, httpx_type in _HTTPX_ERRORS:
        if isinstance(exc, core_type):
            return httpx_type(str(exc) or type(exc).__name__)
    return exc


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> Any:
        try:
            async for chunk in self._stream:
                yield chunk
        except Exception as exc:
            mapped = _as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc

    async def aclose(self) -> None:
        await self._stream.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport (HTTP/1.1, TLS verified) whose connections go through ``GuardedNetworkBackend``.

    ``network_backend`` is what the checked connections are made with (default: real sockets); tests can
    give a fake network here and still exercise the real checks. ``ssl_context`` replaces the default
    (certifi's roots, hostname checked), e.g. to trust a private CA.
    """

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        allow_private: bool = False,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        max_connections: int = 100,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        backend = GuardedNetworkBackend(resolver=resolver, allow_private=allow_private, inner=network_backend)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=min(20, max_connections),
            keepalive_expiry=5.0,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except Exception as exc:
            mapped = _as_httpx_error(exc)
            if mapped is exc:
                raise
            raise mapped from exc
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
