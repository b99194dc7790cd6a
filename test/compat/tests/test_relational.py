"""Joins, window functions and the other relational DataFrame operations through the real PySpark
Connect client. Expected rows, column names and error classes are what Spark 4.3 gives for the same
calls (checked with a local Spark session, test/spark's pinned pyspark)."""

from __future__ import annotations

import time

import pytest
from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, Row, SparkSession, Window
from pyspark.sql import functions as F

from support.processes import LineServer


@pytest.fixture
def ab(spark: SparkSession) -> tuple[DataFrame, DataFrame]:
    a = spark.createDataFrame([(1, "x"), (2, "y"), (3, None)], "id int, s string")
    b = spark.createDataFrame([(1, "p"), (3, "q"), (4, "r")], "id long, t string")
    return a, b


def rows(df: DataFrame) -> list[Row]:
    return sorted(df.collect(), key=str)


def test_join_types_and_columns(ab: tuple[DataFrame, DataFrame]) -> None:
    a, b = ab
    inner = a.join(b, "id")
    assert inner.columns == ["id", "s", "t"]
    assert inner.schema.simpleString() == "struct<id:int,s:string,t:string>"
    assert rows(inner) == [Row(id=1, s="x", t="p"), Row(id=3, s=None, t="q")]
    assert rows(a.join(b, "id", "left")) == [Row(id=1, s="x", t="p"), Row(id=2, s="y", t=None), Row(id=3, s=None, t="q")]
    right = a.join(b, ["id"], "right")
    assert right.schema.simpleString() == "struct<id:bigint,s:string,t:string>"
    assert rows(right) == [Row(id=1, s="x", t="p"), Row(id=3, s=None, t="q"), Row(id=4, s=None, t="r")]
    assert len(a.join(b, "id", "full").collect()) == 4
    assert rows(a.join(b, "id", "semi")) == [Row(id=1, s="x"), Row(id=3, s=None)]
    assert a.join(b, "id", "anti").collect() == [Row(id=2, s="y")]
    on = a.join(b, a.id == b.id)
    assert on.columns == ["id", "s", "id", "t"]
    assert on.schema.simpleString() == "struct<id:int,s:string,id:bigint,t:string>"
    assert len(a.crossJoin(b).collect()) == 9
    assert rows(a.join(b.hint("broadcast"), "id")) == rows(inner)
    assert rows(a.join(F.broadcast(b), a.id == b.id, "left_outer").select(a.s, b.t)) == sorted(
        [Row(s=None, t="q"), Row(s="x", t="p"), Row(s="y", t=None)], key=str
    )


def test_join_ambiguity_and_sql(spark: SparkSession, ab: tuple[DataFrame, DataFrame]) -> None:
    a, b = ab
    with pytest.raises(AnalysisException) as e:
        a.join(b, a.id == b.id).select("id").collect()
    assert e.value.getCondition() == "AMBIGUOUS_REFERENCE"
    a.createOrReplaceTempView("ja")
    b.createOrReplaceTempView("jb")
    df = spark.sql("SELECT ja.s, jb.t FROM ja LEFT JOIN jb ON ja.id = jb.id WHERE ja.id < 3 ORDER BY s")
    assert df.collect() == [Row(s="x", t="p"), Row(s="y", t=None)]
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT * FROM ja JOIN jb USING (zz)").collect()
    assert e.value.getCondition() == "UNRESOLVED_USING_COLUMN_FOR_JOIN"


def test_window_functions(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "a", 10.0), (1, "b", 20.0), (2, "c", None), (2, "d", 5.0), (2, "e", 5.0)], "g int, k string, v double")
    w = Window.partitionBy("g").orderBy(F.col("v").desc())
    out = df.select("k", F.row_number().over(w), F.rank().over(w), F.lag("v").over(w), F.sum("v").over(w))
    assert out.columns == [
        "k",
        "row_number() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "RANK() OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
        "lag(v, 1, NULL) OVER (PARTITION BY g ORDER BY v DESC NULLS LAST ROWS BETWEEN -1 FOLLOWING AND -1 FOLLOWING)",
        "sum(v) OVER (PARTITION BY g ORDER BY v DESC NULLS LAST RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
    ]
    assert sorted(tuple(r) for r in out.collect()) == [
        ("a", 2, 2, 20.0, 30.0),
        ("b", 1, 1, None, 20.0),
        ("c", 3, 3, 5.0, 10.0),
        ("d", 1, 1, None, 10.0),
        ("e", 2, 1, 5.0, 10.0),
    ]
    framed = df.withColumn("avg3", F.avg("v").over(Window.partitionBy("g").orderBy("k").rowsBetween(-1, 1)))
    assert sorted((r.k, r.avg3) for r in framed.collect()) == [("a", 15.0), ("b", 15.0), ("c", 5.0), ("d", 5.0), ("e", 5.0)]
    whole = df.select(F.count("*").over(Window.partitionBy("g")).alias("n"), F.ntile(2).over(Window.orderBy("k")).alias("t"))
    assert sorted(tuple(r) for r in whole.collect()) == [(2, 1), (2, 1), (3, 1), (3, 2), (3, 2)]
    with pytest.raises(AnalysisException) as e:
        df.select(F.row_number().over(Window.partitionBy("g"))).collect()
    assert e.value.getCondition() == "WINDOW_FUNCTION_FRAME_NOT_ORDERED"


