"""The automatic checks on real photos: scikit-image's astronaut and matplotlib's Grace Hopper.

Two different real people; from each, a 证件照, an ID-card-like composite and
a half-body photo holding the card (identity.samples), plus crops, rotations,
rescales and re-compressions.
"""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from identity import checks, samples
from tests.identity.helpers import jpeg, needs_samples

pytestmark = needs_samples


@pytest.fixture(scope="module")
def engine():
    engine = checks.get_engine()
    assert engine is not None, "the dlib models must load on the test machine"
    return engine


def by_name(results):
    return {(check.name, check.subject): check for check in results}


def pipeline(engine, images, **kwargs):
    return checks.run_pipeline({slot: jpeg(image) for slot, image in images.items()}, engine=engine, **kwargs)


@pytest.mark.parametrize("person", ["astronaut", "grace_hopper"])
def test_a_genuine_three_photo_submission_is_approved(engine, person):
    results = pipeline(engine, samples.submission_images(person))
    assert [c for c in results if c.outcome != checks.PASSED] == []
    found = by_name(results)
    assert found[("face_count", "headshot")].value == 1
    assert found[("same_person", "handheld:id_card")].value < checks.SAME_PERSON_PASS
    assert found[("same_person", "handheld:headshot")].value < checks.SAME_PERSON_PASS
    assert checks.decide(results) == "approved"


def test_an_enrolled_candidates_two_photos_are_compared_with_each_other(engine):
    results = pipeline(engine, samples.submission_images("grace_hopper", kind="enrolled"))
    assert {c.subject for c in results if c.name == "same_person"} == {"handheld:id_card"}
    assert not any(c.subject == "headshot" for c in results)
    assert checks.decide(results) == "approved"


def test_a_different_person_on_the_handheld_photo_is_not_approved(engine):
    images = samples.submission_images("astronaut")
    images["handheld"] = samples.handheld("grace_hopper")
    results = pipeline(engine, images)
    found = by_name(results)
    for pair in ("handheld:id_card", "handheld:headshot"):
        assert found[("same_person", pair)].value > checks.SAME_PERSON_FAIL
        assert found[("same_person", pair)].outcome == checks.FAILED
    assert checks.decide(results) == "rejected"
    assert "不像同一人" in found[("same_person", "handheld:id_card")].reason


def test_holding_someone_elses_id_card_is_caught(engine):
    images = {
        "headshot": samples.headshot("astronaut"),
        "id_card": samples.id_card("grace_hopper"),
        "handheld": samples.handheld("astronaut", card_name="grace_hopper"),
    }
    results = pipeline(engine, images)
    found = by_name(results)
    assert found[("same_person", "handheld:headshot")].outcome == checks.PASSED
    assert found[("same_person", "handheld:id_card")].outcome == checks.FAILED
    assert checks.decide(results) != "approved"


