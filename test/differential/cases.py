"""The differential cases: queries (Spark's own test shapes and the seed notebook's) and their input steps.

A query is a source followed by `ops`, each a DataFrame call, so the same JSON replays on Spark
(here, through PySpark's DataFrame API) and on Kindling (test/differential/replay.ts, through our
TypeScript client over Spark Connect):

  selectExpr   {"exprs": [sql...]}            df.selectExpr(*exprs)
  withColumn   {"name": n, "expr": sql}       df.withColumn(n, expr(sql))
  filter       {"condition": sql}             df.filter(expr(sql))
  withWatermark {"eventTime": c, "delay": d}  df.withWatermark(c, d)
  groupByCount {"keys": [key...]}             df.groupBy(*keys).count()
  groupByAgg   {"keys": [key...], "aggs": [{"fn": f, "column": c, "alias": a}...]}
                                              df.groupBy(*keys).agg(F.f(c).alias(a), ...)
  drop         {"columns": [name...]}         df.drop(*columns)

A grouping key is a SQL string (`F.expr(sql)`), `{"col": name}` (the column name, as
`groupBy('word')` sends it) or `{"window": [column, width, slide?]}` (`F.window(...)`).

Two sources, two ways of cutting steps:

* `text` (the default): one input file per step, `maxFilesPerTrigger=1`, default trigger, then
  `processAllAvailable()`; each step is the list of lines of that file;
* `rate-micro-batch` (Spark's deterministic rate source: `rowsPerBatch` values per batch,
  timestamps `startTimestamp + n * advanceMillisPerBatch`): each step starts the query from the same
  checkpoint with `Trigger.AvailableNow` and waits for it to end, so a step is exactly one data
  batch plus the no-data batch the engine runs when the watermark moved; its steps have no input.

Windows are projected to epoch seconds so the recorded rows are plain JSON (Spark's suites compare
`window.start` as seconds the same way).
"""

from __future__ import annotations

from typing import Any

TEXT_SOURCE = {"format": "text", "options": {"maxFilesPerTrigger": "1"}}

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


# --- rate-micro-batch: 6 values a batch over 2 partitions, batch n at n * 4 s (availableNow per step).

RATE_SOURCE = {
    "format": "rate-micro-batch",
    "options": {"rowsPerBatch": "6", "numPartitions": "2", "startTimestamp": "0", "advanceMillisPerBatch": "4000"},
}
RATE_RUNS = [[] for _ in range(8)]
RATE_WATERMARK = {"op": "withWatermark", "eventTime": "timestamp", "delay": "6 seconds"}
KEY_WINDOW_SECONDS = {
    "op": "selectExpr",
    "exprs": ["CAST(window.start AS BIGINT) AS start", "CAST(window.end AS BIGINT) AS end", "k", "count"],
}


def rate_windowed(width: str, slide: str | None, modulus: int) -> list[dict[str, Any]]:
    window = {"window": ["timestamp", width] + ([slide] if slide else [])}
    return [RATE_WATERMARK, {"op": "groupByCount", "keys": [window, f"value % {modulus} AS k"]}, KEY_WINDOW_SECONDS]


# Event time moved back by 0, 5, 10 or 15 s by value, so some rows arrive behind the watermark.
RATE_LATE = [
    {"op": "withColumn", "name": "eventTime", "expr": "timestamp_seconds(CAST(timestamp AS BIGINT) - (value % 4) * 5)"},
    {"op": "withWatermark", "eventTime": "eventTime", "delay": "5 seconds"},
    {"op": "groupByCount", "keys": [{"window": ["eventTime", "10 seconds"]}]},
    WINDOW_SECONDS,
]

RATE_CASES: list[dict[str, Any]] = [
    {
        "name": "rate-window-update",
        "description": "rate-micro-batch, 10 s windows by value % 3, watermark 6 s, update: eviction by no-data batches",
        "source": RATE_SOURCE,
        "outputMode": "update",
        "ops": rate_windowed("10 seconds", None, 3),
        "steps": RATE_RUNS,
    },
    {
        "name": "rate-window-append",
        "description": "rate-micro-batch, 10 s windows by value % 3, watermark 6 s, append: each window once, when evicted",
        "source": RATE_SOURCE,
        "outputMode": "append",
        "ops": rate_windowed("10 seconds", None, 3),
        "steps": RATE_RUNS,
    },
    {
        "name": "rate-sliding-complete",
        "description": "rate-micro-batch, 10 s windows sliding by 5 s by value % 2, watermark 6 s, complete: nothing evicted",
        "source": RATE_SOURCE,
        "outputMode": "complete",
        "ops": rate_windowed("10 seconds", "5 seconds", 2),
        "steps": RATE_RUNS,
    },
    {
        "name": "rate-late-rows-append",
        "description": "rate-micro-batch with event time moved back by (value % 4) * 5 s, watermark 5 s, append: late rows dropped",
        "source": RATE_SOURCE,
        "outputMode": "append",
        "ops": RATE_LATE,
        "steps": RATE_RUNS,
    },
    {
        "name": "rate-aggregates-update",
        "description": "rate-micro-batch, groupBy(value % 5).agg(count, sum, min, max) without watermark, update",
        "source": RATE_SOURCE,
        "outputMode": "update",
        "ops": [
            {
                "op": "groupByAgg",
                "keys": ["value % 5 AS k"],
                "aggs": [
                    {"fn": "count", "column": "value", "alias": "n"},
                    {"fn": "sum", "column": "value", "alias": "total"},
                    {"fn": "min", "column": "value", "alias": "lo"},
                    {"fn": "max", "column": "value", "alias": "hi"},
                ],
            }
        ],
        "steps": RATE_RUNS[:4],
    },
]

