"""The everyday functions, lambdas and SQL shapes of issue 14 through the real PySpark Connect
client: PySpark's `F.*` sends unresolved functions by name and lambdas as LambdaFunction /
UnresolvedNamedLambdaVariable expressions. Values and column names are Spark 4.3's (the SQL forms
are also in test/differential/batch-fixtures.json, recorded from Spark)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from pyspark.errors import AnalysisException, ArrayIndexOutOfBoundsException, ParseException, StreamingQueryException
from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F

UTC = dt.timezone.utc


@pytest.fixture
def t(spark: SparkSession) -> DataFrame:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    rows = [
        (1, "a", 1.5, 1700000000, "apple,pie", dt.datetime(2024, 1, 15, 10, 30, 45, tzinfo=UTC), ["x", "y", "x"]),
        (2, "a", 2.25, 1700003600, "banana", dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC), ["b", "a"]),
        (3, "b", -0.5, 1700007200, "cherry", dt.datetime(2023, 12, 31, 0, 0, 0, tzinfo=UTC), ["c"]),
        (4, "b", 10.0, 0, "", dt.datetime(2024, 3, 10, 7, 5, 0, tzinfo=UTC), []),
    ]
    df = spark.createDataFrame(rows, "id INT, g STRING, x DOUBLE, n BIGINT, s STRING, ts TIMESTAMP, arr ARRAY<STRING>")
    df.createOrReplaceTempView("t")
    return df


def test_scalar_functions_by_name(t: DataFrame) -> None:
    r = t.where("id = 1").select(
        F.from_unixtime("n").alias("fu"),
        F.date_format(F.date_trunc("hour", "ts"), "yyyy-MM-dd HH:mm:ss").alias("dt"),
        F.date_part(F.lit("HOUR"), "ts").alias("dp"),
        F.weekofyear("ts").alias("w"),
        F.left("s", F.lit(3)).alias("l"),
        F.right("s", F.lit(3)).alias("r"),
        F.try_divide("n", F.lit(0)).alias("td"),
        F.try_add("id", F.lit(1)).alias("ta"),
        F.last_day("ts").alias("ld"),
        F.trunc(F.to_date("ts"), "MM").alias("tr"),
        F.md5("s").alias("md5"),
        F.sha2("s", 256).alias("sha"),
        F.hash("id").alias("h"),
        F.format_number("x", 1).alias("fn"),
        F.char(F.lit(65)).alias("c"),
        F.call_function("typeof", "x").alias("ty"),
        F.current_timezone().alias("tz"),
        F.date_format(F.call_function("timestampadd", F.lit("MINUTE"), F.lit(5), "ts"), "HH:mm:ss").alias("later"),
    ).collect()[0]
    assert r.fu == "2023-11-14 22:13:20"
    assert r.dt == "2024-01-15 10:00:00"
    assert r.dp == 10 and r.w == 3 and r.l == "app" and r.r == "pie"
    assert r.td is None and r.ta == 2
    assert r.ld == dt.date(2024, 1, 31) and r.tr == dt.date(2024, 1, 1)
    assert r.md5 == hashlib.md5(b"apple,pie").hexdigest() and r.sha == hashlib.sha256(b"apple,pie").hexdigest()
    assert isinstance(r.h, int)
    assert r.fn == "1.5" and r.c == "A" and r.ty == "double" and r.tz == "UTC"
    assert r.later == "10:35:45"


def test_lambdas_from_python(t: DataFrame) -> None:
    df = t.orderBy("id").select(
        F.transform("arr", lambda e: F.upper(e)).alias("up"),
        F.filter("arr", lambda e: e != "x").alias("nox"),
        F.transform("arr", lambda e, i: F.concat(e, i.cast("string"))).alias("indexed"),
        F.exists("arr", lambda e: e == "a").alias("has_a"),
        F.array_sort("arr").alias("sorted"),
        F.array_distinct("arr").alias("distinct"),
    )
    rows = df.collect()
    assert [r.up for r in rows] == [["X", "Y", "X"], ["B", "A"], ["C"], []]
    assert [r.nox for r in rows] == [["y"], ["b", "a"], ["c"], []]
    assert rows[0].indexed == ["x0", "y1", "x2"]
    assert [r.has_a for r in rows] == [False, True, False, False]
    assert rows[0].sorted == ["x", "x", "y"] and rows[0].distinct == ["x", "y"]
    # Spark names lambda variables by kind: namedlambdavariable().
    assert t.select(F.transform("arr", lambda e: F.upper(e))).columns == [
        "transform(arr, lambdafunction(upper(namedlambdavariable()), namedlambdavariable()))"
    ]


def test_aggregates_by_name(t: DataFrame) -> None:
    r = (
        t.groupBy("g")
        .agg(
            F.count_if(F.col("x") > 1).alias("ci"),
            F.median("x").alias("med"),
            F.percentile_approx("id", 0.5).alias("pa"),
            F.first("s").alias("f"),
            F.stddev("id").alias("sd"),
            F.variance("id").alias("var"),
            F.sort_array(F.collect_list("id")).alias("ids"),
            F.mode("g").alias("mode"),
        )
        .orderBy("g")
        .collect()
    )
    assert [x.g for x in r] == ["a", "b"]
    assert r[0].ci == 2 and r[0].med == 1.875 and r[0].pa == 1 and r[0].ids == [1, 2] and r[0].mode == "a"
    assert r[0].sd == pytest.approx(0.7071067811865476) and r[0].var == 0.5
    assert r[1].ci == 1 and r[1].med == 4.75


def test_json_functions(t: DataFrame) -> None:
    r = t.where("id = 1").select(
        F.to_json(F.struct("id", "s")).alias("j"),
        F.from_json(F.lit('{"a": 1, "b": "q"}'), "a INT, b STRING").alias("p"),
    ).collect()[0]
    assert r.j == '{"id":1,"s":"apple,pie"}'
    assert r.p == Row(a=1, b="q")


def test_cast_and_minus_names(t: DataFrame) -> None:
    counts = t.groupBy("g").count()
    assert counts.select(F.col("count").cast("double")).columns == ["count"]
    assert counts.select(-F.col("count")).columns == ["(- count)"]
    assert t.select(F.split("s", ",")[0]).columns == ["split(s, ,, -1)[0]"]


def test_sql_shapes(spark: SparkSession, t: DataFrame) -> None:
    assert [r.g for r in spark.sql("SELECT g, count(*) FROM t GROUP BY 1 ORDER BY 2 DESC, 1").collect()] == ["a", "b"]
    assert spark.sql("SELECT upper(g) AS k, sum(id) FROM t GROUP BY k ORDER BY k").collect() == [Row(k="A", **{"sum(id)": 3}), Row(k="B", **{"sum(id)": 7})]
    assert [r.id for r in spark.sql("SELECT q.id FROM t AS q ORDER BY q.x DESC").collect()] == [4, 2, 1, 3]
    assert [r.g for r in spark.sql("SELECT g FROM t GROUP BY g ORDER BY sum(x) DESC").collect()] == ["b", "a"]
    later = spark.sql("SELECT date_format(ts + INTERVAL 5 MINUTES, 'HH:mm:ss') AS later, EXTRACT(HOUR FROM ts) AS h FROM t WHERE id = 1").collect()[0]
    assert later.later == "10:35:45" and later.h == 10
    assert spark.sql("SELECT n FROM (SELECT id AS n, g, s AS g FROM t) ORDER BY n").count() == 4


def test_with_watermark_on_a_batch_dataframe_is_ignored(t: DataFrame) -> None:
    assert t.withWatermark("ts", "10 minutes").groupBy("g").count().orderBy("g").collect() == [Row(g="a", count=2), Row(g="b", count=2)]


def test_error_classes(spark: SparkSession, t: DataFrame) -> None:
    for query, condition in (
        ("SELECT sum(max(x)) FROM t", "NESTED_AGGREGATE_FUNCTION"),
        ("SELECT id FROM t WHERE sum(x) > 1", "INVALID_WHERE_CONDITION"),
        ("SELECT id FROM t HAVING id > 1", "MISSING_GROUP_BY"),
        ("SELECT id FROM t ORDER BY 3", "ORDER_BY_POS_OUT_OF_RANGE"),
        ("SELECT g, count(*) FROM t GROUP BY 2", "GROUP_BY_POS_AGGREGATE"),
    ):
        with pytest.raises(AnalysisException) as e:
            spark.sql(query).collect()
        assert e.value.getCondition() == condition, query
    with pytest.raises(ArrayIndexOutOfBoundsException) as e:
        spark.sql("SELECT split(s, ',')[1] FROM t").collect()
    assert e.value.getCondition() == "INVALID_ARRAY_INDEX"


def test_deep_nesting_is_a_parse_error(spark: SparkSession) -> None:
    with pytest.raises(ParseException) as e:
        spark.sql("SELECT " + "(" * 100_000 + "1" + ")" * 100_000)
    assert e.value.getCondition() == "FAILED_TO_PARSE_TOO_COMPLEX"
    assert spark.sql("SELECT 1 AS one").collect() == [Row(one=1)]


def test_ansi_array_index_fails_a_stream(spark: SparkSession) -> None:
    rate = spark.readStream.format("rate").option("rowsPerSecond", 5).load()
    parts = rate.select(F.split(F.col("value").cast("string"), ",")[1].alias("second"))
    q = parts.writeStream.format("memory").queryName("array_index_stream").start()
    with pytest.raises(StreamingQueryException) as raised:
        q.awaitTermination(60)
    assert "INVALID_ARRAY_INDEX" in str(raised.value)
    assert q.isActive is False
