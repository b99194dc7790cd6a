"""docker-compose.yml in real containers, driven from the host with the real PySpark client.

`up --build`, healthchecks, the seed notebook's two queries fed bursts of words whose every count
is unique, `--scale worker=4`, `docker stop` of one worker (SIGTERM, grace) and `docker kill` of
another mid-burst, `docker restart` of the master (the queries are started again on the same
checkpoints and resume from Redis), exact per-word counts at the end, `down -v`. Prints what it
does, the image's size and build time, and exits non-zero on any failure.

Environment: COMPOSE (the compose command, e.g. "docker compose" or "docker-compose").
Run by test/deploy/compose.test.ts; by hand: test/compat/.venv/bin/python test/deploy/compose_scenario.py
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "test" / "compat" / "tests"))

from pyspark.sql import SparkSession  # noqa: E402

from support.notebook import Notebook, run_cells  # noqa: E402
from support.words import burst  # noqa: E402

COMPOSE = shlex.split(os.environ.get("COMPOSE", "docker compose"))
PROJECT = f"kindling-test-{os.getpid()}"
STARTED = time.monotonic()


def log(msg: str) -> None:
    print(f"[compose {time.monotonic() - STARTED:6.1f}s] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


ENV = {
    **os.environ,
    "COMPOSE_PROJECT_NAME": PROJECT,
    "KINDLING_CLUSTER_SECRET": secrets.token_hex(16),
    "REDIS_PASSWORD": secrets.token_hex(16),
    "KINDLING_PUBLISH_ADDRESS": "127.0.0.1",
    "KINDLING_PUBLISH_CONNECT_PORT": str(free_port()),
    "KINDLING_PUBLISH_UI_PORT": str(free_port()),
    # The classic builder uses the local base images as they are (stand-ins included).
    "DOCKER_BUILDKIT": "0",
    "COMPOSE_DOCKER_CLI_BUILD": "0",
}


def compose(*args: str, check: bool = True, capture: bool = False) -> str:
    r = subprocess.run([*COMPOSE, *args], cwd=ROOT, env=ENV, text=True, capture_output=capture)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(COMPOSE)} {' '.join(args)} failed ({r.returncode}): {r.stderr if capture else ''}")
    return r.stdout if capture else ""


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], check=True, text=True, capture_output=True).stdout.strip()


def containers(service: str) -> list[str]:
    return compose("ps", "-q", service, capture=True).split()


def health(cid: str) -> str:
    return docker("inspect", "-f", "{{.State.Status}}/{{if .State.Health}}{{.State.Health.Status}}{{end}}", cid)


def wait(what: str, ok, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.5)


def wait_healthy(service: str, n: int) -> None:
    states: list[str] = []

    def ok() -> bool:
        states[:] = [health(c) for c in containers(service)]
        return sum(s == "running/healthy" for s in states) >= n

    try:
        wait(f"{n} healthy {service} container(s)", ok, 240)
    except TimeoutError:
        raise TimeoutError(f"timed out waiting for {n} healthy {service} container(s): {states}") from None


class LineServer:
    """Like `nc -lk` on every interface (the master reaches it through the compose network's
    gateway); connections that died with a restarted master are dropped."""

    def __init__(self) -> None:
        self._server = socket.create_server(("0.0.0.0", 0))
        self.port: int = self._server.getsockname()[1]
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            with self._lock:
                self._clients.append(conn)

    def forget_all(self) -> None:
        with self._lock:
            for c in self._clients:
                c.close()
            self._clients.clear()

    def wait_for_connections(self, n: int) -> None:
        def ok() -> bool:
            with self._lock:
                return len(self._clients) >= n

        wait(f"{n} socket-source connections", ok, 60)

    def broadcast(self, lines: list[str]) -> None:
        data = ("\n".join(lines) + "\n").encode()
        with self._lock:
            for c in self._clients:
                c.sendall(data)

    def close(self) -> None:
        self.forget_all()
        self._server.close()


EXPECTED: dict[str, int] = {}


def start_notebook(url: str, host: str, port: int) -> Notebook:
    spark = SparkSession.builder.remote(url).appName("streaming-exercise").getOrCreate()
    # Named checkpoints, so the queries resume from Redis after the master restarts.
    spark.conf.set("spark.sql.streaming.checkpointLocation", f"compose-test-{PROJECT}")
    return run_cells(url, port, host=host, spark=spark)


def counts(nb: Notebook) -> dict[str, int]:
    totals: dict[str, int] = {}
    for r in nb.spark.sql("SELECT word, count FROM wordcounts").collect():
        totals[r.word] = totals.get(r.word, 0) + r["count"]
    return totals


def catpm_rows(nb: Notebook) -> int:
    return nb.spark.sql("SELECT count(*) AS n FROM catpm").collect()[0].n


def wait_counted(nb: Notebook, what: str) -> None:
    """Every word fed so far is counted exactly: in its 2 word_counts windows and 12 catpm windows."""
    want = {w: 2 * n for w, n in EXPECTED.items()}

    def ok() -> bool:
        return counts(nb) == want and catpm_rows(nb) >= 12 * len(EXPECTED)

    try:
        wait(f"exact counts after {what}", ok, 90)
    except TimeoutError:
        got = counts(nb)
        wrong = {w: (got.get(w), c) for w, c in want.items() if got.get(w) != c}
        extra = sorted(set(got) - set(want))
        raise AssertionError(f"after {what}: wrong counts (got, want) {wrong}, unexpected words {extra}, catpm rows {catpm_rows(nb)}") from None
    log(f"exact counts after {what}: {len(EXPECTED)} words")


def feed(nb: Notebook, server: LineServer, k: int, during=None) -> None:
    b = burst(k, 5)
    EXPECTED.update(b.counts)
    server.broadcast(b.lines)
    if during:
        during()
    wait_counted(nb, f"burst {k}")


def main() -> None:
    server = LineServer()
    nb: Notebook | None = None
    try:
        t = time.monotonic()
        compose("build", "master")
        build_s = time.monotonic() - t
        size = int(docker("image", "inspect", "-f", "{{.Size}}", "kindling:latest"))
        log(f"image kindling:latest built in {build_s:.1f}s, {size / 1e6:.0f} MB")

        compose("up", "-d")
        for s, n in (("redis", 1), ("master", 1), ("worker", 2)):
            wait_healthy(s, n)
        log(f"up: redis, master and 2 workers healthy {time.monotonic() - t:.1f}s after the build started")

        network = f"{PROJECT}_default"
        gateway = docker("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", network)
        url = f"sc://127.0.0.1:{ENV['KINDLING_PUBLISH_CONNECT_PORT']}"
        nb = start_notebook(url, gateway, server.port)
        server.wait_for_connections(2)
        feed(nb, server, 1)

        compose("up", "-d", "--no-recreate", "--scale", "worker=4")
        wait_healthy("worker", 4)
        log("scaled to 4 workers")
        feed(nb, server, 2)

        workers = containers("worker")
        stopped, killed = workers[0], workers[1]
        feed(nb, server, 3, during=lambda: (docker("stop", "-t", "30", stopped), log(f"docker stop {stopped[:12]} (SIGTERM)")))
        feed(nb, server, 4, during=lambda: (docker("kill", killed), log(f"docker kill {killed[:12]} (SIGKILL)")))

        # The master restarts: its sessions are gone, the client starts the same queries again and
        # they resume from their checkpoints and state in Redis (complete mode shows every count).
        master = containers("master")[0]
        docker("restart", master)
        log("docker restart master")
        wait_healthy("master", 1)
        try:
            nb.spark.stop()
        except Exception:
            pass
        server.forget_all()
        nb = start_notebook(url, gateway, server.port)
        server.wait_for_connections(2)
        feed(nb, server, 5)
        final = counts(nb)
        assert final == {w: 2 * n for w, n in EXPECTED.items()}, final
        print(json.dumps({"ok": True, "words": len(final), "build_seconds": round(build_s, 1), "image_bytes": size}), flush=True)
    except BaseException:
        for s in ("master", "worker"):
            sys.stdout.write(compose("logs", "--no-color", "--tail", "40", s, check=False, capture=True))
        raise
    finally:
        if nb is not None:
            try:
                for q in nb.spark.streams.active:
                    q.stop()
                nb.spark.stop()
            except Exception:
                pass
        server.close()
        compose("down", "-v", "--remove-orphans", "-t", "5", check=False)
        log("down -v")


if __name__ == "__main__":
    main()
