"""The site's pages as Markdown for mkdocs, rendered from site_templates/pages with jinja2, once
per language.

`SiteContent` (model.py) reads what the pages show from DuckDB once; `PageWriter` turns it into
one language's pages: its words (wording.py), tables (page_tables.py) and charts
(page_charts.py) are mixins, and this module only renders the pages and decides which there are.
Everything a template shows arrives as a ready-made string in the page's language (numbers,
months, sentences); templates only lay it out."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from jobtal import paths
from jobtal.indicators.series import SeriesDefinition
from jobtal.log import progress
from jobtal.parallel import map_in_processes, workers
from jobtal.publish import charts, routes
from jobtal.publish.escaping import front_matter, markdown_text
from jobtal.publish.language import Language
from jobtal.publish.model import Municipality, SiteContent
from jobtal.publish.page_charts import PageCharts
from jobtal.publish.page_tables import PageTables
from jobtal.publish.release_pages import ReleasePages
from jobtal.publish.releases import Release
from jobtal.publish.report import write_report
from jobtal.publish.site import is_local
from jobtal.publish.tables import CSV_FIELDS, DATA
from jobtal.publish.wording import Wording


class PageWriter(Wording, PageTables, PageCharts):
    """Writes one language's pages into a docs folder."""

    def __init__(self, content: SiteContent, lang: Language, site_url: str | None = None):
        self.content = content
        self.lang = lang
        self.site_url = site_url
        # the tables of each built page ('en/jobcenter/x/index.html'), by their marker
        self.tables: dict[str, dict[str, str]] = {}
        self.pending_tables: dict[str, str] = {}  # those of the page being rendered
        self.pages_written = 0  # by render, for the build's summary
        self.definitions = content.definitions
        self.latest_label = lang.month(content.reference_month)
        self.environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(paths.PAGE_TEMPLATES),
            # pages are Markdown: every printed value is escaped for it (jobtal.publish.escaping)
            autoescape=False,
            finalize=markdown_text,
            keep_trailing_newline=True,
            undefined=jinja2.StrictUndefined,
        )
        self.environment.filters["front_matter"] = front_matter
        # jobtal's own SQL in a fenced code block, which Markdown shows as it is
        self.environment.filters["code"] = Markup

    def render(self, template: str, page: str, docs: Path, **context) -> None:
        """Render `template` as the page at `page` (its path under the language's root, '' for
        the home page)."""
        root = self.root_of(page)  # from the page to the site's root
        lang_root = routes.link(page, "")  # from the page to this language's root
        other = self.lang.other
        other_url = root + other.prefix + page
        target = docs / page / "index.md" if page else docs / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        text = self.environment.get_template(template).render(
            t=self.text,
            lang=self.lang.code,
            synthetic=context.pop("synthetic", self.content.synthetic),
            latest_label=self.latest_label,
            root=root,
            lang_root=lang_root,
            # links from this page: to a path under the site's root, under the language's root
            site=lambda target: routes.link(self.lang.prefix + page, target),
            local=lambda target: routes.link(page, target),
            routes=routes,
            lang_prefix=self.lang.prefix,
            other_url=other_url or "./",
            other_lang=other.code,
            release_note=self.release_note(lang_root),
            release_name=self.content.release.name,
            local_build=is_local(self.site_url),
            spliced=self.spliced,  # a chart's table, where the page shows the chart
            **context,
        )
        target.write_text(text, encoding="utf-8")
        self.pages_written += 1
        if self.pending_tables:
            self.tables[f"{self.lang.prefix}{page}index.html"] = self.pending_tables
            self.pending_tables = {}

    def profile_groups(self) -> dict[str, list[str]]:
        """The profile's key figures: what can be compared between big and small jobcentres as
        it is, the minister's targets (counts, compared per 1,000 inhabitants), the rest."""
        targets = [d.id for d in self.definitions.values() if d.compare_per_1000]
        compared = [d.id for d in self.definitions.values() if d.rank and d.id not in targets]
        others = [d.id for d in self.definitions.values() if d.id not in targets + compared]
        return {"compared": compared, "targets": targets, "others": others}

    def write_reports(self, root: Path, municipalities: list[Municipality]) -> list[int]:
        """The Word reports of `municipalities` in this language under `root` (the language's
        root among the data files); returns their sizes."""
        groups = self.profile_groups()
        return [
            write_report(
                root / routes.report(m.name),
                self,
                m,
                groups,
                self.address(routes.jobcentre(m.name)),
            )
            for m in municipalities
        ]

    def write_all(self, docs: Path) -> int:
        """Every page of the language; returns how many were written."""
        before = self.pages_written
        t = self.lang.t
        municipalities = self.content.municipalities
        self.render(
            "home.md.j2",
            "",
            docs,
            subject=t("subject_country"),
            jobcentre_count=len(municipalities),
            summary=self.share_sentence(None),
            figures_table=self.figures_table(
                "land:DK", t("country_caption", month=self.latest_label)
            ),
            targets_table=self.targets_table(),
            target_charts=self.target_charts("land-maal", self.root_of("")),
            movers_table=self.movers_table(),
            changes_text=self.changes_text(),
            chart=self.benefit_chart("land-ydelser", self.root_of(""), t("country_in_text")),
        )
        self.render(
            "jobcenter_index.md.j2",
            routes.JOBCENTRES,
            docs,
            subject=t("subject_jobcentres"),
            jobcentre_count=len(municipalities),
            rows=[
                {
                    "slug": m.slug,
                    "name": m.name,
                    "region": m.region_name,
                    "group": self.lang.group(m.group_name),
                    "share": self.shown(
                        "andel_befolkning",
                        self.content.value("andel_befolkning", f"kommune:{m.code}"),
                    ),
                    "persons": self.shown(
                        "personer", self.content.value("personer", f"kommune:{m.code}")
                    ),
                }
                for m in municipalities
            ],
            map=self.map_chart(
                "andel_befolkning",
                self.root_of(routes.JOBCENTRES),
                routes.link(routes.JOBCENTRES, ""),
            ),
        )
        groups = self.profile_groups()
        compared, targets, others = groups["compared"], groups["targets"], groups["others"]
        for m in progress(
            municipalities, f"jobcentre pages ({self.lang.code})", len(municipalities)
        ):
            page = routes.jobcentre(m.name)
            root = self.root_of(page)
            self.render(
                "jobcenter.md.j2",
                page,
                docs,
                subject=m.name,
                name=m.name,
                code=m.code,
                region=m.region_name,
                group=self.lang.group(m.group_name),
                summary=self.share_sentence(m),
                figures_table=self.figures_table(
                    f"kommune:{m.code}", f"{m.name}, {self.latest_label}"
                ),
                key_figures=self.key_figure_cards(m, compared, "noegletal"),
                target_figures=self.key_figure_cards(m, targets, "maal"),
                more_figures=self.more_figures_table(m, others),
                benefit_chart=self.benefit_chart(f"jobcenter-{m.code}-ydelser", root, m.name),
                target_charts=self.target_charts(f"jobcenter-{m.code}-maal", root),
                comparison_chart=self.comparison_chart(m, root),
                expected_chart=self.expected_chart(m, root),
                group_chart=self.group_chart(m, root),
                series_charts=self.series_charts(m, root),
                csv_url=root + routes.jobcentre_csv(m.code),
                report_size=self.lang.size(
                    self.content.data_sizes.get(self.lang.prefix + routes.report(m.name), 0)
                ),
                citation_url=self.address(page),
            )
        definitions = list(self.definitions.values())
        self.render(
            "indicator_index.md.j2",
            routes.INDICATORS,
            docs,
            subject=t("subject_indicators"),
            indicators=[
                {
                    "id": d.id,
                    "title": self.title(d.id),
                    "description": self.description(d.id),
                }
                for d in [*definitions, *self.content.series]
            ],
        )
        for d in definitions:
            page = routes.indicator(d.id)
            root = self.root_of(page)
            self.render(
                "indicator.md.j2",
                page,
                docs,
                subject=t("subject_indicators"),
                id=d.id,
                title=self.title(d.id),
                description=self.description(d.id),
                unit=self.unit(d.id),
                breakdowns=self.breakdowns_text(d),
                rank=d.rank,
                per_1000=d.compare_per_1000,
                trend=self.line_chart(
                    "chart-land",
                    f"indikator-{d.id}-land",
                    root,
                    title=t("chart_country_trend", title=self.title(d.id)),
                    y_title=self.unit(d.id),
                    field="indicator",
                    labels={d.id: self.title(d.id)},
                    series_title=t("indicator"),
                    decimals=d.decimals,
                ),
                map=self.map_chart(d.id, root, routes.link(page, "")) if d.rank else None,
                ranking=self.ranking_table(d.id),
                csv_url=root + routes.indicator_csv(d.id),
            )
        for series in self.content.series:
            self.write_series_page(series, docs)
        self.render(
            "data.md.j2",
            routes.DATA_PAGE,
            docs,
            subject=t("subject_data"),
            columns=[
                (name, kind, note)
                for (name, kind, _), note in zip(CSV_FIELDS, self.column_notes(), strict=True)
            ],
            jobcentres=[(m.name, m.code) for m in municipalities],
            size=lambda path: self.lang.size(self.content.data_sizes.get(path, 0)),
            has=lambda path: path in self.content.data_sizes,
            data_address=(self.site_url.rstrip("/") + "/" if self.site_url else "") + f"{DATA}/",
            indicators=[(d.id, self.title(d.id)) for d in definitions]
            + [(s.id, getattr(s.title, self.lang.code)) for s in self.content.series],
        )
        self.render(
            "tabel.md.j2",
            routes.BUILDER,
            docs,
            subject=t("subject_data"),
            builder_texts=Markup(charts.spec_json(self.lang.texts["builder"])),
            vega_lite_schema=charts.SCHEMA_URL,
        )
        self.render("glossary.md.j2", routes.GLOSSARY, docs)
        self.render(
            "method.md.j2",
            routes.METHOD,
            docs,
            subject=t("subject_method"),
            definitions=[
                {
                    "id": d.id,
                    "title": self.title(d.id),
                    "description": self.description(d.id),
                    "unit": self.unit(d.id),
                    "decimals": d.decimals,
                    "breakdowns": self.breakdowns_text(d),
                    "ranking": self.ranking_text(d),
                    "additive": d.additive,
                    "sql": d.sql.strip(),
                }
                for d in definitions
            ],
            series=[
                {
                    "id": d.id,
                    "title": self.title(d.id),
                    "description": self.description(d.id),
                    "unit": self.unit(d.id),
                    "decimals": d.decimals,
                    "source": d.source,
                }
                for d in self.content.series
            ],
        )
        return self.pages_written - before

    def write_series_page(self, series: SeriesDefinition, docs: Path) -> None:
        """/indikator/<id>/ for another publisher's series: what it is and whose, the country's
        trend where the source has one, and every jobcentre in its latest period."""
        page = f"indikator/{series.id}/"
        root = self.root_of(page)
        t = self.lang.t
        title, unit = self.title(series.id), self.unit(series.id)
        trend_key, latest_key = f"indikator-{series.id}-land", f"indikator-{series.id}-kort"
        trend = self.content.figures[trend_key]
        chart = None
        if any(r.value is not None for r in trend):
            periods = [r.period for r in trend]
            spec = charts.period_lines(
                root + routes.figure_csv(trend_key),
                title=t("chart_country_trend", title=title),
                y_title=unit,
                series_labels={series.id: title},
                series_title=t("series"),
                decimals=series.decimals,
                lang=self.lang,
            )
            alt = t(
                "alt_series",
                title=title,
                first=periods[0],
                last=periods[-1],
                latest=self.lang.number(trend[-1].value, series.decimals),
            )
            table = self.series_table(
                trend,
                lambda r: r.indicator,
                [series.id],
                {series.id: title},
                series.decimals,
                title,
            )
            chart = self.chart(
                "chart-land",
                alt,
                spec,
                root + routes.figure_csv(trend_key),
                table,
                trend,
                source=f"{series.source['title']}, {periods[0]}–{periods[-1]}",
            )
        latest = sorted(
            self.content.figures[latest_key],
            key=lambda r: (r.value is None, -(r.value or 0), r.area_name),
        )
        period = latest[0].period if latest else ""
        ranking = self.table(
            t("series_ranking_caption", title=title, period=period),
            [t("jobcentre"), unit],
            [
                [
                    (r.area_name, routes.link(page, routes.jobcentre(r.area_name))),
                    self.lang.number(r.value, series.decimals),
                ]
                for r in latest
            ],
            css="jobtal-sortable",
        )
        self.render(
            "series.md.j2",
            page,
            docs,
            subject=t("subject_indicators"),
            synthetic=False,  # another publisher's real figures
            id=series.id,
            title=title,
            description=self.description(series.id),
            unit=unit,
            source=series.source,
            trend=chart,
            ranking=ranking if latest else None,
            csv_url=root + routes.indicator_csv(series.id),
        )

    def address(self, page: str) -> str:
        """A page's address for citing."""
        return routes.citing_address(self.lang.prefix + page, self.site_url)

    def root_of(self, page: str) -> str:
        """The relative path from a page (its path under the language's root) to the site's
        root, where the data files are."""
        return routes.link(self.lang.prefix + page, "")


