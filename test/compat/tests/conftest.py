"""Fixtures: a Kindling (`kindling local`) for the whole run, line servers for the socket source,
and client sessions that are always stopped afterwards."""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator

import pytest
from pyspark.sql import SparkSession

from support.processes import ClusterProcesses, ExternalServer, LineServer, Server, running, start_kindling, stop_kindling


@pytest.fixture(scope="session", params=["local", "cluster"])
def kindling(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Every shared-server test runs against `kindling local` and against a cluster (redis-server,
    `kindling master`, two `kindling worker`s)."""
    # KINDLING_COMPAT_REMOTE=sc://localhost:15002 points the shared-server tests at a server already
    # running (a real Spark, to check what these tests expect); the token tests still start Kindlings.
    remote = os.environ.get("KINDLING_COMPAT_REMOTE")
    if remote:
        if request.param == "cluster":
            pytest.skip("KINDLING_COMPAT_REMOTE names one server")
        yield ExternalServer(remote)
        return
    if request.param == "cluster":
        c = ClusterProcesses(tmp_path_factory.mktemp("cluster"))
        running.append(c)  # type: ignore[arg-type]
        yield c  # type: ignore[misc]
        running.remove(c)  # type: ignore[arg-type]
        c.stop()
        return
    k = start_kindling(tmp_path_factory.mktemp("kindling"), "kindling")
    yield k
    stop_kindling(k)


@pytest.fixture
def line_server() -> Iterator[LineServer]:
    s = LineServer()
    yield s
    s.close()


def stop_session(spark: SparkSession) -> None:
    """Stops the session's queries, then the session (idempotent)."""
    if spark.is_stopped:
        return
    try:
        for q in spark.streams.active:
            q.stop()
    finally:
        spark.stop()


@pytest.fixture
def spark(kindling: Server) -> Iterator[SparkSession]:
    """A new client session (a server-side session of its own); its queries and itself are stopped
    afterwards."""
    s = SparkSession.builder.remote(kindling.url).create()
    yield s
    stop_session(s)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for k in running:
            report.sections.append((f"kindling {' '.join(k.args)} (log tail)", k.log_tail()))
    return report
