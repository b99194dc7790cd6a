"""The differential cases: queries (Spark's own test shapes) and their input steps.

A query is a text file source (one file per step, `maxFilesPerTrigger=1`) followed by `ops`, each
a DataFrame call whose arguments are SQL expression strings, so the same JSON replays on Spark
(here, through the DataFrame API) and on Kindling (test/differential/replay.ts):

  selectExpr   {"exprs": [sql...]}            df.selectExpr(*exprs)
  withColumn   {"name": n, "expr": sql}       df.withColumn(n, expr(sql))
  filter       {"condition": sql}             df.filter(expr(sql))
  withWatermark {"eventTime": c, "delay": d}  df.withWatermark(c, d)
  groupByCount {"keys": [sql...]}             df.groupBy(*map(expr, keys)).count()

Each step is the list of lines of one input file. Windows are projected to epoch seconds so the
recorded rows are plain JSON (Spark's suites compare `window.start` as seconds the same way).
"""

from __future__ import annotations

from typing import Any

INT_VALUE = {"op": "selectExpr", "exprs": ["CAST(value AS INT) AS value"]}
EVENT_TIME = {"op": "withColumn", "name": "eventTime", "expr": "timestamp_seconds(value)"}
WATERMARK_10S = {"op": "withWatermark", "eventTime": "eventTime", "delay": "10 seconds"}
WINDOW_SECONDS = {
    "op": "selectExpr",
    "exprs": ["CAST(window.start AS BIGINT) AS start", "CAST(window.end AS BIGINT) AS end", "count"],
}


def q10_5(width: str = "5 seconds", slide: str | None = None) -> list[dict[str, Any]]:
    """Spark's Q10/5: eventTime = timestamp_seconds(value), watermark 10 s, window count."""
    window = f"window(eventTime, '{width}')" if slide is None else f"window(eventTime, '{width}', '{slide}')"
    return [INT_VALUE, EVENT_TIME, WATERMARK_10S, {"op": "groupByCount", "keys": [window]}, WINDOW_SECONDS]


def lines(*values: int) -> list[str]:
    return [str(v) for v in values]


COUNT_BY_VALUE = [INT_VALUE, {"op": "groupByCount", "keys": ["value"]}]
WORDS = [
    {"op": "selectExpr", "exprs": ["explode(split(value, ' ')) AS word"]},
    {"op": "filter", "condition": "word <> '' AND word <> 'the'"},
    {"op": "selectExpr", "exprs": ["word", "upper(word) AS shout", "length(word) AS len"]},
]

# Tumbling steps: V1/V2 of the fact sheet, then a row below the watermark whose window is still
# open (17 with watermark 15 → window [15, 20) is kept), then further eviction.
TUMBLING_APPEND_STEPS = [lines(10, 11, 12, 13, 14, 15), lines(25), lines(10), lines(17, 26, 31), lines(40)]
TUMBLING_UPDATE_STEPS = [lines(10, 11, 12, 13, 14, 15), lines(25), lines(10, 25), lines(10), lines(17, 26, 31), lines(40)]
SLIDING_STEPS = [lines(12), lines(3, 17), lines(30), lines(5, 21, 29), lines(50)]
VALUE_STEPS = [lines(3), lines(3, 2), lines(3, 2, 1), lines(4, 4, 4, 4)]

CASES: list[dict[str, Any]] = [
    {
        "name": "tumbling-append",
        "description": "Q10/5 append: each window once, after the watermark passes its end; late rows dropped (V1)",
        "outputMode": "append",
        "ops": q10_5(),
        "steps": TUMBLING_APPEND_STEPS,
    },
    {
        "name": "tumbling-update",
        "description": "Q10/5 update: updated windows per batch, silent eviction, late rows dropped (V2)",
        "outputMode": "update",
        "ops": q10_5(),
        "steps": TUMBLING_UPDATE_STEPS,
    },
    {
        "name": "tumbling-complete",
        "description": "Q10/5 complete: every window every batch, no eviction, no drops (V3)",
        "outputMode": "complete",
        "ops": q10_5(),
        "steps": [lines(10, 11, 12), lines(25), lines(25), lines(10), lines(25)],
    },
    {
        "name": "sliding-update",
        "description": "10 s windows sliding by 5 s, watermark 10 s, update (V12, extended)",
        "outputMode": "update",
        "ops": q10_5("10 seconds", "5 seconds"),
        "steps": SLIDING_STEPS,
    },
    {
        "name": "sliding-append",
        "description": "10 s windows sliding by 5 s, watermark 10 s, append (V12, extended)",
        "outputMode": "append",
        "ops": q10_5("10 seconds", "5 seconds"),
        "steps": SLIDING_STEPS,
    },
    {
        "name": "late-rows-append",
        "description": "Q10/5 append: rows whose window ended at or before the watermark are dropped and counted",
        "outputMode": "append",
        "ops": q10_5(),
        "steps": [lines(50, 51), lines(5, 39, 40, 44, 45, 60), lines(41, 70), lines(55, 66, 59)],
    },
    {
        "name": "eviction-update",
        "description": "Q10/5 update over many windows: state grows, then shrinks as the watermark evicts",
        "outputMode": "update",
        "ops": q10_5(),
        "steps": [lines(1, 2, 3, 6, 7), lines(20), lines(21, 8, 14), lines(40), lines(41, 22, 33), lines(60)],
    },
    {
        "name": "count-by-value-update",
        "description": "groupBy(value).count() without watermark, update (V10)",
        "outputMode": "update",
        "ops": COUNT_BY_VALUE,
        "steps": VALUE_STEPS,
    },
    {
        "name": "count-by-value-complete",
        "description": "groupBy(value).count() without watermark, complete (V10)",
        "outputMode": "complete",
        "ops": COUNT_BY_VALUE,
        "steps": VALUE_STEPS,
    },
    {
        "name": "words-append",
        "description": "select/explode/split/filter/upper/length on lines, append (stateless)",
        "outputMode": "append",
        "ops": WORDS,
        "steps": [["the cat sat", "on the mat"], ["", "a dog", "the end"], ["cat cat  cat"]],
    },
]
