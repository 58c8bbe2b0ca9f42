"""The internal edition's pages (SPEC section 9), as Markdown for mkdocs-material with the public
site's look: its theme overrides (which mark every page internal and `noindex` when the config
says so), its stylesheet, its chart and table scripts and its chart and table templates.

    /                                    what the figures are for, the measures, the jobcentres
    /<jobcentre>/                        its teams side by side this week, its trend
    /<jobcentre>/hvad-virker/            offers and target groups against the comparison
    /<jobcentre>/<team>/                 its caseworkers side by side, its trend
    /<jobcentre>/<team>/<caseworker>/    their week by target group, their trend
    /data/intern.csv, /data/jobcenter/<code>.csv, /data/team/<code>-<team>.csv,
    /data/hvad-virker.csv

Names of teams and caseworkers come from the input: a folder is a checked slug (or a number),
every printed name is escaped where it lands (Markdown text, HTML, the charts' JSON)."""

from __future__ import annotations

import logging
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import altair as alt
import duckdb
import jinja2
import yaml
from markupsafe import Markup
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from jobtal import paths
from jobtal.extracts.package import ExtractPackage
from jobtal.internal import files
from jobtal.internal.engine import ALL, EditionWeeks, Measure
from jobtal.publish.charts import OKABE_ITO, READABLE, SCHEMA_URL, spec_json
from jobtal.publish.escaping import front_matter, markdown_text
from jobtal.publish.formatting import slug, slug_or_none
from jobtal.publish.language import Language, with_unit
from jobtal.publish.page_tables import table_cells
from jobtal.publish.site import VEGA_BUNDLE_NAME, dated_as, vega_bundle
from jobtal.vocabulary import BENEFITS
from jobtal.weeks import monday

TEMPLATES = paths.SITE_TEMPLATES / "internal"
MARK = "Intern ledelsesinformation – må ikke offentliggøres"
FEW_CITIZENS = 5  # a figure from fewer says so (SPEC section 9)
MOST_LINES = 10  # a trend chart with more lines shows the area's own line instead
# colours for more lines than Okabe-Ito has: Paul Tol's "muted" scheme, also chosen to stay
# distinct under colour blindness (and the lines differ by dash too)
EXTRA_COLOURS = [
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933",
    "#DDCC77", "#CC6677", "#882255", "#AA4499", "#666666",
]  # fmt: skip
UNCERTAIN_GROUP = 20  # "Hvad virker": a group smaller than this is an uncertain figure
OFFERS = {
    "virksomhedspraktik": "Virksomhedspraktik",
    "loentilskud": "Løntilskud",
    "opkvalificering": "Opkvalificering",
}
READINESS = {"jobparat": "jobparat", "aktivitetsparat": "aktivitetsparat"}
DA = Language.load("da")


def target_group_label(code: str) -> str:
    """'kontanthjaelp:jobparat' -> 'Kontanthjælp, jobparat'; 'alle' -> 'Alle'."""
    if code == ALL:
        return "Alle"
    benefit, _, readiness = code.partition(":")
    label = BENEFITS[benefit][0] if benefit in BENEFITS else benefit
    return f"{label}, {READINESS.get(readiness, readiness)}" if readiness else label


def week_label(week: str) -> str:
    """'2025-W03' -> 'uge 3 2025'."""
    return f"uge {int(week[6:])} {week[:4]}"


@dataclass
class Area:
    kind: str  # jobcenter, team, caseworker
    code: str  # the municipality code, the team's name, the caseworker's id
    name: str
    municipality_code: int
    page: str  # its folder under the site, ending in /
    parent: Area | None = None
    children: list[Area] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return (self.kind, self.municipality_code, self.code)

    @property
    def folder(self) -> str:
        """Its own folder's name (the last part of its page)."""
        return self.page.rstrip("/").rsplit("/", 1)[-1]

    @property
    def short_name(self) -> str:
        """A team's own name (its area_name carries the jobcentre's too)."""
        return self.code if self.kind == "team" else self.name


@dataclass
class SiteSummary:
    pages: int
    files: int
    teams: int
    caseworkers: int


def unique_slug(text: str, taken: set[str], fallback: str) -> str:
    """A folder name for a name from the input: its slug where it has one, else the fallback;
    made unique among its siblings with a number."""
    base = slug_or_none(text) or fallback
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


AREA_ORDER = ["jobcenter", "team", "caseworker"]


