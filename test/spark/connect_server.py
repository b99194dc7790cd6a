"""Runs a real Spark Connect server (from the pip `pyspark` package) for tests.

Usage: test/spark/.venv/bin/python test/spark/connect_server.py [--port 0] [--log FILE] [--conf k=v ...]

Starts `spark-submit --class org.apache.spark.sql.connect.service.SparkConnectServer` in its own
process group, bound to 127.0.0.1 on a free port, logging to a file. Once the gRPC port accepts
connections it prints one JSON line {"port", "pid", "log", "sparkVersion"} on stdout. It then
stays in the foreground until stdin closes, SIGTERM/SIGINT arrives, or the JVM dies, and always
kills the JVM's whole process group before exiting: a test runner that crashes closes our stdin,
so no JVM outlives its test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
DEFAULT_CONF = {
    "spark.master": "local[2]",
    "spark.connect.grpc.binding.address": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": "1g",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


STARTED = re.compile(rb"Spark Connect server started at: [^\s:]+:(\d+)")


def started_port(log_path: str) -> int | None:
    with open(log_path, "rb") as f:
        m = STARTED.search(f.read())
    return int(m.group(1)) if m else None


def prune_old_logs(folder: str, max_age_s: float = 86400.0) -> None:
    now = time.time()
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if name.startswith("connect-") and name.endswith(".log") and now - os.path.getmtime(path) > max_age_s:
            os.remove(path)


def spark_home() -> str:
    import pyspark

    return os.path.dirname(os.path.abspath(pyspark.__file__))


def kill_group(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--log", default=None, help="server log file (default: test/spark/logs/connect-<port>.log)")
    parser.add_argument("--conf", action="append", default=[], help="extra Spark conf k=v")
    parser.add_argument("--startup-timeout", type=float, default=180.0)
    args = parser.parse_args()

    conf = dict(DEFAULT_CONF)
    for kv in args.conf:
        k, _, v = kv.partition("=")
        conf[k] = v
    port = args.port or free_port()
    conf["spark.connect.grpc.binding.port"] = str(port)
    log_path = args.log or os.path.join(os.path.dirname(os.path.abspath(__file__)), "logs", f"connect-{port}.log")
    os.makedirs(os.path.dirname(os.path.abspath(log_path)), exist_ok=True)

    home = spark_home()
    env = dict(os.environ, SPARK_HOME=home, SPARK_LOCAL_IP="127.0.0.1", PYSPARK_PYTHON=sys.executable)
    cmd = [os.path.join(home, "bin", "spark-submit"), "--class", SERVER_CLASS, "--name", "Spark Connect server (kindling tests)"]
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    prune_old_logs(os.path.dirname(os.path.abspath(log_path)))
    log = open(log_path, "wb")
    log.write(("$ " + " ".join(cmd) + "\n").encode())
    log.flush()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)

    stop = threading.Event()

    def on_signal(_sig: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    def watch_stdin() -> None:
        try:
            while sys.stdin.buffer.read1(4096):
                pass
        except (OSError, ValueError):
            pass
        stop.set()

    # Our parent holds the other end of stdin: EOF means it is gone (or asks us to stop).
    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        deadline = time.monotonic() + args.startup_timeout
        # Spark moves to the next port if ours was taken meanwhile (spark.port.maxRetries), so the
        # port comes from the server's own "started at" log line.
        while (started := started_port(log_path)) is None or not port_open(started):
            if proc.poll() is not None:
                print(f"spark connect server exited with {proc.returncode} during startup; see {log_path}", file=sys.stderr)
                return 1
            if stop.is_set():
                return 1
            if time.monotonic() > deadline:
                print(f"spark connect server did not open port {port} within {args.startup_timeout}s; see {log_path}", file=sys.stderr)
                return 1
            time.sleep(0.2)
        port = started
        import pyspark

        try:
            print(json.dumps({"port": port, "pid": proc.pid, "log": log_path, "sparkVersion": pyspark.__version__}), flush=True)
        except BrokenPipeError:
            return 1  # whoever started us is gone

        while not stop.is_set() and proc.poll() is None:
            stop.wait(0.5)
        return 0 if proc.poll() is None else 1
    finally:
        kill_group(proc)
        log.close()


if __name__ == "__main__":
    sys.exit(main())
