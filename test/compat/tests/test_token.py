"""A Kindling that requires a token (`--token`, or KINDLING_TOKEN): the client's `;token=` works, a
wrong or missing token fails at once with UNAUTHENTICATED (never a status the client retries)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import grpc
import pytest
from pyspark.errors.exceptions.connect import SparkConnectGrpcException
from pyspark.sql import SparkSession

from support.processes import KindlingProcess, Server, start_kindling, stop_kindling

TOKEN = "s3cret"
# A refused call is one round trip; the client's retry loop on UNAVAILABLE would take minutes.
FAIL_FAST_SECONDS = 5.0


@pytest.fixture(scope="module", params=["flag", "env"])
def secured(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KindlingProcess]:
    tmp: Path = tmp_path_factory.mktemp(f"kindling-token-{request.param}")
    if request.param == "flag":
        k = start_kindling(tmp, "kindling-token", extra=["--token", TOKEN])
    else:
        k = start_kindling(tmp, "kindling-token", env={"KINDLING_TOKEN": TOKEN})
    yield k
    stop_kindling(k)


def session(url: str) -> SparkSession:
    return SparkSession.builder.remote(url).create()


def test_right_token(secured: KindlingProcess) -> None:
    spark = session(f"sc://localhost:{secured.port}/;token={TOKEN}")
    try:
        assert spark.range(3).count() == 3
        assert spark.sql("SELECT 1 AS one").collect()[0].one == 1
        df = spark.createDataFrame([("cat", 2)], "word string, n int")
        assert df.collect()[0].word == "cat"
    finally:
        spark.stop()


def test_token_from_the_client_environment(secured: KindlingProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPARK_CONNECT_AUTHENTICATE_TOKEN", TOKEN)
    spark = session(f"sc://localhost:{secured.port}")
    try:
        assert spark.range(2).count() == 2
    finally:
        spark.stop()


def unauthenticated(call: Callable[[], object]) -> SparkConnectGrpcException:
    started = time.monotonic()
    with pytest.raises(SparkConnectGrpcException) as e:
        call()
    took = time.monotonic() - started
    assert took < FAIL_FAST_SECONDS, f"took {took:.1f}s: the client retried"
    assert e.value.getGrpcStatusCode() == grpc.StatusCode.UNAUTHENTICATED
    return e.value


@pytest.mark.parametrize(
    ("url_suffix", "message"),
    [
        ("/;token=wrong", "Invalid authentication token"),
        ("/;token=s3cret2", "Invalid authentication token"),
        ("", "No authentication token provided"),
    ],
    ids=["wrong", "longer", "missing"],
)
def test_refused_token(secured: KindlingProcess, url_suffix: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPARK_CONNECT_AUTHENTICATE_TOKEN", raising=False)
    opened: list[SparkSession] = []

    def connect_and_query() -> None:
        s = session(f"sc://localhost:{secured.port}{url_suffix}")
        opened.append(s)
        s.range(1).collect()

    try:
        e = unauthenticated(connect_and_query)
        # Spark's own texts for the two cases.
        assert f'details = "{message}"' in str(e), str(e)
    finally:
        for s in opened:
            s.stop()
    assert SparkSession.getActiveSession() is None


def test_token_is_not_required_by_the_plain_server(kindling: Server) -> None:
    # A token sent to a server without one is ignored, as Spark's server does.
    spark = session(f"sc://localhost:{kindling.port}/;token={TOKEN}")
    try:
        assert spark.range(1).count() == 1
    finally:
        spark.stop()
