"""The internal edition's demo data (issue 22; SPEC sections 3 and 9): each jobcentre's
caseworkers in teams, which caseworker each citizen is assigned to (a share reassigned once),
and who held each conversation or arranged each offer.

Caseworkers and teams differ the way the edition is meant to show: a caseworker calls citizens
in at their own rate (as does their team) and arranges offers at their own rate; the demo's
activities are thinned accordingly. Everything is drawn column-wise with numpy, as the rest of
the demo; ids and names are plainly made up ("sb0316-004", "Sagsbehandler 0316-004")."""

from __future__ import annotations

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
CASELOAD = 50  # citizens on a caseworker's list on a day, on average
CAPACITY = (0.6, 1.4)  # a caseworker's share of that (part-time, new, senior): 30-70 citizens
BLOCK = 1e6  # above any jobcentre's total capacity (see assign_caseload)
TEAM_MOST = 10  # a team has at most this many caseworkers (5-10 where there are 5 or more)
REASSIGNED = 0.15  # citizens moved to another caseworker once while assigned
COLLEAGUE = 0.1  # conversations held by a colleague from the same team
TALK_RATE = (0.65, 1.0)  # the share of due conversations a caseworker holds
TEAM_TALK = (0.8, 1.0)  # and their team's
OFFER_RATE = (0.45, 1.0)  # the share of offers a caseworker arranges
# the benefits whose recipients have a caseworker at the jobcentre (those called in for
# conversations or given offers in the demo)
ASSIGNED_BENEFITS = [
    "dagpenge", "kontanthjaelp", "uddannelseshjaelp", "selvforsoergelse",
    "sygedagpenge", "jobafklaring", "ressourceforloeb",
]  # fmt: skip


