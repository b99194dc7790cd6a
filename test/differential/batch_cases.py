"""Batch SQL cases for the differential suite, generated from a small seeded grammar.

Two temp views, built the same way on Spark and on Kindling (createDataFrame with a DDL schema,
then selectExpr for the typed columns):

* `t`: id INT, g STRING, x DOUBLE, n BIGINT, s STRING, ts TIMESTAMP, d DATE, arr ARRAY<STRING>, b BOOLEAN
* `v`: n INT, w STRING

Query shapes (each a template with slots filled by the seeded generator): scalar functions in a
select list, aggregates by a group key, ORDER BY / GROUP BY ordinals and aliases, qualified names,
ORDER BY an aggregate not selected, subqueries with duplicate names, interval arithmetic, EXTRACT,
lambdas, and queries that must fail with a given error class. Joins, OVER, rollup/cube/pivot are
left to their own suites. `ordered` cases compare rows in order; the rest as multisets.
"""

from __future__ import annotations

import random
from typing import Any

SEED = 14

T_SCHEMA = "id INT, g STRING, x DOUBLE, n BIGINT, s STRING, ts_s STRING, d_s STRING, arr_s STRING, b BOOLEAN"
T_SELECT = [
    "id",
    "g",
    "x",
    "n",
    "s",
    "CAST(ts_s AS TIMESTAMP) AS ts",
    "CAST(d_s AS DATE) AS d",
    "split(arr_s, ',') AS arr",
    "b",
]
T_ROWS: list[list[Any]] = [
    [1, "a", 1.5, 1700000000, "apple,pie", "2024-01-15 10:30:45", "2024-01-15", "x,y,x", True],
    [2, "a", 2.25, 1700003600, "banana", "2024-02-29 23:59:59", "2024-02-29", "b,a", False],
    [3, "b", -0.5, 1700007200, "cherry,tart,x", "2023-12-31 00:00:00", "2023-12-31", "c", True],
    [4, "b", 10.0, 1600000000, "", "2024-03-10 07:05:00", "2024-03-31", "", None],
    [5, "c", 0.125, 0, "date", "2020-06-30 12:00:00.5", "2020-06-30", "d,d,d", False],
    [6, "c", None, None, None, None, None, None, None],
    [7, "a", 3.0, 1234567890, "Eggplant", "1999-12-31 23:59:59", "2000-01-01", "z,a,m", True],
    [8, "d", 100.75, 86400, "fig,,", "2024-07-04 18:45:30", "2024-07-04", "f,,g", False],
]
V_SCHEMA = "n INT, w STRING"
V_ROWS: list[list[Any]] = [[3, "three"], [1, "one"], [2, "two"], [5, "five"], [4, "four"], [2, "deux"]]

TABLES = [
    {"name": "t", "schema": T_SCHEMA, "rows": T_ROWS, "select": T_SELECT},
    {"name": "v", "schema": V_SCHEMA, "rows": V_ROWS, "select": ["n", "w"]},
]

# ---- slots ----
INT_COLS = ["id", "n"]
NUM_COLS = ["id", "x", "n"]
STR_COLS = ["s", "g"]
UNITS = ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "HOUR", "MINUTE"]
TRUNC_FMTS = ["YEAR", "yyyy", "QUARTER", "MONTH", "mm", "WEEK", "DAY", "HOUR", "MINUTE", "SECOND", "bogus"]
DATE_TRUNC_FMTS = ["YEAR", "MM", "QUARTER", "WEEK", "bogus"]
EXTRACT_FIELDS = ["YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAYOFWEEK", "DOW", "DOY", "HOUR", "MINUTE", "dayofweek_iso"]
INTERVALS = [
    "INTERVAL 5 MINUTES",
    "INTERVAL '1' HOUR",
    "INTERVAL 2 DAYS",
    "INTERVAL '10' SECOND",
    "INTERVAL 3 HOURS",
    "INTERVAL '1 2:03:04' DAY TO SECOND",
]