def write_all_reports(content: SiteContent, languages: list[str], site_url: str, root: Path) -> int:
    """Every jobcentre's Word report in every language, under `root`/<language prefix>;
    returns how many. Most of a report's time is its two charts' rendering, which vl-convert
    does one chart at a time per process (threads wait for each other): the reports are
    written in worker processes, each given the site's content (about 9 MB pickled at the
    default demo's scale) and a share of the jobcentres."""
    municipalities = content.municipalities
    shares = max(1, min(workers(), len(municipalities)))
    jobs = [
        (content, code, site_url, root, [m.code for m in municipalities[start::shares]])
        for code in languages
        for start in range(shares)
    ]
    written = map_in_processes(write_reports_job, jobs, worth_it=len(municipalities) > 20)
    return sum(len(sizes) for sizes in written)


def write_reports_job(job: tuple[SiteContent, str, str, Path, list[int]]) -> list[int]:
    """One worker's share of the reports: one language, some jobcentres."""
    content, code, site_url, root, codes = job
    writer = PageWriter(content, Language.load(code), site_url)
    return writer.write_reports(
        root / writer.lang.prefix, [content.by_code[code] for code in codes]
    )


def write_all_pages(
    content: SiteContent,
    languages: list[str],
    site_url: str | None,
    releases: list[Release],
    changes_files: dict[str, Path],
    docs: Path,
) -> list[tuple[int, dict[str, dict[str, str]]]]:
    """Every language's pages, the releases' among them, under `docs`/<language>: one worker
    process per language (the pages are pure Python: jinja2 and altair, on one core each).
    Returns each language's count of pages and its tables (PageWriter.tables), in order."""
    jobs = [(content, code, site_url, releases, changes_files, docs / code) for code in languages]
    return map_in_processes(write_language_pages, jobs, worth_it=len(content.municipalities) > 20)


def write_language_pages(
    job: tuple[SiteContent, str, str | None, list[Release], dict[str, Path], Path],
) -> tuple[int, dict[str, dict[str, str]]]:
    """One language's pages."""
    content, code, site_url, releases, changes_files, docs = job
    writer = PageWriter(content, Language.load(code), site_url)
    pages = writer.write_all(docs)
    pages += ReleasePages(writer, releases, changes_files).write_all(docs)
    return pages, writer.tables
