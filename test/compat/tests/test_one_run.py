"""One active run per checkpoint, through the real PySpark client: starting a query again on the
checkpoint of an active run (the notebook-kernel-restart case) stops the older run, as Spark does
with spark.sql.streaming.stopActiveRunOnRestart=true (its default); with false it is refused with
Spark's message."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from pyspark.errors.exceptions.connect import SparkConnectGrpcException
from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from support.processes import Server


def add_file(directory: Path, name: str, words: list[str]) -> None:
    tmp = directory.parent / f"{name}.{uuid.uuid4()}.tmp"
    tmp.write_text("\n".join(words) + "\n")
    os.rename(tmp, directory / name)


def word_counts(spark: SparkSession, directory: Path, checkpoint: str) -> StreamingQuery:
    return (
        spark.readStream.text(str(directory))
        .groupBy("value")
        .count()
        .writeStream.format("memory")
        .queryName("words")
        .outputMode("complete")
        .option("checkpointLocation", checkpoint)
        .start()
    )


def counts(spark: SparkSession) -> dict[str, int]:
    return {r["value"]: r["count"] for r in spark.sql("SELECT value, count FROM words").collect()}


def test_a_new_session_restarting_the_query_stops_the_old_run(kindling: Server, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    checkpoint = str(tmp_path / "cp")
    old = SparkSession.builder.remote(kindling.url).create()
    new = SparkSession.builder.remote(kindling.url).create()
    try:
        add_file(inputs, "a.txt", ["cat", "dog", "cat"])
        first = word_counts(old, inputs, checkpoint)
        first.processAllAvailable()
        second = word_counts(new, inputs, checkpoint)
        assert second.id == first.id and second.runId != first.runId
        assert first.isActive is False
        assert first.exception() is None
        assert first.status["message"] == "Stopped"
        assert old.streams.active == []
        assert [q.runId for q in new.streams.active] == [second.runId]
        add_file(inputs, "b.txt", ["dog", "eel"])
        second.processAllAvailable()
        assert counts(new) == {"cat": 2, "dog": 2, "eel": 1}
        second.stop()
    finally:
        old.stop()
        new.stop()


def test_stop_active_run_on_restart_false_refuses_the_second_run(kindling: Server, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    checkpoint = str(tmp_path / "cp")
    a = SparkSession.builder.remote(kindling.url).create()
    b = SparkSession.builder.remote(kindling.url).create()
    try:
        b.conf.set("spark.sql.streaming.stopActiveRunOnRestart", "false")
        add_file(inputs, "a.txt", ["ant"])
        running = word_counts(a, inputs, checkpoint)
        running.processAllAvailable()
        with pytest.raises(SparkConnectGrpcException) as refused:
            word_counts(b, inputs, checkpoint)
        assert (
            f"Cannot start query with id {running.id} as another query with same id is already active. "
            "Perhaps you are attempting to restart a query from checkpoint that is already active."
        ) in str(refused.value)
        assert 'spark.conf.set("spark.sql.streaming.stopActiveRunOnRestart", true)' in str(refused.value)
        assert running.isActive is True
        add_file(inputs, "b.txt", ["ant", "bee"])
        running.processAllAvailable()
        assert counts(a) == {"ant": 2, "bee": 1}
        running.stop()
    finally:
        a.stop()
        b.stop()
