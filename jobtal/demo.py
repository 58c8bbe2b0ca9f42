"""Synthetic microdata that behaves like the real thing: `jobtal demo`.

Every municipality gets benefit spells and jobcentre activities whose levels follow real published
figures (jobindsats.dk Y30R21 shares of the 16-66 population for A-dagpenge, sygedagpenge and the
kontanthjælp groups; national magnitudes for the other benefit groups) and whose dynamics look
plausible: durations that differ by benefit, seasonal A-dagpenge inflow, a gentle trend, part-time
sickness benefit and flexjobs, readiness for the social assistance groups, ages that fit each
benefit, follow-on spells (sygedagpenge -> jobafklaring, dagpenge -> kontanthjælp, ressourceforløb
-> fleksjob), conversations about monthly and activation offers for a share of recipients.

Everything is drawn with numpy, vectorised over spells: there is no loop per person, and the same
seed gives the same files byte for byte.

The model is a stationary flow: a benefit with a stock of S persons and a mean spell of D days
gets S / D new spells a day. The stock already running on the first day is drawn from the
length-biased duration distribution (a lognormal with mu + sigma^2), with the elapsed part uniform,
which is exactly the stationary state of such a renewal process, so no burn-in is needed.
`scale` shrinks the population and the recipients alike, so shares stay realistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from jobtal import paths
from jobtal.defaults import DemoSettings
from jobtal.demo_internal import (
    assign_caseload,
    caseload_until_spells_end,
    caseworkers_of,
    draw_staff,
    kept_by_caseworker,
    offer_outcomes,
)
from jobtal.demo_package import write_package
from jobtal.months import month_range, next_month

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class BenefitModel:
    median_days: float  # median spell length
    sigma: float  # lognormal shape of the spell length
    ages: tuple[int, int, int]  # age at the start of a spell: lowest, highest, most common
    max_age: int = 66  # the spell ends in the year the person turns max_age + 1
    trend: float = 0.0  # yearly relative change of the inflow
    seasonal: float = 0.0  # amplitude of the inflow's yearly cycle (peak in January)
    readiness_jobparat: float | None = None  # share jobparat, for the social assistance groups
    part_time: tuple[float, tuple[float, ...]] | None = None  # share part-time, degrees drawn from


BENEFIT_MODELS: dict[str, BenefitModel] = {
    "dagpenge": BenefitModel(75, 0.9, (20, 66, 30), trend=0.02, seasonal=0.2),
    "kontanthjaelp": BenefitModel(300, 1.2, (30, 66, 38), trend=-0.03, readiness_jobparat=0.3),
    "uddannelseshjaelp": BenefitModel(
        240, 1.0, (16, 29, 22), max_age=29, trend=-0.02, readiness_jobparat=0.35
    ),
    "selvforsoergelse": BenefitModel(365, 1.0, (18, 60, 32), readiness_jobparat=0.45),
    "sygedagpenge": BenefitModel(
        50, 1.0, (18, 66, 45), trend=0.01, part_time=(0.25, (0.25, 0.4, 0.5, 0.6, 0.75))
    ),
    "jobafklaring": BenefitModel(240, 0.7, (25, 64, 48)),
    "revalidering": BenefitModel(365, 0.6, (20, 55, 35)),
    "ressourceforloeb": BenefitModel(500, 0.6, (18, 64, 40), trend=0.02),
    "ledighedsydelse": BenefitModel(120, 0.9, (25, 66, 50)),
    "fleksjob": BenefitModel(
        2200,
        0.8,
        (25, 66, 50),
        trend=0.02,
        part_time=(0.9, (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)),
    ),
    "foertidspension": BenefitModel(5500, 0.6, (20, 66, 52), trend=-0.01),
}

# National full-time persons as % of the 16-66 population for the benefits that Y30R21 does not
# cover (jobindsats.dk, rounded); each municipality's level leans on its kontanthjælp level.
NATIONAL_SHARE = {
    "jobafklaring": 0.30,
    "revalidering": 0.07,
    "ressourceforloeb": 0.55,
    "ledighedsydelse": 0.35,
    "fleksjob": 1.15,
    "foertidspension": 4.40,
}
# How Y30R21's "Kontanthjælp mv." divides between the three social assistance groups.
KONTANTHJAELP_SPLIT = {"kontanthjaelp": 0.55, "uddannelseshjaelp": 0.28, "selvforsoergelse": 0.17}
Y30R21_GROUPS = {
    "A-dagpenge mv.": "dagpenge",
    "Sygedagpenge mv.": "sygedagpenge",
    "Kontanthjælp mv.": "kontanthjaelp",
}

# Follow-on spells: (from, to, probability, only after a spell of at least this many days)
TRANSITIONS = [
    ("sygedagpenge", "jobafklaring", 0.25, 150),
    ("dagpenge", "kontanthjaelp", 0.04, 0),
    ("ressourceforloeb", "fleksjob", 0.25, 0),
]
# Who is called in for conversations about monthly, and who gets activation offers (share).
CONVERSATION_BENEFITS = ["dagpenge", "kontanthjaelp", "uddannelseshjaelp", "selvforsoergelse"]
# due every 23 days; the caseworkers hold 65-100 % of those due (their teams 80-100 %,
# demo_internal.py): about one a month on average
CONVERSATION_DAYS = 23
OFFER_SHARE = {
    "dagpenge": 0.3,
    "kontanthjaelp": 0.35,
    "uddannelseshjaelp": 0.3,
    "selvforsoergelse": 0.35,
    "sygedagpenge": 0.08,
    "jobafklaring": 0.4,
    "ressourceforloeb": 0.5,
}
OFFER_TYPES = (["virksomhedspraktik", "loentilskud", "opkvalificering"], [0.45, 0.2, 0.35])


def write_demo(out: Path, settings: DemoSettings | None = None) -> dict[str, int]:
    """Write a complete, valid data package of synthetic extracts to `out`.

    Returns the number of rows per resource."""
    settings = settings or DemoSettings()
    rng = np.random.default_rng(settings.seed)
    months = month_range(settings.start, settings.end)
    extract_day = np.datetime64(f"{next_month(settings.end)}-05")
    first_day = np.datetime64(f"{settings.start}-01")

    # --- read the real reference data the demo is calibrated to
    reference = paths.DATASETS / "reference"
    municipalities = pd.read_csv(reference / "municipalities.csv")
    population = scaled_population(
        pd.read_csv(reference / "population.csv"), months, settings.scale
    )
    targets = stock_targets(municipalities, population)

    # --- draw spells, then activities
    spells = draw_spells(rng, targets, first_day, extract_day, settings.scale)
    activities = draw_activities(rng, spells, first_day, extract_day)

    # --- the internal edition's: caseworkers and their caseload, who held each activity, and
    # the activities as the caseworkers' own rates thin them (a random stream of its own)
    internal = np.random.default_rng([settings.seed, 22])
    staff = draw_staff(internal, spells, extract_day)
    caseload = assign_caseload(internal, spells, staff, extract_day)
    caseworker = caseworkers_of(internal, activities, caseload, staff)
    kept = kept_by_caseworker(internal, activities, caseworker, staff)
    activities = {key: values[kept] for key, values in activities.items()}
    activities["caseworker"] = caseworker[kept]
    # offers that work for some target groups end their spells early
    spells, activities = offer_outcomes(internal, spells, activities)
    caseload = caseload_until_spells_end(caseload, spells)

    return write_package(
        out, settings, population, spells, activities, extract_day, staff, caseload
    )


# ----------------------------------------------------------------------------- calibration


def scaled_population(real: pd.DataFrame, months: list[str], scale: float) -> pd.DataFrame:
    """The population for every month of the range: real FOLK1AM-based figures where they exist,
    outside that the nearest real month grown or shrunk by 0.4 % a year; times `scale`."""
    real_months = sorted(real["month"].unique())
    frames = []
    for month in months:
        nearest = min(real_months, key=lambda m: abs(month_number(m) - month_number(month)))
        years = (month_number(month) - month_number(nearest)) / 12
        frame = real[real["month"] == nearest].copy()
        frame["month"] = month
        frame["persons"] = np.rint(frame["persons"] * scale * 1.004**years).astype(np.int64)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def stock_targets(municipalities: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Expected full-time persons per municipality and benefit, from real shares."""
    shares = pd.read_csv(paths.CALIBRATION)
    latest = shares[shares["period"] == shares["period"].max()]
    latest = latest[latest["ydelsesgruppe"].isin(Y30R21_GROUPS)]
    wide = latest.pivot(index="kode", columns="ydelsesgruppe", values="faktisk_andel_pct")
    wide = wide.rename(columns=Y30R21_GROUPS)

    first_month = population["month"].min()
    pop = (
        population[population["month"] == first_month].groupby("municipality_code")["persons"].sum()
    )
    targets = pd.DataFrame(index=municipalities["municipality_code"])
    targets["population"] = pop
    targets["dagpenge"] = wide["dagpenge"]
    targets["sygedagpenge"] = wide["sygedagpenge"]
    for benefit, part in KONTANTHJAELP_SPLIT.items():
        targets[benefit] = wide["kontanthjaelp"] * part
    # The other groups follow the national level, leaning on the local social assistance level.
    lean = (wide["kontanthjaelp"] / wide["kontanthjaelp"].mean()) ** 0.6
    for benefit, share in NATIONAL_SHARE.items():
        targets[benefit] = share * lean
    shares_pct = targets[list(BENEFIT_MODELS)].fillna(0)
    persons = shares_pct.mul(targets["population"], axis=0) / 100
    return persons.fillna(0)


