"""Big-collect measurement (issue 8, item 4), with the real PySpark Connect client.

Phase 1: one process runs `spark.range(N).toPandas()` while this one times `select 1` in another
session (p50/p99 during the collect) and samples the master's RSS. Phase 2: the collect again,
its process killed (SIGKILL) mid-stream; the master's RSS 30 s later.
Usage: test/compat/.venv/bin/python test/measure/big_collect.py sc://127.0.0.1:PORT MASTER_PID [N]
With METRICS_URL=http://127.0.0.1:UI_PORT/metrics (a cluster master) it also reports the master's
own event-loop delay during the collect (prom-client resets it at each scrape).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def event_loop_lag() -> dict[str, float] | None:
    url = os.environ.get("METRICS_URL")
    if not url:
        return None
    import urllib.request

    text = urllib.request.urlopen(url, timeout=10).read().decode()
    out: dict[str, float] = {}
    for line in text.splitlines():
        for key in ("p50", "p99", "max"):
            if line.startswith(f"kindling_master_nodejs_eventloop_lag_{key}_seconds "):
                out[key] = round(float(line.split()[1]) * 1000, 1)
    return out


def collector(url: str, n: int) -> None:
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(url).getOrCreate()
    t0 = time.time()
    pdf = spark.range(n).toPandas()
    ok = len(pdf) == n and int(pdf["id"].sum()) == n * (n - 1) // 2 and bool((pdf["id"].diff().dropna() == 1).all())
    print(json.dumps({"rows": len(pdf), "exact_and_ordered": ok, "seconds": round(time.time() - t0, 1)}), flush=True)
    spark.stop()


def main() -> None:
    url, pid = sys.argv[1], int(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 50_000_000
    from pyspark.sql import SparkSession

    neighbour = SparkSession.builder.remote(url).create()
    neighbour.sql("select 1").collect()
    samples: list[tuple[float, float]] = []
    peak = [0.0]
    stop = threading.Event()

    def sample_rss() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.1)

    threading.Thread(target=sample_rss, daemon=True).start()
    before = rss_mb(pid)
    me = [sys.executable, __file__, "--collect", url, str(n)]
    event_loop_lag()
    child = subprocess.Popen(me, stdout=subprocess.PIPE, text=True)
    while child.poll() is None:
        t = time.time()
        neighbour.sql("select 1").collect()
        samples.append((t, (time.time() - t) * 1000))
        time.sleep(0.02)
    result = json.loads(child.stdout.read() if child.stdout else "{}")
    lag = event_loop_lag()
    lat = sorted(ms for _, ms in samples)
    pct = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 1)  # noqa: E731
    peak_collect = peak[0]
    time.sleep(10)
    after_complete = rss_mb(pid)

    # Phase 2: kill the collecting client mid-stream.
    child = subprocess.Popen(me, stdout=subprocess.DEVNULL)
    base = rss_mb(pid)
    deadline = time.time() + 120
    while rss_mb(pid) < base + 300 and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(2)
    at_kill = rss_mb(pid)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    time.sleep(30)
    after_kill = rss_mb(pid)
    stop.set()
    neighbour.stop()
    print(json.dumps({
        "collect": result,
        "neighbour_select1_ms": {"n": len(lat), "p50": pct(0.5), "p99": pct(0.99), "max": round(lat[-1], 1)},
        "master_event_loop_delay_ms": lag,
        "master_rss_mb": {"before": round(before), "peak": round(max(peak_collect, peak[0])), "10s_after_complete": round(after_complete),
                          "at_kill": round(at_kill), "30s_after_kill": round(after_kill)},
    }))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--collect":
        collector(sys.argv[2], int(sys.argv[3]))
    else:
        main()
