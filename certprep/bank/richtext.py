"""Question text to safe HTML, whatever format it was written in.

HTML from files is cleaned with nh3 (the Ammonia sanitiser) when it is imported and
again when it is rendered; Markdown is rendered, then sanitised.
"""

import html
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

# Raw HTML in Markdown is allowed (HTML questions exported to YAML keep their markup);
# nh3 removes anything unsafe from the result.
_markdown = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")

# Ammonia's defaults (no script, style, event handlers or javascript: URLs), minus
# elements a question never needs.
_TAGS = nh3.ALLOWED_TAGS - {"area", "map", "bdo"}
_ATTRIBUTES = {**nh3.ALLOWED_ATTRIBUTES, "img": {"src", "alt", "width", "height", "title"}}


def clean_html(html: str) -> str:
    return nh3.clean(html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https",
                                                                              "mailto"})


def sanitise(text: str, text_format: str) -> str:
    """Import-time cleaning: HTML-bearing formats lose anything unsafe; others are kept."""
    return clean_html(text) if text_format in ("html", "moodle") else text


@lru_cache(maxsize=4096)
def to_html(text: str, text_format: str = "plain") -> Markup:
    """Safe HTML for a page."""
    if not text:
        return Markup("")
    if text_format == "markdown":
        html = _markdown.render(text)
    elif text_format == "html":
        html = text
    elif text_format == "moodle":
        # Moodle's auto-format: HTML allowed, line breaks kept.
        html = text.replace("\n", "<br>\n")
    else:
        html = str(escape(text)).replace("\n", "<br>\n")
    return Markup(clean_html(html))  # noqa: S704 - cleaned by nh3 just now


def plain_text(text: str, text_format: str = "plain") -> str:
    """The words a reader sees, without markup: for titles, previews and search results."""
    if not text:
        return ""
    visible = nh3.clean(str(to_html(text, text_format)), tags=set())
    return " ".join(html.unescape(visible).split())


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word and marked with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"