# Scalar templates: {i} an integral column, {x} a numeric column, {s} a string column, {u} a unit...
SCALARS = [
    "from_unixtime({i})",
    "from_unixtime(n, 'yyyy-MM-dd')",
    "from_unixtime(n, 'HH:mm')",
    "date_trunc('{tf}', ts)",
    "trunc(d, '{df}')",
    "date_part('{ef}', ts)",
    "EXTRACT({ef} FROM ts)",
    "EXTRACT({dfield} FROM d)",
    "typeof({any})",
    "left({s}, {k})",
    "right({s}, {k})",
    "weekofyear(d)",
    "weekofyear(ts)",
    "try_divide({x}, id - 3)",
    "try_divide(n, 0)",
    "try_add({i}, 5)",
    "try_add(2147483647, id)",
    "last_day(d)",
    "months_between(ts, d)",
    "months_between(ts, TIMESTAMP '2024-01-01 00:00:00', false)",
    "md5({s})",
    "sha2({s}, {bits})",
    "hash({any})",
    "hash({any}, {any2})",
    "format_number({x}, {k})",
    "char(65 + id)",
    "array_sort(arr)",
    "array_distinct(arr)",
    "transform(arr, e -> upper(e))",
    "transform(arr, (e, i) -> concat(e, CAST(i AS STRING)))",
    "filter(arr, e -> e <> 'x')",
    "filter(arr, (e, i) -> i > 0)",
    "exists(arr, e -> e = 'a')",
    "current_timezone()",
    "timestampadd({u}, {k}, ts)",
    "timestampadd(MONTH, id, d)",
    "ts + {iv}",
    "ts - {iv}",
    "CAST({col} AS DOUBLE)",
    "CAST({col} AS STRING)",
    "- {x}",
    "-{i}",
    "split(s, ',')[0]",
    "split(s, ',')[1]",
    "element_at(arr, 1)",
    "element_at(arr, -1)",
    "to_json(named_struct('id', id, 's', s))",
    "to_json(named_struct('d', d, 'x', x))",
    "from_json('{{\"a\": 1, \"b\": \"q\"}}', 'a INT, b STRING')",
    "from_json(concat('{{\"k\":', CAST(id AS STRING), '}}'), 'k BIGINT')",
    "upper({s})",
    "length({s})",
    "coalesce({s}, 'none')",
    "abs({x})",
    "round({x}, 1)",
    "concat_ws('-', g, {s})",
    "year(d)",
    "hour(ts)",
    "date_format(ts, 'yyyy/MM/dd HH')",
    "nvl(x, 0D)",
    "CASE WHEN {x} > 2 THEN 'big' ELSE 'small' END",
    "size(arr)",
    "substring({s}, 2, 3)",
    "instr({s}, 'a')",
]

AGGREGATES = [
    "count(*)",
    "count({col})",
    "count_if({x} > 1)",
    "sum({i})",
    "sum(x)",
    "avg({x})",
    "min({col})",
    "max({col})",
    "median({x})",
    "percentile_approx({x}, 0.5)",
    "percentile_approx({i}, 0.25)",
    "percentile({x}, 0.5)",
    "stddev({x})",
    "stddev_pop({x})",
    "variance({x})",
    "var_pop({x})",
    "array_sort(collect_list({s}))",
    "size(collect_list({col}))",
    "first(g)",
    "last(g)",
    "count(DISTINCT {col})",
    "max(length({s}))",
]


def fill(template: str, rnd: random.Random) -> str:
    any_cols = ["id", "g", "x", "n", "s", "ts", "d", "arr", "b"]
    a1, a2 = rnd.sample(any_cols, 2)
    return template.format(
        i=rnd.choice(INT_COLS),
        x=rnd.choice(NUM_COLS),
        s=rnd.choice(STR_COLS),
        col=rnd.choice(["id", "x", "n", "s", "g"]),
        any=a1,
        any2=a2,
        k=rnd.choice([0, 1, 2, 3, -1]),
        u=rnd.choice(UNITS),
        tf=rnd.choice(TRUNC_FMTS),
        df=rnd.choice(DATE_TRUNC_FMTS),
        ef=rnd.choice(EXTRACT_FIELDS),
        dfield=rnd.choice(["YEAR", "MONTH", "DAY", "DOY", "WEEK", "QUARTER"]),
        bits=rnd.choice([0, 224, 256, 384, 512, 100]),
        iv=rnd.choice(INTERVALS),
    )


def case(name: str, sql: str, ordered: bool = False) -> dict[str, Any]:
    return {"name": name, "sql": sql, "ordered": ordered}