def draw_staff(rng, spells: dict, extract_day) -> pd.DataFrame:
    """Each jobcentre's caseworkers, enough for CASELOAD citizens each on the extract's last
    day, in teams of at most TEAM_MOST, with their capacity and their rates of conversations
    and offers."""
    last_day = extract_day - DAY
    running = np.isin(spells["benefit"], ASSIGNED_BENEFITS) & (spells["start"] <= last_day)
    running &= spells["end"] >= last_day
    codes = np.unique(spells["municipality"])
    on_last_day = (
        pd.Series(spells["person"][running]).groupby(spells["municipality"][running]).nunique()
    )
    counts = np.maximum(1, np.round(on_last_day.reindex(codes, fill_value=0) / CASELOAD))
    counts = counts.to_numpy().astype(np.int64)
    municipality = np.repeat(codes, counts)
    number = np.arange(len(municipality)) - np.repeat(np.cumsum(counts) - counts, counts)
    teams = -(-counts // TEAM_MOST)  # as few teams as keep each at most TEAM_MOST
    team = number * np.repeat(teams, counts) // np.repeat(counts, counts)  # in blocks
    team_talk = rng.uniform(*TEAM_TALK, int(teams.sum()))
    team_index = np.repeat(np.cumsum(teams) - teams, counts) + team
    return pd.DataFrame(
        {
            "caseworker_id": [
                f"sb{m:04d}-{n + 1:03d}" for m, n in zip(municipality, number, strict=True)
            ],
            "team": [f"Team {t + 1}" for t in team],
            "municipality_code": municipality,
            "caseworker_name": [
                f"Sagsbehandler {m:04d}-{n + 1:03d}"
                for m, n in zip(municipality, number, strict=True)
            ],
            "team_index": team_index,
            "capacity": rng.uniform(*CAPACITY, len(municipality)),
            "talk_rate": rng.uniform(*TALK_RATE, len(municipality)) * team_talk[team_index],
            "offer_rate": rng.uniform(*OFFER_RATE, len(municipality)),
        }
    )


def assign_caseload(rng, spells: dict, staff: pd.DataFrame, extract_day) -> dict:
    """Every citizen with a spell of ASSIGNED_BENEFITS gets a caseworker of their first spell's
    jobcentre from their first such spell's start to their last one's end, chosen in
    proportion to the caseworkers' capacity; REASSIGNED of them move to another caseworker of
    the same jobcentre once, part-way. Returns the caseload rows (caseworker as row numbers
    of `staff`) and, per citizen, who they have before and after the move."""
    assigned = np.isin(spells["benefit"], ASSIGNED_BENEFITS)
    frame = pd.DataFrame(
        {
            "person": spells["person"][assigned],
            "municipality": spells["municipality"][assigned],
            "start": spells["start"][assigned],
            "end": spells["end"][assigned],
        }
    ).sort_values(["person", "start"], kind="stable")
    people = frame.groupby("person", sort=True).agg(
        municipality=("municipality", "first"), start=("start", "min"), end=("end", "max")
    )
    # a caseworker of the citizen's jobcentre, in proportion to capacity: a uniform point in
    # the jobcentre's total capacity, found among its caseworkers' running sums (one sorted
    # key for all jobcentres: block number * BLOCK + running sum within the block)
    codes = staff["municipality_code"].to_numpy()  # sorted: staff is drawn jobcentre by jobcentre
    blocks, offsets, sizes = np.unique(codes, return_index=True, return_counts=True)
    running = staff.groupby("municipality_code")["capacity"].cumsum().to_numpy()
    key = np.searchsorted(blocks, codes) * BLOCK + running
    block = np.searchsorted(blocks, people["municipality"].to_numpy())
    offset, size = offsets[block], sizes[block]
    total = running[offset + size - 1]
    point = block * BLOCK + rng.uniform(0, 1, len(people)) * total
    before = np.minimum(np.searchsorted(key, point), offset + size - 1)
    other = another_in_block(rng, before, offset, size)
    start = people["start"].to_numpy()
    end = people["end"].to_numpy()
    # a move happens before the extract's last day (a spell may run on past it)
    length = ((np.minimum(end, extract_day - DAY) - start) / DAY).astype(np.int64)
    moves = (rng.uniform(0, 1, len(people)) < REASSIGNED) & (length >= 28) & (size > 1)
    moved_on = start + np.floor(rng.uniform(0.3, 0.7, len(people)) * length).astype(np.int64) * DAY
    moved_on = np.where(moves, moved_on, np.datetime64("NaT"))
    after = np.where(moves, other, before)
    person = people.index.to_numpy()
    rows = {
        "person": np.concatenate([person, person[moves]]),
        "caseworker": np.concatenate([before, after[moves]]),
        "start": np.concatenate([start, moved_on[moves]]),
        "end": np.concatenate([np.where(moves, moved_on - DAY, end), end[moves]]),
    }
    order = np.lexsort((rows["start"], rows["person"]))
    return {
        "rows": {key: values[order] for key, values in rows.items()},
        "person": person,
        "before": before,
        "after": after,
        "moved_on": moved_on,
    }


def caseworkers_of(rng, activities: dict, caseload: dict, staff: pd.DataFrame) -> np.ndarray:
    """Who held each conversation or arranged each offer: the citizen's caseworker on its
    first day (a colleague from the same team for COLLEAGUE of the conversations); -1 for a
    citizen without one."""
    where = np.searchsorted(caseload["person"], activities["person"])
    where = np.minimum(where, len(caseload["person"]) - 1)
    known = caseload["person"][where] == activities["person"]
    moved_on = caseload["moved_on"][where]
    later = ~np.isnat(moved_on) & (activities["start"] >= moved_on)
    caseworker = np.where(later, caseload["after"][where], caseload["before"][where])
    caseworker = np.where(known, caseworker, -1)
    # a colleague: another caseworker of the same team, where the team has one
    team = staff["team_index"].to_numpy()
    by_team = pd.Series(np.arange(len(staff))).groupby(team)
    team_first = by_team.min().to_numpy()
    team_size = by_team.size().to_numpy()
    colleague = known & (activities["activity"] == "samtale")
    colleague &= rng.uniform(0, 1, len(caseworker)) < COLLEAGUE
    mine = team[np.maximum(caseworker, 0)]
    colleague &= team_size[mine] > 1
    other = another_in_block(rng, caseworker, team_first[mine], team_size[mine])
    return np.where(colleague, other, caseworker)


def another_in_block(rng, index: np.ndarray, first: np.ndarray, size: np.ndarray) -> np.ndarray:
    """For each staff row `index` in a block of rows [first, first + size) (a jobcentre's
    caseworkers, a team), another row of the same block, each as likely (the row itself in a
    block of one)."""
    step = 1 + rng.integers(0, 1 << 30, len(index)) % np.maximum(size - 1, 1)
    return first + (index - first + step) % size


def kept_by_caseworker(rng, activities: dict, caseworker: np.ndarray, staff) -> np.ndarray:
    """The activities that happen: a caseworker holds their talk_rate of the conversations due
    and arranges their offer_rate of the offers; a citizen without a caseworker keeps all."""
    talk = activities["activity"] == "samtale"
    rate = np.where(
        talk,
        staff["talk_rate"].to_numpy()[np.maximum(caseworker, 0)],
        staff["offer_rate"].to_numpy()[np.maximum(caseworker, 0)],
    )
    return (caseworker < 0) | (rng.uniform(0, 1, len(caseworker)) < rate)


def staff_table(staff: pd.DataFrame) -> pd.DataFrame:
    return staff[["caseworker_id", "team", "municipality_code", "caseworker_name"]]


def caseload_table(caseload: dict, staff: pd.DataFrame, ids, extract_day) -> pd.DataFrame:
    rows = caseload["rows"]
    return pd.DataFrame(
        {
            "person_id": ids(rows["person"]),
            "caseworker_id": staff["caseworker_id"].to_numpy()[rows["caseworker"]],
            "start_date": rows["start"],
            "end_date": np.where(rows["end"] >= extract_day, np.datetime64("NaT"), rows["end"]),
        }
    )


# What works for whom (SPEC section 9's "Hvad virker"): the chance that an offer ends the
# citizen's spell a few weeks after the offer ends, by target group and offer. Jobparat
# kontanthjælp recipients go into work from wage subsidies and internships; dagpenge
# recipients hardly more than without an offer ("vi klarer det mindre godt ift.
# dagpengemodtagere").
OFFER_EFFECT = {
    ("kontanthjaelp", "jobparat"): {"virksomhedspraktik": 0.35, "loentilskud": 0.5,
                                    "opkvalificering": 0.15},
    ("kontanthjaelp", "aktivitetsparat"): {"virksomhedspraktik": 0.1, "loentilskud": 0.2,
                                           "opkvalificering": 0.05},
    ("uddannelseshjaelp", "jobparat"): {"virksomhedspraktik": 0.2, "loentilskud": 0.25,
                                        "opkvalificering": 0.4},
    ("uddannelseshjaelp", "aktivitetsparat"): {"virksomhedspraktik": 0.08, "loentilskud": 0.1,
                                               "opkvalificering": 0.15},
    ("dagpenge", None): {"virksomhedspraktik": 0.05, "loentilskud": 0.12,
                         "opkvalificering": 0.03},
}  # fmt: skip
AFTER_OFFER_DAYS = 21  # median days from an offer's end to leaving benefits, where it works


def offer_outcomes(rng, spells: dict, activities: dict) -> tuple[dict, dict]:
    """Spells ended early by the offers that work (OFFER_EFFECT), and the activities that
    then no longer happen (conversations after the new end; offers cut at it). A spell that
    continues on another benefit the next day is left as it is."""
    offers = np.flatnonzero(activities["activity"] != "samtale")
    spell = activities["owner"][offers]
    benefit = spells["benefit"][spell]
    readiness = spells["readiness"][spell]
    chance = np.zeros(len(offers))
    for (group, ready), effects in OFFER_EFFECT.items():
        mine = benefit == group
        if ready is not None:
            mine &= readiness == ready
        for offer, probability in effects.items():
            chance[mine & (activities["activity"][offers] == offer)] = probability
    # a spell followed by another the next day (a follow-on) keeps its end
    starts = pd.MultiIndex.from_arrays([spells["person"], spells["start"]])
    ends = pd.MultiIndex.from_arrays([spells["person"][spell], spells["end"][spell] + DAY])
    continued = ends.isin(starts)
    works = (rng.uniform(0, 1, len(offers)) < chance) & ~continued
    spell, offers = spell[works], offers[works]
    after = np.maximum(np.rint(rng.lognormal(np.log(AFTER_OFFER_DAYS), 0.5, len(spell))), 1)
    new_end = activities["end"][offers] + after.astype(np.int64) * DAY
    spells = {**spells, "end": spells["end"].copy()}
    spells["end"][spell] = np.minimum(spells["end"][spell], new_end)
    ends_of = spells["end"][activities["owner"]]
    kept = activities["start"] <= ends_of
    activities = {**activities, "end": np.where(
        np.isnat(activities["end"]), activities["end"], np.minimum(activities["end"], ends_of)
    )}  # fmt: skip
    return spells, {key: values[kept] for key, values in activities.items()}


def caseload_until_spells_end(caseload: dict, spells: dict) -> dict:
    """The caseload ended with the citizens' last assigned spells, after offer_outcomes: an
    assignment that would start after that is dropped."""
    assigned = np.isin(spells["benefit"], ASSIGNED_BENEFITS)
    last = pd.Series(spells["end"][assigned]).groupby(spells["person"][assigned]).max()
    rows = caseload["rows"]
    until = last.reindex(rows["person"]).to_numpy()
    kept = rows["start"] <= until
    rows = {**rows, "end": np.minimum(rows["end"], until)}
    return {**caseload, "rows": {key: values[kept] for key, values in rows.items()}}
