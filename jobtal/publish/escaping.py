"""Every value that goes into a page is escaped for where it lands, by default.

The pages are Markdown with HTML in it (mkdocs renders them), so a string from the input (a
name, a label) is escaped twice over: HTML's five special characters as entities, and the
characters Markdown reads as syntax (links, emphasis, attribute lists, tables, code) as numeric
character references, which Markdown passes through and the browser shows as the characters.
The page templates apply `markdown_text` to everything they print (jinja2's `finalize`);
what jobtal itself writes as Markdown or HTML (interface texts with their placeholders filled
in escaped, tables, chart specs) is marked safe as markupsafe.Markup. Front matter is YAML: a
title is written there as a quoted JSON string, which YAML reads as it is."""

from __future__ import annotations

import json
import unicodedata

from markupsafe import Markup, escape

# what Markdown (with the attribute lists, tables and code of mkdocs-material) reads as
# structure inside a line: links and images, attribute lists, code, table cells, escapes.
# Emphasis (* and _) is left: it only changes how text looks, and identifiers (file names,
# anchors in addresses) are full of underscores.
MARKDOWN_SYNTAX = "\\`[]{}|"


def markdown_text(value: object) -> Markup:
    """`value` as text in a Markdown page, or in HTML within it: shown as it is, never read as
    markup. Markup (what jobtal wrote) passes unchanged."""
    if isinstance(value, Markup):
        return value
    # a control character (a line break, or the characters Markdown marks its own placeholders
    # with) would change the page's structure: shown as the replacement character instead
    text = "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in str(value))
    text = str(escape(text))
    for character in MARKDOWN_SYNTAX:
        text = text.replace(character, f"&#{ord(character)};")
    return Markup(text)


def front_matter(value: object) -> Markup:
    """A value of the page's YAML front matter (its title): a quoted string, escaped as text."""
    return Markup(json.dumps(str(markdown_text(value)), ensure_ascii=False))
