"""/feed.xml (and /en/feed.xml): an Atom feed with one entry per release, newest first, each
with its citation. Written by hand rather than with a library so that the bytes depend on the
releases alone."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from jobtal.publish import routes
from jobtal.publish.language import Language
from jobtal.publish.release_pages import release_citation
from jobtal.publish.releases import Release

FEED_NAME = routes.FEED


def atom_time(iso: str) -> str:
    """The data package's `created` as an Atom date (RFC 3339, UTC written as Z)."""
    return iso.replace("+00:00", "Z")


def release_summary(release: Release, lang: Language) -> str:
    t = lang.t
    parts = [
        t("feed_summary", month=lang.month(release.month), first=lang.month(release.first_period))
    ]
    if release.previous:
        parts.append(
            t(
                "feed_changes",
                revised=release.changes.get("revised", 0),
                suppressed=release.changes.get("suppressed", 0),
                unsuppressed=release.changes.get("unsuppressed", 0),
                previous=release.previous,
            )
        )
    if release.synthetic:
        parts.append(t("synthetic_title") + ".")
    return " ".join(parts)


def write_feed(
    path: Path,
    releases: list[Release],
    lang: Language,
    site_url: str | None,
) -> None:
    def address(page: str) -> str:  # a page of this language
        return routes.citing_address(lang.prefix + page, site_url)

    newest_first = releases[::-1]  # the releases come oldest first
    site = address("")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang.code}">',
        f"  <title>{escape(lang.t('feed_title'))}</title>",
        f"  <subtitle>{escape(lang.t('feed_subtitle'))}</subtitle>",
        f"  <id>urn:jobtal:{lang.code}:feed</id>",
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(address(FEED_NAME))}/>',
        f'  <link rel="alternate" type="text/html" href={quoteattr(site)}/>',
        f"  <updated>{atom_time(newest_first[0].created)}</updated>",
        "  <author><name>Jobtal</name></author>",
        "  <rights>CC BY 4.0</rights>",
    ]
    for release in newest_first:
        url = address(release.path)
        title = lang.t("feed_entry_title", release=release.name, month=lang.month(release.month))
        citation = release_citation(lang, address, release)
        lines += [
            "  <entry>",
            f"    <title>{escape(title)}</title>",
            # ids stay the same if the site moves to another address
            f"    <id>urn:jobtal:{lang.code}:release:{release.name}</id>",
            f'    <link rel="alternate" type="text/html" href={quoteattr(url)}/>',
            f"    <published>{atom_time(release.created)}</published>",
            f"    <updated>{atom_time(release.created)}</updated>",
            f"    <summary>{escape(release_summary(release, lang))}</summary>",
            f'    <content type="text">{escape(citation)}</content>',
            "  </entry>",
        ]
    lines.append("</feed>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