def test_grouping_sets_and_pivot(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "a", True), (2, "b", None), (3, None, False), (4, "d", True)], "i int, s string, b boolean")
    rolled = df.rollup("s").agg(F.sum("i"))
    assert rolled.columns == ["s", "sum(i)"]
    assert sorted(rolled.collect(), key=str) == sorted(
        [Row(s=None, **{"sum(i)": 3}), Row(s="b", **{"sum(i)": 2}), Row(s=None, **{"sum(i)": 10}), Row(s="d", **{"sum(i)": 4}), Row(s="a", **{"sum(i)": 1})],
        key=str,
    )
    assert len(df.cube("s", "b").count().collect()) == 12
    pivoted = df.groupBy("b").pivot("s", ["a", "d", "zz"]).agg(F.sum("i"))
    assert pivoted.columns == ["b", "a", "d", "zz"]
    assert {tuple(r) for r in pivoted.collect()} == {(None, None, None, None), (True, 1, 4, None), (False, None, None, None)}
    # Without values the pivot's distinct values are found first (sorted, NULL first, named "null").
    auto = df.groupBy("b").pivot("s").count()
    assert {tuple(r) for r in auto.collect()} == {(False, 1, None, None, None), (None, None, None, 1, None), (True, None, 1, None, 1)}
    two = df.groupBy("b").pivot("s", ["a"]).agg(F.sum("i"), F.count("i").alias("c"))
    assert two.columns == ["b", "a_sum(i)", "a_c"]


def test_sql_rollup_cube_grouping_sets(spark: SparkSession) -> None:
    # Expected values recorded from Spark 4.3.0 (local SparkSession, same rows and queries).
    spark.createDataFrame([("p", 1, 10), ("p", 2, 20), ("q", 1, 5), (None, 1, 1)], "a string, b int, x int").createOrReplaceTempView("gs")
    rolled = spark.sql("SELECT a, b, sum(x) AS s, grouping(a), grouping_id() FROM gs GROUP BY ROLLUP(a, b)")
    assert rolled.schema.simpleString() == "struct<a:string,b:int,s:bigint,grouping(a):tinyint,grouping_id():bigint>"
    assert sorted(map(tuple, rolled.collect()), key=str) == sorted(
        [("p", 1, 10, 0, 0), ("p", 2, 20, 0, 0), ("p", None, 30, 0, 1), ("q", 1, 5, 0, 0), ("q", None, 5, 0, 1),
         (None, 1, 1, 0, 0), (None, None, 1, 0, 1), (None, None, 36, 1, 3)],
        key=str,
    )
    cubed = spark.sql("SELECT a, b * 10 AS b10, count(*) AS n FROM gs GROUP BY CUBE(a, b) HAVING grouping(a) = 1")
    assert cubed.columns == ["a", "b10", "n"]
    assert sorted(map(tuple, cubed.collect()), key=str) == sorted([(None, 10, 3), (None, 20, 1), (None, None, 4)], key=str)
    sets = spark.sql("SELECT a, b, max(x) FROM gs GROUP BY GROUPING SETS ((a, b), (a), ())")
    assert sets.columns == ["a", "b", "max(x)"]
    assert sorted(map(tuple, sets.collect()), key=str) == sorted(
        [("p", 1, 10), ("p", 2, 20), ("p", None, 20), ("q", 1, 5), ("q", None, 5), (None, 1, 1), (None, None, 1), (None, None, 20)],
        key=str,
    )


