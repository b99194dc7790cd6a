"""The notebook's last cells: stop every active query, then the session; what a stopped query still
answers; and that a new session works after `spark.stop()`."""

from __future__ import annotations

import time

import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import SparkSession

from support.notebook import feed, run_cells
from support.processes import LineServer, Server
from support.words import burst

# spark.stop() releases the session and closes the channel; it must not wait on retries.
STOP_SECONDS = 3.0


def test_stop_queries_then_session(kindling: Server, line_server: LineServer) -> None:
    assert SparkSession.getActiveSession() is None
    nb = run_cells(kindling.url, line_server.port)
    spark = nb.spark
    try:
        feed(nb, line_server, [(7, burst(7, 3))])
        last_before = nb.wcq.lastProgress
        assert last_before is not None

        [q.stop() for q in spark.streams.active]
        assert spark.streams.active == []

        # Stopped queries stay addressable by their handles.
        for q in (nb.wcq, nb.cpmq):
            assert q.isActive is False
            assert q.status["message"] == "Stopped"
            assert q.status["isTriggerActive"] is False
            assert q.exception() is None
            assert q.awaitTermination(1) is True
            assert q.awaitTermination() is None
        assert nb.wcq.lastProgress is not None
        assert nb.wcq.lastProgress.batchId >= last_before.batchId
        assert nb.wcq.recentProgress
        # The memory table outlives its query.
        total = sum(r["count"] for r in spark.sql("SELECT * FROM wordcounts").collect())
        assert total == 2 * sum(burst(7, 3).counts.values())
    finally:
        started = time.monotonic()
        spark.stop()
        took = time.monotonic() - started
    assert took < STOP_SECONDS, f"spark.stop() took {took:.1f}s"
    assert spark.is_stopped
    assert SparkSession.getActiveSession() is None

    # A new session after stop: a fresh server-side session with nothing of the old one's.
    again = SparkSession.builder.remote(kindling.url).appName("streaming-exercise").getOrCreate()
    try:
        assert again is not spark and not again.is_stopped
        assert again.range(5).count() == 5
        assert again.streams.active == []
        # Memory-sink tables are temporary views of the session that started the query (as in Spark).
        with pytest.raises(AnalysisException) as missing:
            again.sql("SELECT * FROM wordcounts")
        assert missing.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"
    finally:
        again.stop()
