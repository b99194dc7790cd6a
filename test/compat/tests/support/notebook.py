"""The seed notebook's cells, verbatim except for the two addresses (the Spark Connect URL and the
line server's port), plus the feeding the notebook leaves to a person typing into `nc -lk`."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from support.processes import LineServer
from support.words import Burst


@dataclass
class Notebook:
    spark: SparkSession
    lines: DataFrame
    words: DataFrame
    words_with_time: DataFrame
    catpm: DataFrame
    word_counts: DataFrame
    wcq: StreamingQuery
    cpmq: StreamingQuery
    # word -> (burst number, occurrences)
    expected: dict[str, tuple[int, int]] = field(default_factory=dict)
    # burst number -> wall-clock seconds just before it was sent and once its counts were seen
    fed_between: dict[int, tuple[float, float]] = field(default_factory=dict)
    lines_fed: int = 0


def run_cells(url: str, port: int, host: str = "localhost", spark: SparkSession | None = None) -> Notebook:
    """`host`: where the master reaches the line server (another address when it runs in a container)."""
    spark = spark or SparkSession.builder.remote(url).appName("streaming-exercise").getOrCreate()
    lines = spark.readStream.format("socket").option("host", host).option("port", port).load()
    words = lines.select(F.explode(F.split(lines.value, " ")).alias("word"))
    words_with_time = words.withColumn("timestamp", F.current_timestamp()).withWatermark("timestamp", "5 seconds")
    catpm = (
        words_with_time.groupby(F.window("timestamp", "60 seconds", "5 seconds"), "word")
        .agg(F.count("word").alias("cats per minute"))
        .drop("word")
    )
    word_counts = words_with_time.groupBy(F.window("timestamp", "60 seconds", "30 seconds"), "word").count()
    wcq = word_counts.writeStream.outputMode("complete").format("memory").queryName("wordcounts").start()
    cpmq = catpm.writeStream.outputMode("complete").format("memory").queryName("catpm").start()
    return Notebook(spark, lines, words, words_with_time, catpm, word_counts, wcq, cpmq)


# Kindling counts a burst in well under a second; a real Spark on this machine can take a minute.
FEED_TIMEOUT = float(os.environ.get("KINDLING_COMPAT_FEED_TIMEOUT", "30"))


def feed(nb: Notebook, server: LineServer, bursts: list[tuple[int, Burst]], timeout: float = FEED_TIMEOUT) -> None:
    """Sends each burst as one write and waits until both memory tables count all of it."""
    server.wait_for_connections(2)
    for k, b in bursts:
        for word, n in b.counts.items():
            nb.expected[word] = (k, n)
        before = time.time()
        server.broadcast(b.lines)
        nb.lines_fed += len(b.lines)
        _wait_counted(nb, b, timeout)
        nb.fed_between[k] = (before, time.time())


def _wait_counted(nb: Notebook, b: Burst, timeout: float) -> None:
    """Each word of the burst is counted in its 2 word_counts windows and its 12 catpm windows."""
    deadline = time.monotonic() + timeout
    want_counts = set(b.counts.values())
    while True:
        wc = nb.spark.sql("SELECT word, count FROM wordcounts").collect()
        cp = nb.spark.sql("SELECT `cats per minute` AS n FROM catpm").collect()
        totals: dict[str, int] = {}
        for r in wc:
            totals[r.word] = totals.get(r.word, 0) + r["count"]
        catpm_rows = sum(1 for r in cp if r.n in want_counts)
        if all(totals.get(w) == 2 * n for w, n in b.counts.items()) and catpm_rows >= 12 * len(b.counts):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"burst not counted in {timeout}s: wordcounts={totals} catpm rows={catpm_rows}")
        time.sleep(0.1)
