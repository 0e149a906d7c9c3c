"""Officer-written notice bodies, rendered safely."""

import re

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "h5",
    "table", "thead", "tbody", "tr", "th", "td", "a", "blockquote", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z!/]")


def render_notice_body(body):
    """Sanitise with nh3 (ammonia): scripts, event handlers and javascript: URLs go.

    A body without tags is plain text: escaped, blank lines become paragraphs.
    """
    if not _LOOKS_LIKE_HTML.search(body):
        return mark_safe(linebreaks(body, autoescape=True))  # noqa: S308 — escaped by linebreaks
    cleaned = nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 — sanitised by nh3 just above
