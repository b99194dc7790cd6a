"""Runs every case of cases.py on real Spark and writes test/differential/fixtures/<name>.json.

Run through `npm run fixtures:spark` (test/differential/generate.sh), which makes the pinned venv.
Options: --check (write nothing; exit 1 if a fixture would change), --only NAME (repeatable).

How Spark is driven, so that each input step is exactly one known micro-batch (plus the no-data
batches Spark itself inserts), on a classic local SparkSession:

* text cases read a directory with `maxFilesPerTrigger=1` under the default trigger; for each step
  one file is moved into the directory and `processAllAvailable()` waits until Spark has processed
  it and run every no-data batch it wants;
* rate-micro-batch cases start the query once per step from the same checkpoint with
  `Trigger.AvailableNow` and wait for it to end: one data batch of `rowsPerBatch` rows, then the
  no-data batch Spark runs when the watermark moved.

A `foreachBatch` sink records each micro-batch's rows by batch id (it is called for no-data batches
too), and the progress of that batch id gives numInputRows, the eventTime block and the state
operator's row counts.

A fixture whose content (everything but `generatedAt`) is unchanged is left as it is; a changed
one is rewritten and its diff printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import os
import shutil
import sys
import tempfile
import time
from typing import Any

from cases import CASES, TEXT_SOURCE

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
COMMAND = "npm run fixtures:spark (bash test/differential/generate.sh, which runs test/differential/generate_fixtures.py)"
CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "4",
}
STATE_KEYS = ["numRowsTotal", "numRowsUpdated", "numRowsRemoved", "numRowsDroppedByWatermark"]


def spark_session():
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master("local[2]")
        .appName("kindling-differential-fixtures")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
    )
    for k, v in CONF.items():
        builder = builder.config(k, v)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    return spark


AGG_FUNCTIONS = {"count", "sum", "min", "max", "avg"}


def group_key(key: Any):
    from pyspark.sql import functions as F

    if isinstance(key, str):
        return F.expr(key)
    if "col" in key:
        return key["col"]
    if "window" in key:
        return F.window(*key["window"])
    raise ValueError(f"unknown grouping key {key!r}")


def aggregate(agg: dict[str, str]):
    from pyspark.sql import functions as F

    if agg["fn"] not in AGG_FUNCTIONS:
        raise ValueError(f"unknown aggregate {agg['fn']}")
    return getattr(F, agg["fn"])(agg["column"]).alias(agg["alias"])


def read_source(spark, case: dict[str, Any], input_dir: str):
    source = case.get("source", TEXT_SOURCE)
    reader = spark.readStream.options(**source["options"])
    if source["format"] == "text":
        return reader.text(input_dir)
    return reader.format(source["format"]).load()


def apply_ops(df, ops: list[dict[str, Any]]):
    from pyspark.sql import functions as F

    for op in ops:
        kind = op["op"]
        if kind == "selectExpr":
            df = df.selectExpr(*op["exprs"])
        elif kind == "withColumn":
            df = df.withColumn(op["name"], F.expr(op["expr"]))
        elif kind == "filter":
            df = df.filter(F.expr(op["condition"]))
        elif kind == "withWatermark":
            df = df.withWatermark(op["eventTime"], op["delay"])
        elif kind == "groupByCount":
            df = df.groupBy(*[group_key(k) for k in op["keys"]]).count()
        elif kind == "groupByAgg":
            df = df.groupBy(*[group_key(k) for k in op["keys"]]).agg(*[aggregate(a) for a in op["aggs"]])
        elif kind == "drop":
            df = df.drop(*op["columns"])
        else:
            raise ValueError(f"unknown op {kind}")
    return df


def key_code(key: Any) -> str:
    if isinstance(key, str):
        return f"F.expr({key!r})"
    if "col" in key:
        return repr(key["col"])
    return "F.window(" + ", ".join(repr(a) for a in key["window"]) + ")"


def pyspark_code(case: dict[str, Any]) -> str:
    """The same query as PySpark code, for people reading the fixture."""
    source = case.get("source", TEXT_SOURCE)
    out = "spark.readStream" + "".join(f".option({k!r}, {v!r})" for k, v in source["options"].items())
    out += ".text(inputDir)" if source["format"] == "text" else f".format({source['format']!r}).load()"
    for op in case["ops"]:
        kind = op["op"]
        if kind == "selectExpr":
            out += ".selectExpr(" + ", ".join(repr(e) for e in op["exprs"]) + ")"
        elif kind == "withColumn":
            out += f".withColumn({op['name']!r}, F.expr({op['expr']!r}))"
        elif kind == "filter":
            out += f".filter({op['condition']!r})"
        elif kind == "withWatermark":
            out += f".withWatermark({op['eventTime']!r}, {op['delay']!r})"
        elif kind == "groupByCount":
            out += ".groupBy(" + ", ".join(key_code(k) for k in op["keys"]) + ").count()"
        elif kind == "groupByAgg":
            aggs = ", ".join(f"F.{a['fn']}({a['column']!r}).alias({a['alias']!r})" for a in op["aggs"])
            out += ".groupBy(" + ", ".join(key_code(k) for k in op["keys"]) + f").agg({aggs})"
        elif kind == "drop":
            out += ".drop(" + ", ".join(repr(c) for c in op["columns"]) + ")"
    trigger = ".trigger(availableNow=True)" if trigger_of(case) == "availableNow" else ""
    return out + f".writeStream.outputMode({case['outputMode']!r}){trigger}.foreachBatch(record).start()"


def trigger_of(case: dict[str, Any]) -> str:
    """Text cases: default trigger, one file per step. rate-micro-batch: one availableNow run per step."""
    return "default" if case.get("source", TEXT_SOURCE)["format"] == "text" else "availableNow"


def plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float) and value == value and value not in (float("inf"), float("-inf")):
        return value
    raise TypeError(f"fixture rows must be plain JSON values, got {type(value).__name__}: {value!r}")


def row_key(row: list[Any]) -> str:
    return json.dumps(row, sort_keys=True)


def run_case(spark, case: dict[str, Any], work: str) -> dict[str, Any]:
    input_dir = os.path.join(work, case["name"], "input")
    staging = os.path.join(work, case["name"], "staging")
    checkpoint = os.path.join(work, case["name"], "checkpoint")
    os.makedirs(input_dir)
    os.makedirs(staging)

    df = apply_ops(read_source(spark, case, input_dir), case["ops"])
    columns = df.columns
    captured: dict[int, list[list[Any]]] = {}
    trigger = trigger_of(case)

    def record(batch_df, batch_id: int) -> None:
        captured[batch_id] = sorted(([plain(v) for v in r] for r in batch_df.collect()), key=row_key)

    def start():
        writer = df.writeStream.outputMode(case["outputMode"]).option("checkpointLocation", checkpoint)
        if trigger == "availableNow":
            writer = writer.trigger(availableNow=True)
        return writer.foreachBatch(record).start()

    query = start() if trigger == "default" else None
    steps = []
    done = -1
    try:
        for i, step in enumerate(case["steps"]):
            if trigger == "default":
                name = f"step-{i:03d}.txt"
                with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
                    f.write("".join(line + "\n" for line in step))
                os.replace(os.path.join(staging, name), os.path.join(input_dir, name))
                query.processAllAvailable()
            else:
                query = start()
                query.awaitTermination()
            # The executed batch's progress is the last one carrying its id (idle reports carry the next id).
            progress = {p.batchId: p for p in query.recentProgress}
            batches = []
            for batch_id in sorted(b for b in captured if b > done):
                p = progress.get(batch_id)
                if p is None:
                    raise RuntimeError(f"{case['name']}: no progress for batch {batch_id}")
                state = p.stateOperators[0] if p.stateOperators else None
                batches.append(
                    {
                        "batchId": batch_id,
                        "rows": captured[batch_id],
                        "numInputRows": p.numInputRows,
                        "eventTime": dict(sorted(p.eventTime.items())),
                        **({"stateOperator": {k: getattr(state, k) for k in STATE_KEYS}} if state is not None else {}),
                    }
                )
                done = batch_id
            steps.append({"input": step, "batches": batches})
        if query.exception() is not None:
            raise RuntimeError(str(query.exception()))
    finally:
        if query is not None:
            query.stop()

    import pyspark

    source = case.get("source", TEXT_SOURCE)
    driven = (
        "text file source with maxFilesPerTrigger=1, default trigger; per step one file moved into the"
        " input directory, then processAllAvailable()"
        if trigger == "default"
        else "rate-micro-batch source; per step the query started from the same checkpoint with"
        " Trigger.AvailableNow, then awaitTermination()"
    )

    return {
        "name": case["name"],
        "description": case["description"],
        "sparkVersion": pyspark.__version__,
        "generatedAt": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": COMMAND,
        "howMade": (
            "Real Spark (pip pyspark, classic local[2] session, Java "
            + spark.sparkContext._jvm.java.lang.System.getProperty("java.version")
            + "): "
            + driven
            + "; rows per batch from foreachBatch, facts from recentProgress of the same batch id."
        ),
        "conf": CONF,
        "query": {
            "source": source,
            "trigger": trigger,
            "ops": case["ops"],
            "pyspark": pyspark_code(case),
        },
        "outputMode": case["outputMode"],
        "columns": columns,
        "steps": steps,
    }


def without_date(fixture: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fixture.items() if k != "generatedAt"}


def dump(fixture: dict[str, Any]) -> str:
    return layout(fixture, "") + "\n"


def layout(value: Any, indent: str) -> str:
    """JSON with short arrays and objects on one line, so a diff shows one batch per line."""
    flat = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, (dict, list)) or len(indent) + len(flat) <= 110:
        return flat
    inner = indent + "  "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(k)}: {layout(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return "[\n" + ",\n".join(inner + layout(v, inner) for v in value) + "\n" + indent + "]"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any fixture would change")
    parser.add_argument("--only", action="append", default=[], help="case name (repeatable)")
    args = parser.parse_args()
    cases = [c for c in CASES if not args.only or c["name"] in args.only]
    if args.only and len(cases) != len(args.only):
        print(f"unknown case in {args.only}; known: {[c['name'] for c in CASES]}", file=sys.stderr)
        return 2

    os.makedirs(FIXTURES, exist_ok=True)
    started = time.monotonic()
    spark = spark_session()
    work = tempfile.mkdtemp(prefix="kindling-fixtures-")
    changed = []
    try:
        for case in cases:
            t = time.monotonic()
            fixture = run_case(spark, case, work)
            path = os.path.join(FIXTURES, f"{case['name']}.json")
            old = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    old = json.load(f)
            status = "unchanged"
            if old is None or without_date(old) != without_date(fixture):
                status = "new" if old is None else "CHANGED"
                changed.append(case["name"])
                if old is not None:
                    diff = difflib.unified_diff(
                        dump(without_date(old)).splitlines(keepends=True),
                        dump(without_date(fixture)).splitlines(keepends=True),
                        fromfile=f"fixtures/{case['name']}.json (committed)",
                        tofile=f"fixtures/{case['name']}.json (Spark {fixture['sparkVersion']} now)",
                    )
                    sys.stdout.writelines(diff)
                if not args.check:
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(dump(fixture))
            print(f"{case['name']}: {status} ({time.monotonic() - t:.1f}s)", flush=True)
    finally:
        spark.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(cases)} cases on Spark in {time.monotonic() - started:.1f}s; {len(changed)} changed: {changed}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
