"""/exams/practical/ for candidates, the 主考院校 admin queue, scopes and create_officer --institution."""

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from candidates.models import OfficerScope, User
from candidates.scopes import county_scope_q
from exams import practical
from exams.practical_models import PracticalRegistration
from exams.practical_selectors import officer_registrations
from payments import services as payments
from payments.models import Order
from payments.providers import get_provider
from tests.catalogue import course
from tests.exams.practical_setup import INSIDE, PASSWORD, institution_officer, make_candidate, make_world
from tests.factories import CandidateFactory, OfficerFactory, county
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/exams/practical/"
Status = PracticalRegistration.Status


@pytest.fixture(autouse=True)
def inside_window():
    with time_machine.travel(INSIDE, tick=False):
        yield


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def eligible(world):
    return make_candidate(world["major"])


def paid_registration(candidate, world, institution="sxu"):
    registration, order = practical.submit_practical_registration(
        candidate=candidate, institution_id=world[institution].pk, course_ids=[course("06999").pk],
        recipient="张伟", address="太原市小店区坞城路92号", phone="13912345678",
    )
    payment = payments.start_payment(order=order, provider=get_provider("demo"), actor=candidate.user)
    payments.confirm_payment(payment=payment, actor=candidate.user, money_received=False)
    return registration


# --------------------------------------------------------------------------- candidate page


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_one_course_short_is_told_which(client, world):
    candidate = make_candidate(world["major"], passes=["03708", "03709", "00067"])
    client.force_login(candidate.user)
    page = client.get(URL).content.decode()
    assert "您还有 <strong>1</strong> 门理论课程未合格" in page
    assert "00054 管理学原理" in page and "<form" not in page.split("practical-ineligible")[1]


def test_eligible_candidate_registers_and_lands_on_the_order(client, world, eligible):
    client.force_login(eligible.user)
    page = client.get(URL).content.decode()
    assert "山西大学（每门 80.00 元）" in page and "中国人民公安大学" not in page
    assert "06999 毕业论文" in page and "07998 毕业考核" in page
    response = client.post(URL, {
        "institution": world["sxu"].pk, "courses": [course("06999").pk], "recipient": "张伟",
        "address": "太原市小店区坞城路92号", "phone": "13912345678",
    })
    order = Order.objects.get(kind="practical_registration")
    assert response.status_code == 302 and response["Location"] == reverse("order_detail", args=[order.number])
    assert order.total_fen == 8000
    page = client.get(URL).content.decode()
    assert "已提交，待缴费" in page and f"去缴费（订单 {order.number}）" in page


