"""Batch DataFrames as the notebook style uses them. The printed texts below are what Spark 4.3's
own Connect server sends to this same client for the same calls (captured once, by hand)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, LongType, StringType, StructField, StructType, TimestampType

from support.processes import Server

UTC = dt.timezone.utc


def printed(capsys: pytest.CaptureFixture[str], call: Callable[[], object]) -> str:
    capsys.readouterr()
    assert call() is None
    return capsys.readouterr().out


@pytest.fixture
def words(spark: SparkSession) -> DataFrame:
    pdf = pd.DataFrame({"word": ["cat", "dog", "cat", "fish", "cat"], "n": [1, 2, 3, 4, 5], "x": [1.5, 2.0, None, 4.25, 5.0]})
    return spark.createDataFrame(pdf)


@pytest.fixture
def typed(spark: SparkSession) -> DataFrame:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    schema = StructType(
        [
            StructField("word", StringType()),
            StructField("count", LongType()),
            StructField("ts", TimestampType()),
            StructField("ok", BooleanType()),
        ]
    )
    rows = [
        ("cat", 3, dt.datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC), True),
        ("dog", 1, dt.datetime(2024, 5, 1, 10, 0, 5, tzinfo=UTC), False),
        (None, None, None, None),
    ]
    return spark.createDataFrame(rows, schema)


def test_range(spark: SparkSession, capsys: pytest.CaptureFixture[str]) -> None:
    assert spark.range(10).collect() == [Row(id=i) for i in range(10)]
    assert [r.id for r in spark.range(2, 20, 3).collect()] == [2, 5, 8, 11, 14, 17]
    assert spark.range(10).count() == 10
    assert printed(capsys, lambda: spark.range(3).show()) == "+---+\n| id|\n+---+\n|  0|\n|  1|\n|  2|\n+---+\n\n"
    assert printed(capsys, lambda: spark.range(10).printSchema()) == "root\n |-- id: long (nullable = false)\n\n"
    pdf = spark.range(4).toPandas()
    assert list(pdf["id"]) == [0, 1, 2, 3] and pdf["id"].dtype == np.dtype("int64")


def test_from_pandas(words: DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    assert printed(capsys, words.printSchema) == (
        "root\n |-- word: string (nullable = true)\n |-- n: long (nullable = true)\n |-- x: double (nullable = true)\n\n"
    )
    assert printed(capsys, words.show) == (
        "+----+---+----+\n|word|  n|   x|\n+----+---+----+\n"
        "| cat|  1| 1.5|\n| dog|  2| 2.0|\n| cat|  3|NULL|\n|fish|  4|4.25|\n| cat|  5| 5.0|\n"
        "+----+---+----+\n\n"
    )
    assert words.collect()[2] == Row(word="cat", n=3, x=None)
    back = words.toPandas()
    assert back.dtypes.to_dict() == {"word": np.dtype("O"), "n": np.dtype("int64"), "x": np.dtype("float64")}
    assert list(back["word"]) == ["cat", "dog", "cat", "fish", "cat"]
    assert np.isnan(back["x"][2]) and back["x"][3] == 4.25
    assert words.columns == ["word", "n", "x"]
    assert words.dtypes == [("word", "string"), ("n", "bigint"), ("x", "double")]


def test_rows_with_a_schema(typed: DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    assert printed(capsys, typed.printSchema) == (
        "root\n |-- word: string (nullable = true)\n |-- count: long (nullable = true)\n"
        " |-- ts: timestamp (nullable = true)\n |-- ok: boolean (nullable = true)\n\n"
    )
    assert printed(capsys, typed.show) == (
        "+----+-----+-------------------+-----+\n|word|count|                 ts|   ok|\n"
        "+----+-----+-------------------+-----+\n"
        "| cat|    3|2024-05-01 10:00:00| true|\n| dog|    1|2024-05-01 10:00:05|false|\n|NULL| NULL|               NULL| NULL|\n"
        "+----+-----+-------------------+-----+\n\n"
    )
    rows = typed.collect()
    assert rows[0].word == "cat" and rows[0]["count"] == 3 and rows[0].ok is True
    # collect() gives naive datetimes in the client's local time zone, as PySpark does.
    assert rows[0].ts.astimezone(UTC) == dt.datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert rows[2] == Row(word=None, count=None, ts=None, ok=None)
    pdf = typed.toPandas()
    assert pdf["ts"].dtype == np.dtype("datetime64[ns]")
    assert pdf["ts"][1] == pd.Timestamp("2024-05-01 10:00:05") and pd.isna(pdf["ts"][2])
    # A nullable bigint with a null becomes float64, as in PySpark.
    assert pdf["count"].dtype == np.dtype("float64")


def test_rows_and_ddl_schemas(spark: SparkSession) -> None:
    inferred = spark.createDataFrame([Row(word="a", n=1), Row(word="b", n=2)])
    assert inferred.dtypes == [("word", "string"), ("n", "bigint")]
    assert inferred.collect() == [Row(word="a", n=1), Row(word="b", n=2)]
    ddl = spark.createDataFrame([("a", 1), ("b", 2)], "word string, n int")
    assert ddl.dtypes == [("word", "string"), ("n", "int")]
    assert [tuple(r) for r in ddl.collect()] == [("a", 1), ("b", 2)]


def test_group_by_agg(words: DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    agg = words.groupBy("word").agg(
        F.count("*").alias("c"), F.sum("n").alias("s"), F.avg("x").alias("a"), F.max("n").alias("mx"), F.min("x").alias("mn")
    )
    assert printed(capsys, agg.orderBy("word").show) == (
        "+----+---+---+----+---+----+\n|word|  c|  s|   a| mx|  mn|\n+----+---+---+----+---+----+\n"
        "| cat|  3|  9|3.25|  5| 1.5|\n| dog|  1|  2| 2.0|  2| 2.0|\n|fish|  1|  4|4.25|  4|4.25|\n"
        "+----+---+---+----+---+----+\n\n"
    )
    counted = words.groupBy("word").count().orderBy(F.desc("count"), "word").collect()
    assert counted == [Row(word="cat", count=3), Row(word="dog", count=1), Row(word="fish", count=1)]
    assert words.agg({"n": "sum"}).collect() == [Row(**{"sum(n)": 15})]


def test_explain(spark: SparkSession, capsys: pytest.CaptureFixture[str]) -> None:
    df = spark.createDataFrame([("a", 1)], "word string, n int").groupBy("word").agg(F.count("n").alias("c"))
    simple = printed(capsys, df.explain)
    assert simple.startswith("== Physical Plan ==\n")
    extended = printed(capsys, lambda: df.explain(True)).splitlines()
    assert [line for line in extended if line.startswith("== ")] == [
        "== Parsed Logical Plan ==",
        "== Analyzed Logical Plan ==",
        "== Optimized Logical Plan ==",
        "== Physical Plan ==",
    ]
    assert extended[extended.index("== Analyzed Logical Plan ==") + 1] == "word: string, c: bigint"


def test_order_by_and_limit(words: DataFrame) -> None:
    assert words.orderBy(F.col("n").desc()).limit(2).collect() == [Row(word="cat", n=5, x=5.0), Row(word="fish", n=4, x=4.25)]
    assert [r.n for r in words.orderBy("word", F.desc("n")).collect()] == [5, 3, 1, 2, 4]
    assert words.limit(0).collect() == []
    assert words.first() == Row(word="cat", n=1, x=1.5)
    assert words.take(2) == words.head(2) == words.limit(2).collect()
    assert words.count() == 5


def test_select_filter_with_columns(words: DataFrame) -> None:
    doubled = words.filter(F.col("n") > 2).select("word", (F.col("n") * 2).alias("n2"))
    assert [tuple(r) for r in doubled.collect()] == [("cat", 6), ("fish", 8), ("cat", 10)]
    shaped = words.withColumn("upper", F.upper("word")).withColumnRenamed("n", "num").drop("x")
    assert shaped.columns == ["word", "num", "upper"]
    assert shaped.collect()[3] == Row(word="fish", num=4, upper="FISH")
    assert sorted(r.word for r in words.select("word").distinct().collect()) == ["cat", "dog", "fish"]


def test_sql_on_a_temp_view(kindling: Server, spark: SparkSession, words: DataFrame) -> None:
    words.createOrReplaceTempView("words")
    rows = spark.sql("SELECT word, count(*) AS c, sum(n) AS s FROM words GROUP BY word ORDER BY c DESC, word").collect()
    assert rows == [Row(word="cat", c=3, s=9), Row(word="dog", c=1, s=2), Row(word="fish", c=1, s=4)]
    assert spark.sql("SELECT * FROM words WHERE n >= 3 ORDER BY n LIMIT 2").collect() == [
        Row(word="cat", n=3, x=None),
        Row(word="fish", n=4, x=4.25),
    ]
    assert spark.table("words").count() == 5
    # The view belongs to this session only.
    other = SparkSession.builder.remote(kindling.url).create()
    try:
        with pytest.raises(AnalysisException) as e:
            other.sql("SELECT * FROM words")
        assert e.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"
    finally:
        other.stop()


def test_show_variants(spark: SparkSession, words: DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    assert printed(capsys, lambda: words.show(2, vertical=True)) == (
        "-RECORD 0---\n word | cat \n n    | 1   \n x    | 1.5 \n"
        "-RECORD 1---\n word | dog \n n    | 2   \n x    | 2.0 \nonly showing top 2 rows\n"
    )
    long = spark.createDataFrame([("a" * 30, 1)], "x string, y int")
    assert printed(capsys, long.show) == (
        "+--------------------+---+\n|                   x|  y|\n+--------------------+---+\n"
        "|aaaaaaaaaaaaaaaaa...|  1|\n+--------------------+---+\n\n"
    )
    assert printed(capsys, lambda: spark.range(25).show()).endswith("| 19|\n+---+\nonly showing top 20 rows\n")


def test_split_explode_and_windows_in_batch(spark: SparkSession, typed: DataFrame, capsys: pytest.CaptureFixture[str]) -> None:
    lines = spark.createDataFrame([("a b a",), ("c",)], "value string")
    counts = lines.select(F.explode(F.split(lines.value, " ")).alias("word")).groupBy("word").count().orderBy("word")
    assert printed(capsys, counts.show) == "+----+-----+\n|word|count|\n+----+-----+\n|   a|    2|\n|   b|    1|\n|   c|    1|\n+----+-----+\n\n"

    windowed = typed.where("word IS NOT NULL").groupBy(F.window("ts", "60 seconds", "30 seconds"), "word").count()
    assert printed(capsys, lambda: windowed.orderBy("window", "word").show(truncate=False)) == (
        "+------------------------------------------+----+-----+\n"
        "|window                                    |word|count|\n"
        "+------------------------------------------+----+-----+\n"
        "|{2024-05-01 09:59:30, 2024-05-01 10:00:30}|cat |1    |\n"
        "|{2024-05-01 09:59:30, 2024-05-01 10:00:30}|dog |1    |\n"
        "|{2024-05-01 10:00:00, 2024-05-01 10:01:00}|cat |1    |\n"
        "|{2024-05-01 10:00:00, 2024-05-01 10:01:00}|dog |1    |\n"
        "+------------------------------------------+----+-----+\n\n"
    )
    pdf = windowed.orderBy("word", "window").toPandas()
    assert pdf.to_dict("records")[0] == {
        "window": {"start": pd.Timestamp("2024-05-01 09:59:30"), "end": pd.Timestamp("2024-05-01 10:00:30")},
        "word": "cat",
        "count": 1,
    }


def test_session_time_zone(spark: SparkSession, capsys: pytest.CaptureFixture[str]) -> None:
    """Timestamps print and convert in the session time zone (07 s past 10:00 New York = 14:00:07 UTC)."""
    spark.conf.set("spark.sql.session.timeZone", "America/New_York")
    assert spark.conf.get("spark.sql.session.timeZone") == "America/New_York"
    df = spark.sql("SELECT CAST('2024-05-01 10:00:07' AS TIMESTAMP) AS ts")
    assert printed(capsys, df.show) == "+-------------------+\n|                 ts|\n+-------------------+\n|2024-05-01 10:00:07|\n+-------------------+\n\n"
    assert df.collect()[0].ts.astimezone(UTC) == dt.datetime(2024, 5, 1, 14, 0, 7, tzinfo=UTC)
    assert df.toPandas()["ts"][0] == pd.Timestamp("2024-05-01 10:00:07")
    window = df.select(F.window("ts", "60 seconds").alias("window")).toPandas()["window"][0]
    assert window == {"start": pd.Timestamp("2024-05-01 10:00:00"), "end": pd.Timestamp("2024-05-01 10:01:00")}
    assert spark.sql("SELECT CAST(CAST('2024-05-01 10:00:07' AS TIMESTAMP) AS LONG) AS s").collect()[0].s == 1714572007
