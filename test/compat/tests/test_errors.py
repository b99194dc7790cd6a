"""Errors arrive as the exceptions PySpark users catch, with Spark's error classes and SQLSTATEs
(values checked against Spark 4.3's own Connect server), and the session keeps working after them."""

from __future__ import annotations

import pytest
from pyspark.errors import AnalysisException, ParseException, StreamingQueryException
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from support.processes import closed_port


def test_unknown_table(spark: SparkSession) -> None:
    # spark.sql() analyzes eagerly, so the error comes from the call itself.
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT * FROM no_such_table")
    assert e.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"
    assert e.value.getSqlState() == "42P01"
    assert e.value.getMessageParameters()["relationName"] == "`no_such_table`"
    assert str(e.value).startswith("[TABLE_OR_VIEW_NOT_FOUND] The table or view `no_such_table` cannot be found.")

    with pytest.raises(AnalysisException) as e:
        spark.table("no_such_table").collect()
    assert e.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"


def test_bad_column(spark: SparkSession) -> None:
    with pytest.raises(AnalysisException) as e:
        spark.range(3).select("nope").collect()
    assert e.value.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"
    assert e.value.getSqlState() == "42703"
    assert e.value.getMessageParameters() == {"objectName": "`nope`", "proposal": "`id`"}

    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT nope FROM range(3)")
    assert e.value.getCondition() == "UNRESOLVED_COLUMN.WITH_SUGGESTION"

    # A column looked up on a DataFrame asks the server for its schema first.
    df = spark.createDataFrame([("a", 1)], "word string, n int")
    with pytest.raises(AnalysisException) as e:
        df.select(F.col("word"), F.col("missing") + 1).collect()
    assert e.value.getCondition().startswith("UNRESOLVED_COLUMN")


def test_unknown_function(spark: SparkSession) -> None:
    for run in (
        lambda: spark.range(3).select(F.call_function("no_such_fn", F.col("id"))).collect(),
        lambda: spark.range(3).select(F.expr("no_such_fn(id)")).collect(),
        lambda: spark.sql("SELECT no_such_fn(1)"),
    ):
        with pytest.raises(AnalysisException) as e:
            run()
        assert e.value.getCondition() == "UNRESOLVED_ROUTINE"
        assert e.value.getSqlState() == "42883"
        assert e.value.getMessageParameters()["routineName"] == "`no_such_fn`"


def test_parse_error(spark: SparkSession) -> None:
    with pytest.raises(ParseException) as e:
        spark.sql("SELEC 1")
    assert e.value.getCondition() == "PARSE_SYNTAX_ERROR"
    assert e.value.getSqlState() == "42601"


def test_append_without_watermark(spark: SparkSession) -> None:
    lines = spark.readStream.format("socket").option("host", "localhost").option("port", closed_port()).load()
    words = lines.select(F.explode(F.split(lines.value, " ")).alias("word")).withColumn("timestamp", F.current_timestamp())
    counts = words.groupBy(F.window("timestamp", "60 seconds", "30 seconds"), "word").count()
    with pytest.raises(AnalysisException) as e:
        counts.writeStream.outputMode("append").format("memory").queryName("no_watermark").start()
    assert e.value.getCondition() == "STREAMING_OUTPUT_MODE.UNSUPPORTED_OPERATION"
    assert e.value.getSqlState() == "42KDE"
    assert e.value.getMessageParameters() == {"outputMode": "append", "operation": "streaming aggregations without watermark"}
    # Nothing was started.
    assert spark.streams.active == []


def test_failed_query(spark: SparkSession) -> None:
    """A socket source whose port nobody listens on: the query starts, then fails in batch 0."""
    lines = spark.readStream.format("socket").option("host", "localhost").option("port", closed_port()).load()
    words = lines.select(F.explode(F.split(lines.value, " ")).alias("word"))
    q = words.writeStream.format("memory").queryName("failing").start()

    with pytest.raises(StreamingQueryException) as raised:
        q.awaitTermination(30)
    assert raised.value.getCondition() == "STREAM_FAILED"
    assert raised.value.getSqlState() == "XXKST"
    params = raised.value.getMessageParameters()
    assert params["id"] == q.id and params["runId"] == q.runId
    assert params["message"] == "Connection refused"
    # Without a timeout it raises too (the query is already over).
    with pytest.raises(StreamingQueryException):
        q.awaitTermination()

    exc = q.exception()
    assert isinstance(exc, StreamingQueryException)
    assert "Connection refused" in str(exc)
    assert q.isActive is False
    assert q.status["message"] == "Terminated with exception: Connection refused"
    assert q not in spark.streams.active and spark.streams.active == []


def test_session_survives_errors(spark: SparkSession) -> None:
    for bad in ("SELECT * FROM no_such_table", "SELECT nope FROM range(1)", "SELEC 1"):
        with pytest.raises(AnalysisException):
            spark.sql(bad)
    assert spark.range(4).count() == 4
    assert spark.sql("SELECT 1 AS one").collect()[0].one == 1
