"""The same indicators on Apache Spark (issue 23): the tiny extract with edge cases added built
with `--engine spark` and with DuckDB publishes the same bytes, file for file, on Spark in local
mode and through a Spark Connect server (a server of its own, started here from PySpark's
scripts, as a cluster would serve one). The tiny extract is all in it: one build per engine and
way keeps the test to about three and a half minutes, most of it Spark's overhead per query on
tiny tables.

PySpark and Java are installed by `make test` (make spark, make java), which sets
JOBTAL_REQUIRE_SPARK so that their absence fails here; elsewhere the module is skipped without
them."""

from __future__ import annotations

import filecmp
import importlib.util
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobtal.cli import main
from jobtal.pipeline import build
from tests.tiny_extract import ACTIVITIES, spells_with, write_tiny_package

if os.environ.get("JOBTAL_REQUIRE_SPARK") != "1" and (
    shutil.which("java") is None or importlib.util.find_spec("pyspark") is None
):
    pytest.skip("PySpark or Java is not installed", allow_module_level=True)

# Edge cases beside the tiny extract's own (leap day, two benefits in a month, a move, 182 and
# 183 days of sickness benefit, a spell ending on a month's last day): a one-day spell on the
# leap day, a spell across the year boundary at a third of full time, three overlapping spells
# of one person in one month, a person of 67 (no age group) and one turning 16, a spell that
# starts on the reference month's last day, an offer still running, and samtaler of one person
# in two municipalities in one month.
EDGE_SPELLS = [
    "xqs-e1,xqp-E1,147,sygedagpenge,2024-02-29,2024-02-29,1,K,1990,",
    "xqs-e2,xqp-E2,147,dagpenge,2023-12-31,2024-01-01,0.333333,M,2000,",
    "xqs-e3a,xqp-E3,101,kontanthjaelp,2024-01-05,2024-01-20,1,K,1995,jobparat",
    "xqs-e3b,xqp-E3,101,uddannelseshjaelp,2024-01-10,2024-02-10,0.5,K,1995,aktivitetsparat",
    "xqs-e3c,xqp-E3,101,ledighedsydelse,2024-01-15,,0.25,K,1995,",
    "xqs-e6,xqp-E6,101,foertidspension,2009-03-01,,1,K,1957,",
    "xqs-e7,xqp-E7,825,uddannelseshjaelp,2024-03-31,,1,M,2008,jobparat",
]
EDGE_ACTIVITIES = [
    "xqa-e1,xqp-E3,101,loentilskud,2024-01-31,",
    "xqa-e2,xqp-E3,101,samtale,2024-02-02,",
    "xqa-e3,xqp-E3,147,samtale,2024-02-20,",
]


def edge_package(folder: Path) -> Path:
    return write_tiny_package(
        folder,
        replace={
            "benefit_spells": spells_with(*EDGE_SPELLS),
            "activities": ACTIVITIES + "\n".join(EDGE_ACTIVITIES) + "\n",
        },
    )


def different_files(left: Path, right: Path) -> list[str]:
    """Every file that differs, or is in one site only."""
    found: list[str] = []

    def walk(compared: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + name for name in compared.left_only + compared.right_only)
        _, mismatch, errors = filecmp.cmpfiles(
            compared.left, compared.right, compared.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in compared.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return found


def same_site_on_both_engines(folder: Path) -> None:
    data = edge_package(folder / "extracts")
    sites = {}
    for engine in ("duckdb", "spark"):
        sites[engine] = build(data, folder / engine / "site", audit=False, engine=engine).site
    assert (sites["spark"] / "data" / "jobtal.parquet").is_file()
    assert different_files(sites["duckdb"], sites["spark"]) == []


def test_spark_publishes_the_same_bytes_as_duckdb(tmp_path, monkeypatch):
    monkeypatch.setenv("JOBTAL_SPARK_PARTITIONS", "1")  # tiny data: one task a stage
    monkeypatch.delenv("SPARK_REMOTE", raising=False)
    # the build writes only beside its output: nothing (a Spark warehouse) where it is run
    elsewhere = tmp_path / "current-directory"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    try:
        same_site_on_both_engines(tmp_path)
        assert list(elsewhere.iterdir()) == []
    finally:
        from pyspark.sql import SparkSession

        # PySpark refuses a remote session in a process where a local one runs
        if (local := SparkSession.getActiveSession()) is not None:
            local.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def connect_server(tmp_path):
    """A Spark Connect server on this machine (PySpark's own start script), its address, and
    its log; stopped afterwards."""
    import pyspark

    home = Path(pyspark.__file__).parent
    port = free_port()
    environment = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOG_DIR": str(tmp_path / "server-log"),
        "SPARK_PID_DIR": str(tmp_path / "server-pid"),
    }
    subprocess.run(
        ["bash", str(home / "sbin" / "start-connect-server.sh"), "--master", "local[2]",
         "--conf", f"spark.connect.grpc.binding.port={port}",
         "--conf", "spark.sql.shuffle.partitions=1", "--conf", "spark.ui.enabled=false",
         "--conf", f"spark.sql.warehouse.dir={tmp_path / 'server-warehouse'}"],
        env=environment, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the Spark Connect server did not start"
                time.sleep(1)
        yield f"sc://127.0.0.1:{port}", tmp_path / "server-log"
    finally:
        subprocess.run(
            ["bash", str(home / "sbin" / "stop-connect-server.sh")],
            env=environment, capture_output=True, timeout=120,
        )  # fmt: skip


def test_spark_connect_publishes_the_same_bytes_as_duckdb(tmp_path, monkeypatch, connect_server):
    address, server_log = connect_server
    monkeypatch.setenv("SPARK_REMOTE", address)
    same_site_on_both_engines(tmp_path)
    # the server ran the queries, for a client session of its own (not a local one beside it)
    logs = "".join(path.read_text() for path in server_log.glob("*.out"))
    assert "SessionHolder: Session with userId" in logs


@pytest.mark.parametrize(
    ("address", "said"),
    [
        ("sc://127.0.0.1:{port}", "no Spark Connect server answers at 127.0.0.1:{port}"),
        ("https://127.0.0.1:{port}", "is not a Spark Connect address"),
        ("sc://127.0.0.1:port", "is not a Spark Connect address"),
    ],
)
def test_an_address_no_server_answers_at_exits_2_at_once(tmp_path, monkeypatch, address, said):
    # PySpark alone would retry for about ten minutes
    port = free_port()  # closed again: nothing listens there
    monkeypatch.setenv("SPARK_REMOTE", address.format(port=port))
    out = tmp_path / "site"
    result = CliRunner().invoke(
        main, ["build", "--data", str(edge_package(tmp_path / "x")), "--out", str(out),
               "--engine", "spark", "--no-audit"],
    )  # fmt: skip
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if line.startswith("error")]
    assert line.startswith("error: SPARK_REMOTE: ") and said.format(port=port) in line
    assert not out.exists()