# ----------------------------------------------------------------------------- spells


def draw_spells(rng, targets: pd.DataFrame, first_day, extract_day, scale: float) -> dict:
    """All spells overlapping [first_day, extract_day): the stock on the first day, the inflow
    after it, and the follow-on spells, as a dict of equal-length numpy arrays."""
    parts = []
    span_days = int((extract_day - first_day) / DAY)
    for benefit, model in BENEFIT_MODELS.items():
        mean_fte = mean_degree(model)
        stock = targets[benefit].to_numpy() / mean_fte  # persons on the first day
        mean_days = model.median_days * np.exp(model.sigma**2 / 2)
        codes = targets.index.to_numpy()

        # the stock already running on the first day (length-biased, elapsed part uniform)
        n_stock = rng.poisson(stock)
        municipality = np.repeat(codes, n_stock)
        length = lognormal_days(
            rng, model.median_days * np.exp(model.sigma**2), model.sigma, len(municipality)
        )
        elapsed = np.floor(rng.uniform(0, 1, len(municipality)) * length).astype(np.int64)
        spells = new_spells(
            rng, benefit, model, municipality, first_day - elapsed * DAY, length, first_day
        )
        # nobody started a spell before the youngest age the benefit is given at
        age_now = first_day.astype("datetime64[Y]").astype(np.int64) + 1970 - spells["birth_year"]
        elapsed = np.minimum(elapsed, (age_now - model.ages[0]) * 365)
        spells["start"] = first_day - elapsed * DAY
        spells["end"] = np.maximum(spells["end"], spells["start"])
        parts.append(spells)

        # the inflow, day by day, with trend, seasonality and a local drift in the trend
        days = first_day + np.arange(span_days) * DAY
        years = np.arange(span_days) / 365.25
        month_of_year = days.astype("datetime64[M]").astype(np.int64) % 12
        season = 1 + model.seasonal * np.cos(2 * np.pi * month_of_year / 12)
        local_trend = model.trend + rng.normal(0, 0.01, len(codes))
        rate = (
            (stock / mean_days)[:, None]
            * season[None, :]
            * (1 + local_trend[:, None] * years[None, :])
        )
        counts = rng.poisson(np.clip(rate, 0, None))  # municipalities x days
        municipality = np.repeat(np.repeat(codes, span_days), counts.ravel())
        start = np.repeat(np.tile(days, len(codes)), counts.ravel())
        length = lognormal_days(rng, model.median_days, model.sigma, len(municipality))
        parts.append(new_spells(rng, benefit, model, municipality, start, length, None))

    spells = concat(parts)
    spells["person"] = np.arange(len(spells["benefit"]))
    follow_ons = [follow_on(rng, spells, *transition) for transition in TRANSITIONS]
    spells = concat([spells, *follow_ons])
    keep = (spells["start"] < extract_day) & (spells["end"] >= first_day)
    # a follow-on spell for someone already past the new benefit's age limit never starts
    keep &= spells["end"] >= spells["start"]
    return {key: values[keep] for key, values in spells.items()}


