"""The network side of ``lodpub serve``: a waitress server whose connections have deadlines.

Waitress reads requests and writes answers in its main loop and runs the application in a few
threads. Its own timeout closes a connection that stays *silent*; a client that sends (or reads)
one byte a second is never silent, and held connections used to stop the server. Here each
connection also has:

- a **header deadline**: a request's headers are complete within ``headers`` seconds of its
  first byte;
- a **request deadline**: the whole request, body included, within ``request`` seconds;
- a **send rate**: an answer that has waited to be sent for more than ``silence`` seconds must
  have gone at ``send_rate`` bytes a second on average (a client that reads one byte a second
  would otherwise hold a thread for as long as it likes).

A connection past one of them is closed. The deadlines are looked at every second.
"""

from __future__ import annotations

import resource
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer

from .bounded import Workers

MAX_BODY = 1024 * 1024  # bytes of a request body (a query); larger ones are answered 413
CONNECTIONS = 1000  # open connections at once (read without threads, so slow ones cost little)
PAGE_THREADS = 4  # threads no query may take: pages never wait behind queries


class App(Protocol):
    """The WSGI application served (server.App): its query workers, and a way to stop them."""

    workers: Workers

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Deadlines:
    """Seconds a connection is given (see the module's text)."""

    silence: float = 30.0
    headers: float = 10.0
    request: float = 60.0
    send_rate: int = 1024

    @classmethod
    def of(cls, client_timeout: float) -> Deadlines:
        """The deadlines of ``--client-timeout``: silence that long, headers within a third of
        it (10 s by default), the whole request within twice it."""
        return cls(float(client_timeout), client_timeout / 3, client_timeout * 2.0)


class _Channel(HTTPChannel):
    """A connection that remembers when its request began and how much it has sent."""

    started = 0.0  # when the request being read began (monotonic seconds)
    sent = 0  # bytes sent on this connection
    sending: tuple[float, int] | None = None  # since when an answer waits to be sent, and `sent` then

    def received(self, data: bytes) -> bool:
        if data and self.request is None:
            self.started = time.monotonic()
        return super().received(data)

    def send(self, data: bytes, do_close: bool = True) -> int:
        count = super().send(data, do_close)
        self.sent += count
        return count

    def overdue(self, now: float, deadlines: Deadlines) -> bool:
        request = self.request
        if request is not None and not request.completed:
            reading = now - self.started
            if reading > deadlines.request or (not request.headers_finished and reading > deadlines.headers):
                return True
        if not self.total_outbufs_len:
            self.sending = None
            return False
        if self.sending is None:
            self.sending = (now, self.sent)
            return False
        since, sent_then = self.sending
        waited = now - since
        return waited > deadlines.silence and (self.sent - sent_then) / waited < deadlines.send_rate


class _Server(TcpWSGIServer):
    channel_class = _Channel
    deadlines = Deadlines()

    def maintenance(self, now: int) -> None:
        super().maintenance(now)  # silent connections
        monotonic = time.monotonic()
        channels: dict[int, HTTPChannel] = self.active_channels  # type: ignore[assignment]  # stub says HTTPChannel
        for channel in list(channels.values()):
            if isinstance(channel, _Channel) and channel.overdue(monotonic, self.deadlines):
                channel.handle_close()  # in the main loop: a thread writing to it is woken


class Server:
    """A waitress server for ``App``: bound at construction, run by ``serve_forever``."""

    def __init__(
        self, app: App, host: str, port: int, threads: int | None = None, client_timeout: float = 30
    ) -> None:
        """``client_timeout``: seconds a connection may stay silent; the other deadlines follow
        from it (``Deadlines.of``). ``threads``: by default as many as the queries may hold
        (running and queued) and ``PAGE_THREADS`` more."""
        _allow_connections(CONNECTIONS + 64)
        self.app = app
        self.server = _Server(
            app,
            host=host,
            port=port,
            threads=threads or app.workers.most + PAGE_THREADS,
            max_request_body_size=MAX_BODY,
            channel_timeout=client_timeout,
            cleanup_interval=1,
            connection_limit=CONNECTIONS,
            asyncore_use_poll=True,  # select() stops at descriptor 1024
            backlog=1024,
            clear_untrusted_proxy_headers=True,
            ident="lodpub",
        )
        self.server.deadlines = Deadlines.of(client_timeout)

    @property
    def url(self) -> str:
        host, port = cast(socket.socket, self.server.socket).getsockname()[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def serve_forever(self) -> None:
        self.server.run()

    def shutdown(self) -> None:
        """Stop serving (from another thread): every connection and the listening socket closed."""
        from waitress import wasyncore

        def close() -> None:  # in the serving thread, so its poll never sees a closed socket
            self.server.task_dispatcher.shutdown()
            wasyncore.close_all(self.server._map)  # type: ignore[attr-defined]

        self.server.trigger.pull_trigger(close)  # type: ignore[attr-defined]

    def server_close(self) -> None:
        """Stop the query workers."""
        self.app.close()


def address(server: Server) -> str:
    """The server's base URL."""
    return server.url


def _allow_connections(count: int) -> None:
    """Raise the soft limit of open files to ``count`` when the hard limit allows it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count if hard == resource.RLIM_INFINITY else min(count, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
