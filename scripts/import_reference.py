"""Copy the real public reference data from ../shared/reference into datasets/, in the contract's
shape.

Run once by a maintainer when the reference data changes; the build reads only what this writes:

    python scripts/import_reference.py ../shared/reference

Writes datasets/reference/{regions,municipalities,neighbours,population}.csv,
datasets/calibration/y30r21_benchmark.csv and datasets/geo/kommuner_98.topojson.

The population table is modelled: FOLK1AM gives each municipality's total population on the 1st of
every month; the split by sex and age group applies a Danish age structure that varies by DST
municipality group (younger in the big cities, older in rural municipalities). The about page says
so.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

DATASETS = Path(__file__).resolve().parents[1] / "datasets"

AGE_GROUPS = ["16-24", "25-29", "30-39", "40-49", "50-59", "60-66"]
# Share of the whole population in each age group, Denmark around 2024 (DST FOLK1A, rounded).
NATIONAL_AGE_SHARE = np.array([0.113, 0.069, 0.126, 0.122, 0.134, 0.086])
# How each municipality group deviates from the national age structure (multipliers).
GROUP_AGE_PROFILE = {
    1: [1.00, 1.15, 1.12, 1.02, 0.95, 0.88],  # Hovedstadskommuner
    2: [1.35, 1.45, 1.10, 0.90, 0.85, 0.80],  # Storbykommuner
    3: [1.05, 1.00, 0.98, 0.98, 1.00, 1.00],  # Provinsbykommuner
    4: [0.95, 0.80, 0.92, 1.05, 1.06, 1.08],  # Oplandskommuner
    5: [0.92, 0.75, 0.85, 0.98, 1.12, 1.22],  # Landkommuner
}
# Share of men within each age group.
MALE_SHARE = np.array([0.513, 0.510, 0.505, 0.505, 0.502, 0.495])


def main(reference: Path) -> None:
    kommuner = pd.read_csv(reference / "kommuner.csv", dtype={"kode": int})
    out = DATASETS / "reference"
    out.mkdir(parents=True, exist_ok=True)

    regions = (
        kommuner[["region_kode", "region_navn"]]
        .drop_duplicates()
        .rename(columns={"region_kode": "region_code", "region_navn": "region_name"})
        .sort_values("region_code")
    )
    regions.to_csv(out / "regions.csv", index=False)

    municipalities = kommuner.rename(
        columns={
            "kode": "municipality_code",
            "navn": "municipality_name",
            "region_kode": "region_code",
            "kommunegruppe_kode": "municipality_group",
        }
    )[["municipality_code", "municipality_name", "region_code", "municipality_group"]]
    municipalities = municipalities.sort_values("municipality_code")
    municipalities.to_csv(out / "municipalities.csv", index=False)

    pairs = pd.read_csv(reference / "geo" / "kommuner_98_adjacency.csv")
    both_ways = pd.concat(
        [
            pairs.rename(columns={"kode_a": "municipality_code", "kode_b": "neighbour_code"}),
            pairs.rename(columns={"kode_b": "municipality_code", "kode_a": "neighbour_code"}),
        ]
    )[["municipality_code", "neighbour_code"]]
    both_ways.sort_values(["municipality_code", "neighbour_code"]).to_csv(
        out / "neighbours.csv", index=False
    )

    totals = pd.read_csv(reference / "dst" / "folk1am_population_monthly.csv")
    totals = totals.rename(columns={"kode": "municipality_code", "value": "total"})
    totals["month"] = totals["period"].str.replace("M", "-", regex=False)
    totals = totals.merge(municipalities[["municipality_code", "municipality_group"]])
    population = split_population(totals)
    population.to_csv(out / "population.csv", index=False)

    calibration = DATASETS / "calibration"
    calibration.mkdir(exist_ok=True)
    shutil.copyfile(
        reference / "jobindsats" / "y30r21_benchmark_tidy.csv", calibration / "y30r21_benchmark.csv"
    )
    geo = DATASETS / "geo"
    geo.mkdir(exist_ok=True)
    shutil.copyfile(reference / "geo" / "kommuner_98.topojson", geo / "kommuner_98.topojson")
    print(
        f"regions {len(regions)}, municipalities {len(municipalities)}, "
        f"neighbour pairs {len(both_ways)}, population rows {len(population)}"
    )


def split_population(totals: pd.DataFrame) -> pd.DataFrame:
    """One row per municipality, month, sex and age group, from monthly totals."""
    profile = np.array([GROUP_AGE_PROFILE[g] for g in totals["municipality_group"]])
    age_share = profile * NATIONAL_AGE_SHARE  # rows x 6
    frames = []
    for sex, sex_share in (("K", 1 - MALE_SHARE), ("M", MALE_SHARE)):
        persons = np.rint(totals["total"].to_numpy()[:, None] * age_share * sex_share)
        frame = pd.DataFrame(persons.astype(np.int64), columns=AGE_GROUPS)
        frame["municipality_code"] = totals["municipality_code"].to_numpy()
        frame["month"] = totals["month"].to_numpy()
        frame["sex"] = sex
        frames.append(
            frame.melt(
                ["municipality_code", "month", "sex"], var_name="age_group", value_name="persons"
            )
        )
    return pd.concat(frames).sort_values(["municipality_code", "month", "sex", "age_group"])


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/reference"))