def new_spells(rng, benefit, model, municipality, start, length, age_on) -> dict:
    """Spells of one benefit with people drawn for them. `age_on` is the day their age is drawn
    for (the spell's start if None)."""
    n = len(municipality)
    lo, hi, mode = model.ages
    age = np.floor(rng.triangular(lo, mode, hi + 0.999, n)).astype(np.int64)
    age_day = start if age_on is None else np.full(n, age_on)
    birth_year = age_day.astype("datetime64[Y]").astype(np.int64) + 1970 - age
    end = start + np.maximum(length - 1, 0) * DAY
    return {
        "benefit": np.full(n, benefit, dtype=object),
        "municipality": municipality,
        "start": start,
        "end": cap_at_age(end, birth_year, model.max_age),
        "fte": draw_degree(rng, model, n),
        "sex": rng.choice(np.array(["K", "M"], dtype=object), n),
        "birth_year": birth_year,
        "readiness": draw_readiness(rng, model, n),
    }


def follow_on(rng, spells: dict, source: str, target: str, probability: float, min_days: int):
    """Some spells of `source` continue the next day on `target`, for the same person."""
    model = BENEFIT_MODELS[target]
    length_so_far = ((spells["end"] - spells["start"]) / DAY).astype(np.int64) + 1
    chosen = (spells["benefit"] == source) & (length_so_far >= min_days)
    chosen &= rng.uniform(0, 1, len(chosen)) < probability
    idx = np.flatnonzero(chosen)
    start = spells["end"][idx] + DAY
    length = lognormal_days(rng, model.median_days, model.sigma, len(idx))
    birth_year = spells["birth_year"][idx]
    return {
        "benefit": np.full(len(idx), target, dtype=object),
        "municipality": spells["municipality"][idx],
        "start": start,
        "end": cap_at_age(start + np.maximum(length - 1, 0) * DAY, birth_year, model.max_age),
        "fte": draw_degree(rng, model, len(idx)),
        "sex": spells["sex"][idx],
        "birth_year": birth_year,
        "readiness": draw_readiness(rng, model, len(idx)),
        "person": spells["person"][idx],
    }


