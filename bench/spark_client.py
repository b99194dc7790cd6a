"""One PySpark Connect client driving one server (Spark or Kindling) through the seed queries.

Usage: python bench/spark_client.py URL CORPUS_DIR WARMUP_DIR RUNS SHUFFLE_PARTITIONS
Prints one JSON line per measured run: {"query", "run", "seconds", "rows", "total"}. The text
source reads every file of CORPUS_DIR in one query (each query has its own checkpoint), so both
engines read the same files; `total` (sum of counts) checks that both counted the same words.
"""

from __future__ import annotations

import json
import sys
import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

SLIDES = {"q1": "30 seconds", "q2": "5 seconds"}


def run(spark: SparkSession, directory: str, query: str, name: str) -> dict:
    lines = spark.readStream.format("text").load(directory)
    words = lines.select(F.explode(F.split(lines.value, " ")).alias("word"))
    wwt = words.withColumn("timestamp", F.current_timestamp()).withWatermark("timestamp", "5 seconds")
    counts = wwt.groupBy(F.window("timestamp", "60 seconds", SLIDES[query]), "word").count()
    started = time.perf_counter()
    q = counts.writeStream.outputMode("complete").format("memory").queryName(name).start()
    q.processAllAvailable()
    seconds = time.perf_counter() - started
    q.stop()
    row = spark.sql(f"SELECT count(*) AS n, sum(`count`) AS total FROM {name}").collect()[0]
    return {"query": query, "seconds": seconds, "rows": int(row["n"]), "total": int(row["total"] or 0)}


def main() -> None:
    url, corpus, warmup, runs, partitions = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    spark = SparkSession.builder.remote(url).getOrCreate()
    spark.conf.set("spark.sql.shuffle.partitions", partitions)
    for query in ("q1", "q2"):
        run(spark, warmup, query, f"warm_{query}")
    for i in range(runs):
        for query in ("q1", "q2"):
            result = run(spark, corpus, query, f"{query}_{i}")
            print(json.dumps({**result, "run": i}), flush=True)
    spark.stop()


if __name__ == "__main__":
    main()
