"""The pages' HTML tables (key figures, targets, movers, rankings, the numbers behind each
chart): built here and spliced into the built pages after mkdocs (a mixin of PageWriter)."""

from __future__ import annotations

import re
from collections import defaultdict

from markupsafe import Markup

from jobtal.comparisons import RATE_DECIMALS
from jobtal.indicators.engine import Definition
from jobtal.publish import routes
from jobtal.publish.figures import TARGETS, FigureRow
from jobtal.publish.key_figures import KeyFigure, key_figures
from jobtal.publish.language import Language
from jobtal.publish.model import Municipality, SiteContent
from jobtal.vocabulary import BENEFITS

FIGURE_INDICATORS = ["personer", "fuldtidspersoner", "andel_befolkning"]
MOVERS = 5  # jobcentres listed as rising most and falling most on the home page
NUMERIC = re.compile(r"[−+]?[0-9.,]+|–|")  # cells aligned right, as numbers


def table_cells(rows: list[list], marks: str = "") -> list[list[dict]]:
    """_table.html.j2's cells: each text, or (text, link); a number (one a trailing mark of
    `marks` may follow) aligned right."""
    cells = [
        [{"text": c, "href": None} if isinstance(c, str) else {"text": c[0], "href": c[1]}
         for c in row]
        for row in rows
    ]  # fmt: skip
    for row in cells:
        for cell in row:
            cell["numeric"] = NUMERIC.fullmatch(cell["text"].rstrip(marks)) is not None
    return cells


