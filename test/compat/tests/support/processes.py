"""Processes the suite starts: Kindling itself (as a user would, from the built package) and a
line server for the socket source (what `nc -lk 9999` is in the seed notebook)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]
BIN = ROOT / "bin" / "kindling.js"
URL_LINE = re.compile(r"sc://localhost:(\d+)")


class KindlingProcess:
    """`node bin/kindling.js <args>`; ready once it prints the Spark Connect URL it listens on."""

    def __init__(self, args: list[str], log_path: Path, env: dict[str, str] | None = None) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH")
        if not (ROOT / "dist" / "cli" / "main.js").exists():
            raise RuntimeError("Kindling is not built: run `npm run build` first")
        self.args = args
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.child = subprocess.Popen(
            [node, str(BIN), *args],
            cwd=str(ROOT),
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        self.port = self._await_url(timeout=30.0)
        # Keep draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    @property
    def url(self) -> str:
        return f"sc://localhost:{self.port}"

    def _await_url(self, timeout: float) -> int:
        assert self.child.stdout is not None
        found: list[int] = []
        seen: list[bytes] = []

        def read() -> None:
            assert self.child.stdout is not None
            for line in self.child.stdout:
                seen.append(line)
                m = URL_LINE.search(line.decode(errors="replace"))
                if m:
                    found.append(int(m.group(1)))
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(timeout)
        if not found:
            self.stop()
            out = b"".join(seen).decode(errors="replace")
            raise RuntimeError(f"kindling {' '.join(self.args)} did not start:\n{out}\n{self.log_tail()}")
        return found[0]

    def _drain(self) -> None:
        assert self.child.stdout is not None
        for _ in self.child.stdout:
            pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, wait; SIGKILL only if it does not exit in time. Returns the exit code."""
        if self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(timeout)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()
        self._log.close()
        return self.child.returncode


class ExternalServer:
    """A Spark Connect server the suite did not start (`sc://host:port`)."""

    def __init__(self, url: str) -> None:
        m = re.fullmatch(r"sc://localhost:(\d+)/?", url)
        if not m:
            raise ValueError(f"expected sc://localhost:<port>, got {url}")
        self.port = int(m.group(1))
        self.url = f"sc://localhost:{self.port}"
        self.args: list[str] = []

    def log_tail(self) -> str:
        return ""


# What the `kindling` fixture gives: the suite's own Kindling, or the server named by KINDLING_COMPAT_REMOTE.
Server = KindlingProcess | ExternalServer


class LineServer:
    """A TCP server every connected client receives the same lines from (like `nc -lk`)."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._clients.append(conn)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._clients)

    def wait_for_connections(self, n: int, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while self.connections < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.connections} of {n} socket-source connections arrived")
            time.sleep(0.02)

    def broadcast(self, lines: list[str]) -> None:
        """One write per client, so a burst lands in one micro-batch of each query."""
        data = ("\n".join(lines) + "\n").encode()
        with self._lock:
            clients = list(self._clients)
        for c in clients:
            c.sendall(data)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            for c in self._clients:
                c.close()
            self._clients.clear()
        self._server.close()


# Every Kindling the suite started and has not stopped yet: their logs go into failure reports.
running: list[KindlingProcess] = []


def start_kindling(tmp: Path, name: str, extra: list[str] | None = None, env: dict[str, str] | None = None) -> KindlingProcess:
    """`kindling local` on a free port with two in-process workers; its temporary checkpoints and
    its log go under `tmp`."""
    (tmp / "tmp").mkdir(parents=True, exist_ok=True)
    k = KindlingProcess(
        ["local", "--port", "0", "--workers", "2", *(extra or [])],
        log_path=tmp / f"{name}.log",
        env={"TMPDIR": str(tmp / "tmp"), **(env or {})},
    )
    running.append(k)
    return k


def stop_kindling(k: KindlingProcess) -> None:
    code = k.stop()
    if k in running:
        running.remove(k)
    # SIGTERM is a clean shutdown: anything else means the server crashed or hung on the way out.
    assert code == 0, f"kindling exited with {code}:\n{k.log_tail()}"


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


class ClusterProcesses:
    """A Kindling cluster as `docker compose up` runs it, as local processes: its own redis-server
    (AOF), `kindling master` and two `kindling worker`s, on free ports."""

    def __init__(self, tmp: Path) -> None:
        self.args = ["master", "+", "2 workers", "+", "redis"]
        redis_port = closed_port()
        (tmp / "redis").mkdir(parents=True, exist_ok=True)
        self._redis_log = open(tmp / "redis.log", "wb")
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--dir", str(tmp / "redis"),
             "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
            stdout=self._redis_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        _wait_for_port(redis_port)
        redis_url = f"redis://127.0.0.1:{redis_port}"
        cluster_port, ui_port = closed_port(), closed_port()
        secret = "compat-secret"
        self.master = KindlingProcess(
            ["master", "--host", "127.0.0.1", "--port", "0", "--cluster-port", str(cluster_port),
             "--ui-port", str(ui_port), "--redis", redis_url, "--cluster-secret", secret],
            log_path=tmp / "master.log",
        )
        self.workers = [
            _Worker(["worker", "--master", f"kindling://127.0.0.1:{cluster_port}", "--host", "127.0.0.1", "--port", "0",
                     "--advertise-host", "127.0.0.1", "--metrics-port", "0", "--redis", redis_url,
                     "--cluster-secret", secret], tmp / f"worker{i}.log")
            for i in range(2)
        ]
        _wait_for_workers(ui_port, 2)
        self.port = self.master.port

    @property
    def url(self) -> str:
        return f"sc://localhost:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join([self.master.log_tail(lines), *(w.log_tail(lines) for w in self.workers)])

    def stop(self) -> int | None:
        for w in self.workers:
            w.stop()
        code = self.master.stop()
        self.redis.kill()
        self.redis.wait()
        self._redis_log.close()
        return code


class _Worker:
    def __init__(self, args: list[str], log_path: Path) -> None:
        node = shutil.which("node") or "node"
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.child = subprocess.Popen([node, str(BIN), *args], cwd=str(ROOT), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=self._log)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(30)
            except subprocess.TimeoutExpired:
                self.child.kill()
                self.child.wait()
        self._log.close()


def _wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


def _wait_for_workers(ui_port: int, n: int, timeout: float = 30.0) -> None:
    import json
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{ui_port}/api/workers", timeout=2) as r:
                workers = json.loads(r.read())
            if sum(1 for w in workers if w.get("state") == "ALIVE") >= n:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{n} workers did not register")
Server = KindlingProcess | ExternalServer | ClusterProcesses  # noqa: F811