def lognormal_days(rng, median: float, sigma: float, n: int) -> np.ndarray:
    return np.maximum(np.rint(rng.lognormal(np.log(median), sigma, n)), 1).astype(np.int64)


def cap_at_age(end, birth_year, max_age: int):
    """A spell ends at the latest on the last day of the year the person turns max_age."""
    last_day = (birth_year + max_age + 1 - 1970).astype("datetime64[Y]").astype(
        "datetime64[D]"
    ) - DAY
    return np.minimum(end, last_day)


def draw_degree(rng, model: BenefitModel, n: int) -> np.ndarray:
    degree = np.ones(n)
    if model.part_time:
        share, degrees = model.part_time
        part = rng.uniform(0, 1, n) < share
        degree[part] = rng.choice(np.array(degrees), part.sum())
    return degree


def mean_degree(model: BenefitModel) -> float:
    if not model.part_time:
        return 1.0
    share, degrees = model.part_time
    return 1 - share + share * float(np.mean(degrees))


def draw_readiness(rng, model: BenefitModel, n: int) -> np.ndarray:
    if model.readiness_jobparat is None:
        return np.full(n, None, dtype=object)
    jobparat = rng.uniform(0, 1, n) < model.readiness_jobparat
    return np.where(jobparat, "jobparat", "aktivitetsparat").astype(object)


