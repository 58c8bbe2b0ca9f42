"""The indicators on Apache Spark (issue 23; SPEC section 8: `jobtal build --engine spark`), for
microdata that outgrow one machine.

Validation stays on DuckDB. This module writes the typed tables base.sql reads as Parquet,
runs base.sql and every definition on Spark SQL (the same text as on DuckDB: the engine only
decides how a table is kept, here a locally checkpointed view, and defines the prelude's
functions), and hands indicator_values and the small tables the later stages read back to
DuckDB as Arrow. Protection and publishing run on DuckDB as before, so the published files are
the same bytes (tests/test_spark.py).

Where Spark runs: a Spark Connect server when SPARK_REMOTE is set (Databricks, Dataproc and EMR
serve Spark Connect), a cluster's master when SPARK_MASTER is set, else local mode on this
machine (local[*]). On a cluster, the cluster must read the Parquet files: set
JOBTAL_SPARK_INPUT to where the working folder's spark-input/ is on storage it reads (the
docs' docs/dev/spark.md has the steps). PySpark is an optional extra (jobtal[spark]) and needs
Java 17 or later."""

from __future__ import annotations

import os
import shutil
import socket
import time
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import pyarrow as pa

from jobtal.extracts.package import UnusableInput
from jobtal.indicators.engine import (
    SPARK_PRELUDE,
    Definition,
    base_statements,
    definition_query,
    make_vocabulary,
    vocabulary_tables,
)
from jobtal.log import log
from jobtal.sql import ident, sql_string

INSTALL = "pip install 'jobtal[spark]' (PySpark 4.1 or later) and Java 17 or later"
# the extracts and reference tables base.sql reads, as validation typed them
INPUT_TABLES = ["benefit_spells", "activities", "population", "municipalities", "regions"]
# what the later stages read besides indicator_values (jobtal.catalog)
RETURNED_TABLES = ["areas", "months", "population_cells"]
CONNECT_PORT = 15002  # Spark Connect's port when the address names none
SPARK_TYPES = {"STRING": "STRING", "INTEGER": "INT", "BIGINT": "BIGINT"}
# indicator_values as the DuckDB engine makes it (Spark marks some columns not null, some not)
VALUES_SCHEMA = pa.schema(
    [(name, pa.string()) for name in
     ("indicator", "area_type", "area_code", "period", "benefit", "sex", "age_group")]
    + [("value", pa.float64()), ("persons", pa.int64()), ("subset_persons", pa.int64())]
)  # fmt: skip