def test_describe_summary_na_sample_tail(spark: SparkSession) -> None:
    df = spark.createDataFrame([(1, "a", 10.0, True), (2, "b", 20.5, None), (3, None, None, False), (4, "d", 5.0, True)], "i int, s string, v double, b boolean")
    assert df.describe().collect() == [
        Row(summary="count", i="4", s="3", v="3"),
        Row(summary="mean", i="2.5", s=None, v="11.833333333333334"),
        Row(summary="stddev", i="1.2909944487358056", s=None, v="7.910962857537212"),
        Row(summary="min", i="1", s="a", v="5.0"),
        Row(summary="max", i="4", s="d", v="20.5"),
    ]
    assert df.summary("count", "min", "33%").collect() == [
        Row(summary="count", i="4", s="3", v="3"),
        Row(summary="min", i="1", s="a", v="5.0"),
        Row(summary="33%", i="2", s=None, v="5.0"),
    ]
    assert df.na.fill(0).collect()[2] == Row(i=3, s=None, v=0.0, b=False)
    assert df.na.fill({"i": 9, "s": "z"}).collect()[2] == Row(i=3, s="z", v=None, b=False)
    assert df.fillna(False).collect()[1] == Row(i=2, s="b", v=20.5, b=False)
    assert [r.i for r in df.na.drop().collect()] == [1, 4]
    assert [r.i for r in df.dropna(how="all", subset=["s", "v"]).collect()] == [1, 2, 4]
    assert [r.i for r in df.na.drop(thresh=3).collect()] == [1, 2, 4]
    assert df.na.replace("a", "A").collect()[0] == Row(i=1, s="A", v=10.0, b=True)
    assert df.replace({"a": "A", "b": None}, subset=["s"]).collect()[1] == Row(i=2, s=None, v=20.5, b=None)
    assert df.tail(2) == [Row(i=3, s=None, v=None, b=False), Row(i=4, s="d", v=5.0, b=True)]
    sampled = spark.range(1000).sample(0.1, 42)
    n = sampled.count()
    assert 50 < n < 150 and sampled.count() == n


def test_catalog_and_views(spark: SparkSession) -> None:
    spark.createDataFrame([(1, "x")], "id int, s string").createOrReplaceTempView("cv1")
    spark.sql("CREATE OR REPLACE TEMP VIEW cv2 AS SELECT id * 2 AS d FROM cv1")
    assert spark.sql("SELECT * FROM cv2").collect() == [Row(d=2)]
    assert spark.catalog.tableExists("cv2") and not spark.catalog.tableExists("nope")
    names = {t.name for t in spark.catalog.listTables()}
    assert {"cv1", "cv2"} <= names
    assert all(t.isTemporary and t.tableType == "TEMPORARY" for t in spark.catalog.listTables())
    cols = spark.catalog.listColumns("cv1")
    assert [(c.name, c.dataType, c.nullable) for c in cols] == [("id", "int", True), ("s", "string", True)]
    shown = spark.sql("SHOW TABLES").collect()
    assert Row(namespace="", tableName="cv2", isTemporary=True) in shown
    spark.sql("DROP VIEW cv2")
    assert not spark.catalog.tableExists("cv2")
    spark.catalog.dropTempView("cv1")
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT * FROM cv1").collect()
    assert e.value.getCondition() == "TABLE_OR_VIEW_NOT_FOUND"


def _wait_rows(spark: SparkSession, table: str, n: int, timeout: float = 30.0) -> list[Row]:
    deadline = time.time() + timeout
    while True:
        got = spark.sql(f"SELECT * FROM {table}").collect()
        if len(got) >= n or time.time() > deadline:
            return got
        time.sleep(0.1)


def test_stream_static_join(spark: SparkSession, line_server: LineServer) -> None:
    """The seed's words joined with a lookup table, in local mode and on the cluster (the static
    side is evaluated by the driver and shipped to the map tasks on the workers)."""
    lookup = spark.createDataFrame([("cat", "animal"), ("dog", "animal"), ("tea", "drink")], "word string, kind string")
    lines = spark.readStream.format("socket").option("host", "localhost").option("port", line_server.port).load()
    words = lines.select(F.explode(F.split(lines.value, " ")).alias("word"))
    joined = words.join(lookup, "word")
    outer = words.join(lookup, words.word == lookup.word, "left_outer").select(words.word, "kind")
    counted = words.join(lookup, "word").groupBy("kind").count()
    q1 = joined.writeStream.format("memory").queryName("ssj_inner").start()
    q2 = outer.writeStream.format("memory").queryName("ssj_outer").start()
    q3 = counted.writeStream.outputMode("complete").format("memory").queryName("ssj_counts").start()
    try:
        line_server.wait_for_connections(3)
        line_server.broadcast(["cat dog fish", "tea cat"])
        inner = _wait_rows(spark, "ssj_inner", 4)
        assert sorted(inner, key=str) == sorted(
            [Row(word="cat", kind="animal"), Row(word="dog", kind="animal"), Row(word="tea", kind="drink"), Row(word="cat", kind="animal")], key=str
        )
        q1.explain(True)  # the plan of a stream-static join prints (no error)
        left = _wait_rows(spark, "ssj_outer", 5)
        assert sorted(left, key=str) == sorted(
            [Row(word="cat", kind="animal"), Row(word="dog", kind="animal"), Row(word="fish", kind=None), Row(word="tea", kind="drink"), Row(word="cat", kind="animal")],
            key=str,
        )
        deadline = time.time() + 30
        counts: dict[str, int] = {}
        while time.time() < deadline and counts != {"animal": 3, "drink": 1}:
            counts = {r.kind: r["count"] for r in spark.sql("SELECT * FROM ssj_counts").collect()}
            time.sleep(0.1)
        assert counts == {"animal": 3, "drink": 1}
    finally:
        for q in (q1, q2, q3):
            q.stop()


