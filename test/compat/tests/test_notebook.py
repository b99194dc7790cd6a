"""The seed notebook, cell by cell, through the real PySpark Connect client: what each cell prints
or returns, checked against counts computed here from the words that were sent."""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import SparkSession

from support.notebook import Notebook, feed, run_cells
from support.processes import LineServer, Server
from support.show import spark_table
from support.windows import assert_windows_of_one_instant, to_utc
from support.words import burst

BURSTS = [(k, burst(k, 5)) for k in (1, 2, 3)]
WORDS = sum(len(b.counts) for _, b in BURSTS)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Spark's progress JSON: the keys the client reads without a default (KeyError otherwise).
PROGRESS_KEYS = {"id", "runId", "name", "timestamp", "batchId", "batchDuration", "stateOperators", "sources", "sink"}
STATE_OPERATOR_KEYS = {
    "operatorName", "numRowsTotal", "numRowsUpdated", "allUpdatesTimeMs", "numRowsRemoved", "allRemovalsTimeMs",
    "commitTimeMs", "memoryUsedBytes", "numRowsDroppedByWatermark", "numShufflePartitions", "numStateStoreInstances",
}  # fmt: skip
SOURCE_KEYS = {"description", "startOffset", "endOffset", "latestOffset", "numInputRows", "inputRowsPerSecond", "processedRowsPerSecond"}
SINK_KEYS = {"description", "numOutputRows"}
IDLE_STATUS = re.compile(r"Waiting for data to arrive|Waiting for next trigger|Getting offsets from TextSocketV2\[host: localhost, port: \d+\]")


@pytest.fixture(scope="module")
def nb(kindling: Server) -> Iterator[Notebook]:
    # getOrCreate() must make this notebook's own session, not hand back another test's.
    assert SparkSession.getActiveSession() is None
    server = LineServer()
    try:
        notebook = run_cells(kindling.url, server.port)
        try:
            feed(notebook, server, BURSTS)
            yield notebook
        finally:
            for q in notebook.spark.streams.active:
                q.stop()
            notebook.spark.stop()
    finally:
        server.close()


def test_session_is_the_notebooks(nb: Notebook) -> None:
    assert nb.spark.conf.get("spark.app.name") == "streaming-exercise"
    assert nb.lines.isStreaming and nb.word_counts.isStreaming
    assert nb.lines.columns == ["value"]
    assert nb.words_with_time.columns == ["word", "timestamp"]
    assert nb.catpm.columns == ["window", "cats per minute"]
    assert nb.word_counts.columns == ["window", "word", "count"]
    assert nb.word_counts.schema.simpleString() == "struct<window:struct<start:timestamp,end:timestamp>,word:string,count:bigint>"


def test_query_identity(nb: Notebook) -> None:
    for q, name in ((nb.wcq, "wordcounts"), (nb.cpmq, "catpm")):
        assert UUID.match(q.id) and UUID.match(q.runId)
        assert q.name == name
    assert nb.wcq.id != nb.cpmq.id


def test_explain_prints_the_plan(nb: Notebook, capsys: pytest.CaptureFixture[str]) -> None:
    assert nb.wcq.explain() is None
    simple = capsys.readouterr().out
    assert simple.startswith("== Physical Plan ==\n"), simple
    assert len(simple.strip().splitlines()) > 2, simple

    nb.wcq.explain(True)
    extended = capsys.readouterr().out
    headers = [line for line in extended.splitlines() if line.startswith("== ")]
    assert headers == [
        "== Parsed Logical Plan ==",
        "== Analyzed Logical Plan ==",
        "== Optimized Logical Plan ==",
        "== Physical Plan ==",
    ]


def test_running_query_calls(nb: Notebook) -> None:
    q = nb.wcq
    assert q.isActive is True
    assert q.exception() is None
    assert q.awaitTermination(0.5) is False
    status = q.status
    assert set(status) == {"message", "isDataAvailable", "isTriggerActive"}
    assert isinstance(status["isDataAvailable"], bool) and isinstance(status["isTriggerActive"], bool)
    # An idle query with the default trigger polls its source: Spark shows "Waiting for data to
    # arrive" nearly all the time, and the other messages of a trigger only in passing.
    seen = []
    for _ in range(20):
        seen.append(q.status["message"])
        time.sleep(0.1)
    assert all(IDLE_STATUS.fullmatch(m) for m in seen), seen
    assert "Waiting for data to arrive" in seen, seen