def _variants(image):
    width, height = image.size
    return {
        "crop_centre": image.crop((int(width * 0.1), int(height * 0.1), int(width * 0.9), int(height * 0.9))),
        "crop_corner": image.crop((int(width * 0.15), int(height * 0.15), width, height)),
        "rotate_minus_12": image.rotate(-12, expand=True, fillcolor=(128, 128, 128), resample=Image.Resampling.BICUBIC),
        "rotate_10": image.rotate(10, expand=True, fillcolor=(128, 128, 128), resample=Image.Resampling.BICUBIC),
        "half_size": image.resize((width // 2, height // 2), Image.Resampling.LANCZOS),
        "double_size": image.resize((width * 2, height * 2), Image.Resampling.LANCZOS),
        "jpeg_q20": Image.open(io.BytesIO(jpeg(image, 20))),
    }


VARIANTS = list(_variants(Image.new("RGB", (10, 10))))


@pytest.mark.parametrize("person", ["astronaut", "grace_hopper"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_same_person_passes_across_crops_rotations_rescales_recompressions(engine, person, variant):
    images = samples.submission_images(person)
    images["handheld"] = _variants(images["handheld"])[variant]
    results = pipeline(engine, images)
    found = by_name(results)
    assert found[("face_count", "handheld")].outcome == checks.PASSED
    for pair in ("handheld:id_card", "handheld:headshot"):
        assert found[("same_person", pair)].outcome == checks.PASSED, found[("same_person", pair)].detail


@pytest.mark.parametrize("variant", VARIANTS)
def test_different_person_fails_across_variants(engine, variant):
    images = samples.submission_images("astronaut")
    images["handheld"] = _variants(samples.handheld("grace_hopper"))[variant]
    found = by_name(pipeline(engine, images))
    for pair in ("handheld:id_card", "handheld:headshot"):
        assert found[("same_person", pair)].outcome in {checks.FAILED, checks.UNCERTAIN}
        assert found[("same_person", pair)].value > checks.SAME_PERSON_PASS


def test_id_card_photographed_sideways_is_found_after_turning(engine):
    images = samples.submission_images("grace_hopper")
    images["id_card"] = images["id_card"].rotate(90, expand=True)
    found = by_name(pipeline(engine, images))
    assert found[("face_count", "id_card")].outcome == checks.PASSED
    assert "旋转" in found[("face_count", "id_card")].detail
    assert found[("same_person", "handheld:id_card")].outcome == checks.PASSED


def test_false_face_on_the_astronauts_mission_patch_is_not_counted(engine):
    """dlib finds a weak 'face' on the patch (score ~0.1–0.25); FACE_MIN_SCORE keeps it out."""
    photo = checks.Photo("handheld", checks.load_rgb(jpeg(samples.handheld("astronaut")), checks.WORKING_SIDE["handheld"]))
    _boxes, scores, _ = engine.detector.run(photo.rgb, 0, -0.5)
    weak = [s for s in scores if 0 <= s < checks.FACE_MIN_SCORE]
    assert weak, "the measured false detection is expected on this photo"
    checks.find_faces(engine, photo, allow_rotation=False)
    assert len(photo.faces) == 2  # the candidate and the portrait on the card she holds
    assert photo.subject.box[1] < 400  # the candidate's face (upper half), not the card in her hands


def test_headshot_with_two_people_fails(engine):
    canvas = Image.new("RGB", (826, 531), samples.BLUE)
    canvas.paste(samples.headshot("astronaut"), (0, 0))
    canvas.paste(samples.headshot("grace_hopper"), (413, 0))
    images = samples.submission_images("astronaut")
    images["headshot"] = canvas
    found = by_name(pipeline(engine, images))
    assert found[("face_count", "headshot")].value == 2
    assert found[("face_count", "headshot")].outcome == checks.FAILED
    assert "多张人脸" in found[("face_count", "headshot")].reason


def test_photo_without_a_face_fails_with_what_to_do(engine):
    images = samples.submission_images("astronaut")
    images["headshot"] = Image.new("RGB", (413, 531), samples.BLUE)
    results = pipeline(engine, images)
    found = by_name(results)
    assert found[("face_count", "headshot")].outcome == checks.FAILED
    assert "未检测到人脸" in found[("face_count", "headshot")].reason
    assert "光线充足" in found[("face_count", "headshot")].reason
    assert checks.decide(results) == "rejected"


@pytest.mark.parametrize("background", [samples.BLUE, samples.WHITE, samples.LIGHT_GREY])
def test_blue_white_and_light_grey_backgrounds_pass(engine, background):
    photo = checks.Photo("headshot", checks.load_rgb(jpeg(samples.headshot("grace_hopper", background=background))))
    assert checks.background_check(photo).outcome == checks.PASSED


@pytest.mark.parametrize("background", [(225, 205, 170), (200, 30, 40), (110, 110, 110)])
def test_beige_red_and_dark_backgrounds_fail(engine, background):
    photo = checks.Photo("headshot", checks.load_rgb(jpeg(samples.headshot("grace_hopper", background=background))))
    result = checks.background_check(photo)
    assert result.outcome == checks.FAILED
    assert "蓝色、白色或浅灰色" in result.reason


def test_a_snapshot_in_front_of_a_flag_is_not_a_passport_photo(engine):
    for person in samples.PEOPLE:
        photo = checks.Photo("headshot", checks.load_rgb(jpeg(samples.source(person))))
        assert checks.background_check(photo).outcome != checks.PASSED


def test_blurred_photo_fails_sharpness_and_sharp_one_passes(engine):
    images = samples.submission_images("grace_hopper")
    images["id_card"] = images["id_card"].filter(ImageFilter.GaussianBlur(2.5))
    found = by_name(pipeline(engine, images))
    assert found[("sharpness", "id_card")].outcome == checks.FAILED
    assert found[("sharpness", "id_card")].value < checks.SHARPNESS_FAIL
    assert "不够清晰" in found[("sharpness", "id_card")].reason
    assert found[("sharpness", "headshot")].outcome == checks.PASSED


def test_the_same_picture_in_two_slots_fails(engine):
    images = samples.submission_images("astronaut")
    images["handheld"] = images["id_card"]
    results = pipeline(engine, images)
    check = by_name(results)[("same_picture", "id_card:handheld")]
    assert check.outcome == checks.FAILED and check.value == 0
    assert checks.decide(results) == "rejected"


def test_a_recompressed_copy_in_another_slot_also_fails(engine):
    images = samples.submission_images("astronaut")
    images["handheld"] = Image.open(io.BytesIO(jpeg(images["id_card"].resize((600, 378)), 40)))
    check = by_name(pipeline(engine, images))[("same_picture", "id_card:handheld")]
    assert check.outcome == checks.FAILED
    assert check.value <= checks.SAME_PICTURE_MAX


def test_headshot_used_by_another_candidate_goes_to_an_officer_never_rejected(engine):
    images = samples.submission_images("astronaut")
    reused = checks.phash(Image.open(io.BytesIO(jpeg(images["headshot"].resize((300, 386)), 50))))
    others = [(41, "0123456789abcdef"), (42, reused)]
    results = pipeline(engine, images, other_headshots=others)
    check = by_name(results)[("reused_headshot", "headshot")]
    assert check.outcome == checks.UNCERTAIN and "第 42 号" in check.detail
    assert checks.decide(results) == "needs_review"
    # Even with a failing photo beside it, the case goes to an officer, not to rejection.
    images["id_card"] = Image.new("RGB", (856, 540), (230, 230, 230))
    results = pipeline(engine, images, other_headshots=others)
    assert any(c.failed for c in results)
    assert checks.decide(results) == "needs_review"


def test_other_candidates_different_headshots_are_not_flagged(engine):
    others = [(7, checks.phash(samples.headshot("grace_hopper"))), (8, checks.phash(samples.headshot("grace_hopper", background=samples.WHITE)))]
    results = pipeline(engine, samples.submission_images("astronaut"), other_headshots=others)
    assert by_name(results)[("reused_headshot", "headshot")].outcome == checks.PASSED


def test_without_the_face_engine_nothing_is_approved(monkeypatch):
    monkeypatch.setattr(checks, "get_engine", lambda: None)
    results = checks.run_pipeline({slot: jpeg(image) for slot, image in samples.submission_images("astronaut").items()})
    assert by_name(results)[("face_engine", "headshot,id_card,handheld")].outcome == checks.UNCERTAIN
    assert not any(c.name in {"face_count", "same_person"} for c in results)
    assert checks.decide(results) == "needs_review"


def test_engine_that_cannot_load_is_reported_as_missing(monkeypatch):
    monkeypatch.setattr(checks, "_engine", None)

    def broken():
        raise RuntimeError("shape_predictor_5_face_landmarks.dat: No such file")

    monkeypatch.setattr(checks, "FaceEngine", broken)
    assert checks.get_engine() is None


def test_measured_values_are_recorded_with_their_thresholds(engine):
    for check in pipeline(engine, samples.submission_images("astronaut")):
        assert check.threshold, check.name
        if check.name != "reused_headshot":
            assert check.value is not None, check.name
        assert check.detail


def test_decide_rules():
    passed = checks.Check("sharpness", "headshot", checks.PASSED, 100, "")
    failed = checks.Check("sharpness", "headshot", checks.FAILED, 5, "", reason="x")
    unsure = checks.Check("same_person", "handheld:id_card", checks.UNCERTAIN, 0.5, "")
    assert checks.decide([passed]) == "approved"
    assert checks.decide([passed, unsure]) == "needs_review"
    assert checks.decide([failed, unsure]) == "rejected"


def test_id_card_like_composite_has_its_portrait_on_the_right(engine):
    card = samples.id_card("astronaut")
    photo = checks.Photo("id_card", checks.load_rgb(jpeg(card)))
    checks.find_faces(engine, photo, allow_rotation=True)
    assert len(photo.faces) == 1
    assert photo.subject.box[0] > card.width * 0.55
    # Printed text lines on the left are not mistaken for faces, also when drawn darker.
    darker = card.copy()
    ImageDraw.Draw(darker).rectangle((40, 40, 420, 460), outline=(0, 0, 0), width=4)
    again = checks.Photo("id_card", checks.load_rgb(jpeg(darker)))
    checks.find_faces(engine, again, allow_rotation=True)
    assert len(again.faces) == 1
    assert np.isfinite(checks.sharpness(again))