def natural(name: str) -> list:
    """A sort key that puts "Team 2" before "Team 10"."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.lower())
            for part in re.split(r"(\d+)", name)]  # fmt: skip


def read_areas(con: duckdb.DuckDBPyConnection) -> list[Area]:
    """The jobcentres, each with its teams and their caseworkers, in name order."""
    jobcentres: dict[int, Area] = {}
    teams: dict[tuple[int, str], Area] = {}
    rows = con.execute(
        "SELECT area_type, area_code, area_name, municipality_code, team FROM edition_areas"
    ).fetchall()
    taken: dict[object, set[str]] = defaultdict(set)
    rows.sort(key=lambda row: (AREA_ORDER.index(row[0]), natural(row[2]), row[1]))
    for kind, code, name, municipality, team in rows:
        if kind == "jobcenter":
            area = Area(kind, code, name, municipality, f"{slug(name)}/")
            jobcentres[municipality] = area
            taken[area.key].add("hvad-virker")  # a page beside the teams'
            continue
        parent = jobcentres[municipality] if kind == "team" else teams[(municipality, team)]
        fallback = "team" if kind == "team" else "sagsbehandler"
        folder = unique_slug(code, taken[parent.key], f"{fallback}-{len(parent.children) + 1}")
        area = Area(kind, code, name, municipality, f"{parent.page}{folder}/", parent)
        parent.children.append(area)
        if kind == "team":
            teams[(municipality, code)] = area
    return list(jobcentres.values())


def read_values(con: duckdb.DuckDBPyConnection, weeks: list[str]) -> dict:
    """The totals of the weeks shown, by (measure, area key): {week: (value, persons)}."""
    values: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    rows = con.execute(
        f"SELECT measure, area_type, municipality_code, area_code, period, value, persons "
        f"FROM internal_values WHERE target_group = '{ALL}' "
        f"AND period IN (SELECT unnest(?::VARCHAR[]))",
        [weeks],
    ).fetchall()
    for measure, kind, municipality, code, period, value, persons in rows:
        values[(measure, (kind, municipality, code))][period] = (value, persons)
    return values


class InternalPages:
    """Writes the edition's pages into a docs folder."""

    def __init__(self, con, measures: list[Measure], weeks: EditionWeeks, synthetic: bool):
        self.con = con
        self.measures = measures
        self.weeks = weeks
        self.synthetic = synthetic
        self.recent = weeks.recent
        self.values = read_values(con, self.recent)
        self.pages = 0
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader([TEMPLATES, paths.PAGE_TEMPLATES]),
            autoescape=False,
            finalize=markdown_text,  # every printed value escaped for Markdown
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.environment.filters["front_matter"] = front_matter

    # --- figures

    def figure(self, measure: Measure, area: Area, week: str | None) -> tuple[str, str]:
        """A total's value in a week as text, and '*' when fewer than 5 citizens are behind it."""
        if week is None:
            return "–", ""
        value, persons = self.values.get((measure.id, area.key), {}).get(week, (None, 0))
        text = DA.number(value, measure.decimals)
        return text, "*" if 0 < persons < FEW_CITIZENS else ""

    def week_of(self, measure: Measure) -> str | None:
        """The week a measure is shown for: the reference week, afgang's latest known one."""
        return self.weeks.last_known_afgang if measure.needs_following_weeks else self.recent[-1]

    def heading(self, measure: Measure) -> str:
        """A column's heading: the measure, its unit and the week shown."""
        week = self.week_of(measure)
        return with_unit(measure.title, measure.unit, week_label(week)) if week else measure.title

    def side_by_side(self, area: Area, caption: str) -> Markup:
        """This week's figures of the area's teams or caseworkers, and its own below them."""
        rows = []
        for row_area, href in [*((c, f"{c.folder}/") for c in area.children), (area, None)]:
            name = row_area.short_name if href else f"{area.short_name} i alt"
            cells = [(name, href) if href else name]
            for measure in self.measures:
                text, few = self.figure(measure, row_area, self.week_of(measure))
                cells.append(text + few)
            rows.append(cells)
        return self.table(caption, ["Navn", *map(self.heading, self.measures)], rows)

    def table(self, caption: str, headings: list[str], rows: list[list]) -> Markup:
        cells = table_cells(rows, marks="*")
        html = self.environment.get_template("_table.html.j2").render(
            table={"caption": caption, "headings": headings, "rows": cells, "css": ""}
        )
        return Markup(html.strip())

    def trend_chart(self, measure: Measure, area: Area, csv_url: str) -> dict:
        """The last 26 weeks of one measure: a line for each team of a jobcentre or each
        caseworker of a team (side by side, as the issue asks; the area's own line where it
        has more than MOST_LINES of them, or none), its table and its text alternative."""
        lines = area.children if 0 < len(area.children) <= MOST_LINES else [area]
        y_title = with_unit(measure.title, measure.unit)
        points = []
        for line in lines:
            series = self.values.get((measure.id, line.key), {})
            points += [
                {
                    "navn": line.short_name,
                    "uge": week_label(w),
                    "monday": monday(w).isoformat(),
                    "value": series[w][0],
                }
                for w in self.recent
                if w in series and series[w][0] is not None
            ]
        names = [line.short_name for line in lines]
        encoding = {
            "x": alt.X(
                "monday:T", title="Uge", axis=alt.Axis(format="uge %V", labelAngle=0, tickCount=6)
            ),
            "y": alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=True, nice=True)),
            "tooltip": [
                alt.Tooltip("navn:N", title="Navn"),
                alt.Tooltip("uge:N", title="Uge"),
                alt.Tooltip("value:Q", title=y_title, format=f",.{measure.decimals}f"),
            ],
        }
        if len(lines) > 1:  # told apart by colour and by dash, never by colour alone
            palette = OKABE_ITO if len(lines) <= len(OKABE_ITO) else EXTRA_COLOURS
            encoding["color"] = alt.Color(
                "navn:N", title=None, sort=names,
                scale=alt.Scale(domain=names, range=palette[: len(lines)]),
                legend=alt.Legend(orient="bottom", columns=2, labelLimit=260),
            )  # fmt: skip
            encoding["strokeDash"] = alt.StrokeDash("navn:N", sort=names, legend=None)
        else:
            encoding["color"] = alt.value(OKABE_ITO[0])
        chart = (
            alt.Chart(alt.Data(values=points), width="container", height=200)
            .mark_line(point=alt.OverlayMarkDef(size=14))
            .encode(**encoding)
            .properties(title=f"{measure.title}, de seneste {len(self.recent)} uger")
        )
        spec = {**chart.to_dict(validate=False), "$schema": SCHEMA_URL, "config": READABLE}
        rows = [
            [week_label(w), *(self.figure(measure, line, w)[0] for line in lines)]
            for w in self.recent
        ]
        shown = [p["value"] for p in points]
        unit = measure.unit.rstrip(".")
        if not shown:
            alt_text = f"{measure.title} for {area.name}: ingen tal endnu."
        elif len(lines) > 1:
            kind = "team" if area.kind == "jobcenter" else "sagsbehandler"
            alt_text = (
                f"{measure.title} de seneste {len(self.recent)} uger, en linje pr. {kind} i "
                f"{area.short_name}: fra {DA.number(min(shown), measure.decimals)} til "
                f"{DA.number(max(shown), measure.decimals)} {unit}."
            )
        else:
            alt_text = (
                f"{measure.title} for {area.name} de seneste {len(self.recent)} uger: fra "
                f"{DA.number(min(shown), measure.decimals)} til "
                f"{DA.number(max(shown), measure.decimals)} {unit}."
            )
        return {
            "id": f"{measure.id}-trend",
            "spec_json": Markup(spec_json(spec)),
            "note": None,
            "choices": None,
            "alt": alt_text,
            "csv_url": csv_url,
            "builder_url": "",
            "table": self.table(
                f"{with_unit(measure.title, measure.unit)} pr. uge", ["Uge", *names], rows
            ),
        }

    # --- pages

    def render(self, template: str, page: str, docs: Path, **context) -> None:
        target = docs / page / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        root = "../" * page.count("/")
        text = self.environment.get_template(template).render(
            t=DA.t,
            root=root,
            release_name=self.weeks.reference,
            spliced=Markup,  # a chart's table stands in the page as it is
            mark=MARK,
            synthetic=self.synthetic,
            reference=week_label(self.weeks.reference),
            measures=self.measures,
            **context,
        )
        target.write_text(text, encoding="utf-8")
        self.pages += 1

    def trend(self, area: Area, csv_url: str) -> list[dict]:
        return [self.trend_chart(m, area, csv_url) for m in self.measures]

    def write(self, docs: Path, jobcentres: list[Area], downloads: dict[str, int]) -> None:
        self.render(
            "home.md.j2", "", docs, jobcentres=jobcentres, downloads=downloads,
            first=week_label(self.weeks.first), afgang_week=self.afgang_label(),
        )  # fmt: skip
        for jobcentre in jobcentres:
            root = "../" * jobcentre.page.count("/")
            csv_url = f"{root}{files.jobcentre_csv(jobcentre, jobcentres)}"
            self.render(
                "jobcenter.md.j2", jobcentre.page, docs, area=jobcentre,
                side_by_side=self.side_by_side(
                    jobcentre, f"Teams i {jobcentre.name}, {week_label(self.recent[-1])}"
                ),
                charts=self.trend(jobcentre, csv_url), csv_url=csv_url,
            )  # fmt: skip
            self.write_what_works(docs, jobcentre)
            for team in jobcentre.children:
                team_root = "../" * team.page.count("/")
                team_csv = f"{team_root}{files.team_csv(team)}"
                self.render(
                    "team.md.j2", team.page, docs, area=team, jobcentre=jobcentre,
                    side_by_side=self.side_by_side(
                        team, f"Sagsbehandlere i {team.short_name}, {week_label(self.recent[-1])}"
                    ),
                    charts=self.trend(team, team_csv), csv_url=team_csv,
                )  # fmt: skip
                for caseworker in team.children:
                    csv_url = "../" + team_csv
                    self.render(
                        "caseworker.md.j2", caseworker.page, docs, area=caseworker, team=team,
                        jobcentre=jobcentre, week=self.caseworker_week(caseworker),
                        charts=self.trend(caseworker, csv_url), csv_url=csv_url,
                    )  # fmt: skip

    def afgang_label(self) -> str:
        known = self.weeks.last_known_afgang
        return week_label(known) if known else "ingen uge endnu"

    def caseworker_week(self, area: Area) -> Markup:
        """The caseworker's reference week per target group: sagsstamme, i tilbud, afgang."""
        shown = [m for m in self.measures if m.by_target_group]
        rows = self.con.execute(
            "SELECT measure, target_group, period, value, persons FROM internal_values "
            "WHERE area_type = 'caseworker' AND area_code = ? AND municipality_code = ? "
            "AND period IN (?, ?)",
            [area.code, area.municipality_code, self.recent[-1], self.weeks.last_known_afgang],
        ).fetchall()
        found = {(m, g, p): (v, n) for m, g, p, v, n in rows}
        benefit_order = list(BENEFITS)
        groups = sorted(
            {g for _, g, _ in found if g != ALL},
            key=lambda g: (benefit_order.index(g.split(":")[0]), g),
        )
        table_rows = []
        for group in [*groups, ALL]:
            cells = [target_group_label(group)]
            for measure in shown:
                value, persons = found.get(
                    (measure.id, group, self.week_of(measure)),
                    (0 if measure.kind == "count" else None, 0),
                )
                few = "*" if 0 < persons < FEW_CITIZENS else ""
                cells.append(DA.number(value, measure.decimals) + few)
            table_rows.append(cells)
        return self.table(
            f"{area.name}: sagsstammen efter målgruppe",
            ["Målgruppe", *map(self.heading, shown)],
            table_rows,
        )

    def write_what_works(self, docs: Path, jobcentre: Area) -> None:
        rows = self.con.execute(
            "SELECT offer, target_group, offer_persons, offer_share, comparison_persons, "
            "comparison_share FROM what_works WHERE municipality_code = ?",
            [jobcentre.municipality_code],
        ).fetchall()
        order = list(OFFERS)
        rows.sort(key=lambda r: (order.index(r[0]) if r[0] in order else 99, r[1]))
        table_rows, points = [], []
        for offer, group, persons, share, compared, comparison in rows:
            uncertain = persons < UNCERTAIN_GROUP or compared < UNCERTAIN_GROUP
            difference = None if comparison is None else share - comparison
            table_rows.append([
                OFFERS.get(offer, offer), target_group_label(group), DA.number(persons),
                DA.number(share, 1), DA.number(compared), DA.number(comparison, 1),
                DA.number(difference, 1),
                "Usikkert: under 20 borgere" if uncertain else "",
            ])  # fmt: skip
            for side, value in (("Med tilbud", share), ("Sammenligning", comparison)):
                if value is not None:
                    points.append({
                        "offer": OFFERS.get(offer, offer), "group": target_group_label(group),
                        "side": side, "value": round(value, 1),
                    })  # fmt: skip
        table = self.table(
            f"Hvad virker i {jobcentre.name}: uden offentlig forsørgelse 13 uger efter tilbuddets "
            "start",
            [
                "Tilbud", "Målgruppe", "Borgere med tilbud", "Uden ydelse efter 13 uger (pct.)",
                "Borgere i sammenligningen", "Sammenligningen uden ydelse (pct.)",
                "Forskel (procentpoint)", "Bemærkning",
            ],
            table_rows,
        )  # fmt: skip
        root = "../" * (jobcentre.page.count("/") + 1)
        self.render(
            "what_works.md.j2", f"{jobcentre.page}hvad-virker/", docs, area=jobcentre,
            table=table, chart=self.what_works_chart(jobcentre, points, root) if points else None,
            csv_url=f"{root}{files.WHAT_WORKS_CSV}", uncertain=UNCERTAIN_GROUP,
        )  # fmt: skip

    def what_works_chart(self, jobcentre: Area, points: list[dict], root: str) -> dict:
        sides = ["Med tilbud", "Sammenligning"]
        chart = (
            alt.Chart(alt.Data(values=points), width="container")
            .mark_bar()
            .encode(
                y=alt.Y("group:N", title=None, sort=None),
                yOffset=alt.YOffset("side:N", sort=sides),
                x=alt.X("value:Q", title="Uden ydelse efter 13 uger (pct.)"),
                color=alt.Color(
                    "side:N",
                    title=None,
                    sort=sides,
                    scale=alt.Scale(domain=sides, range=OKABE_ITO[:2]),
                    legend=alt.Legend(orient="bottom"),
                ),
                row=alt.Row(
                    "offer:N",
                    title=None,
                    sort=list(OFFERS.values()),
                    header=alt.Header(
                        labelAngle=0,
                        labelAlign="left",
                        labelOrient="top",
                        labelFontWeight="bold",
                        labelFontSize=13,
                    ),
                ),
                tooltip=["offer:N", "group:N", "side:N", alt.Tooltip("value:Q", format=",.1f")],
            )  # fmt: skip
            .properties(title="Uden ydelse 13 uger efter tilbuddet, og sammenligningen")
        )
        spec = {**chart.to_dict(validate=False), "$schema": SCHEMA_URL, "config": READABLE}
        return {
            "id": "hvad-virker",
            "spec_json": Markup(spec_json(spec)),
            "note": None,
            "choices": None,
            "alt": f"Hvad virker i {jobcentre.name}: andelen uden ydelse 13 uger efter tilbuddet "
            "og i sammenligningen, pr. tilbud og målgruppe; tallene står i tabellen.",
            "csv_url": f"{root}{files.WHAT_WORKS_CSV}",
            "builder_url": "",
            "table": Markup(""),
        }