def test_streams_active(nb: Notebook) -> None:
    active = nb.spark.streams.active
    assert sorted(q.name for q in active) == ["catpm", "wordcounts"]
    assert {q.id for q in active} == {nb.wcq.id, nb.cpmq.id}
    assert nb.spark.streams.get(nb.wcq.id).name == "wordcounts"


def test_last_progress(nb: Notebook) -> None:
    last = nb.wcq.lastProgress
    assert last is not None
    raw = json.loads(last.json)
    assert PROGRESS_KEYS <= set(raw), raw
    assert last["id"] == nb.wcq.id and last["runId"] == nb.wcq.runId
    assert last.id == uuid.UUID(nb.wcq.id) and last.runId == uuid.UUID(nb.wcq.runId)
    assert last.name == "wordcounts"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", last.timestamp), last.timestamp
    assert isinstance(last.batchId, int) and last.batchId >= len(BURSTS) - 1
    assert isinstance(last.batchDuration, int) and last.batchDuration >= 0
    assert "watermark" in last.eventTime

    [op] = last.stateOperators
    assert STATE_OPERATOR_KEYS <= set(raw["stateOperators"][0])
    # Complete mode keeps every group: 2 windows per word.
    assert op.numRowsTotal == 2 * WORDS
    [source] = last.sources
    assert SOURCE_KEYS <= set(raw["sources"][0])
    assert source.description.startswith("TextSocket")
    assert SINK_KEYS <= set(raw["sink"])
    assert last.sink.description == "MemorySink"


def test_recent_progress(nb: Notebook) -> None:
    recent = nb.wcq.recentProgress
    assert recent and recent[-1].batchId <= nb.wcq.lastProgress.batchId
    ids = [p.batchId for p in recent]
    assert ids == sorted(ids)
    # Every line that was sent was read exactly once, by both queries.
    assert sum(p.numInputRows for p in recent) == nb.lines_fed
    assert sum(p.numInputRows for p in nb.cpmq.recentProgress) == nb.lines_fed
    for p in recent:
        assert PROGRESS_KEYS <= set(json.loads(p.json))
    assert nb.cpmq.lastProgress.stateOperators[0].numRowsTotal == 12 * WORDS


def test_show_prints_sparks_table(nb: Notebook, capsys: pytest.CaptureFixture[str]) -> None:
    nb.spark.sql("SELECT * FROM wordcounts").show()
    out = capsys.readouterr().out
    lines = out.splitlines()
    # 2 rows per word, so more than 20: the first 20 and a footer.
    assert out.endswith("+\nonly showing top 20 rows\n"), out
    assert len(lines) == 3 + 20 + 1 + 1, out
    assert lines[-1] == "only showing top 20 rows"
    border = lines[0]
    assert lines[2] == border and lines[-2] == border
    assert re.fullmatch(r"\+-{20}\+-{4}\+-{5}\+", border), border
    assert lines[1] == "|              window|word|count|"
    for line in lines[3:23]:
        window, word, count = line.strip("|").split("|")
        assert re.fullmatch(r"\{\d{4}-\d\d-\d\d \d\d:\d\d\.\.\.", window), line
        assert nb.expected[word.strip()][1] == int(count), line
        assert word == word.strip().rjust(4) and count == count.strip().rjust(5)


def test_show_untruncated_matches_the_rows(nb: Notebook, capsys: pytest.CaptureFixture[str]) -> None:
    df = nb.spark.sql("SELECT * FROM wordcounts ORDER BY word, window.start")
    rows = df.collect()
    df.show(100, truncate=False)
    out = capsys.readouterr().out

    def fmt(ts: object) -> str:
        return pd.Timestamp(ts).strftime("%Y-%m-%d %H:%M:%S")

    cells = [[f"{{{fmt(r.window.start)}, {fmt(r.window.end)}}}", r.word, str(r["count"])] for r in rows]
    assert out == spark_table(["window", "word", "count"], cells, truncate=0) + "\n"


