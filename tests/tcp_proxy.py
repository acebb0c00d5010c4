"""A TCP proxy on loopback that a test can cut, to lose a database connection mid-run."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable
from types import TracebackType


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target`; `cut()` resets every connection and refuses new
    ones until `restore()`, as a server restart or a network failure would."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._cut = False
        self._closed = False
        threading.Thread(target=self._accept, name="tcp-proxy", daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._cut:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _reset(client)
                continue
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()

    def cut(self) -> None:
        """Reset every open connection (both sides) and refuse new ones."""
        self._cut = True
        with self._lock:
            sockets, self._open = self._open, []
        for each in sockets:
            _reset(each)

    def restore(self) -> None:
        self._cut = False

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        _reset(sink)


def _reset(sock: socket.socket) -> None:
    """Drop the connection at once: shut down first (closing alone leaves a socket that another
    thread is reading from open), then close with a reset (SO_LINGER 0)."""
    steps: tuple[Callable[[], None], ...] = (
        lambda: sock.shutdown(socket.SHUT_RDWR),
        lambda: sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)),
        sock.close,
    )
    for step in steps:
        with contextlib.suppress(OSError):
            step()