def concat(parts: list[dict]) -> dict:
    keys = [key for key in parts[0] if all(key in part for part in parts)]
    return {key: np.concatenate([part[key] for part in parts]) for key in keys}


# ----------------------------------------------------------------------------- activities


def draw_activities(rng, spells: dict, first_day, extract_day) -> dict:
    """Conversations due every CONVERSATION_DAYS from two weeks into a spell, and one
    activation offer for a share of spells, keeping those that fall between first_day and the
    extract day."""
    last_day = extract_day - DAY
    running_to = np.minimum(spells["end"], last_day)

    # conversations: day start + 14 + CONVERSATION_DAYS k + jitter, for k covering the
    # published window only
    talk = np.isin(spells["benefit"], CONVERSATION_BENEFITS)
    offset_first = ((first_day - spells["start"]) / DAY).astype(np.int64) - 14
    offset_last = ((running_to - spells["start"]) / DAY).astype(np.int64) - 14
    k_first = np.maximum(0, -(-offset_first // CONVERSATION_DAYS))
    k_last = np.floor_divide(offset_last, CONVERSATION_DAYS)
    n_talks = np.where(talk, np.maximum(k_last - k_first + 1, 0), 0)
    owner = np.repeat(np.arange(len(n_talks)), n_talks)
    k = k_first[owner] + (np.arange(len(owner)) - np.repeat(np.cumsum(n_talks) - n_talks, n_talks))
    jitter = rng.integers(-5, 6, len(owner))
    talk_day = spells["start"][owner] + (14 + CONVERSATION_DAYS * k + jitter) * DAY
    talk_day = np.clip(talk_day, spells["start"][owner], running_to[owner])
    conversations = {
        "owner": owner,
        "activity": np.full(len(owner), "samtale", dtype=object),
        "start": talk_day,
        "end": np.full(len(owner), np.datetime64("NaT"), dtype="datetime64[D]"),
    }

    # offers: one per chosen spell, starting 20-60 % into it, a few weeks to a few months long
    share = np.array([OFFER_SHARE.get(b, 0.0) for b in spells["benefit"]])
    length = ((spells["end"] - spells["start"]) / DAY).astype(np.int64) + 1
    chosen = np.flatnonzero((rng.uniform(0, 1, len(share)) < share) & (length >= 28))
    offer_start = (
        spells["start"][chosen]
        + np.floor(rng.uniform(0.2, 0.6, len(chosen)) * length[chosen]).astype(np.int64) * DAY
    )
    offer_days = lognormal_days(rng, 56, 0.5, len(chosen))
    offer_end = np.minimum(offer_start + (offer_days - 1) * DAY, spells["end"][chosen])
    types, weights = OFFER_TYPES
    offers = {
        "owner": chosen,
        "activity": rng.choice(np.array(types, dtype=object), len(chosen), p=weights),
        "start": offer_start,
        "end": offer_end,
    }

    activities = concat([conversations, offers])
    keep = (activities["start"] < extract_day) & (activities["start"] >= first_day)
    keep |= (
        (activities["activity"] != "samtale")
        & (activities["end"] >= first_day)
        & (activities["start"] < extract_day)
    )
    activities = {key: values[keep] for key, values in activities.items()}
    order = np.lexsort((activities["owner"], activities["start"]))
    return {key: values[order] for key, values in activities.items()} | {
        "person": spells["person"][activities["owner"][order]],
        "municipality": spells["municipality"][activities["owner"][order]],
    }


def month_number(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def describe(rows: dict[str, int]) -> str:
    return ", ".join(f"{name} {count:,}" for name, count in rows.items())
