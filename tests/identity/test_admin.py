"""Officers' review queue in admin: scope, filters, search, review page, decisions, nothing deletable."""

import pytest
from django.urls import reverse

from candidates.models import OfficerScope
from identity.models import IdentitySubmission
from identity.permissions import OFFICER_PERMISSIONS
from tests.factories import CandidateFactory, OfficerFactory, UserFactory, city, county
from tests.identity.helpers import failed, passed, run_checks, submitted, uncertain

pytestmark = pytest.mark.django_db
Status = IdentitySubmission.Status
CHANGELIST = reverse("admin:identity_identitysubmission_changelist")


def change_url(submission):
    return reverse("admin:identity_identitysubmission_change", args=[submission.pk])


def decide_url(submission, decision):
    return reverse("admin:identity_identitysubmission_decide", args=[submission.pk, decision])


@pytest.fixture
def make_case(django_capture_on_commit_callbacks):
    def make(name, county_code, results=None, **extra):
        candidate = CandidateFactory(name=name, county=county(county_code), **extra)
        submission = submitted(candidate, django_capture_on_commit_callbacks)
        return run_checks(submission, results or [passed(), uncertain()])

    return make


@pytest.fixture
def cases(make_case):
    return {
        "xiaodian": make_case("小店考生", "140105"),
        "yingze": make_case("迎泽考生", "140106"),
        "datong": make_case("大同考生", "140213"),
    }


def officer(level, **scope):
    return OfficerFactory(scope__level=level, **{f"scope__{key}": value for key, value in scope.items()})


def names_in_list(client):
    page = client.get(CHANGELIST, {"wb": "all"}).content.decode()
    return {name for name in ("小店考生", "迎泽考生", "大同考生") if name in page}


def test_county_officer_sees_only_their_county(client, cases):
    client.force_login(officer(OfficerScope.Level.COUNTY, county=county("140105")))
    assert names_in_list(client) == {"小店考生"}
    assert client.get(change_url(cases["yingze"])).status_code == 302  # not found in their queue
    assert client.get(decide_url(cases["yingze"], "approve")).status_code == 404


def test_city_officer_sees_their_city(client, cases):
    client.force_login(officer(OfficerScope.Level.CITY, city=city("1401")))
    assert names_in_list(client) == {"小店考生", "迎泽考生"}


def test_province_officer_sees_everything(client, cases):
    client.force_login(officer(OfficerScope.Level.PROVINCE))
    assert names_in_list(client) == {"小店考生", "迎泽考生", "大同考生"}


def test_staff_without_a_scope_sees_nothing(client, cases):
    user = UserFactory(is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="view_identitysubmission"))
    client.force_login(user)
    assert names_in_list(client) == set()


def test_filters_state_county_date_and_problem_check(client, make_case, cases):
    make_case("被拒考生", "140105", [failed()])
    client.force_login(officer(OfficerScope.Level.CITY, city=city("1401")))
    page = client.get(CHANGELIST, {"wb": "all"}).content.decode()
    for label in ("状态", "报名区县", "提交时间", "未通过 / 存疑的检查项", "太原市小店区", "太原市迎泽区"):
        assert label in page
    assert "大同市" not in page  # the county filter lists only counties in the officer's scope
    rejected = client.get(CHANGELIST, {"status__exact": "rejected"}).content.decode()
    assert "被拒考生" in rejected and "小店考生" not in rejected
    by_county = client.get(CHANGELIST, {"county": "140106"}).content.decode()
    assert "迎泽考生" in by_county and "小店考生" not in by_county
    by_problem = client.get(CHANGELIST, {"problem": "face_count"}).content.decode()
    assert "被拒考生" in by_problem and "迎泽考生" not in by_problem
    by_date = client.get(CHANGELIST, {"submitted_at__gte": "2000-01-01 00:00:00+08:00"}).content.decode()
    assert "迎泽考生" in by_date


def test_list_shows_thumbnails_and_which_checks_failed(client, cases):
    client.force_login(officer(OfficerScope.Level.COUNTY, county=county("140105")))
    page = client.get(CHANGELIST, {"wb": "all"}).content.decode()
    photo = cases["xiaodian"].photos.first()
    assert f'{reverse("identity_photo", args=[photo.pk])}?size=thumb' in page
    assert "是否同一人：需人工判断" in page


def test_search_by_ticket_number_and_name(client, make_case):
    make_case("王小明", "140105", ticket_number="010519100007", kind="enrolled")
    make_case("李小红", "140105")
    client.force_login(officer(OfficerScope.Level.COUNTY, county=county("140105")))
    by_ticket = client.get(CHANGELIST, {"q": "010519100007"}).content.decode()
    assert "王小明" in by_ticket and "李小红" not in by_ticket
    by_name = client.get(CHANGELIST, {"q": "李小红"}).content.decode()
    assert "李小红" in by_name and "王小明" not in by_name


