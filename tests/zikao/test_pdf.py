"""zikao.pdf: what every printout shares besides the typeface (tests/zikao/test_print_font.py): the
print user-agent stylesheet, images from memory and nothing else, the font compression, the
collector paused for a render only."""

import gc
import io
import zlib
from html.parser import HTMLParser

import pytest
import time_machine
from django.conf import settings
from pypdf import PdfReader

from exams import seats, ticket_pdf
from identity.models import IdentityPhoto, Slot
from tests.exams.seat_fixtures import AFTER_PRINT, make_sitting, seated_candidate
from tests.exams.test_ticket import poppler
from zikao import pdf

pytestmark = pytest.mark.django_db


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


def printout_templates():
    root = settings.BASE_DIR / "templates"
    return sorted({*root.glob("*/*_pdf.html"), root / "transfers" / "pdf.html"})


def test_the_printout_templates_use_only_elements_the_print_stylesheet_styles():
    templates = printout_templates()
    assert len(templates) >= 6  # ticket, transcript, both transfer forms, graduation form, guide
    for template in templates:
        parser = _Tags()
        parser.feed(template.read_text(encoding="utf-8"))
        assert parser.tags <= pdf.PRINT_ELEMENTS, (template.name, parser.tags - pdf.PRINT_ELEMENTS)


def use_weasyprints_own_stylesheet(monkeypatch):
    """Render with WeasyPrint's full user-agent stylesheet from now on, as before zikao/print_ua.css."""
    from weasyprint import HTML

    _, font_config, stylesheets = pdf._weasy()
    monkeypatch.setattr(pdf, "_weasy", lambda: (HTML, font_config, stylesheets))


def word_boxes(body, tmp_path):
    """Every word of the PDF with its box, as poppler reads them."""
    return [line.strip() for line in poppler("pdftotext", body, tmp_path, "-bbox").splitlines() if "<word" in line]


@pytest.fixture
def seated_ticket(private_storage):
    candidate = seated_candidate("03708", "03709", "00015", name="钱进")
    sitting = make_sitting()
    photo = ticket_pdf.read_photo(IdentityPhoto.objects.get(submission__candidate=candidate, slot=Slot.HEADSHOT))

    def render():
        with time_machine.travel(AFTER_PRINT, tick=False):
            return ticket_pdf.render_ticket_pdf(
                candidate=candidate, sitting=sitting, seats=seats.ticket_seats(candidate=candidate, sitting=sitting),
                photo_bytes=photo,
            )

    return render


def test_the_print_stylesheet_lays_a_ticket_out_word_for_word_as_weasyprints_own(seated_ticket, tmp_path, monkeypatch):
    ours = seated_ticket()
    use_weasyprints_own_stylesheet(monkeypatch)
    theirs = seated_ticket()
    boxes = word_boxes(ours, tmp_path)
    assert len(boxes) > 60 and any("考生须知" in box for box in boxes)
    assert boxes == word_boxes(theirs, tmp_path)


def test_the_font_program_is_compressed_and_whole(seated_ticket):
    reader = PdfReader(io.BytesIO(seated_ticket()))
    programs = []
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        stream = descriptor["/FontFile2"].get_object()
        programs.append(stream)
        assert stream["/Filter"] == "/FlateDecode"
        assert len(zlib.decompress(stream._data)) == stream["/Length1"]  # the whole TrueType program
    assert programs


def test_a_printout_loads_its_own_images_and_nothing_else():
    fetcher = pdf._image_fetcher_class()({"zikao-print:photo": (b"\xff\xd8\xff\xe0", "image/jpeg")})
    assert fetcher.fetch("zikao-print:photo").read() == b"\xff\xd8\xff\xe0"
    for address in ("file:///etc/passwd", "http://127.0.0.1/", "zikao-print:other", "data:image/png;base64,AA=="):
        with pytest.raises(ValueError):
            fetcher.fetch(address)


def test_only_jpeg_and_png_bytes_are_printout_images():
    assert pdf.image_type(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert pdf.image_type(b"\xff\xd8\xff\xdb....") == "image/jpeg"
    with pytest.raises(ValueError):
        pdf.image_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>")


def test_the_collector_is_back_on_after_a_render_even_a_failed_one(seated_ticket, monkeypatch):
    assert gc.isenabled()
    seated_ticket()
    assert gc.isenabled()

    def broken(*args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf, "_compress_fonts", broken)
    with pytest.raises(RuntimeError):
        seated_ticket()
    assert gc.isenabled()
