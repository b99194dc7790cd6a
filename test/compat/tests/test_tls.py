"""TLS on the Spark Connect port (`--tls-cert`/`--tls-key`, here through KINDLING_TLS_CERT and
KINDLING_TLS_KEY) with the real PySpark client from a non-localhost address: PySpark switches to
TLS whenever a token goes to a host other than `localhost`, so `sc://127.0.0.2:PORT/;token=T` must
work, with the test CA given through gRPC's root-certificate setting. The CA and the server's
certificate are made here with `openssl`; no key is ever committed."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from pyspark.errors.exceptions.connect import SparkConnectGrpcException
from pyspark.sql import SparkSession

from support.processes import KindlingProcess, start_kindling, stop_kindling

TOKEN = "tls-t0ken"
HOST = "127.0.0.2"


def openssl(cwd: Path, *args: str) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for localhost, 127.0.0.1 and 127.0.0.2."""
    openssl(d, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
            "-days", "2", "-subj", "/CN=kindling-compat-ca")
    openssl(d, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
            "-subj", "/CN=kindling-compat-server")
    (d / "server.ext").write_text("basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2\n")
    openssl(d, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "server.crt", "-days", "2", "-sha256", "-extfile", "server.ext")
    return d / "ca.crt", d / "server.crt", d / "server.key"


@pytest.fixture(scope="module")
def tls_kindling(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KindlingProcess]:
    tmp: Path = tmp_path_factory.mktemp("kindling-tls")
    ca, cert, key = make_certs(tmp)
    # gRPC reads its default roots from here when the first TLS channel is made (no other test in
    # this process makes one before).
    previous = os.environ.get("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH")
    os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = str(ca)
    k = start_kindling(tmp, "kindling-tls", extra=["--host", HOST],
                       env={"KINDLING_TLS_CERT": str(cert), "KINDLING_TLS_KEY": str(key), "KINDLING_TOKEN": TOKEN})
    yield k
    stop_kindling(k)
    if previous is None:
        os.environ.pop("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", None)
    else:
        os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = previous


def session(url: str) -> SparkSession:
    return SparkSession.builder.remote(url).create()


@pytest.mark.parametrize("suffix", [f";use_ssl=true;token={TOKEN}", f";token={TOKEN}"], ids=["use_ssl", "token-implies-tls"])
def test_pyspark_over_tls_from_a_non_localhost_address(tls_kindling: KindlingProcess, suffix: str) -> None:
    spark = session(f"sc://{HOST}:{tls_kindling.port}/{suffix}")
    try:
        assert spark.range(5).count() == 5
        assert spark.sql("SELECT 'over tls' AS s").collect()[0].s == "over tls"
        df = spark.createDataFrame([("cat", 2), ("dog", 3)], "word string, n int")
        assert sorted((r.word, r.n) for r in df.collect()) == [("cat", 2), ("dog", 3)]
    finally:
        spark.stop()


def test_wrong_token_over_tls_is_unauthenticated(tls_kindling: KindlingProcess) -> None:
    spark = session(f"sc://{HOST}:{tls_kindling.port}/;use_ssl=true;token=wrong")
    try:
        with pytest.raises(SparkConnectGrpcException) as e:
            spark.range(1).collect()
        assert e.value.getGrpcStatusCode() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        spark.stop()
