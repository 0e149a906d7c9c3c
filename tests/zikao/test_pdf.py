"""zikao.pdf: what every printout shares besides the typeface (tests/zikao/test_print_font.py)."""

import pytest

from zikao import pdf


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
