"""Errors arrive as the exceptions PySpark users catch, with Spark's error classes and SQLSTATEs
(values checked against Spark 4.3's own Connect server), and the session keeps working after them."""

from __future__ import annotations

import pytest
from pyspark.errors import (
    AnalysisException,
    ArithmeticException,
    ArrayIndexOutOfBoundsException,
    DateTimeException,
    IllegalArgumentException,
    NumberFormatException,
    ParseException,
    SparkNoSuchElementException,
    StreamingQueryException,
    UnknownException,
)
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


def text(e: Exception) -> str:
    """The error's message without the JVM stack trace a real Spark appends."""
    return str(e).split("\n\nJVM stacktrace:")[0]


def test_runtime_data_errors(spark: SparkSession) -> None:
    """ANSI data errors are the Java exception classes Spark raises, so PySpark picks its
    ArithmeticException / NumberFormatException / DateTimeException (not UnknownException)."""
    for query, exc, condition in (
        ("SELECT 1/0", ArithmeticException, "DIVIDE_BY_ZERO"),
        ("SELECT 2147483647 + 1", ArithmeticException, "ARITHMETIC_OVERFLOW"),
        ("SELECT CAST(3000000000L AS INT)", ArithmeticException, "CAST_OVERFLOW"),
        ("SELECT CAST('abc' AS INT)", NumberFormatException, "CAST_INVALID_INPUT"),
        ("SELECT CAST('abc' AS DATE)", DateTimeException, "CAST_INVALID_INPUT"),
        ("SELECT CAST('abc' AS TIMESTAMP)", DateTimeException, "CAST_INVALID_INPUT"),
        ("SELECT element_at(array(1, 2), 5)", ArrayIndexOutOfBoundsException, "INVALID_ARRAY_INDEX_IN_ELEMENT_AT"),
    ):
        with pytest.raises(exc) as e:
            spark.sql(query).collect()
        assert not isinstance(e.value, UnknownException)
        assert e.value.getCondition() == condition, query
        assert str(e.value).startswith(f"[{condition}]")
    with pytest.raises(NumberFormatException) as e:
        spark.sql("SELECT CAST('abc' AS INT)").collect()
    assert isinstance(e.value, IllegalArgumentException)
    assert e.value.getSqlState() == "22018"
    assert e.value.getMessageParameters()["expression"] == "'abc'"


def test_batch_action_on_streaming_dataframe(spark: SparkSession) -> None:
    msg = (
        "Queries with streaming sources must be executed with writeStream.start(), "
        "or from a streaming table or flow definition within a Spark Declarative Pipeline."
    )
    rate = spark.readStream.format("rate").load()
    for action in (rate.collect, rate.count, rate.toPandas, lambda: rate.select("value").show()):
        with pytest.raises(AnalysisException) as e:
            action()
        assert e.value.getCondition() == "_LEGACY_ERROR_TEMP_3102"
        assert e.value.getMessageParameters() == {"msg": msg}
        assert text(e.value) == f"{msg};\nrate"


def test_stream_start_errors(spark: SparkSession, tmp_path) -> None:
    rate = spark.readStream.format("rate").load()
    with pytest.raises(AnalysisException) as e:
        rate.writeStream.format("memory").start()
    assert e.value.getCondition() == "_LEGACY_ERROR_TEMP_1194"
    assert text(e.value) == "queryName must be specified for memory sink."

    with pytest.raises(AnalysisException) as e:
        spark.readStream.format("socket").option("port", 9).load().schema
    assert e.value.getCondition() == "_LEGACY_ERROR_TEMP_1295"

    with pytest.raises(NumberFormatException) as e:
        spark.readStream.format("rate").option("rowsPerSecond", "abc").load().schema
    assert text(e.value) == 'For input string: "abc"'

    missing = str(tmp_path / "no-such-dir")
    with pytest.raises(AnalysisException) as e:
        spark.readStream.format("text").load(missing).writeStream.format("memory").queryName("no_dir").start()
    assert e.value.getCondition() == "PATH_NOT_FOUND"
    assert e.value.getMessageParameters() == {"path": missing}
    assert spark.streams.active == []


def test_conf_get_unknown_key(spark: SparkSession) -> None:
    with pytest.raises(SparkNoSuchElementException) as e:
        spark.conf.get("some.unknown.key")
    assert e.value.getCondition() == "SQL_CONF_NOT_FOUND"
    assert e.value.getSqlState() == "42K0I"
    assert e.value.getMessageParameters() == {"sqlConf": '"some.unknown.key"'}
    assert spark.conf.get("some.unknown.key", "dflt") == "dflt"
    assert spark.conf.get("some.unknown.key", None) is None
    assert spark.conf.get("spark.sql.streaming.checkpointLocation") is None
    # PySpark's own reads of known settings keep working (defining a UDF reads one).
    F.udf(lambda x: x, "int")


def test_streams_get_finds_active_queries_only(spark: SparkSession) -> None:
    q = spark.readStream.format("rate").load().writeStream.format("memory").queryName("get_me").start()
    assert spark.streams.get(q.id).runId == q.runId
    q.stop()
    assert spark.streams.get(q.id) is None
    # The handle itself keeps answering after stop.
    assert q.isActive is False
    assert q.exception() is None
    assert set(q.status) == {"message", "isDataAvailable", "isTriggerActive"}
