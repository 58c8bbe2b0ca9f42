"""`jobtal unpack-release`: write a release's CSV files again from its archived values, and
check them against the checksums of what it published.

A release keeps its values once (data/jobtal.parquet); every CSV it published is a selection
of them in a fixed order and format. Writing them again with the code the build itself uses
(tables.write_data_files) gives the same bytes, so a reader can check a file downloaded years
ago against the release, and the archive need not keep every file. The workbooks are a layout
of the same values with the labels of the jobtal version that wrote them: their checksums are
kept, but they are not written again."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from jobtal.publish.files import sha256
from jobtal.publish.releases import ReleaseError, read_checked
from jobtal.publish.tables import value_text, write_data_files
from jobtal.sql import connect, sql_string


@dataclass(frozen=True)
class Unpacked:
    release: str
    matching: list[str]  # written again with exactly the published bytes
    different: list[str]  # written again, but not as published
    figures_match: bool  # every value, as the uncompressed all-values CSV the release named


def unpack_release(folder: Path, out: Path) -> Unpacked:
    """Write the CSV files of the release in `folder` under `out`/data/ as it published them."""
    release = read_checked(folder)
    if not release.decimals or not release.jobcentres:
        raise ReleaseError(
            f"release {release.name} was archived before releases kept their values once; "
            "its files are in its data/ folder as they are"
        )
    jobcentres = release.jobcentres  # code -> [municipality group, region]
    work = out.with_name(f".{out.name}.unpacking")
    shutil.rmtree(work, ignore_errors=True)
    con = connect()
    try:
        con.execute("CREATE TEMP TABLE decimals (indicator VARCHAR, decimals INTEGER)")
        con.executemany("INSERT INTO decimals VALUES (?, ?)", list(release.decimals.items()))
        con.execute(
            "CREATE TEMP TABLE municipalities "
            "(municipality_code INTEGER, municipality_group INTEGER, region_code VARCHAR)"
        )
        con.executemany(
            "INSERT INTO municipalities VALUES (?, ?, ?)",
            [[int(code), group, str(region)] for code, (group, region) in jobcentres.items()],
        )
        values = sql_string(str(folder / release.values_file))
        con.execute(f"""
            CREATE TEMP TABLE published AS
            SELECT v.* EXCLUDE (file_row_number)
                   REPLACE ({value_text("v.value", "d.decimals")} AS value)
            FROM read_parquet({values}, file_row_number = true) AS v
            JOIN decimals AS d USING (indicator)
            ORDER BY file_row_number
        """)
        indicators = [
            row[0]
            for row in con.execute(
                "SELECT indicator FROM published GROUP BY indicator ORDER BY min(rowid)"
            ).fetchall()
        ]
        files = write_data_files(con, work, work, indicators)
    finally:
        con.close()
    figures_match = sha256(files.all_values_csv) == release.figures_sha256
    files.all_values_csv.unlink()
    matching, different = [], []
    for path in sorted(p for p in work.rglob("*") if p.is_file()):
        relative = path.relative_to(work).as_posix()
        expected = release.published.get(relative, {}).get("sha256")
        (matching if expected == sha256(path) else different).append(relative)
    shutil.rmtree(out, ignore_errors=True)
    work.rename(out)
    return Unpacked(release.name, matching, different, figures_match)