# --- The seed notebook's key shape: (window, word), over lines "words,epochSeconds" in text files.

WORDS_AT = [
    {
        "op": "selectExpr",
        "exprs": [
            "explode(split(split(value, ',')[0], ' ')) AS word",
            "timestamp_seconds(CAST(split(value, ',')[1] AS BIGINT)) AS timestamp",
        ],
    },
    {"op": "withWatermark", "eventTime": "timestamp", "delay": "10 seconds"},
]
WORD_WINDOW_SECONDS = {
    "op": "selectExpr",
    "exprs": ["CAST(window.start AS BIGINT) AS start", "CAST(window.end AS BIGINT) AS end", "word", "count"],
}
CATPM_SECONDS = {
    "op": "selectExpr",
    "exprs": ["CAST(window.start AS BIGINT) AS start", "CAST(window.end AS BIGINT) AS end", "`cats per minute`"],
}


def word_counts(width: str, slide: str | None = None) -> list[dict[str, Any]]:
    """The notebook's word_counts: groupBy(F.window('timestamp', width, slide), 'word').count()."""
    window = {"window": ["timestamp", width] + ([slide] if slide else [])}
    return WORDS_AT + [{"op": "groupByCount", "keys": [window, {"col": "word"}]}, WORD_WINDOW_SECONDS]


# The notebook's catpm: .agg(F.count('word').alias('cats per minute')).drop('word').
CATPM = WORDS_AT + [
    {
        "op": "groupByAgg",
        "keys": [{"window": ["timestamp", "60 seconds", "5 seconds"]}, {"col": "word"}],
        "aggs": [{"fn": "count", "column": "word", "alias": "cats per minute"}],
    },
    {"op": "drop", "columns": ["word"]},
    CATPM_SECONDS,
]

# Event times in seconds; with the 10 s delay the watermark is 60 after step 1 and 115 after step 3,
# so step 2 brings rows behind it (30, 55) and a row just ahead of it (61), step 4 one at 119.
WORD_STEPS = [
    ["cat dog,10", "cat,20", "dog cat,50"],
    ["cat,70", "bird,65"],
    ["cat,30", "dog,55", "cat,61"],
    ["mouse cat,125", "dog,118"],
    ["cat,119", "cat bird,200"],
]
CATPM_STEPS = [["cat dog,10", "cat,22"], ["cat,41"], ["dog,30", "cat,33"], ["cat,100"], ["cat,94", "dog,97"], ["cat,300"]]

WORD_CASES: list[dict[str, Any]] = [
    {
        "name": "word-window-update",
        "description": "groupBy(F.window(timestamp, '60 seconds'), 'word').count(), watermark 10 s, update: late rows dropped",
        "outputMode": "update",
        "ops": word_counts("60 seconds"),
        "steps": WORD_STEPS,
    },
    {
        "name": "word-counts-sliding-complete",
        "description": "the notebook's word_counts (60 s windows sliding by 30 s, by word), complete",
        "outputMode": "complete",
        "ops": word_counts("60 seconds", "30 seconds"),
        "steps": WORD_STEPS,
    },
    {
        "name": "word-counts-sliding-append",
        "description": "the notebook's word_counts (60 s / 30 s, by word), watermark 10 s, append: late rows, eviction",
        "outputMode": "append",
        "ops": word_counts("60 seconds", "30 seconds"),
        "steps": WORD_STEPS,
    },
    {
        "name": "catpm-update",
        "description": "the notebook's catpm (60 s / 5 s by word, count('word') as `cats per minute`, drop('word')), update",
        "outputMode": "update",
        "ops": CATPM,
        "steps": CATPM_STEPS,
    },
    {
        "name": "catpm-append",
        "description": "the notebook's catpm (60 s / 5 s, `cats per minute`, drop('word')), watermark 10 s, append: late rows",
        "outputMode": "append",
        "ops": CATPM,
        "steps": CATPM_STEPS,
    },
]

CASES += WORD_CASES + RATE_CASES