class PageTables:
    """The tables a page shows, as HTML in the writer's language."""

    content: SiteContent
    lang: Language
    definitions: dict[str, Definition]
    latest_label: str

    def table(self, caption: str, headings: list[str], rows: list[list[str]], css: str = "") -> str:
        """An HTML table (its marker in the page: see spliced); the first cell of each row is
        its heading. Cells may hold links as (text, href) pairs."""
        return self.spliced(self.table_html(caption, headings, rows, css))

    def table_html(
        self, caption: str, headings: list[str], rows: list[list[str]], css: str = ""
    ) -> str:
        """The table itself: a chart keeps its table so, and the page splices it in where it
        shows the chart; making a chart leaves nothing behind on the writer (the Word report
        draws the same charts and shows no table)."""
        cells = table_cells(rows)
        html = (
            self.environment.get_template("_table.html.j2")
            .render(table={"caption": caption, "headings": headings, "rows": cells, "css": css})
            .strip()
        )
        return html

    def spliced(self, html: str) -> Markup:
        """A marker for the page; the HTML goes into the built page after mkdocs (see
        splice_tables): parsing thousands of table cells per page was most of mkdocs' time,
        and search has no use for them."""
        marker = f"<!-- jobtal-table {len(self.pending_tables)} -->"
        self.pending_tables[marker] = html
        return Markup(marker)

    def series_table(
        self,
        rows: list[FigureRow],
        series_of,
        series_order: list,
        labels: dict,
        decimals: int,
        caption: str,
    ) -> str:
        """Periods down, series across: the numbers a line chart draws (the chart's table, not
        yet in a page)."""
        values: dict[str, dict] = defaultdict(dict)
        for row in rows:
            values[row.period][series_of(row)] = row.value
        # "Måned" only over months: other publishers' series may have quarters or years
        monthly = all(re.fullmatch(r"\d{4}-\d{2}", period) for period in values)
        headings = [self.lang.t("month" if monthly else "period")]
        headings += [labels[s] for s in series_order]
        body = [
            [self.lang.period(period)]
            + [self.lang.number(values[period].get(s), decimals) for s in series_order]
            for period in sorted(values)
        ]
        return self.table_html(caption, headings, body)

    def figures_table(self, area: str, caption: str) -> str:
        """Persons, full-time persons and share of the population, per benefit, latest month."""
        headings = [self.lang.t("benefit")] + [self.title(i) for i in FIGURE_INDICATORS]
        rows = [
            [self.lang.benefit(benefit)]
            + [self.shown(i, self.content.value(i, area, benefit)) for i in FIGURE_INDICATORS]
            for benefit in BENEFITS
        ]
        return self.table(caption, headings, rows)

    def key_figures(self, m: Municipality, indicators: list[str]) -> list[KeyFigure]:
        return key_figures(
            self.content.comparisons.get(m.code, {}), self.definitions, self.lang, indicators
        )

    def key_figure_cards(self, m: Municipality, indicators: list[str], prefix: str) -> str:
        """The verdict, figure by figure: a card per indicator on a phone, a table that fits
        its column on a wider screen (the stylesheet shows one of the two)."""
        figures = self.key_figures(m, indicators)
        if not figures:
            return ""
        t = self.lang.t
        cards = self.environment.get_template("_cards.html.j2").render(
            figures=figures,
            prefix=prefix,
            links={f.indicator: self.indicator_link(m, f.indicator) for f in figures},
            group=self.lang.group(m.group_name),
            texts={k: t(k) for k in ("country", "card_rank", "card_suppressed")},
        )
        rows = [
            [
                (f.title, self.indicator_link(m, f.indicator)),
                f.value,
                f.group_value,
                f.country_value,
                f.change,
                f"{f.rank} ({f.rank_short})" if f.rank else "–",
            ]
            for f in figures
        ]
        headings = [t("indicator"), m.name, self.lang.group(m.group_name), t("country"),
                    t("change_year"), t("rank")]  # fmt: skip
        table = self.table(
            t(f"{prefix}_caption", name=m.name, month=self.latest_label),
            headings,
            rows,
            css="jobtal-key-table",
        )
        return self.spliced(cards.strip()) + Markup("\n\n") + table

    def more_figures_table(self, m: Municipality, indicators: list[str]) -> str:
        """Counts and other figures not compared between jobcentres: value and change only."""
        t = self.lang.t
        rows = [
            [(f.title, self.indicator_link(m, f.indicator)), f.value, f.change]
            for f in self.key_figures(m, indicators)
        ]
        return self.table(
            t("more_figures_caption", name=m.name, month=self.latest_label),
            [t("indicator"), m.name, t("change_year")],
            rows,
        )

    def indicator_link(self, m: Municipality, indicator: str) -> str:
        return routes.link(routes.jobcentre(m.name), routes.indicator(indicator))

    def targets_table(self) -> str:
        """The minister's three targets for the country: latest value and change on a year."""
        rows = []
        for target in TARGETS:
            series = {r.period: r.value for r in self.content.figures["land-maal"]
                      if r.indicator == target}  # fmt: skip
            latest = max(series, default=None)
            if latest is None:
                continue
            year, month = latest.split("-")
            before = series.get(f"{int(year) - 1}-{month}")
            now = series[latest]
            change = None if now is None or before is None else now - before
            decimals = self.definitions[target].decimals
            rows.append(
                [
                    (self.title(target), f"indikator/{target}/"),
                    self.lang.month(latest),
                    self.lang.number(now, decimals),
                    self.lang.signed(change, decimals),
                ]
            )
        t = self.lang.t
        return self.table(
            t("targets_caption"), [t("target"), t("month"), t("value"), t("change_year")], rows
        )

    def movers_table(self) -> str:
        """The jobcentres whose share of the population on benefits rose and fell most."""
        moves = [
            (c.change, m)
            for m in self.content.municipalities
            if (c := self.content.comparisons.get(m.code, {}).get("andel_befolkning"))
            and c.change is not None
        ]
        moves.sort(key=lambda move: (move[0], move[1].name))
        chosen = moves[-MOVERS:][::-1] + moves[:MOVERS]
        decimals = self.definitions["andel_befolkning"].decimals
        rows = [
            [
                (m.name, f"jobcenter/{m.slug}/"),
                self.lang.number(
                    self.content.comparisons[m.code]["andel_befolkning"].value, decimals
                ),
                self.lang.signed(change, decimals),
            ]
            for change, m in chosen
        ]
        t = self.lang.t
        return self.table(
            t("movers_caption", month=self.latest_label),
            [t("jobcentre"), t("share_axis"), t("change_points")],
            rows,
        )

    def ranking_table(self, indicator: str) -> str:
        """Every jobcentre's latest value of one indicator, sortable in the browser."""
        definition = self.definitions[indicator]
        t = self.lang.t
        ordered = sorted(
            self.content.municipalities,
            key=lambda m: (
                (c := self.content.comparisons.get(m.code, {}).get(indicator)) is None
                or c.rank is None,
                c.rank if c and c.rank else 0,
                m.name,
            ),
        )
        # a count compared per 1,000 inhabitants shows the rate beside it; changes and ranks are
        # of what is compared
        per_1000 = definition.compare_per_1000
        ranked = definition.rank or per_1000
        compared_decimals = RATE_DECIMALS if per_1000 else definition.decimals
        rows = []
        for m in ordered:
            c = self.content.comparisons.get(m.code, {}).get(indicator)
            row = [
                (m.name, routes.link(routes.indicator(indicator), routes.jobcentre(m.name))),
                m.region_name,
                self.lang.group(m.group_name),
                self.lang.number(c.value if c else None, definition.decimals),
            ]
            if per_1000:
                row.append(self.lang.number(c.compared if c else None, RATE_DECIMALS))
            row.append(self.lang.signed(c.change if c else None, compared_decimals))
            if ranked:
                row.append(str(c.rank) if c and c.rank else "–")
            rows.append(row)
        headings = [t("jobcentre"), t("region"), t("group"), self.unit(indicator)]
        if per_1000:
            headings.append(t("per_1000_unit"))
        headings.append(t("change_year"))
        if ranked:
            headings.append(t({"lower": "rank_lowest_first", "higher": "rank_highest_best"}
                              .get(definition.better, "rank_highest_first")))  # fmt: skip
        month = self.lang.month(self.content.figures.latest.get(indicator, "2000-01"))
        return self.table(
            t("ranking_caption", title=self.title(indicator), month=month),
            headings,
            rows,
            css="jobtal-sortable",
        )
