"""One PySpark Connect client driving one server (Spark or Kindling) through the seed queries.

Usage: python bench/spark_client.py PLAN_JSON
PLAN_JSON names the server, the source and what to measure (see bench/spark-side-by-side.ts):
- "throughput": every line of the corpus through Q1 and Q2, timed from start() until the memory
  table holds every word (text source: the files are all there before start(); socket source: a
  feeder started by the caller serves the whole corpus to each connection as fast as it goes).
- "latency": this script is the source. It writes a small file (text) or sends a chunk of lines
  (socket) every 200 ms at the given words/s, one marker word per chunk, while polling the memory
  table for markers; a marker's end-to-end latency is from its chunk being durable (file renamed
  into the directory, or sendall returned) until a query of the table first shows it.
Prints one JSON line per measured run. `total` (sum of counts) checks both engines counted alike.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import tempfile
import threading
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

SLIDES = {"q1": "30 seconds", "q2": "5 seconds"}
# Every word is counted once in each window that holds it: 60 s / 30 s → 2, 60 s / 5 s → 12.
WINDOWS_PER_WORD = {"q1": 2, "q2": 12}
CHUNK_SECONDS = 0.2
MARKER = "zzmark"


def counts_of(q: str, source) -> "object":
    words = source.select(F.explode(F.split(source.value, " ")).alias("word"))
    wwt = words.withColumn("timestamp", F.current_timestamp()).withWatermark("timestamp", "5 seconds")
    return wwt.groupBy(F.window("timestamp", "60 seconds", SLIDES[q]), "word").count()


def source_df(spark: SparkSession, kind: str, where: str):
    if kind == "text":
        return spark.readStream.format("text").load(where)
    host, port = where.rsplit(":", 1)
    return spark.readStream.format("socket").option("host", host).option("port", int(port)).load()


def table_totals(spark: SparkSession, name: str) -> tuple[int, int]:
    row = spark.sql(f"SELECT count(*) AS n, sum(`count`) AS total FROM {name}").collect()[0]
    return int(row["n"]), int(row["total"] or 0)


def progress_field(p, name: str):
    # pyspark 4's StreamingQueryProgress is a dict whose properties fill in what the JSON leaves
    # out (numInputRows is summed over sources); older clients return plain dicts.
    value = getattr(p, name, None)
    if value is None and isinstance(p, dict):
        value = p.get(name)
    return value


def batch_durations(q) -> list[float]:
    out = []
    for p in q.recentProgress:
        if (progress_field(p, "numInputRows") or 0) > 0:
            out.append(float(progress_field(p, "batchDuration") or 0))
    return out


def percentile(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    s = sorted(xs)
    return s[min(len(s) - 1, int(p * len(s)))]


def throughput(spark: SparkSession, plan: dict, q: str, name: str, where: str, words: int) -> dict:
    counts = counts_of(q, source_df(spark, plan["source"], where))
    started = time.perf_counter()
    query = counts.writeStream.outputMode("complete").format("memory").queryName(name).start()
    if plan["source"] == "text":
        query.processAllAvailable()
        rows, total = table_totals(spark, name)
    else:
        # A socket source has no end: wait until every word sent is counted in each of its windows.
        deadline = started + plan.get("timeoutSeconds", 600)
        while True:
            query.processAllAvailable()
            rows, total = table_totals(spark, name)
            if total >= words * WINDOWS_PER_WORD[q] or time.perf_counter() > deadline:
                break
            time.sleep(0.01)
    seconds = time.perf_counter() - started
    durations = batch_durations(query)
    query.stop()
    return {"seconds": seconds, "rows": rows, "total": total, "batchP50": percentile(durations, 0.5), "batchP95": percentile(durations, 0.95)}


class ChunkSender:
    """Writes one chunk every 200 ms at `rate` words/s, a marker word first in each chunk."""

    def __init__(self, kind: str, corpus: list[str], rate: int, seconds: float):
        self.kind = kind
        self.corpus = corpus
        self.lines_per_chunk = max(1, round(rate * CHUNK_SECONDS / 10))
        self.chunks = int(seconds / CHUNK_SECONDS)
        self.sent: dict[str, float] = {}
        self.error: BaseException | None = None
        self.directory = tempfile.mkdtemp(prefix="kindling-latency-") if kind == "text" else None
        self.staging = tempfile.mkdtemp(prefix="kindling-latency-staging-") if kind == "text" else None
        self.listener: socket.socket | None = None
        if kind == "socket":
            self.listener = socket.create_server(("127.0.0.1", 0))
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def where(self) -> str:
        if self.directory:
            return self.directory
        assert self.listener is not None
        return f"127.0.0.1:{self.listener.getsockname()[1]}"

    def _chunk(self, seq: int, cursor: int) -> tuple[list[str], int]:
        out = []
        for _ in range(self.lines_per_chunk):
            out.append(self.corpus[cursor % len(self.corpus)])
            cursor += 1
        first = out[0].split(" ")
        first[0] = f"{MARKER}{seq:06d}"
        out[0] = " ".join(first)
        return out, cursor

    def _run(self) -> None:
        try:
            conn = None
            if self.listener is not None:
                conn, _ = self.listener.accept()
            cursor = 0
            start = time.perf_counter()
            for seq in range(self.chunks):
                target = start + seq * CHUNK_SECONDS
                delay = target - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                lines, cursor = self._chunk(seq, cursor)
                payload = ("\n".join(lines) + "\n").encode()
                if conn is not None:
                    conn.sendall(payload)
                else:
                    assert self.staging is not None and self.directory is not None
                    staged = os.path.join(self.staging, f"chunk-{seq:06d}.txt")
                    with open(staged, "wb") as f:
                        f.write(payload)
                    os.rename(staged, os.path.join(self.directory, f"chunk-{seq:06d}.txt"))
                self.sent[f"{MARKER}{seq:06d}"] = time.perf_counter()
            if conn is not None:
                # Keep the connection open until the observer is done: a closed socket ends the source.
                self.done.wait()
                conn.close()
        except BaseException as e:  # reported by the observer
            self.error = e

    def cleanup(self) -> None:
        for d in (self.directory, self.staging):
            if d:
                for f in os.listdir(d):
                    os.remove(os.path.join(d, f))
                os.rmdir(d)
        if self.listener is not None:
            self.listener.close()


def latency(spark: SparkSession, plan: dict, q: str, name: str, corpus: list[str], rate: int) -> dict:
    sender = ChunkSender(plan["source"], corpus, rate, plan["latencySeconds"])
    counts = counts_of(q, source_df(spark, plan["source"], sender.where))
    query = counts.writeStream.outputMode("complete").format("memory").queryName(name).start()
    sender.thread.start()
    seen: dict[str, float] = {}
    polls = 0
    deadline = None
    while True:
        rows = spark.sql(f"SELECT word FROM {name} WHERE word LIKE '{MARKER}%'").collect()
        now = time.perf_counter()
        polls += 1
        for r in rows:
            seen.setdefault(r["word"], now)
        if sender.error is not None:
            raise sender.error
        if not sender.thread.is_alive() or (sender.listener is not None and len(sender.sent) == sender.chunks):
            deadline = deadline or now + 30
            if len(seen) >= sender.chunks or now > deadline:
                break
        time.sleep(0.01)
    sender.done.set()
    durations = batch_durations(query)
    query.stop()
    sender.cleanup()
    # The first second of markers waits for the query's start and JIT warm-up: not counted.
    skip = int(1.0 / CHUNK_SECONDS)
    e2e = [(seen[m] - t) * 1000 for m, t in sender.sent.items() if m in seen and int(m[len(MARKER):]) >= skip]
    missed = sum(1 for m in sender.sent if m not in seen)
    return {
        "rate": rate,
        "batchP50": percentile(durations, 0.5),
        "batchP95": percentile(durations, 0.95),
        "e2eP50": percentile(e2e, 0.5),
        "e2eP95": percentile(e2e, 0.95),
        "markers": len(e2e),
        "missed": missed,
        "polls": polls,
    }


def main() -> None:
    plan = json.loads(sys.argv[1])
    spark = SparkSession.builder.remote(plan["url"]).getOrCreate()
    spark.conf.set("spark.sql.shuffle.partitions", str(plan["partitions"]))
    tag = plan["tag"]
    if plan["mode"] == "throughput":
        for q in plan["queries"]:
            throughput(spark, plan, q, f"warm_{q}_{tag}", plan["warmup"], plan["warmupWords"])
        for i in range(plan["runs"]):
            for q in plan["queries"]:
                result = throughput(spark, plan, q, f"{q}_{tag}_{i}", plan["corpus"], plan["words"])
                print(json.dumps({**result, "query": q, "run": i}), flush=True)
    else:
        with open(plan["corpusFile"], encoding="utf-8") as f:
            corpus = f.read().splitlines()
        for rate in plan["rates"]:
            for q in plan["queries"]:
                result = latency(spark, plan, q, f"lat_{q}_{tag}_{rate}", corpus, rate)
                print(json.dumps({**result, "query": q}), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
