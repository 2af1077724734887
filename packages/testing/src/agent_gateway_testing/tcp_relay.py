"""A TCP relay on 127.0.0.1 in front of a real server, to stage its outages in tests.

Point the code under test at ``relay.port`` instead of the server's. ``cut()`` is the server
crashing (new connections refused, open ones reset), ``start()`` it coming back on the same
address, ``stall()`` / ``resume()`` a network that holds bytes in flight.
"""

from __future__ import annotations

import asyncio


class TcpRelay:
    """Forwards connections on 127.0.0.1:``port`` to ``target_host``:``target_port``.

    ``upstream_ports`` are the relay's own ports of its connections to the server, e.g. to find
    and terminate them from the server's side.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0  # chosen at the first start(), then kept
        self.upstream_ports: set[int] = set()
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.WriteTransport] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def start(self) -> None:
        """Listen (again, on the same port once it has one)."""
        self._server = await asyncio.start_server(
            self._accept, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones, as a crashed server would."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for transport in self._transports:
            transport.abort()
        self._transports.clear()

    def stall(self) -> None:
        """Hold every byte in flight until :meth:`resume`."""
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def aclose(self) -> None:
        """Resume and cut: what a test's teardown wants."""
        self.resume()
        await self.cut()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.upstream_ports.add(up_writer.get_extra_info("sockname")[1])
        self._transports |= {writer.transport, up_writer.transport}
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()
