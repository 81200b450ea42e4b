"""A far server that drops packets, made of real sockets (no mocks): :class:`Relay` listens on
a TCP port of 127.0.0.1 and relays each connection to the run's PostgreSQL server (its Unix
socket), until :meth:`Relay.drop`; from then on it accepts new connections and never answers
them (as a server behind a link that loses every packet), until :meth:`Relay.resume`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


def unix_socket_of(url: str) -> str:
    """The Unix socket file of a server URL of the form ``...?host=/folder`` (port 5432)."""
    (folder,) = parse_qs(urlsplit(url).query)["host"]
    port = urlsplit(url).port or 5432
    return str(Path(folder) / f".s.PGSQL.{port}")


class Relay:
    """127.0.0.1:``port`` relayed to ``unix_path``, or a black hole while dropping."""

    def __init__(self, unix_path: str) -> None:
        self._unix_path = unix_path
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._dropping = False
        self._lock = threading.Lock()
        self.held: list[socket.socket] = []  # connections accepted while dropping
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, name="relay", daemon=True).start()

    def drop(self) -> None:
        """From now on, new connections are accepted and never answered."""
        self._dropping = True

    def resume(self) -> None:
        """From now on, new connections reach the server again (held ones stay unanswered)."""
        self._dropping = False

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return  # closed
            with self._lock:
                self._open.append(conn)
                if self._dropping:
                    self.held.append(conn)
                    continue
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(self._unix_path)
            with self._lock:
                self._open.append(server)
            for a, b in ((conn, server), (server, conn)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        """Stop listening and close every connection."""
        self._listener.close()
        with self._lock:
            for conn in self._open:
                with contextlib.suppress(OSError):
                    conn.close()