def test_find_by_exact_id_number_never_puts_it_in_a_url(client, cases):
    client.force_login(officer(OfficerScope.Level.CITY, city=city("1401")))
    target = cases["yingze"]
    lookup = reverse("admin:identity_identitysubmission_lookup_id_number")
    response = client.post(lookup, {"id_number": target.candidate.id_number})
    assert response.status_code == 302 and response["Location"] == change_url(target)
    assert target.candidate.id_number not in response["Location"]
    outside = client.post(lookup, {"id_number": cases["datong"].candidate.id_number}, follow=True)
    assert "没有找到" in outside.content.decode()


def test_review_page_shows_photos_large_with_every_check_value(client, cases):
    client.force_login(officer(OfficerScope.Level.COUNTY, county=county("140105")))
    submission = cases["xiaodian"]
    page = client.get(change_url(submission)).content.decode()
    for photo in submission.photos.all():
        assert f'<img src="{reverse("identity_photo", args=[photo.pk])}" alt="{photo.get_slot_display()}"' in page
    assert "0.500" in page and "≤0.40" in page  # the uncertain distance and its threshold
    assert "<td>100</td>" in page  # the sharpness value (whole numbers without decimals)
    for button in ("通过", "不通过", "现场核验通过"):  # the decision bar: decide, then the next case
        assert f">{button}并下一条</button>" in page
    assert "<td>转人工审核</td>" in page and "<td>待人工审核</td>" in page  # the decision history
    assert submission.candidate.id_number in page  # officers compare it with the ID card photo


def test_officer_approves_after_confirming(client, cases):
    reviewer = officer(OfficerScope.Level.COUNTY, county=county("140105"))
    client.force_login(reviewer)
    submission = cases["xiaodian"]
    confirm = client.get(decide_url(submission, "approve")).content.decode()
    assert "确认通过" in confirm and "准考证号" in confirm
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW  # looking at the confirmation changes nothing
    response = client.post(decide_url(submission, "approve"), {"note": ""}, follow=True)
    assert "已通过：小店考生" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.decided_by == reviewer
    assert "<td>通过</td>" in client.get(change_url(submission)).content.decode()


def test_officer_rejects_with_a_reason_shown_to_the_candidate(client, cases):
    client.force_login(officer(OfficerScope.Level.COUNTY, county=county("140105")))
    submission = cases["xiaodian"]
    page = client.get(decide_url(submission, "reject")).content.decode()
    assert "照片不清晰" in page and "其他原因" in page
    assert client.post(decide_url(submission, "reject"), {"reason": "other", "note": ""}).status_code == 200
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW
    client.post(decide_url(submission, "reject"), {"reason": "handheld", "note": "身份证被手指挡住"})
    submission.refresh_from_db()
    assert submission.status == Status.REJECTED
    assert submission.reasons[-1] == "身份证被手指挡住"


def test_second_officer_is_told_the_case_was_already_decided(client, cases):
    submission = cases["xiaodian"]
    first = officer(OfficerScope.Level.COUNTY, county=county("140105"))
    second = officer(OfficerScope.Level.CITY, city=city("1401"))
    client.force_login(second)
    assert client.get(decide_url(submission, "reject")).status_code == 200  # both have the page open
    client.force_login(first)
    client.post(decide_url(submission, "approve"), {"note": ""})
    client.force_login(second)
    response = client.post(decide_url(submission, "reject"), {"reason": "blurry", "note": ""}, follow=True)
    assert f"已由{first.username}处理为“已通过”" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.decided_by == first


def test_in_person_verification_of_a_rejected_candidate(client, make_case):
    submission = make_case("现场考生", "140105", [failed()])
    client.force_login(officer(OfficerScope.Level.COUNTY, county=county("140105")))
    page = client.get(change_url(submission)).content.decode()
    assert ">现场核验通过并下一条</button>" in page and ">不通过并下一条</button>" not in page
    client.post(decide_url(submission, "in_person"), {"note": "已核对身份证原件"})
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.decision_method == "in_person"


def test_province_officers_review_but_do_not_verify_in_person(client, cases):
    client.force_login(officer(OfficerScope.Level.PROVINCE))
    assert client.get(decide_url(cases["datong"], "in_person")).status_code == 403
    assert client.get(decide_url(cases["datong"], "approve")).status_code == 200
    assert "identity.verify_identity_in_person" not in OFFICER_PERMISSIONS["province"]


def test_nothing_can_be_deleted_added_or_edited(client, cases):
    client.force_login(officer(OfficerScope.Level.PROVINCE))
    submission = cases["xiaodian"]
    delete = reverse("admin:identity_identitysubmission_delete", args=[submission.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:identity_identitysubmission_add")).status_code == 403
    client.post(change_url(submission), {"status": "approved"})
    submission.refresh_from_db()
    assert submission.status == Status.NEEDS_REVIEW
    assert "delete_selected" not in client.get(CHANGELIST, {"wb": "all"}).content.decode()
    assert IdentitySubmission.objects.count() == 3
