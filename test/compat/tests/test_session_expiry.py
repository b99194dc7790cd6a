"""A client that dies leaves no query behind: when its Spark Connect session expires
(`--session-timeout`, Spark's spark.connect.session.manager.defaultSessionTimeout), its streaming
queries stop, here seen from the socket source's side (the server closes its connection)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.processes import KindlingProcess, start_kindling, stop_kindling

SESSION_TIMEOUT = "2s"

CLIENT = """
import sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).create()
lines = spark.readStream.format("socket").option("host", "127.0.0.1").option("port", int(sys.argv[2])).load()
q = lines.writeStream.format("memory").queryName("orphan").start()
print(q.id, flush=True)
time.sleep(3600)
"""


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KindlingProcess]:
    tmp: Path = tmp_path_factory.mktemp("kindling-expiry")
    k = start_kindling(tmp, "kindling-expiry", extra=["--session-timeout", SESSION_TIMEOUT])
    yield k
    stop_kindling(k)


def test_killed_client_query_stops_when_its_session_expires(short_sessions: KindlingProcess) -> None:
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(30)
    # From stdin: under `-c` pyspark takes itself for a doctest run.
    client = subprocess.Popen(
        [sys.executable, "-", short_sessions.url, str(server.getsockname()[1])],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert client.stdin is not None and client.stdout is not None
        client.stdin.write(CLIENT)
        client.stdin.close()
        query_id = client.stdout.readline().strip()
        assert query_id, "the client did not start its query"
        conn, _ = server.accept()  # the query's socket source
        conn.sendall(b"a\nb\n")
        client.send_signal(signal.SIGKILL)
        client.wait(10)
        killed = time.monotonic()
        # The query stops once the session expires: its source then closes the connection.
        conn.settimeout(60)
        assert conn.recv(1) == b""
        assert time.monotonic() - killed < 60
        deadline = time.monotonic() + 10
        while "session expired" not in short_sessions.log_path.read_text():
            assert time.monotonic() < deadline, "the server did not log the expiry"
            time.sleep(0.05)
    finally:
        if client.poll() is None:
            client.kill()
        server.close()