def session(work: Path):
    """The Spark session: Spark Connect ($SPARK_REMOTE), a cluster ($SPARK_MASTER) or local
    mode. Exits 2 with what to install when PySpark or Java is missing. Whatever Spark writes
    on this machine goes under the build's working folder `work` (its SQL warehouse would
    otherwise be a folder in the current directory)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise UnusableInput(f"--engine spark needs PySpark: {INSTALL}") from error
    # PySpark 4.3 warns that pandas 3 is not fully supported: jobtal hands it Arrow only
    warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
    builder = SparkSession.builder.appName("jobtal")
    if os.environ.get("SPARK_REMOTE"):
        check_reachable(os.environ["SPARK_REMOTE"])
        builder = builder.remote(os.environ["SPARK_REMOTE"])
    else:
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise UnusableInput(f"--engine spark needs Java (none found): {INSTALL}")
        builder = (
            builder.master(os.environ.get("SPARK_MASTER", "local[*]"))
            .config("spark.driver.memory", os.environ.get("JOBTAL_SPARK_DRIVER_MEMORY", "4g"))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.warehouse.dir", str(work / "spark-warehouse"))
            # a build's tables are small per shuffle on one machine; Spark's 200 partitions
            # would make thousands of tiny tasks
            .config("spark.sql.shuffle.partitions", os.environ.get("JOBTAL_SPARK_PARTITIONS", "8"))
        )
    spark = builder.config("spark.sql.session.timeZone", "UTC").getOrCreate()
    if not os.environ.get("SPARK_REMOTE"):
        spark.sparkContext.setLogLevel("ERROR")
    return spark


def check_reachable(remote: str, seconds: float = 10) -> None:
    """Refuses a Spark Connect address nothing answers at: PySpark itself retries for about
    ten minutes before it gives up."""
    address = urlsplit(remote.split(";", 1)[0])
    try:
        host, port = address.hostname, address.port or CONNECT_PORT
    except ValueError:  # a port that is not a number
        host = None
    if address.scheme != "sc" or not host:
        raise UnusableInput(
            f"SPARK_REMOTE: {remote!r} is not a Spark Connect address sc://host:port"
        )
    try:
        socket.create_connection((host, port), timeout=seconds).close()
    except OSError as error:
        reason = error.strerror or error
        raise UnusableInput(
            f"SPARK_REMOTE: no Spark Connect server answers at {host}:{port} ({reason})"
        ) from error


def write_inputs(con: duckdb.DuckDBPyConnection, folder: Path) -> dict[str, str]:
    """The typed tables base.sql reads, as Parquet files Spark reads; returns their URIs."""
    folder.mkdir(parents=True, exist_ok=True)
    base = os.environ.get("JOBTAL_SPARK_INPUT", str(folder)).rstrip("/")
    uris = {}
    for name in INPUT_TABLES:
        columns = [
            row[0]
            for row in con.execute(f"DESCRIBE {ident(name)}").fetchall()
            if row[0] != "_row"  # the validator's row numbers
        ]
        path = folder / f"{name}.parquet"
        con.execute(
            f"COPY (SELECT {', '.join(map(ident, columns))} FROM {ident(name)}) "
            f"TO {sql_string(str(path))} (FORMAT PARQUET)"
        )
        uris[name] = f"{base}/{name}.parquet"
    return uris


def compute_on_spark(
    con: duckdb.DuckDBPyConnection,
    definitions: list[Definition],
    reference_month: str,
    work: Path,
) -> int:
    """Every definition computed on Spark into DuckDB's indicator_values (and the tables of
    RETURNED_TABLES); returns its number of rows."""
    spark = session(work)
    make_vocabulary(con, reference_month)
    started = time.perf_counter()
    for name, uri in write_inputs(con, work / "spark-input").items():
        spark.read.parquet(uri).createOrReplaceTempView(name)
    for table in vocabulary_tables(reference_month):
        schema = ", ".join(f"{name} {SPARK_TYPES[kind]}" for name, kind in table.columns)
        spark.createDataFrame(list(table.rows), schema=schema).createOrReplaceTempView(table.name)
    for statement in SPARK_PRELUDE:
        spark.sql(statement)
    log(f"  extracts handed to Spark in {time.perf_counter() - started:.1f} s")
    for statement in base_statements():
        started = time.perf_counter()
        frame = spark.sql(statement.query)
        if statement.kind == "TABLE":
            # kept as its rows, without the plan that made them: with cache() every later
            # query's plan held the plans of every table before it, which Spark analyses and
            # matches against the cache again at each query (the tiny extract's computation
            # took 158 s in local mode, 62 s so). The price: an executor lost on a cluster loses
            # its blocks, and the build stops rather than compute them again
            frame = frame.localCheckpoint(eager=True)
            rows = frame.count()
            log(f"  {statement.name}: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        frame.createOrReplaceTempView(statement.name)
    # each definition's values straight back as Arrow: a definition that reads the values of
    # those before it (forskel_forventet) gets them as a table of their own, not as a union of
    # every earlier plan (which Spark re-plans, and in local mode ran out of memory on)
    computed: list[pa.Table] = []
    for definition in definitions:
        started = time.perf_counter()
        if "indicator_values" in definition.sql:
            earlier = spark.createDataFrame(pa.concat_tables(computed))
            earlier.createOrReplaceTempView("indicator_values")
        computed.append(spark.sql(definition_query(definition)).toArrow().cast(VALUES_SCHEMA))
        log(
            f"  indicator {definition.id}: {computed[-1].num_rows:,} values in "
            f"{time.perf_counter() - started:.1f} s"
        )
    started = time.perf_counter()
    indicator_values = pa.concat_tables(computed)  # noqa: F841 (DuckDB reads it by its name)
    con.execute("CREATE OR REPLACE TABLE indicator_values AS SELECT * FROM indicator_values")
    for name in RETURNED_TABLES:
        arrow = spark.table(name).toArrow()  # noqa: F841
        con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM arrow")
    # gives the session and its checkpointed tables back now: a shared cluster (or the local
    # JVM) would keep them until the session ends; and leaves nothing for PySpark to tidy at
    # exit, when a Connect server may be gone
    spark.stop()
    log(f"  results handed back to DuckDB in {time.perf_counter() - started:.1f} s")
    return con.execute("SELECT count(*) FROM indicator_values").fetchone()[0]