def generate() -> list[dict[str, Any]]:
    rnd = random.Random(SEED)
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(prefix: str, sql: str, ordered: bool = False) -> None:
        if sql in seen:
            return
        seen.add(sql)
        cases.append(case(f"{prefix}-{len(cases):03d}", sql, ordered))

    # 1. every scalar template at least twice, alone or beside a column, optionally filtered.
    for template in SCALARS:
        for _ in range(3):
            e = fill(template, rnd)
            shape = rnd.randrange(4)
            if shape == 0:
                add("scalar", f"SELECT id, {e} FROM t ORDER BY id", True)
            elif shape == 1:
                add("scalar", f"SELECT {e} AS r FROM t WHERE id <= 5")
            elif shape == 2:
                add("scalar", f"SELECT {e} FROM t")
            else:
                add("scalar", f"SELECT id, {e} FROM t WHERE {rnd.choice(['b', 'NOT b', 'x > 1', 'id % 2 = 0', 'g = ' + repr('a')])} ORDER BY 1", True)

    # 2. aggregates: grouped by a column, an ordinal, or an alias; global; with HAVING.
    for template in AGGREGATES:
        for _ in range(3):
            e = fill(template, rnd)
            shape = rnd.randrange(6)
            if shape == 0:
                add("agg", f"SELECT g, {e} FROM t GROUP BY g ORDER BY g", True)
            elif shape == 1:
                add("agg", f"SELECT g, {e} AS r FROM t GROUP BY 1 ORDER BY 1", True)
            elif shape == 2:
                add("agg", f"SELECT upper(g) AS k, {e} FROM t GROUP BY k ORDER BY k", True)
            elif shape == 3:
                add("agg", f"SELECT {e} FROM t")
            elif shape == 4:
                add("agg", f"SELECT g, {e} FROM t GROUP BY g HAVING count(*) > 1 ORDER BY 1 DESC", True)
            else:
                add("agg", f"SELECT b, {e} AS r FROM t GROUP BY b ORDER BY b NULLS FIRST", True)

    # 3. ordering and naming shapes.
    for col in ["id", "x", "n", "s", "g", "ts", "d"]:
        for direction in ["ASC", "DESC"]:
            add("order", f"SELECT id, {col} FROM t ORDER BY 2 {direction}, 1", True)
        add("order", f"SELECT {col} AS c, id FROM t ORDER BY c DESC NULLS LAST, id", True)
    for k in [1, 2, 3]:
        add("order", f"SELECT g, count(*) AS c FROM t GROUP BY g ORDER BY {k if k < 3 else 2} DESC, 1", True)
    add("order", "SELECT g FROM t GROUP BY g ORDER BY count(*) DESC, g", True)
    add("order", "SELECT g, max(x) FROM t GROUP BY g ORDER BY sum(id), g", True)
    add("order", "SELECT g FROM t GROUP BY g ORDER BY min(id) DESC", True)
    add("order", "SELECT g, count(*) FROM t GROUP BY g HAVING max(x) > 2 ORDER BY count(*) DESC, g", True)
    add("order", "SELECT v.n, v.w FROM v ORDER BY v.n, v.w", True)
    add("order", "SELECT v.w FROM v ORDER BY v.n DESC, v.w", True)
    add("order", "SELECT w FROM v AS q ORDER BY q.n, q.w", True)
    add("order", "SELECT q.n + 1 AS m FROM v q ORDER BY q.n, q.w", True)
    add("order", "SELECT n, count(*) FROM v GROUP BY n ORDER BY n", True)
    add("order", "SELECT n % 2 AS parity, count(*) FROM v GROUP BY parity ORDER BY parity", True)
    add("order", "SELECT n % 2, sum(n) FROM v GROUP BY 1 ORDER BY 1", True)
    add("order", "SELECT w, n FROM v ORDER BY 2 DESC, 1", True)
    add("order", "SELECT n, w FROM v ORDER BY 1 DESC, 2 DESC LIMIT 3", True)
    add("order", "SELECT length(w) AS len, count(*) AS c FROM v GROUP BY len ORDER BY c DESC, len", True)
    add("order", "SELECT length(w), count(*) FROM v GROUP BY 1 ORDER BY 2 DESC, 1", True)
    add("order", "SELECT g, year(d) AS y, count(*) FROM t GROUP BY g, y ORDER BY 1, 2", True)
    add("order", "SELECT g, year(d), count(*) FROM t GROUP BY 1, 2 ORDER BY 1, 2 NULLS LAST", True)
    add("order", "SELECT count(*) AS c FROM t GROUP BY g ORDER BY c", True)
    add("order", "SELECT n FROM (SELECT n, w, n AS w FROM v) ORDER BY n", True)
    add("order", "SELECT count(*) FROM (SELECT n, n FROM v)")
    add("order", "SELECT w FROM (SELECT n, w, upper(w) AS n FROM v) ORDER BY w", True)
    add("order", "SELECT * FROM (SELECT n AS a, w AS a FROM v) LIMIT 0")
    add("order", "SELECT n, -n, - n, +n FROM v ORDER BY 1, 3", True)
    add("order", "SELECT CAST(n AS DOUBLE), CAST(w AS STRING), CAST(n AS BIGINT) AS nn FROM v ORDER BY 1, 2", True)
    add("order", "SELECT split(w, 'e')[0], split(w, 'e')[1] FROM v ORDER BY 1", True)
    add("order", "SELECT w FROM v ORDER BY length(w) DESC, w", True)
    add("order", "SELECT DISTINCT g FROM t ORDER BY 1", True)

    # 4. intervals.
    for iv in INTERVALS:
        add("interval", f"SELECT id, ts + {iv} AS later FROM t ORDER BY id", True)
        add("interval", f"SELECT id, ts - {iv} FROM t WHERE id > 4 ORDER BY id", True)
        add("interval", f"SELECT count(*) FROM t WHERE ts > TIMESTAMP '2024-01-01 00:00:00' - {iv}")
    add("interval", "SELECT d + INTERVAL 1 DAY FROM t ORDER BY 1", True)
    add("interval", "SELECT timestampadd(HOUR, 2, ts), timestampadd(DAY, -1, ts) FROM t ORDER BY id", True)
    add("interval", "SELECT ts - INTERVAL 30 MINUTES FROM t WHERE id < 4 ORDER BY 1", True)

    # 5. errors: each must fail with Spark's error class.
    errors = [
        "SELECT sum(max(x)) FROM t",
        "SELECT g, count(sum(id)) FROM t GROUP BY g",
        "SELECT id FROM t WHERE sum(x) > 1",
        "SELECT id FROM t WHERE count(*) > 0",
        "SELECT count(*) FROM t HAVING id > 1",
        "SELECT id FROM t HAVING id > 1",
        "SELECT id FROM t ORDER BY 5",
        "SELECT id FROM t ORDER BY 0",
        "SELECT g, count(*) FROM t GROUP BY 3",
        "SELECT g, count(*) FROM t GROUP BY 2",
        "SELECT split(s, ',')[5] FROM t",
        "SELECT arr[10] FROM t",
        "SELECT element_at(arr, 10) FROM t",
        "SELECT element_at(arr, 0) FROM t",
        "SELECT n / 0 FROM t",
        "SELECT id FROM t GROUP BY g",
        "SELECT nosuchfn(id) FROM t",
        "SELECT v.nope FROM v",
        "SELECT q.n FROM v",
        "SELECT transform(id, e -> e) FROM t",
        "SELECT EXTRACT(FOO FROM ts) FROM t",
        "SELECT date_part('nope', ts) FROM t",
        "SELECT timestampadd(FORTNIGHT, 1, ts) FROM t",
        "SELECT a FROM (SELECT n AS a, w AS a FROM v)",
        "SELECT CAST(s AS INT) FROM t",
        "SELECT 2147483647 + id FROM t",
    ]
    for sql in errors:
        add("error", sql)

    # 6. everyday mixtures over both tables.
    everyday = [
        "SELECT g, count(*) AS c, round(avg(x), 2) AS a FROM t GROUP BY g ORDER BY c DESC, g",
        "SELECT g, collect_set(id) IS NOT NULL FROM t GROUP BY g ORDER BY g",
        "SELECT date_trunc('MONTH', ts) AS m, count(*) FROM t GROUP BY m ORDER BY m NULLS FIRST",
        "SELECT EXTRACT(HOUR FROM ts) AS h, count(*) FROM t GROUP BY 1 ORDER BY 1",
        "SELECT typeof(x), typeof(n), typeof(ts), typeof(arr), typeof(d), typeof(NULL), typeof(1.5D) FROM t LIMIT 1",
        "SELECT format_number(1234567.891, 2), format_number(0.5D, 0), format_number(1.5D, 0), format_number(-1234.5D, 1)",
        "SELECT left('Spark', 3), right('Spark', 3), left('Spark', 0), right('Spark', -1)",
        "SELECT md5('Spark'), sha2('Spark', 256), hash('Spark'), hash(42), hash(42L), hash(1.5D)",
        "SELECT char(72), char(328), char(-1), chr(105)",
        "SELECT try_divide(1, 0), try_divide(10, 4), try_add(2147483647, 1), try_add(1, 2)",
        "SELECT last_day(DATE '2024-02-10'), months_between(DATE '2024-03-31', DATE '2024-02-29'), trunc(DATE '2024-08-17', 'QUARTER')",
        "SELECT weekofyear(DATE '2021-01-01'), weekofyear(DATE '2024-12-30'), weekofyear(DATE '2020-12-31')",
        "SELECT from_unixtime(0), from_unixtime(1700000000, 'yyyy-MM-dd HH:mm:ss')",
        "SELECT date_part('YEAR', DATE '2024-05-06'), date_part('doy', TIMESTAMP '2024-12-31 10:00:00')",
        "SELECT array_sort(array(3, NULL, 1, 2)), array_distinct(array(1, 2, 2, NULL, NULL, 1))",
        "SELECT transform(array(1, 2, 3), x -> x * 10), filter(array(1, 2, 3, 4), x -> x % 2 = 0)",
        "SELECT transform(array(1, 2), x -> transform(array(10, 20), y -> x + y))",
        "SELECT exists(array(1, NULL), x -> x > 5), forall(array(2, 4), x -> x % 2 = 0)",
        "SELECT median(n), percentile_approx(n, 0.5), mode(n) FROM v",
        "SELECT mode(g) FROM t",
        "SELECT count_if(b), count_if(NOT b), count_if(b IS NULL) FROM t",
        "SELECT stddev(n), variance(n), stddev_pop(n), var_pop(n), stddev_samp(n), var_samp(n) FROM v",
        "SELECT std(x), stddev(x) FROM t",
        "SELECT stddev(n) FROM v WHERE n > 4",
        "SELECT first(w), last(w) FROM (SELECT * FROM v WHERE n = 4)",
        "SELECT first(x, true), last(x, true) FROM (SELECT * FROM t WHERE id >= 6)",
        "SELECT to_json(named_struct('a', 1, 'b', 'x', 'c', CAST(NULL AS INT)))",
        "SELECT to_json(array(1, 2)), to_json(map('k', 1))",
        "SELECT from_json('{\"a\": [1, 2], \"b\": {\"c\": true}}', 'a ARRAY<INT>, b STRUCT<c: BOOLEAN>')",
        "SELECT from_json('not json', 'a INT')",
        "SELECT from_json('{\"a\": \"x\"}', 'a INT, b STRING')",
        "SELECT timestampadd(MONTH, 1, TIMESTAMP '2024-01-31 10:00:00'), timestampadd(YEAR, 1, TIMESTAMP '2024-02-29 00:00:00')",
        "SELECT timestampadd(WEEK, 2, DATE '2024-01-01'), timestampadd(QUARTER, -1, TIMESTAMP '2024-05-31 00:00:00')",
        "SELECT TIMESTAMP '2024-01-01 00:00:00' + INTERVAL 90 MINUTES",
        "SELECT DATE '2024-01-31' + INTERVAL 1 MONTH",
        "SELECT EXTRACT(YEAR FROM DATE '2024-05-06'), EXTRACT(month FROM TIMESTAMP '2024-05-06 07:08:09')",
        "SELECT n, w FROM v WHERE n IN (1, 2) ORDER BY 1, 2",
        "SELECT upper(w) AS W, count(*) FROM v GROUP BY W ORDER BY 1",
        "SELECT w AS x FROM v GROUP BY x ORDER BY x",
        "SELECT n AS k, sum(n) FROM v GROUP BY k ORDER BY k",
        "SELECT sum(x), sum(x * 0.1D), avg(x) FROM t",
        "SELECT g, sum(x / 3) FROM t GROUP BY g ORDER BY g",
        "SELECT sum(CAST(id AS DOUBLE) / 10) FROM t",
        "SELECT sum(0.1D) FROM t",
        "SELECT uuid() IS NOT NULL, length(uuid())",
        "SELECT count(DISTINCT monotonically_increasing_id()) FROM t",
        "SELECT current_timezone()",
        "SELECT split('', ',')[0]",
        "SELECT split('a,b', ',')[1], split('a,b', ',')[-1]",
    ]
    for sql in everyday:
        add("everyday", sql, " ORDER BY " in sql)

    # 7. random combinations: a scalar in WHERE, a group key from a function, an aggregate.
    target = len(cases) + 40
    while len(cases) < target:
        e = fill(rnd.choice(["upper({s})", "length({s})", "year(d)", "hour(ts)", "{i} % 3", "left({s}, 1)", "date_trunc('DAY', ts)", "weekofyear(d)", "EXTRACT(MONTH FROM ts)"]), rnd)
        agg = fill(rnd.choice(AGGREGATES), rnd)
        cond = rnd.choice(["id > 2", "x IS NOT NULL", "b OR id = 6", "n > 1000", "s LIKE '%a%'", "d >= DATE '2024-01-01'"])
        order = rnd.choice(["1", "1 DESC", "2, 1", "1 NULLS LAST"])
        add("mixed", f"SELECT {e} AS k, {agg} AS r FROM t WHERE {cond} GROUP BY 1 ORDER BY {order}", True)
    return cases


CASES = generate()
