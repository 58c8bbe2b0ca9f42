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
import re
import unicodedata

from markupsafe import Markup

# what Markdown (with the attribute lists, tables and code of mkdocs-material) reads as
# structure inside a line: links and images, attribute lists, code, table cells, escapes, a
# heading's closing #s, emphasis. An underscore inside a word is left as it is: Markdown never
# reads it as emphasis there, and identifiers (file names, anchors in addresses, which pass
# through here too and are shown in code) are full of them.
MARKDOWN_SYNTAX = "\\`[]{}|#*"
# what starts a block when it opens a line (a value may: "- {{ name }}" is a list item): a
# list's bullet or number, a quote, a setext underline
LINE_START = re.compile(r"^([-+*=>]|\d+(?=[.)]))")


_ESCAPED = {c: f"&#{ord(c)};" for c in "&<>\"'" + MARKDOWN_SYNTAX}


def _control(character: str) -> bool:
    return unicodedata.category(character) == "Cc"


def _word_edge(text: str, at: int) -> bool:
    """Whether the character at `at` has no letter or digit on one side (where an underscore
    may open or close emphasis)."""
    before = text[at - 1] if at > 0 else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return not (before.isalnum() and after.isalnum())


def markdown_text(value: object, line_start: bool = True) -> Markup:
    """`value` as text in a Markdown page, or in HTML within it: shown as it is, never read as
    markup. Markup (what jobtal wrote) passes unchanged. `line_start` False for a value that
    is placed inside a sentence (an interface text's placeholder), never at a line's start."""
    if isinstance(value, Markup):
        return value
    # one pass, character by character (entities written earlier must not be escaped again):
    # HTML's specials and Markdown's syntax as character references, and a control character
    # (a line break, or the marks Markdown puts round its own placeholders), which would change
    # the page's structure, as the replacement character
    value = str(value)
    text = "".join(
        _ESCAPED.get(c)
        or ("\ufffd" if _control(c) else "&#95;" if c == "_" and _word_edge(value, i) else c)
        for i, c in enumerate(value)
    )
    # a block marker that opens the value: its first character, or a numbered list's number
    if line_start:
        text = LINE_START.sub(lambda m: "".join(f"&#{ord(c)};" for c in m.group()), text, count=1)
    return Markup(text)


def front_matter(value: object) -> Markup:
    """A value of the page's YAML front matter (its title): a quoted string, escaped as text."""
    return Markup(json.dumps(str(markdown_text(value)), ensure_ascii=False))


# what the site's own addresses are made of (paths, anchors, the site's address)
ADDRESS = re.compile(r"[A-Za-z0-9_./:#?=&%~-]*")


def address_or_text(value: object) -> Markup:
    """An address jobtal made (a link's target in an interface text) as it is; anything else
    escaped as text."""
    if (
        isinstance(value, str)
        and ADDRESS.fullmatch(value)
        and not value.lower().startswith(("javascript:", "data:", "vbscript:"))
    ):
        return Markup(value)
    return markdown_text(value)
