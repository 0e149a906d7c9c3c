"""免考申请 pages: the candidate's flow, why-not pages, uploads through the identity intake,
photo access (IDOR), officers' scope and decisions in admin, the centre's links."""

import re

import pytest
from django.urls import reverse

from candidates.models import CandidateMessage
from records import exemptions
from records.exemption_models import ExemptionApplication, ExemptionPhoto
from records.models import PassedCourse
from tests.factories import CandidateFactory, OfficerFactory, city, county
from tests.identity.helpers import stored_files, upload
from tests.identity.test_intake import HOSTILE
from tests.records.exemption_setup import (
    certificate_jpeg,
    eligible_candidate,
    exemption_window,
    make_rules,
    officers,
    submitted,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
APPLY = "/records/exemptions/apply/"
RESULTS = "/records/exemptions/"
Status = ExemptionApplication.Status


@pytest.fixture
def world():
    window = exemption_window()
    candidate = eligible_candidate()
    cet4, xueli = make_rules()
    return {"window": window, "candidate": candidate, "cet4": cet4, "xueli": xueli, **officers()}


def form_data(**extra):
    from exams.models import Course

    return {
        "basis": "CET4", "certificate_number": "CET4-2019-0012345", "issuer": "全国大学英语四、六级考试委员会",
        "issued_on": "2019-08-20", "courses": [str(Course.objects.get(code="00015").pk)],
        "photos": [upload("cet4.jpg", certificate_jpeg())], **extra,
    }


def test_apply_check_answers_submit_and_results(client, world):
    client.force_login(world["candidate"].user)
    page = client.get(APPLY).content.decode()
    assert "全国大学英语四级" in page and "?basis=CET4" in page and "国家承认学历的课程成绩" in page
    page = client.get(APPLY + "?basis=CET4").content.decode()
    assert "00015 英语（二）（14 学分）" in page and 'enctype="multipart/form-data"' in page
    assert "03708" not in page.split("申请免考的课程")[1]  # passed already, not offered
    response = client.post(APPLY, form_data())
    assert response.status_code == 302
    draft = ExemptionApplication.objects.get()
    assert response["Location"] == f"/records/exemptions/apply/{draft.pk}/" and draft.status == Status.DRAFT
    page = client.get(response["Location"]).content.decode()
    photo = draft.photos.get()
    for text in ["确认免考申请信息", "CET4-2019-0012345", "2019-08-20", "00015 英语（二）", f"/records/exemptions/photos/{photo.pk}/"]:
        assert text in page, text
    response = client.post(response["Location"], {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == RESULTS
    draft.refresh_from_db()
    assert draft.status == Status.PENDING_COUNTY
    page = client.get(RESULTS).content.decode()
    assert "待发布" in page and "撤销申请" in page and draft.number in page
    # Back on the apply page: already applied, sent to the results.
    response = client.get(APPLY)
    assert response.status_code == 302 and response["Location"] == RESULTS


def test_edit_goes_back_to_the_form_of_the_same_basis(client, world):
    client.force_login(world["candidate"].user)
    client.post(APPLY, form_data())
    draft = ExemptionApplication.objects.get()
    response = client.post(f"/records/exemptions/apply/{draft.pk}/", {"action": "edit"})
    assert response["Location"] == APPLY + "?basis=CET4"


def test_why_not_is_said_before_anything_is_filled(client, world):
    candidate = CandidateFactory(approved=True, major=world["candidate"].major)
    client.force_login(candidate.user)
    page = client.get(APPLY).content.decode()
    assert "至少有一门课程在山西省通过考试取得合格成绩" in page and 'data-code="no_exam_pass"' in page
    world["window"].delete()
    client.force_login(world["candidate"].user)
    assert "免考申请暂未开放" in client.get(APPLY).content.decode()


@pytest.mark.parametrize(("change", "message"), [
    ({"certificate_number": ""}, "请填写证书编号。"),
    ({"courses": []}, "请至少勾选一门申请免考的课程。"),
    ({"issued_on": "2099-01-01"}, "发证日期不能晚于今天"),
    ({"photos": []}, "请上传证书原件的照片（至少一张）。"),
])
def test_bad_answers_are_explained_and_nothing_is_kept(client, world, change, message, private_storage):
    client.force_login(world["candidate"].user)
    response = client.post(APPLY, form_data(**change))
    assert response.status_code == 400 and message in response.content.decode()
    assert not ExemptionApplication.objects.exists() and stored_files(private_storage) == []


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_certificate_photo_leaves_no_row_and_no_file(client, world, name, private_storage):
    data, message = HOSTILE[name]
    client.force_login(world["candidate"].user)
    response = client.post(APPLY, form_data(photos=[upload("cert.jpg", certificate_jpeg()), upload("x.jpg", data)]))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "第 2 张照片" in page
    assert not ExemptionApplication.objects.exists() and not ExemptionPhoto.objects.exists()
    assert stored_files(private_storage) == []


def test_stored_photo_is_reencoded_without_metadata_in_private_storage(client, world, private_storage):
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(certificate_jpeg()))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    client.force_login(world["candidate"].user)
    assert client.post(APPLY, form_data(photos=[upload("cert.jpg", buffer.getvalue())])).status_code == 302
    photo = ExemptionPhoto.objects.get()
    stored = private_storage / photo.file.name
    assert stored.exists() and b"SecretCam" not in stored.read_bytes()
    assert photo.file.name.startswith("exemptions/") and "cert" not in photo.file.name


def test_transcript_basis_asks_for_the_prior_course(client, world):
    from exams.models import Course

    client.force_login(world["candidate"].user)
    page = client.get(APPLY + "?basis=XUELI").content.decode()
    assert "00054 的原课程名称" in page
    course = Course.objects.get(code="00054")
    response = client.post(APPLY, form_data(basis="XUELI", courses=[str(course.pk)], **{
        f"prior_name_{course.pk}": "管理学", f"prior_credits_{course.pk}": "6"}))
    assert response.status_code == 400 and "名称不同，不能免考" in response.content.decode()
    response = client.post(APPLY, form_data(basis="XUELI", courses=[str(course.pk)], **{
        f"prior_name_{course.pk}": "管理学原理", f"prior_credits_{course.pk}": "6"}))
    assert response.status_code == 302


def test_withdraw_from_the_results_page(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    client.force_login(world["candidate"].user)
    response = client.post(f"/records/exemptions/{application.pk}/withdraw/")
    assert response["Location"] == RESULTS
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    assert "已撤销" in client.get(RESULTS).content.decode()


def test_results_show_per_course_only_after_publication(client, world):
    application = submitted(world["candidate"], world["xueli"], "00054", "00015",
                            prior={"00054": ("管理学原理", 6), "00015": ("英语（二）", 14)})
    items = {i.course.code: i.pk for i in application.items.select_related("course")}
    exemptions.decide_step(officer=world["county"], application=application,
                           verdicts={items["00054"]: (False, "成绩单未盖学校公章"), items["00015"]: (True, "")})
    exemptions.approve_all(officer=world["city"], application=application)
    exemptions.approve_all(officer=world["province"], application=application)
    client.force_login(world["candidate"].user)
    page = client.get(RESULTS).content.decode()
    assert "成绩单未盖学校公章" not in page and "exemption-result-" not in page and "结果待省招考中心发布" in page
    exemptions.publish_results(window=world["window"])
    page = client.get(RESULTS).content.decode()
    assert "成绩单未盖学校公章（县区招考办）" in page and '<span class="exemption-result-approved">同意免考</span>' in page
    passed = client.get("/records/passed/").content.decode()
    assert "00015" in passed and "免考" in passed
    assert CandidateMessage.objects.filter(candidate=world["candidate"], title="免考审核结果已发布").exists()


def test_the_centre_links_the_window_and_the_results(client, world):
    client.force_login(world["candidate"].user)
    page = client.get("/center/").content.decode()
    assert f'href="{APPLY}"' in page
    assert re.search(r'href="/records/exemptions/"[^>]*>\s*当次免考审核结果查询', page)


# --------------------------------------------------------------------------- scope and IDOR


def _photo(application):
    return application.photos.get()


def test_photos_reach_only_the_candidate_and_officers_in_scope(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    url = f"/records/exemptions/photos/{_photo(application).pk}/"
    client.force_login(world["candidate"].user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "no-store, private"
    assert client.get(url + "?size=thumb").status_code == 200
    for viewer in (CandidateFactory(approved=True).user,
                   OfficerFactory(scope__level="county", scope__county=county("140106")),
                   OfficerFactory(scope__level="city", scope__city=city("1402"))):
        client.force_login(viewer)
        assert client.get(url).status_code == 403
    for viewer in (world["county"], world["city"], world["province"]):
        client.force_login(viewer)
        assert client.get(url).status_code == 200
    assert client.get("/records/exemptions/photos/999999/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_drafts_photos_are_the_candidates_only(client, world):
    client.force_login(world["candidate"].user)
    client.post(APPLY, form_data())
    photo = ExemptionPhoto.objects.get()
    client.force_login(world["county"])
    assert client.get(f"/records/exemptions/photos/{photo.pk}/").status_code == 403


def test_another_candidates_application_is_a_404(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    other = eligible_candidate()
    client.force_login(other.user)
    assert client.post(f"/records/exemptions/{application.pk}/withdraw/").status_code == 404
    assert client.get(f"/records/exemptions/apply/{application.pk}/").status_code == 404
    assert application.number not in client.get(RESULTS).content.decode()
    application.refresh_from_db()
    assert application.status == Status.PENDING_COUNTY


def test_another_countys_officer_sees_nothing(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    stranger = OfficerFactory(scope__level="county", scope__county=county("140106"))
    client.force_login(stranger)
    page = client.get("/admin/records/exemptionapplication/?wb=all").content.decode()
    assert application.number not in page and world["candidate"].name not in page
    assert client.get(f"/admin/records/exemptionapplication/{application.pk}/change/").status_code in (302, 404)
    url = reverse("admin:records_exemption_approve_all", args=[application.pk, "pending_county"])
    assert client.post(url).status_code == 404
    application.refresh_from_db()
    assert application.status == Status.PENDING_COUNTY


def test_the_county_office_reviews_in_admin_with_the_photos_beside_the_courses(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    client.force_login(world["county"])
    listing = client.get("/admin/records/exemptionapplication/?wb=mine").content.decode()
    assert application.number in listing
    page = client.get(f"/admin/records/exemptionapplication/{application.pk}/change/").content.decode()
    assert f"/records/exemptions/photos/{_photo(application).pk}/" in page and "00015 英语（二）" in page
    assert "全部同意并下一条" in page and "逐门审核（县区）" in page
    assert world["candidate"].id_number not in page
    item = application.items.get()
    url = reverse("admin:records_exemption_decide", args=[application.pk, "pending_county"])
    response = client.post(url, {f"item_{item.pk}": "refuse", f"reason_{item.pk}": ""})
    assert response.status_code == 400 and "不同意时必须填写原因" in response.content.decode()
    response = client.post(url, {f"item_{item.pk}": "refuse", f"reason_{item.pk}": "证书照片不清晰，无法核对"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DECIDED
    # The same decision again (a second tab): refused with the service's message, nothing changes.
    response = client.post(url, {f"item_{item.pk}": "approve"}, follow=True)
    assert "该申请已被处理" in response.content.decode()


def test_province_approval_in_admin_writes_the_ledger(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    for step, status in (("county", "pending_county"), ("city", "pending_city"), ("province", "pending_province")):
        client.force_login(world[step])
        response = client.post(reverse("admin:records_exemption_approve_all", args=[application.pk, status]))
        assert response.status_code == 302, step
    assert PassedCourse.objects.get(candidate=world["candidate"], course__code="00015").source == "exemption"


def test_candidates_and_unscoped_staff_cannot_reach_the_review(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    client.force_login(world["candidate"].user)
    url = reverse("admin:records_exemption_approve_all", args=[application.pk, "pending_county"])
    assert client.post(url).status_code == 302  # to the admin login
    application.refresh_from_db()
    assert application.status == Status.PENDING_COUNTY


def test_the_province_publishes_a_windows_results_in_admin(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    for step in ("county", "city", "province"):
        exemptions.approve_all(officer=world[step], application=application)
    client.force_login(world["county"])
    assert client.get("/admin/records/exemptionapplication/publish/").status_code == 403
    assert client.post("/admin/records/exemptionapplication/publish/", {"window": world["window"].pk}).status_code == 403
    client.force_login(world["province"])
    listing = client.get("/admin/records/exemptionapplication/?wb=all").content.decode()
    assert "发布审核结果" in listing
    page = client.get("/admin/records/exemptionapplication/publish/").content.decode()
    assert world["window"].title in page and "<td>1</td>" in page
    response = client.post("/admin/records/exemptionapplication/publish/", {"window": world["window"].pk}, follow=True)
    assert f"{world['window'].title}：已发布审核结果 1 份。" in response.content.decode()
    application.refresh_from_db()
    assert application.published_at is not None


def test_the_queue_waits_for_the_right_office_on_the_workbench(client, world):
    number = submitted(world["candidate"], world["cet4"], "00015").number
    client.force_login(world["county"])
    assert "免考审核" in client.get("/admin/").content.decode()
    mine = client.get("/admin/records/exemptionapplication/?wb=mine").content.decode()
    assert number in mine
    client.force_login(world["city"])
    assert number not in client.get("/admin/records/exemptionapplication/?wb=mine").content.decode()
    assert number in client.get("/admin/records/exemptionapplication/?wb=all").content.decode()


def test_the_results_page_reads_a_fixed_number_of_queries(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    candidate = world["candidate"]
    client.force_login(candidate.user)
    application = submitted(candidate, world["xueli"], "00054", prior={"00054": ("管理学原理", 6)})
    client.get(RESULTS)
    with CaptureQueriesContext(connection) as one:
        client.get(RESULTS)
    exemptions.withdraw_exemption(candidate=candidate, application=application)
    submitted(candidate, world["xueli"], "00054", "00015", "03709",
              prior={"00054": ("管理学原理", 6), "00015": ("英语（二）", 14), "03709": ("马克思主义基本原理概论", 4)})
    with CaptureQueriesContext(connection) as two:
        page = client.get(RESULTS).content.decode()
    assert page.count("exemption-card") == 2
    assert len(two) == len(one), [q["sql"][:120] for q in two.captured_queries]


def test_a_photo_that_is_also_an_archive_is_refused(client, world, private_storage):
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("a.txt", "x")
    client.force_login(world["candidate"].user)
    response = client.post(APPLY, form_data(photos=[upload("cert.jpg", certificate_jpeg() + archive.getvalue())]))
    assert response.status_code == 400 and "夹带了压缩包" in response.content.decode()
    assert not ExemptionPhoto.objects.exists() and stored_files(private_storage) == []


def test_posts_without_the_csrf_token_are_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["candidate"].user)
    assert client.post(APPLY, form_data()).status_code == 403
    assert not ExemptionApplication.objects.exists()


def test_the_queue_exports_with_masked_id_numbers_within_scope(client, world):
    application = submitted(world["candidate"], world["cet4"], "00015")
    other = submitted(eligible_candidate(county_code="140106"), world["cet4"], "00015")
    client.force_login(world["county"])
    body = client.get("/admin/records/exemptionapplication/workbench-export/?wb=all&format=csv").content.decode("utf-8-sig")
    assert application.number in body and world["candidate"].masked_id_number in body
    assert world["candidate"].id_number not in body and other.number not in body
