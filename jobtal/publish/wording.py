"""The pages' words: interface texts escaped for Markdown, indicator titles and units, values
as a page shows them, and the sentences built from them (a mixin of PageWriter)."""

from __future__ import annotations

from markupsafe import Markup

from jobtal.indicators.engine import Definition
from jobtal.publish import routes
from jobtal.publish.escaping import address_or_text, markdown_text
from jobtal.publish.language import Language
from jobtal.publish.model import Municipality, SiteContent
from jobtal.publish.tables import CSV_FIELDS


class Wording:
    """Words in the writer's language."""

    content: SiteContent
    lang: Language
    definitions: dict[str, Definition]
    latest_label: str

    def text(self, key: str, **values):
        """The interface text `key` with its placeholders filled in, each value escaped as
        text: Markup, as the text is jobtal's own Markdown. (self.lang.t gives the plain text,
        for charts and tables, which escape it where it lands.)"""
        found = self.lang.t(
            key,
            **{
                name: address_or_text(v)
                if name == "url" or name.endswith("_url")
                else markdown_text(v, line_start=False)
                for name, v in values.items()
            },
        )
        return Markup(found) if isinstance(found, str) else found

    def definition(self, indicator: str):
        """An indicator's definition, or a published series'."""
        if indicator in self.definitions:
            return self.definitions[indicator]
        return next(s for s in self.content.series if s.id == indicator)

    def title(self, indicator: str) -> str:
        return getattr(self.definition(indicator).title, self.lang.code)

    def unit(self, indicator: str) -> str:
        return getattr(self.definition(indicator).unit, self.lang.code)

    def description(self, indicator: str) -> str:
        return getattr(self.definition(indicator).description, self.lang.code)

    def shown(self, indicator: str, value: float | None) -> str:
        return self.lang.number(value, self.definitions[indicator].decimals)

    def share_sentence(self, m: Municipality | None) -> str:
        value = self.content.value
        share = self.definitions["andel_befolkning"].decimals
        country = self.lang.number(value("andel_befolkning", "land:DK"), share)
        if m is None:
            return self.lang.t("summary_country", month=self.latest_label, country=country)
        own = value("andel_befolkning", f"kommune:{m.code}")
        group_share = value("andel_befolkning", f"kommunegruppe:{m.group_code}")
        # a suppressed share is said in words, never shown as a dash in a sentence
        key = (
            "summary_jobcentre_suppressed"
            if own is None
            else "summary_jobcentre_no_group"
            if group_share is None
            else "summary_jobcentre"
        )
        return self.lang.t(
            key,
            month=self.latest_label,
            own=self.lang.number(own, share),
            name=m.name,
            group_share=self.lang.number(group_share, share),
            group=self.lang.group_in_text(m.group_name),
            country=country,
        )

    def changes_text(self) -> Markup:
        """The home page's word on what this release changed."""
        release = self.content.release
        if release.previous is None:
            return self.text("home_first_release", release=release.name, url="releases/")
        counts = {kind: self.lang.number(n) for kind, n in release.changes.items()}
        return self.text(
            "home_changes",
            release=release.name,
            previous=release.previous,
            revised=counts["revised"],
            suppressed=counts["suppressed"],
            unsuppressed=counts["unsuppressed"],
            url=release.path,
        )

    def release_note(self, lang_root: str) -> Markup:
        """Which release a page shows, with a link to what it changed."""
        release = self.content.release
        return self.text(
            "release_note",
            release=release.name,
            date=self.lang.date(release.created),
            url=lang_root + routes.release(release.name),
        )

    def column_notes(self) -> list[str]:
        """What each published column means: the data package's own (Danish) descriptions, or
        their translations."""
        if self.lang.code == "da":
            return [description for _, _, description in CSV_FIELDS]
        return self.lang.t("column_notes")

    def ranking_text(self, d: Definition) -> str:
        """Whether and how jobcentres are ranked by an indicator, for /metode/."""
        t = self.lang.t
        if d.compare_per_1000:
            return t("ranked_per_1000")
        if not d.rank:
            return t("ranked_no")
        better = {"lower": "better_lower", "higher": "better_higher"}.get(d.better)
        return t("ranked_yes") + (" " + t(better) if better else "")

    def breakdowns_text(self, d: Definition) -> str:
        t = self.lang.t
        parts = [t(f"breakdown_{b}") for b in d.breakdowns] or [t("breakdown_none")]
        text = ", ".join(parts)
        if "alle" not in d.benefits:  # only some benefits
            text += " (" + ", ".join(self.lang.benefit(b) for b in d.benefits) + ")"
        return text
