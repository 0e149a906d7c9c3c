"""zikao.print_font: printouts embed a GB 2312 copy of the face, and still print any character."""

import pytest
import time_machine

from exams import seats, ticket_pdf
from tests.exams.seat_fixtures import AFTER_PRINT, make_sitting, paid, venue
from tests.exams.test_ticket import poppler
from tests.factories import CandidateFactory
from zikao import print_font

pytestmark = pytest.mark.django_db


def ticket_of(name):
    sitting = make_sitting()
    venue("140105", "010501", 30, name="太原市第五中学校")
    candidate = CandidateFactory(approved=True, name=name)
    paid(candidate, sitting, "03708", "03709")
    seats.assign_seats(sitting=sitting, actor_label="test")
    with time_machine.travel(AFTER_PRINT):
        return ticket_pdf.render_ticket_pdf(
            candidate=candidate, sitting=sitting, seats=seats.ticket_seats(candidate=candidate, sitting=sitting),
        )


def embedded_fonts(body, tmp_path):
    return [line.split()[0].split("+")[-1] for line in poppler("pdffonts", body, tmp_path).splitlines()[2:]]


def test_a_ticket_in_gb2312_characters_embeds_only_the_small_copy(tmp_path):
    assert print_font.copy_path() is not None, "fonts-wqy-microhei is installed by make test"
    body = ticket_of("钱进")
    assert embedded_fonts(body, tmp_path) == ["WenQuanYi-Micro-Hei-GB2312"]
    text = poppler("pdftotext", body, tmp_path)
    assert "钱进" in text and "考生须知" in text and "（" in text


def test_a_rare_character_in_a_name_still_prints_from_the_full_face(tmp_path):
    assert "喆" not in "".join(map(chr, print_font.characters()))  # not in GB 2312
    body = ticket_of("王喆")
    fonts = embedded_fonts(body, tmp_path)
    assert "WenQuanYi-Micro-Hei-GB2312" in fonts and "WenQuanYi-Micro-Hei" in fonts, fonts
    assert "王喆" in poppler("pdftotext", body, tmp_path)


def test_without_the_source_font_printouts_use_the_installed_face(settings, tmp_path):
    settings.PRINT_FONT_SOURCE = str(tmp_path / "missing.ttc")
    print_font.copy_path.cache_clear()
    try:
        assert print_font.copy_path() is None
        body = ticket_of("钱进")
    finally:
        print_font.copy_path.cache_clear()
    assert embedded_fonts(body, tmp_path) == ["WenQuanYi-Micro-Hei"]
    assert "钱进" in poppler("pdftotext", body, tmp_path)


def test_the_copy_is_built_once_and_readable_by_other_users(settings, tmp_path):
    settings.PRINT_FONT_DIR = tmp_path / "fonts"
    print_font.copy_path.cache_clear()
    try:
        first = print_font.copy_path()
        built_at = first.stat().st_mtime_ns
        print_font.copy_path.cache_clear()
        again = print_font.copy_path()
    finally:
        print_font.copy_path.cache_clear()
    assert again == first and again.stat().st_mtime_ns == built_at
    assert first.stat().st_mode & 0o044 == 0o044
    assert [p.name for p in (tmp_path / "fonts").iterdir() if p.suffix == ".tmp"] == []
