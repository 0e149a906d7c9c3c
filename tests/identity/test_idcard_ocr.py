"""Reading the 公民身份号码 from generated ID-card photos, and the check built on it.

The cards are drawn in-test (identity.samples.printed_id_card: the 人像面 layout,
a real portrait, the number in OCR-B) and photographed small and slightly
turned, shaded and compressed; the full measured set is scripts/ocr_cards.py.
"""

import io
import logging

import pytest
from PIL import ImageFilter

from identity import checks, idcard_ocr, samples
from tests.factories import make_id_number
from tests.identity.helpers import needs_samples

pytestmark = needs_samples

REGISTERED = make_id_number(county_code="140105", sequence=37)
SOMEONE_ELSE = make_id_number(county_code="140105", sequence=38)  # also valid, one digit and the check digit differ


@pytest.fixture(scope="module")
def engine():
    engine = idcard_ocr.get_engine()
    assert engine is not None, "tesseract (Debian tesseract-ocr) must be installed on the test machine"
    return engine


def card_photo(number, *, angle=4.0, blur=0.5, quality=70, width=900, person="astronaut"):
    """A phone photo of an ID card printed with ``number``: turned, in slight perspective, shaded, JPEG."""
    photo = samples.photographed(
        samples.printed_id_card(person, number), width=width, angle=angle, tilt=0.03, blur=blur, light=0.25
    )
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def test_the_printed_number_is_read_from_a_photographed_card(engine):
    reading = idcard_ocr.read_id_number(card_photo(REGISTERED), engine=engine)
    assert reading.number == REGISTERED
    assert reading.seconds < 2


def test_a_card_turned_the_other_way_and_compressed_harder_is_read_too(engine):
    photo = card_photo(SOMEONE_ELSE, angle=-8.0, blur=1.2, quality=45, person="grace_hopper", width=1300)
    assert idcard_ocr.read_id_number(photo, engine=engine).number == SOMEONE_ELSE


def test_the_same_number_passes_and_only_a_masked_reading_is_kept(engine):
    check = checks.id_number_check(card_photo(REGISTERED), REGISTERED, engine=engine)
    assert check.outcome == checks.PASSED and check.value == 0
    assert REGISTERED not in check.detail
    assert f"{REGISTERED[:6]}********{REGISTERED[-4:]}" in check.detail


def test_a_different_valid_number_goes_to_an_officer_with_the_reason(engine):
    check = checks.id_number_check(card_photo(SOMEONE_ELSE), REGISTERED, engine=engine)
    assert check.outcome == checks.UNCERTAIN
    assert check.detail.startswith("身份证照片上的号码与注册的身份证号不一致")
    assert SOMEONE_ELSE not in check.detail and REGISTERED not in check.detail
    assert "第 16、18 位" in check.detail and check.value == 2  # where they differ, for the officer to compare
    # Even beside a clear failure (which alone would reject), an officer decides.
    face_missing = checks.Check("face_count", "headshot", checks.FAILED, 0, "恰好 1 张", "", "未检测到人脸")
    assert checks.decide([check, face_missing]) == "needs_review"
    assert checks.review_notes([check]) == ["身份证照片上的号码与注册的身份证号不一致"]


def test_an_unreadable_photo_gives_no_verdict_and_the_face_checks_decide(engine):
    blurred = samples.printed_id_card("astronaut", REGISTERED).filter(ImageFilter.GaussianBlur(6))
    assert idcard_ocr.read_id_number(blurred, engine=engine).number == ""
    check = checks.id_number_check(blurred, REGISTERED, engine=engine)
    assert check.outcome == checks.NO_VERDICT
    assert check.detail.startswith("号码无法识别")
    passed = checks.Check("sharpness", "id_card", checks.PASSED, 100.0, "≥60")
    uncertain = checks.Check("same_person", "handheld:id_card", checks.UNCERTAIN, 0.5, "≤0.40")
    failed = checks.Check("face_count", "headshot", checks.FAILED, 0, "恰好 1 张", "", "未检测到人脸")
    assert checks.decide([check, passed]) == "approved"
    assert checks.decide([check, uncertain]) == "needs_review"
    assert checks.decide([check, failed]) == "rejected"


def test_a_number_with_a_wrong_check_digit_is_never_accepted(engine):
    wrong_check_digit = REGISTERED[:17] + ("0" if REGISTERED[17] != "0" else "1")
    assert idcard_ocr.read_id_number(card_photo(wrong_check_digit), engine=engine).number == ""


def test_a_card_without_a_printed_number_is_unreadable(engine):
    check = checks.id_number_check(samples.id_card("grace_hopper"), REGISTERED, engine=engine)
    assert check.outcome == checks.NO_VERDICT


def test_without_tesseract_there_is_no_verdict(monkeypatch):
    monkeypatch.setattr(idcard_ocr, "get_engine", lambda: None)
    check = checks.id_number_check(card_photo(SOMEONE_ELSE), REGISTERED)
    assert check.outcome == checks.NO_VERDICT and "号码无法识别" in check.detail


def test_the_number_never_reaches_the_log(engine, caplog):
    caplog.set_level(logging.DEBUG)
    checks.id_number_check(card_photo(SOMEONE_ELSE), REGISTERED, engine=engine)
    checks.id_number_check(b"not an image", REGISTERED, engine=engine)  # a reader error is logged
    assert SOMEONE_ELSE not in caplog.text and REGISTERED not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (REGISTERED, REGISTERED),
        (" ".join([REGISTERED[:6], REGISTERED[6:14], REGISTERED[14:]]), REGISTERED),  # spaces between groups
        (REGISTERED[:17], ""),  # 17 characters
        (REGISTERED + "1", ""),  # 19
        (REGISTERED[:17] + ("0" if REGISTERED[17] != "0" else "1"), ""),  # check digit
        ("990105199001011234", ""),  # no such province
    ],
)
def test_only_a_valid_18_character_number_counts(text, expected):
    assert idcard_ocr.valid_number(text) == expected
