"""The candidate's /identity/ page in each state, the upload through it, and who may see a photo."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from candidates.models import Candidate, OfficerScope
from identity.models import IdentitySubmission
from tests.factories import CandidateFactory, OfficerFactory, UserFactory, city, county
from tests.identity.helpers import failed, needs_samples, passed, run_checks, submitted, uncertain, upload

pytestmark = pytest.mark.django_db
Status = IdentitySubmission.Status
PAGE = reverse("identity")


@pytest.fixture
def candidate(client):
    candidate = CandidateFactory(county=county("140105"))
    client.force_login(candidate.user)
    return candidate


def page_of(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_staff_are_sent_to_admin(client):
    client.force_login(OfficerFactory())
    assert client.get(PAGE)["Location"] == reverse("admin:index")


def test_new_candidate_gets_three_slots_with_requirements_and_camera(client, candidate):
    page = page_of(client)
    for label in ("免冠彩色证件照（蓝底、白底、白灰底）", "身份证照片（人像面）", "手持身份证照（半身）"):
        assert label in page
    assert "背景为蓝色、白色或浅灰色" in page and "人像面" in page and "半身照" in page
    assert page.count('accept="image/*"') == 6  # a file input and a camera input per slot
    assert 'capture="user"' in page and page.count('capture="environment"') == 2
    assert 'enctype="multipart/form-data"' in page
    assert "照片文件小于2M" in page and "三张照片要求必须为同一人" in page
    assert "未认证" in page


def test_enrolled_candidate_gets_the_two_slots(client):
    enrolled = CandidateFactory(kind=Candidate.Kind.ENROLLED, ticket_number="010519100007")
    client.force_login(enrolled.user)
    page = page_of(client)
    assert "免冠彩色证件照" not in page
    assert "身份证照片（人像面）" in page and "手持身份证照（半身）" in page
    assert "两照" in page and "两张照片要求必须为同一人" in page


def test_checking_state_polls_and_offers_a_refresh(client, candidate, django_capture_on_commit_callbacks):
    submitted(candidate, django_capture_on_commit_callbacks)
    page = page_of(client)
    assert "检查中" in page and f'data-poll-url="{reverse("identity_status")}"' in page
    assert 'id="identity-form"' not in page
    assert client.get(reverse("identity_status")).json() == {"state": "checking"}


def test_approved_state_links_to_the_personal_centre(client, candidate, django_capture_on_commit_callbacks):
    run_checks(submitted(candidate, django_capture_on_commit_callbacks), [passed()])
    candidate.refresh_from_db()
    page = page_of(client)
    assert "已通过" in page and f'href="{reverse("center")}"' in page
    assert candidate.ticket_number in page
    assert 'id="identity-form"' not in page
    assert client.get(reverse("identity_status")).json() == {"state": "approved"}


def test_needs_review_state(client, candidate, django_capture_on_commit_callbacks):
    run_checks(submitted(candidate, django_capture_on_commit_callbacks), [uncertain()])
    page = page_of(client)
    assert "待人工审核" in page and "太原市小店区" in page and 'id="identity-form"' not in page


def test_rejected_state_lists_reasons_and_offers_a_new_upload(client, candidate, django_capture_on_commit_callbacks):
    run_checks(submitted(candidate, django_capture_on_commit_callbacks), [failed()])
    page = page_of(client)
    assert "未通过" in page and "免冠照中未检测到人脸，请在光线充足处正面拍摄。" in page
    assert "重新上传" in page and 'id="identity-form"' in page
    assert "到报名点人工审核" not in page


def test_after_three_rejections_the_registration_point_is_shown(client, candidate, django_capture_on_commit_callbacks):
    for attempt in range(3):
        page = page_of(client)
        assert ("到报名点人工审核" in page) is (attempt >= 3)
        run_checks(submitted(candidate, django_capture_on_commit_callbacks), [failed()])
    page = page_of(client)
    point = candidate.county.registration_point
    assert "到报名点人工审核" in page and "您已 3 次未通过线上认证" in page
    assert point.address in page and point.office_hours in page
    if point.phone:
        assert point.phone in page


def test_upload_is_refused_while_a_submission_is_active(client, candidate, django_capture_on_commit_callbacks):
    submitted(candidate, django_capture_on_commit_callbacks)
    response = client.post(PAGE, {}, follow=True)
    assert "现在不能上传" in response.content.decode()
    assert IdentitySubmission.objects.count() == 1


def test_missing_photo_is_named(client, candidate):
    response = client.post(PAGE, {"headshot": upload("a.jpg", b"")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请选择身份证照片。" in page and "请选择手持身份证照。" in page


def test_upload_by_script_gets_json_errors_per_slot(client, candidate):
    response = client.post(
        PAGE, {"headshot": upload("a.gif", b"GIF89a" + b"\0" * 100)}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 400
    data = response.json()
    assert data["ok"] is False
    assert "GIF" in data["errors"]["headshot"][0]
    assert data["errors"]["id_card"] == ["请选择身份证照片。"]


@needs_samples
def test_three_real_photos_are_approved_through_the_page(client, candidate, astronaut_photos, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PAGE, {slot: upload(f"{slot}.jpg", data) for slot, data in astronaut_photos.items()},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
    assert response.json() == {"ok": True, "redirect": PAGE}
    page = page_of(client)
    assert "已通过" in page and "已提交的照片" in page


@needs_samples
def test_different_people_are_not_approved_through_the_page(client, candidate, astronaut_photos, grace_photos, django_capture_on_commit_callbacks):
    photos = {**astronaut_photos, "handheld": grace_photos["handheld"]}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {slot: upload(f"{slot}.jpg", data) for slot, data in photos.items()})
    candidate.refresh_from_db()
    assert candidate.identity_status in {"rejected", "needs_review"}
    assert "不像同一人" in page_of(client)


# --- photos: owner and in-scope officers only ------------------------------------------------------
@pytest.fixture
def photo(candidate, django_capture_on_commit_callbacks):
    return submitted(candidate, django_capture_on_commit_callbacks).photos.get(slot="headshot")


def test_owner_sees_their_photo_never_cached(client, photo):
    response = client.get(reverse("identity_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    body = b"".join(response.streaming_content)
    assert Image.open(io.BytesIO(body)).format == "JPEG"


def test_thumbnail_is_small(client, photo):
    response = client.get(reverse("identity_photo", args=[photo.pk]), {"size": "thumb"})
    assert max(Image.open(io.BytesIO(response.content)).size) <= 240
    assert "no-store" in response["Cache-Control"]


def test_another_candidate_gets_403(client, photo):
    client.force_login(CandidateFactory().user)
    assert client.get(reverse("identity_photo", args=[photo.pk])).status_code == 403


def test_officer_outside_the_scope_gets_403(client, photo):
    client.force_login(OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140106")))
    assert client.get(reverse("identity_photo", args=[photo.pk])).status_code == 403
    client.force_login(OfficerFactory(scope__level=OfficerScope.Level.CITY, scope__city=city("1402")))
    assert client.get(reverse("identity_photo", args=[photo.pk])).status_code == 403


def test_officers_in_scope_see_it(client, photo):
    for reviewer in (
        OfficerFactory(scope__level=OfficerScope.Level.COUNTY, scope__county=county("140105")),
        OfficerFactory(scope__level=OfficerScope.Level.CITY, scope__city=city("1401")),
        OfficerFactory(scope__level=OfficerScope.Level.PROVINCE),
    ):
        client.force_login(reviewer)
        assert client.get(reverse("identity_photo", args=[photo.pk])).status_code == 200


def test_staff_without_identity_permission_gets_403(client, photo):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("identity_photo", args=[photo.pk])).status_code == 403


def test_anonymous_photo_request_is_sent_to_sign_in(client, photo):
    client.logout()
    response = client.get(reverse("identity_photo", args=[photo.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_no_public_media_url_serves_identity_photos(client, photo):
    client.logout()
    assert client.get(f"/media/{photo.file.name}").status_code == 404


def test_upload_without_the_csrf_token_is_refused(candidate):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(candidate.user)
    assert strict.post(PAGE, {"headshot": upload("a.jpg", b"x")}).status_code == 403
    assert not IdentitySubmission.objects.exists()