def mkdocs_config(docs: Path, site: Path, jobcentres: list[Area]) -> dict:
    """The edition's mkdocs configuration: the public site's, with its own name, no address
    (nothing links to the public site or its feed) and extra.internal set."""
    public = yaml.safe_load(paths.MKDOCS_CONFIG.read_text(encoding="utf-8"))
    return {
        "site_name": "Jobtal – intern",
        "site_description": MARK,
        "docs_dir": str(docs),
        "site_dir": str(site),
        "use_directory_urls": True,
        "copyright": MARK,
        "theme": {**public["theme"], "custom_dir": str(paths.SITE_TEMPLATES / "overrides")},
        "plugins": [{"search": {"lang": "da"}}],
        "markdown_extensions": public["markdown_extensions"],
        "extra": {"generator": False, "internal": MARK},
        "extra_css": public["extra_css"],
        "extra_javascript": public["extra_javascript"],
        "nav": [{"Forside": "index.md"}] + [{j.name: f"{j.page}index.md"} for j in jobcentres],
        "validation": {"links": {"not_found": "info"}},
    }


def write_site(
    con: duckdb.DuckDBPyConnection,
    measures: list[Measure],
    weeks: EditionWeeks,
    package: ExtractPackage,
    staging: Path,
    work: Path,
) -> SiteSummary:
    """The pages built with mkdocs into `staging`, then the data files beside them."""
    jobcentres = read_areas(con)
    teams = [t for j in jobcentres for t in j.children]
    docs = work / "docs"
    shutil.copytree(paths.SITE_TEMPLATES / "assets", docs / "assets")
    (docs / "assets" / VEGA_BUNDLE_NAME).write_text(vega_bundle(work.parent / ".cache"), "utf-8")
    pages = InternalPages(con, measures, weeks, package.synthetic)
    # the data files first (into the docs, so mkdocs copies them): the pages link to them
    written = files.write_data_files(con, docs, measures, jobcentres, teams)
    pages.write(docs, jobcentres, written)
    (docs / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    config_path = work / "mkdocs.yml"
    config_path.write_text(
        yaml.safe_dump(mkdocs_config(docs, staging, jobcentres), allow_unicode=True),
        encoding="utf-8",
    )
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    with dated_as(package.created):
        mkdocs_build(load_config(config_file=str(config_path)))
    return SiteSummary(pages.pages, len(written), len(teams), sum(len(t.children) for t in teams))
