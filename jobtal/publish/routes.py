"""Every address of the site, built in one place (SPEC section 7 pins them).

Pages live under a language's root (Danish at the site's root, English under en/): their paths
here are relative to it, always ending in '/'. Data files live under the site's root, except
the workbooks, which are labelled in a language and so live under its root. A link is the
relative path from the page that holds it, worked out from the two paths (`link`), so no page
counts its own depth by hand."""

from __future__ import annotations

from jobtal.publish.formatting import slug
from jobtal.publish.tables import ALL_VALUES_CSV, ALL_VALUES_PARQUET, BREAKDOWNS, DATA

# pages, under a language's root
HOME = ""
JOBCENTRES = "jobcenter/"
INDICATORS = "indikator/"
DATA_PAGE = f"{DATA}/"
METHOD = "metode/"
GLOSSARY = "ordliste/"  # every term a page uses, explained; pages link to its anchors
BUILDER = "tabel/"  # the table builder
RELEASES = "releases/"
TOPOLOGY = "assets/kommuner.topojson"  # copied under each language's root (site.py)
FIGURES = f"{DATA}/figurer"  # the charts' data, under the site's root
BUILDER_DATA = "tabel/data"  # the table builder's data, under the site's root
FEED = "feed.xml"  # the release feed, under each language's root


def jobcentre(name: str) -> str:
    return f"{JOBCENTRES}{slug(name)}/"


REPORT_FILE = "rapport.docx"


def report(name: str) -> str:
    """A jobcentre's Word report, beside its profile under the language's root (SPEC section 7)."""
    return f"{jobcentre(name)}{REPORT_FILE}"


def indicator(indicator_id: str) -> str:
    return f"{INDICATORS}{indicator_id}/"


def release(name: str) -> str:
    return f"{RELEASES}{name}/"


# files, under the site's root
def all_values(kind: str) -> str:
    return f"{DATA}/{ALL_VALUES_PARQUET if kind == 'parquet' else ALL_VALUES_CSV}"


def jobcentre_csv(code: int | str) -> str:
    return f"{DATA}/jobcentre/{code}.csv"


def indicator_csv(indicator_id: str) -> str:
    return f"{DATA}/indicator/{indicator_id}.csv"


def indicator_breakdowns(indicator_id: str) -> str:
    return f"{DATA}/indicator/{indicator_id}{BREAKDOWNS}"


def figure_csv(key: str) -> str:
    return f"{FIGURES}/{key}.csv"


def workbook(kind: str, key: int | str) -> str:
    """A jobcentre's or an indicator's workbook, under the root of the language it is in."""
    return f"{DATA}/{kind}/{key}.xlsx"


def link(page: str, target: str) -> str:
    """The relative address of `target` from `page` (both under the same root: the site's, or
    one language's), e.g. link('en/jobcenter/x/', 'data/jobcentre/101.csv') ->
    '../../../data/jobcentre/101.csv'."""
    return "../" * page.count("/") + target


def builder(query: str = "") -> str:
    """The table builder, showing the selection `query` (SPEC section 7's parameters)."""
    return f"{BUILDER}?{query}" if query else BUILDER


def citing_address(path: str, site_url: str | None) -> str:
    """A path under the site's root as the address to cite it by: absolute when the site's
    address is known."""
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"
