"""The releases' pages, in each language: /releases/ lists every release; /releases/<YYYY-MM>/
says what that release changed (from its changes.csv.gz), its biggest moves and how to cite it.
Every release's page is generated again on each build, from the files the release keeps, so old
releases look like the rest of the site."""

from __future__ import annotations

from pathlib import Path

import duckdb

from jobtal.publish import routes
from jobtal.publish.language import Language
from jobtal.publish.releases import ARCHIVED_CHANGES, CHANGE_KINDS, Release
from jobtal.publish.tables import DATA
from jobtal.sql import sql_string

# The page lists at most this many revised totals, largest first; the CSV has them all.
LISTED_CHANGES = 100


def release_citation(lang: Language, address, release: Release) -> str:
    """How to cite a release; `address` gives a page's address (PageWriter.address)."""
    return lang.t(
        "release_citation",
        release=release.name,
        month=lang.month(release.month),
        date=lang.date(release.created),
        url=address(release.path),
    )


class ReleasePages:
    def __init__(self, writer, releases: list[Release], changes_files: dict[str, Path]):
        self.writer = writer  # a PageWriter: the language, the tables, the templates
        self.lang = writer.lang
        self.releases = releases
        self.changes_files = changes_files  # each release's changes (CSV, gzip or not)
        self.con = duckdb.connect()

    def write_all(self, docs: Path) -> int:
        """The release index and a page per release; returns how many were written."""
        before = self.writer.pages_written
        t = self.lang.t
        newest_first = self.releases[::-1]
        rows = [
            [
                (r.name, f"{r.name}/"),
                self.lang.date(r.created),
                self.lang.month(r.first_period) + " – " + self.lang.month(r.month),
                t("synthetic_short") if r.synthetic else t("real_short"),
                str(r.changes.get("revised", 0)),
            ]
            for r in newest_first
        ]
        table = self.writer.table(
            t("releases_caption"),
            [t("release"), t("published"), t("periods"), t("data_kind"), t("change_revised")],
            rows,
        )
        self.writer.render(
            "releases.md.j2",
            routes.RELEASES,
            docs,
            subject=t("subject_jobcentres"),
            table=table,
            synthetic=False,  # the table says which releases are synthetic
        )
        for release in self.releases:
            self.write_release(release, docs)
        return self.writer.pages_written - before

    def write_release(self, release: Release, docs: Path) -> None:
        page = routes.release(release.name)
        # the release's own files lie under the site's root, whatever the page's language
        archive = self.writer.root_of(page) + routes.release(release.name)
        self.writer.render(
            "release.md.j2",
            page,
            docs,
            subject=self.lang.t("subject_jobcentres"),
            synthetic=release.synthetic,
            release=release.name,
            edition=release.edition,
            month=self.lang.month(release.month),
            date=self.lang.date(release.created),
            first=self.lang.month(release.first_period),
            previous=release.previous,
            citation=release_citation(self.lang, self.writer.address, release),
            summary_table=self.summary_table(release),
            revisions_table=self.changes_table(release, ("revised",), "revisions_caption"),
            suppression_table=self.changes_table(
                release, ("suppressed", "unsuppressed"), "suppression_caption"
            ),
            moves_table=self.moves_table(release),
            changes_total=sum(release.changes.values()),
            withheld=", ".join(self.lang.month(m) for m in release.withheld),
            data_url=archive + f"{DATA}/datapackage.json",
            jobtal_url=archive + release.values_file,
            jobtal_name=release.values_file.rsplit("/", 1)[-1],
            changes_url=archive + ARCHIVED_CHANGES,
        )

    # ------------------------------------------------------------------ tables

    def changes_csv(self, release: Release) -> str:
        """The release's changes as a DuckDB table expression."""
        path = sql_string(str(self.changes_files[release.name]))
        return f"read_csv({path}, header = true, all_varchar = true)"

    def summary_table(self, release: Release) -> str | None:
        """The number of changed values per indicator and kind of change."""
        if release.previous is None or not any(release.changes.values()):
            return None
        counts = self.con.execute(f"""
            SELECT indicator, change, count(*) FROM {self.changes_csv(release)} GROUP BY ALL
        """).fetchall()
        by_indicator: dict[str, dict[str, int]] = {}
        for indicator, change, count in counts:
            by_indicator.setdefault(indicator, {})[change] = count
        kinds = [kind for kind in CHANGE_KINDS if release.changes.get(kind)]
        t = self.lang.t
        rows = [
            [self.indicator_title(indicator)]
            + [str(by_indicator[indicator].get(kind, 0)) for kind in kinds]
            for indicator in [*self.writer.definitions, *(d.id for d in self.writer.content.series)]
            if indicator in by_indicator
        ]
        return self.writer.table(
            t("changes_caption", previous=release.previous),
            [t("indicator"), *(t(f"change_{kind}") for kind in kinds)],
            rows,
        )

    def changes_table(self, release: Release, kinds: tuple[str, ...], caption: str) -> str | None:
        """The changed totals (no sex or age breakdown), largest relative change first."""
        if not any(release.changes.get(kind) for kind in kinds):
            return None
        wanted = ", ".join(sql_string(kind) for kind in kinds)
        where = f"change IN ({wanted}) AND sex = 'alle' AND age_group = 'alle'"
        listed = self.con.execute(f"""
            SELECT change, indicator, benefit, area_type, area_name, period,
                   value_before, value, difference
            FROM {self.changes_csv(release)}
            WHERE {where}
            ORDER BY abs(CAST(difference AS DOUBLE))
                     / nullif(abs(CAST(value_before AS DOUBLE)), 0) DESC NULLS FIRST,
                     abs(CAST(difference AS DOUBLE)) DESC NULLS FIRST
            LIMIT {LISTED_CHANGES}
        """).fetchall()
        total = self.con.execute(
            f"SELECT count(*) FROM {self.changes_csv(release)} WHERE {where}"
        ).fetchone()[0]
        t = self.lang.t
        rows = []
        for change, indicator, benefit, area_type, area, period, before, value, diff in listed:
            decimals = self.decimals(indicator)
            rows.append(
                [
                    self.lang.area_name(area_type, area),
                    self.indicator_title(indicator),
                    self.lang.benefit(benefit),
                    self.lang.month(period),
                    self.number(before, decimals),
                    self.number(value, decimals),
                    self.lang.signed(float(diff), decimals) if diff else t(f"change_{change}"),
                ]
            )
        caption = t(caption, previous=release.previous)
        if total > len(listed):
            caption += " " + t("changes_more", shown=len(listed), total=total)
        return self.writer.table(
            caption,
            [
                t("area"),
                t("indicator"),
                t("benefit"),
                t("month"),
                t("value_before"),
                t("value_after"),
                t("difference"),
            ],
            rows,
        )

    def moves_table(self, release: Release) -> str | None:
        if not release.moves:
            return None
        t = self.lang.t
        decimals = self.decimals(release.moves[0]["indicator"])
        rows = [
            [
                (move["area_name"], self.jobcentre_link(release, move["area_name"])),
                self.number(move["value_before"], decimals),
                self.number(move["value"], decimals),
                self.lang.signed(move["difference"], decimals),
            ]
            for move in release.moves
        ]
        return self.writer.table(
            t("release_moves_caption", month=self.lang.month(release.month)),
            [t("jobcentre"), t("value_before"), t("value_after"), t("change_points")],
            rows,
        )

    # ------------------------------------------------------------------ helpers

    def jobcentre_link(self, release: Release, name: str) -> str:
        return routes.link(routes.release(release.name), routes.jobcentre(name))

    def indicator_title(self, indicator: str) -> str:
        try:
            return self.writer.title(indicator)
        except StopIteration:  # an indicator this version of jobtal no longer publishes
            return indicator

    def decimals(self, indicator: str) -> int:
        try:
            return self.writer.definition(indicator).decimals
        except StopIteration:
            return 1

    def number(self, text: str | None, decimals: int) -> str:
        return self.lang.number(None if text in (None, "") else float(text), decimals)