def test_to_pandas_window_end(nb: Notebook) -> None:
    pdf = nb.spark.sql("SELECT window.end, * FROM wordcounts").toPandas()
    assert list(pdf.columns) == ["end", "window", "word", "count"]
    assert pdf["end"].dtype == np.dtype("datetime64[ns]")
    assert pdf["window"].dtype == object and pdf["word"].dtype == object
    assert pdf["count"].dtype == np.dtype("int64")
    assert len(pdf) == 2 * WORDS

    tz = nb.spark.conf.get("spark.sql.session.timeZone")
    for word, group in pdf.groupby("word"):
        k, n = nb.expected[word]
        assert list(group["count"]) == [n, n], word
        windows = list(group["window"])
        assert all(isinstance(w, dict) for w in windows)  # 'legacy' struct handling
        assert list(group["end"]) == [w["end"] for w in windows]
        lo, hi = assert_windows_of_one_instant(windows, timedelta(seconds=60), timedelta(seconds=30))
        # The batch time lies in every window: between sending the burst and seeing it counted.
        before, after = nb.fed_between[k]
        assert to_utc(lo, tz).timestamp() <= after + 1 and to_utc(hi, tz).timestamp() > before - 1, (word, lo, hi)
    assert set(pdf["word"]) == set(nb.expected)


def test_catpm_counts_per_sliding_window(nb: Notebook) -> None:
    pdf = nb.spark.sql("SELECT * FROM catpm").toPandas()
    assert list(pdf.columns) == ["window", "cats per minute"]
    assert pdf["cats per minute"].dtype == np.dtype("int64")
    word_of_count = {n: w for w, (_, n) in nb.expected.items()}
    assert set(pdf["cats per minute"]) == set(word_of_count)
    assert len(pdf) == 12 * WORDS
    for _, group in pdf.groupby("cats per minute"):
        assert_windows_of_one_instant(list(group["window"]), timedelta(seconds=60), timedelta(seconds=5))


def test_memory_table_in_sql(nb: Notebook) -> None:
    rows = nb.spark.sql(
        "SELECT word, sum(count) AS total, count(*) AS windows FROM wordcounts GROUP BY word ORDER BY total DESC"
    ).collect()
    want = sorted(((w, 2 * n, 2) for w, (_, n) in nb.expected.items()), key=lambda t: -t[1])
    assert [(r.word, r.total, r.windows) for r in rows] == want


def test_top_words_per_window(nb: Notebook) -> None:
    """The next cell after "top words of the latest window": a window function over the memory table."""
    df = nb.spark.sql("SELECT window, word, count, row_number() OVER (PARTITION BY window ORDER BY count DESC) FROM wordcounts")
    assert df.columns[3] == (
        "row_number() OVER (PARTITION BY window ORDER BY count DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    )
    got = {(r[0], r[1]): r[3] for r in df.collect()}
    # Spark's answer, computed here from the table: within each window, 1 for the largest count.
    by_window: dict[object, list[tuple[int, str]]] = {}
    for r in nb.spark.sql("SELECT * FROM wordcounts").collect():
        by_window.setdefault(r.window, []).append((r["count"], r.word))
    want = {(w, word): i + 1 for w, pairs in by_window.items() for i, (_, word) in enumerate(sorted(pairs, key=lambda p: -p[0]))}
    assert got == want
    top = nb.spark.sql(
        "SELECT word, count FROM (SELECT *, row_number() OVER (PARTITION BY window ORDER BY count DESC) AS rn FROM wordcounts) WHERE rn = 1"
    ).collect()
    assert len(top) == len(by_window)
    ranked = nb.spark.sql(
        "SELECT word, sum(count) AS total, rank() OVER (ORDER BY sum(count) DESC) AS r FROM wordcounts GROUP BY word ORDER BY r"
    ).collect()
    totals = sorted((2 * n for _, (_, n) in nb.expected.items()), reverse=True)
    assert [r.total for r in ranked] == totals
    assert [r.r for r in ranked] == [1 + totals.index(t) for t in totals]
