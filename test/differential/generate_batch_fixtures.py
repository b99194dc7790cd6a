"""Runs every case of batch_cases.py on real Spark and writes test/differential/batch-fixtures.json.

Run through `npm run fixtures:spark:batch` (test/differential/generate-batch.sh), which makes the
pinned venv. Options: --check (write nothing; exit 1 if the fixtures would change), --only NAME.

Spark: a classic local[2] session, session time zone UTC (the process runs with TZ=UTC, so
collected timestamps are UTC wall-clock), ANSI on (Spark 4's default). The two temp views are
made with createDataFrame(rows, DDL).selectExpr(...), exactly as the Kindling side makes them.
Per case: the result's column names, each column's type (`simpleString`), and its rows as plain
JSON (see `plain`); or, when Spark raises, its error class (`getCondition()`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import decimal
import json
import math
import os
import sys
import time
from typing import Any

os.environ["TZ"] = "UTC"
time.tzset()

from batch_cases import CASES, SEED, TABLES  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "batch-fixtures.json")
COMMAND = "npm run fixtures:spark:batch (bash test/differential/generate-batch.sh, which runs test/differential/generate_batch_fixtures.py)"
CONF = {"spark.sql.session.timeZone": "UTC", "spark.sql.shuffle.partitions": "4", "spark.sql.leafNodeDefaultParallelism": "2"}


def spark_session():
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("kindling-batch-fixtures")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    for k, v in CONF.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def plain(v: Any) -> Any:
    """A collected value as JSON: timestamps `YYYY-MM-DD HH:MM:SS.ffffff` (UTC), dates ISO, maps as
    sorted [key, value] pairs, structs as lists, binary as hex, non-finite doubles as strings."""
    from pyspark.sql import Row

    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if isinstance(v, decimal.Decimal):
        return float(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return bytes(v).hex()
    if isinstance(v, Row):
        return [plain(x) for x in v]
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return sorted(([plain(k), plain(x)] for k, x in v.items()), key=lambda kv: json.dumps(kv, sort_keys=True))
    if isinstance(v, dt.timedelta):
        return {"interval": v.total_seconds()}
    raise TypeError(f"unexpected value {type(v).__name__}: {v!r}")


def make_views(spark) -> None:
    for table in TABLES:
        df = spark.createDataFrame([tuple(r) for r in table["rows"]], table["schema"]).selectExpr(*table["select"])
        df.createOrReplaceTempView(table["name"])


def run_case(spark, c: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c["name"], "sql": c["sql"], "ordered": c["ordered"]}
    try:
        df = spark.sql(c["sql"])
        columns = df.columns
        types = [f.dataType.simpleString() for f in df.schema.fields]
        rows = [[plain(x) for x in r] for r in df.collect()]
    except Exception as e:  # noqa: BLE001 - every Spark error is recorded by its class
        cond = getattr(e, "getCondition", None) or getattr(e, "getErrorClass", None)
        error_class = cond() if cond else None
        if error_class is None:
            raise RuntimeError(f"{c['name']}: {c['sql']}: an error without a class: {e}") from e
        out["error"] = error_class
        return out
    out["columns"] = columns
    out["types"] = types
    out["rows"] = rows
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()
    started = time.monotonic()
    spark = spark_session()
    try:
        make_views(spark)
        results = [run_case(spark, c) for c in CASES if not args.only or c["name"] in args.only]
        import pyspark

        java = spark.sparkContext._jvm.java.lang.System.getProperty("java.version")
    finally:
        spark.stop()
    fixture = {
        "sparkVersion": pyspark.__version__,
        "generatedAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": COMMAND,
        "howMade": f"Real Spark (pip pyspark, classic local[2] session, Java {java}, TZ=UTC): spark.sql(case).collect() per case; columns, simpleString types, rows or getCondition().",
        "seed": SEED,
        "conf": CONF,
        "tables": TABLES,
        "cases": results,
    }
    if args.only:
        print(json.dumps(results, indent=1))
        return 0
    old = None
    if os.path.exists(OUT):
        with open(OUT, encoding="utf-8") as f:
            old = json.load(f)
    same = old is not None and {k: v for k, v in old.items() if k != "generatedAt"} == {k: v for k, v in fixture.items() if k != "generatedAt"}
    if not same and not args.check:
        with open(OUT, "w", encoding="utf-8") as f:
            f.write(json.dumps(fixture, ensure_ascii=False, indent=1) + "\n")
    errors = sum(1 for r in results if "error" in r)
    print(f"{len(results)} batch cases on Spark {fixture['sparkVersion']} in {time.monotonic() - started:.1f}s ({errors} errors); {'unchanged' if same else 'CHANGED'}")
    return 1 if args.check and not same else 0


if __name__ == "__main__":
    sys.exit(main())