def test_stream_static_join_errors(spark: SparkSession, line_server: LineServer) -> None:
    lookup = spark.createDataFrame([("cat", "animal")], "word string, kind string")
    words = spark.readStream.format("socket").option("host", "localhost").option("port", line_server.port).load().withColumnRenamed("value", "word")
    with pytest.raises(AnalysisException) as e:
        words.join(lookup, "word", "right_outer").writeStream.format("memory").queryName("bad1").start()
    assert "RightOuter join with a streaming DataFrame/Dataset on the left and a static DataFrame/DataSet on the right not supported" in str(e.value)
    with pytest.raises(AnalysisException) as e:
        words.join(lookup, "word", "full_outer").writeStream.format("memory").queryName("bad2").start()
    assert "FullOuter joins with streaming DataFrames/Datasets on the left" in str(e.value)
    with pytest.raises(AnalysisException) as e:
        lookup.join(words, "word", "left_outer").writeStream.format("memory").queryName("bad3").start()
    assert "LeftOuter join with a streaming DataFrame/Dataset on the right and a static DataFrame/Dataset on the left is not supported" in str(e.value)
    with pytest.raises(AnalysisException) as e:
        words.select("word", F.row_number().over(Window.orderBy("word"))).writeStream.format("memory").queryName("bad4").start()
    assert e.value.getCondition() == "NON_TIME_WINDOW_NOT_SUPPORTED_IN_STREAMING"


def test_make_interval_added_to_timestamps_and_dates(spark: SparkSession) -> None:
    # Names and values recorded from Spark 4.3.0 through Spark Connect (session time zone UTC).
    df = spark.sql("SELECT TIMESTAMP'2024-01-31 10:00:00' + make_interval(0,1,1,1,2,3,4.5), DATE'2024-01-31' - make_interval(0,1)")
    assert df.columns == [
        "TIMESTAMP '2024-01-31 10:00:00' + make_interval(0, 1, 1, 1, 2, 3, 4.5)",
        "DATE '2024-01-31' - make_interval(0, 1, 0, 0, 0, 0, 0.000000)",
    ]
    import datetime

    row = df.collect()[0]
    assert row[0] == datetime.datetime(2024, 3, 8, 12, 3, 4, 500000)
    assert row[1] == datetime.date(2023, 12, 31)
    # Spark's own client cannot collect an interval column (month_day_nano_interval is not supported
    # in conversion to Arrow); Kindling, having no interval type, refuses it at analysis.
    with pytest.raises(Exception, match="make_interval as a column value is not supported"):
        spark.sql("SELECT make_interval(1, 2, 3, 4, 5, 6, 7.5) AS i").collect()


def test_sql_named_window(spark: SparkSession) -> None:
    # Recorded from Spark 4.3.0.
    spark.createDataFrame([("x", 1), ("x", 2), ("y", 3)], "g string, v int").createOrReplaceTempView("nw")
    df = spark.sql("SELECT g, row_number() OVER w FROM nw WINDOW w AS (ORDER BY v) ORDER BY v DESC")
    assert df.columns == ["g", "row_number() OVER (ORDER BY v ASC NULLS FIRST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"]
    assert [tuple(r) for r in df.collect()] == [("y", 3), ("x", 2), ("x", 1)]
    with pytest.raises(AnalysisException) as e:
        spark.sql("SELECT sum(v) OVER w FROM nw").collect()
    assert e.value.getCondition() == "MISSING_WINDOW_SPECIFICATION"


def test_sql_natural_join(spark: SparkSession) -> None:
    # Recorded from Spark 4.3.0.
    spark.createDataFrame([(1, "a", 10), (2, "b", 20), (3, "c", 30)], "id int, k string, v int").createOrReplaceTempView("nl")
    spark.createDataFrame([(1, "a", "x"), (2, "z", "y"), (4, "d", "w")], "ID int, k string, w string").createOrReplaceTempView("nr")
    df = spark.sql("SELECT * FROM nl NATURAL LEFT JOIN nr ORDER BY id")
    assert df.columns == ["id", "k", "v", "w"]
    assert [tuple(r) for r in df.collect()] == [(1, "a", 10, "x"), (2, "b", 20, None), (3, "c", 30, None)]