def test_form_errors_are_in_chinese_and_write_nothing(client, world, eligible):
    client.force_login(eligible.user)
    response = client.post(URL, {"institution": world["sxu"].pk, "recipient": "", "address": "", "phone": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请至少选择一门实践课程或毕业论文。" in page and "请填写收件人。" in page
    assert not PracticalRegistration.objects.exists()


def test_an_institution_not_on_the_platform_cannot_be_posted(client, world, eligible):
    client.force_login(eligible.user)
    response = client.post(URL, {
        "institution": world["police"].pk, "courses": [course("06999").pk], "recipient": "张伟",
        "address": "太原", "phone": "13912345678",
    })
    assert "请选择列出的主考院校。" in response.content.decode()
    assert not PracticalRegistration.objects.exists()


def test_outside_the_window_the_page_says_so(client, world, eligible):
    with time_machine.travel(world["window"].closes_at, tick=False):
        client.force_login(eligible.user)
        page = client.get(URL).content.decode()
    assert "现在不在实践性环节报名时间内" in page


# --------------------------------------------------------------------------- scopes


def test_institution_staff_see_only_their_institution(world, eligible):
    mine = paid_registration(eligible, world)
    other = paid_registration(make_candidate(world["major"]), world, institution="sxnu")
    sxu = institution_officer(world["sxu"])
    sxnu = institution_officer(world["sxnu"], username="sxnu")
    assert list(officer_registrations(sxu)) == [mine]
    assert list(officer_registrations(sxnu)) == [other]
    assert set(officer_registrations(OfficerFactory(scope__level="province"))) == {mine, other}


def test_county_and_city_offices_see_none_of_it(world, eligible):
    paid_registration(eligible, world)
    county_officer = OfficerFactory(scope__level="county", scope__county=county("140105"))
    city_officer = OfficerFactory(scope__level="city", scope__city=county("140105").city)
    assert not officer_registrations(county_officer).exists()
    assert not officer_registrations(city_officer).exists()


def test_institution_staff_see_no_candidates_through_county_scopes(world, eligible):
    from candidates.models import Candidate
    officer = institution_officer(world["sxu"])
    assert not Candidate.objects.filter(county_scope_q(officer)).exists()


# --------------------------------------------------------------------------- admin


def test_institution_dashboard_lists_the_queue_and_accepts_after_a_confirm_page(client, world, eligible):
    registration = paid_registration(eligible, world)
    officer = institution_officer(world["sxu"])
    client.force_login(officer)
    index = client.get("/admin/").content.decode()
    assert "实践性环节报名确认" in index
    listing = client.get(reverse("admin:exams_practicalregistration_changelist"), follow=True).content.decode()
    assert registration.number in listing
    url = reverse("admin:practical_accept", args=[registration.pk])
    confirm = client.get(url).content.decode()
    assert "确认报名" in confirm and registration.number in confirm
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED  # a GET decides nothing
    client.post(url)
    registration.refresh_from_db()
    assert registration.status == Status.ACCEPTED
    assert AuditEvent.objects.filter(action="practical_accept", actor=officer).exists()


def test_onsite_needs_a_reason_from_the_form(client, world, eligible):
    registration = paid_registration(eligible, world)
    client.force_login(institution_officer(world["sxu"]))
    url = reverse("admin:practical_onsite", args=[registration.pk])
    assert "请填写需现场确认的原因。" in client.post(url, {"remark": ""}).content.decode()
    client.post(url, {"remark": "请携带成绩单到院校"})
    registration.refresh_from_db()
    assert registration.status == Status.ONSITE and registration.remark == "请携带成绩单到院校"


def test_another_institution_cannot_open_or_decide_it(client, world, eligible):
    registration = paid_registration(eligible, world)
    client.force_login(institution_officer(world["sxnu"], username="sxnu"))
    change = reverse("admin:exams_practicalregistration_change", args=[registration.pk])
    assert client.get(change).status_code in (302, 404)
    for name in ("practical_accept", "practical_onsite", "practical_void"):
        assert client.post(reverse(f"admin:{name}", args=[registration.pk]), {"remark": "x"}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_province_reads_but_cannot_decide(client, world, eligible):
    registration = paid_registration(eligible, world)
    client.force_login(OfficerFactory(scope__level="province"))
    assert client.get(reverse("admin:exams_practicalregistration_change", args=[registration.pk])).status_code == 200
    assert client.post(reverse("admin:practical_accept", args=[registration.pk])).status_code == 403
    registration.refresh_from_db()
    assert registration.status == Status.SUBMITTED


def test_a_county_officer_is_refused_the_list(client, world, eligible):
    paid_registration(eligible, world)
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    assert client.get(reverse("admin:exams_practicalregistration_changelist")).status_code == 403


def test_fee_admin_is_scoped_to_the_institution(client, world):
    client.force_login(institution_officer(world["sxu"]))
    page = client.get(reverse("admin:exams_practicalfee_changelist")).content.decode()
    assert "山西大学" in page and "山西师范大学" not in page


# --------------------------------------------------------------------------- create_officer --institution


def test_create_officer_for_an_institution(monkeypatch, world):
    monkeypatch.setenv("OFFICER_PASSWORD", PASSWORD)
    out = StringIO()
    call_command("create_officer", "sxu", "--institution", "10108", stdout=out)
    user = User.objects.get(username="sxu")
    assert user.officer_scope.level == OfficerScope.Level.INSTITUTION
    assert user.officer_scope.institution == world["sxu"]
    assert user.groups.filter(name="主考院校").exists()
    assert user.has_perm("exams.decide_practical") and not user.has_perm("payments.confirm_offline_payment")
    assert "主考院校：山西大学" in out.getvalue()


def test_create_officer_with_an_unknown_institution(monkeypatch, world):
    monkeypatch.setenv("OFFICER_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="没有代码为 99999 的主考院校"):
        call_command("create_officer", "x", "--institution", "99999")
    assert not User.objects.filter(username="x").exists()


def test_the_database_refuses_an_institution_scope_without_an_institution(world):
    from django.db import IntegrityError, transaction
    user = CandidateFactory().user
    with pytest.raises(IntegrityError), transaction.atomic():
        OfficerScope.objects.create(user=user, level="institution")


def test_a_candidate_sees_only_their_own_registration_and_order(client, world, eligible):
    registration = paid_registration(eligible, world)
    order = payments.live_order(registration)
    other = make_candidate(world["major"])
    client.force_login(other.user)
    page = client.get(URL).content.decode()
    assert registration.number not in page and "<form" in page
    assert client.get(reverse("order_detail", args=[order.number])).status_code == 404


def test_institution_staff_change_their_fee_audited_and_only_theirs(client, world):
    client.force_login(institution_officer(world["sxu"]))
    fee = world["sxu"].practical_fee
    response = client.post(reverse("admin:exams_practicalfee_change", args=[fee.pk]), {"fee_fen": 9000})
    assert response.status_code == 302
    fee.refresh_from_db()
    assert fee.fee_fen == 9000
    event = AuditEvent.objects.get(action="catalogue_update", object_id=str(fee.pk))
    assert event.data["before"] == 8000 and event.data["fee_fen"] == 9000
    other = world["sxnu"].practical_fee
    assert client.post(reverse("admin:exams_practicalfee_change", args=[other.pk]), {"fee_fen": 1}).status_code in (
        302, 404,
    )
    other.refresh_from_db()
    assert other.fee_fen == 6000
