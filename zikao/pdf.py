"""What every printable PDF of the portal shares: WeasyPrint set up once per process, the print
time format, the download name, and the verification-code scheme officers check in admin.

A printout's images (the verified headshot, the ticket's QR code) are handed to WeasyPrint from
memory under ``zikao-print:NAME`` addresses, not as data: URIs in the HTML: WeasyPrint's pure-Python
HTML parser would read a headshot's 40 KB of base64 character by character (~4 ms of a ticket), and the
fetcher that serves them refuses every other address, so no printout can read a file or the network.

Three costs of WeasyPrint that a printout does not need are cut (docs/benchmarks.md, "Fifth round"):
its user-agent stylesheet is replaced by print_ua.css (its rules for the elements printouts use), the
embedded font is compressed at zlib's default level instead of 9 (the font program of a ticket is
125 KB: 6.6 ms at level 9, 2.7 ms at 6, 0.3 KB larger), and the cyclic garbage collector waits until
a render is over instead of scanning the layout's objects again and again while they are made.

A verification code is 12 hex characters of an HMAC (keyed by SECRET_KEY and salted per kind of
document) over exactly what the printout asserts, shown as XXXX-XXXX-XXXX. Nothing is stored: the
officer types the printout's facts and code, the admin recomputes the code from the database.
"""

import atexit
import functools
import gc
import logging
import zlib
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from zikao import print_font

# WeasyPrint logs every layout step at INFO: several lines per printout would
# drown the application's own log lines.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

PRINT_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PRINT_UA = Path(__file__).with_name("print_ua.css")
# The elements print_ua.css styles: the printout templates use these and no others (tested).
PRINT_ELEMENTS = frozenset({
    "html", "head", "meta", "title", "body", "div", "p", "span", "br", "h1", "h2", "img",
    "table", "colgroup", "col", "thead", "tbody", "tr", "th", "td",
})
FONT_ZLIB_LEVEL = 6


@functools.cache
def _weasy():
    """(HTML class, font configuration, stylesheet cache), built on first use."""
    from PIL import ImageFile
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    # Importing WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole
    # process; identity photos must never be accepted truncated, so switch it back off.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    # WeasyPrint copies an @font-face file (the print font) into a temporary folder that the font
    # configuration removes when it is collected; at interpreter exit that comes too late (shutil is
    # already torn down) and the folder stays. Drop both caches while everything is still there.
    atexit.register(_weasy.cache_clear)
    stylesheets = {}
    atexit.register(stylesheets.clear)
    user_agent = CSS(string=PRINT_UA.read_text(encoding="utf-8"))

    class PrintoutHTML(HTML):
        """WeasyPrint's HTML with the printouts' user-agent stylesheet. ``_ua_stylesheets`` is
        WeasyPrint's hook for it (weasyprint.HTML, version 70): should a later version drop the hook,
        printouts use WeasyPrint's full stylesheet again and look the same, only slower."""

        def _ua_stylesheets(self, forms=False):
            return [user_agent]

    return PrintoutHTML, FontConfiguration(), stylesheets


def _stylesheet(css):
    """Compiled once per process per stylesheet: parsing CSS costs more than laying out a page."""
    from weasyprint import CSS

    _, font_config, cache = _weasy()
    if css not in cache:
        cache[css] = CSS(string=css, font_config=font_config)
    return cache[css]


IMAGE_SCHEME = "zikao-print"
IMAGE_TYPES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def image_type(body):
    """The media type of a printout image's bytes (JPEG or PNG); ValueError for anything else."""
    for magic, media_type in IMAGE_TYPES:
        if body.startswith(magic):
            return media_type
    raise ValueError("A printout image must be a JPEG or a PNG")


@functools.cache
def _image_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PrintoutImages(URLFetcher):
        """Serves one printout's images from memory; every other address is refused."""

        def __init__(self, images):
            super().__init__(allowed_protocols=(IMAGE_SCHEME,))
            self.images = images  # {address: (bytes, media type)}

        def fetch(self, url, headers=None):
            if url not in self.images:
                raise ValueError(f"A printout loads nothing but its own images, not {url[:80]}")
            body, media_type = self.images[url]
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return PrintoutImages


def render_pdf(template_name, context, *, css, images=None):
    """The PDF bytes of ``template_name`` rendered with ``context`` and the stylesheet ``css``, in the
    printouts' one typeface (zikao.print_font: ``css`` sets no font-family).

    ``images``: ``{name: JPEG or PNG bytes}``; the template finds each name in its context as the
    address for an ``<img src>``, or "" where the bytes are empty (no photo)."""
    html_class, font_config, _ = _weasy()
    context, served = dict(context), {}
    for name, body in (images or {}).items():
        context[name] = ""
        if body:
            context[name] = f"{IMAGE_SCHEME}:{name}"
            served[context[name]] = (body, image_type(body))
    html = render_to_string(template_name, context)
    stylesheets = [_stylesheet(print_font.font_css()), _stylesheet(css)]
    document = html_class(string=html, url_fetcher=_image_fetcher_class()(served))
    collecting = gc.isenabled()
    gc.disable()  # a ticket leaves ~8,000 objects in cycles: collected once, after the render
    try:
        return document.write_pdf(stylesheets=stylesheets, font_config=font_config, finisher=_compress_fonts)
    finally:
        if collecting:
            gc.enable()


def _compress_fonts(document, pdf):
    """WeasyPrint's finisher hook: compress the embedded font programs (one bytes chunk each, marked
    for compression) at FONT_ZLIB_LEVEL now, where pydyf would use level 9 when writing."""
    import pydyf

    for stream in pdf.objects:
        if (isinstance(stream, pydyf.Stream) and stream.compress and "Filter" not in stream.extra
                and len(stream.stream) == 1 and isinstance(stream.stream[0], bytes)
                and "Length1" in stream.extra):  # /Length1: the length of a TrueType font program
            stream.stream = [zlib.compress(stream.stream[0], FONT_ZLIB_LEVEL)]
            stream.extra["Filter"] = "/FlateDecode"
            stream.compress = False


def warm_up():
    """Load WeasyPrint, build the print font and compile its stylesheet before the first candidate
    waits for them (gunicorn's post_worker_init, docs/deployment.md)."""
    _stylesheet(print_font.font_css())


def format_print_time(moment):
    return timezone.localtime(moment).strftime(PRINT_TIME_FORMAT)


def verification_code(purpose, *facts):
    """The printout code of ``facts`` (strings, in a fixed order) for documents of ``purpose``."""
    value = "|".join("" if fact is None else str(fact) for fact in facts)
    digest = salted_hmac(purpose, value, secret=settings.SECRET_KEY, algorithm="sha256").hexdigest()
    code = digest[:12].upper()
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def normalise_code(code):
    return (code or "").replace("-", "").replace(" ", "").strip().upper()


def code_matches(expected, given):
    """Whether ``given`` (as typed: any case, dashes and spaces optional) is ``expected``."""
    return constant_time_compare(normalise_code(expected), normalise_code(given))


def content_disposition(*, ascii_name, utf8_name, inline=True):
    """A download name every browser understands: an ASCII fallback plus RFC 5987 UTF-8."""
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name)}"
