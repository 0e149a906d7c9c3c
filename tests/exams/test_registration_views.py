"""理论课报名 pages: form → check answers → save (and pay), the summary, the centre, access rules."""

import pytest
import time_machine
from django.urls import reverse

from exams.models import CourseRegistration
from payments import services as payments
from payments.models import Order
from payments.providers import get_provider
from tests.exams.registration_fixtures import CLOSES, INSIDE, course_ids, make_registration_setup
from tests.factories import CandidateFactory, OfficerFactory

pytestmark = pytest.mark.django_db
URL = "/exams/register/"
ADDRESS = "山西省太原市小店区长治路1号"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(INSIDE, tick=False):
        yield


@pytest.fixture
def setup():
    return make_registration_setup()


@pytest.fixture
def candidate(setup):
    return CandidateFactory(approved=True, mobile="13800000000")


@pytest.fixture
def signed_in(client, candidate):
    client.force_login(candidate.user)
    return client


def post(client, action, *codes, mobile="13800000000", address=ADDRESS):
    return client.post(URL, {"action": action, "mobile": mobile, "mailing_address": address,
                             "courses": course_ids(*codes)})


def test_url_name_is_stable():
    assert reverse("theory_register") == URL


def test_form_groups_courses_by_day_and_slot_with_the_fee(signed_in):
    html = signed_in.get(URL).content.decode()
    assert "理论课报名" in html and "2027年4月" in html and "35.00 元" in html
    assert "上午 09:00–11:30" in html and "下午 14:30–17:00" in html
    assert "00054 管理学原理" in html and "07998" not in html  # practicals are not on the timetable
    assert 'value="13800000000"' in html


def test_check_answers_then_save_and_pay_goes_to_the_order(signed_in, candidate):
    response = post(signed_in, "review", "03708", "03709", "00015", "00149")
    html = response.content.decode()
    assert response.status_code == 200 and "确认本次报考信息" in html and "140.00" in html and ADDRESS in html
    assert not CourseRegistration.objects.exists()
    response = post(signed_in, "pay", "03708", "03709", "00015", "00149")
    registration = CourseRegistration.objects.get(candidate=candidate)
    assert response.status_code == 302 and response["Location"] == f"/orders/{registration.order_number}/pay/"
    summary = signed_in.get(URL).content.decode()
    assert "待支付" in summary and registration.order_number in summary and "修改报名" in summary


def test_slot_clash_shown_on_the_form_naming_both(signed_in):
    response = post(signed_in, "review", "00054", "00067")
    html = response.content.decode()
    assert response.status_code == 400
    assert "“00054 管理学原理”和“00067 财务管理学”" in html
    assert not CourseRegistration.objects.exists()


@pytest.mark.parametrize("mobile, address, message", [
    ("", ADDRESS, "请填写手机号码。"), ("13800000000", "", "请填写通讯地址。"), ("12345", ADDRESS, "请填写11位手机号码。"),
])
def test_contact_details_required(signed_in, mobile, address, message):
    response = post(signed_in, "review", "03708", mobile=mobile, address=address)
    assert response.status_code == 400 and message in response.content.decode()


def test_edit_after_payment_started_is_refused(signed_in, candidate):
    post(signed_in, "save", "03708")
    order = Order.objects.get()
    payments.start_payment(order=order, provider=get_provider("demo"), actor=candidate.user)
    response = signed_in.get(URL + "?edit=1", follow=True)
    html = response.content.decode()
    assert "报考课程已锁定，不能再修改" in html and "修改报名" not in html
    post(signed_in, "save", "00015")
    assert [i.course.code for i in CourseRegistration.objects.get().items.all()] == ["03708"]


def test_closed_window_page_says_when_it_ended(client, candidate):
    with time_machine.travel(CLOSES, tick=False):
        client.force_login(candidate.user)
        response = client.get(URL)
    assert response.status_code == 403 and "已于2027年03月10日 17:00结束" in response.content.decode()


def test_unapproved_candidate_goes_to_identity(client, setup):
    client.force_login(CandidateFactory().user)
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"] == reverse("identity")


def test_anonymous_and_staff_are_sent_away(client, setup):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    client.force_login(OfficerFactory())
    assert client.get(URL).status_code == 302
    assert not CourseRegistration.objects.exists()


def test_another_candidates_order_is_not_reachable(signed_in, candidate, client, setup):
    post(signed_in, "save", "03708")
    number = CourseRegistration.objects.get().order_number
    other = CandidateFactory(approved=True)
    client.force_login(other.user)
    assert client.get(f"/orders/{number}/").status_code == 404
    assert client.get(f"/orders/{number}/pay/").status_code == 404
    # The other candidate's own page shows the form, not the first one's registration.
    html = client.get(URL).content.decode()
    assert number not in html and "下一步：确认报考信息" in html


def test_centre_links_the_entry_and_shows_the_registration(signed_in):
    post(signed_in, "save", "03708", "03709")
    number = CourseRegistration.objects.get().order_number
    html = signed_in.get(reverse("center")).content.decode()
    assert f'href="{URL}"' in html and "我的理论课报名" in html and number in html and "03709" in html


@pytest.mark.parametrize("forged", ["999999", "abc", "9" * 30])
def test_a_course_id_not_on_the_timetable_is_refused_with_a_message(signed_in, candidate, forged):
    response = signed_in.post(URL, {"action": "pay", "mobile": "13800000000", "mailing_address": ADDRESS,
                                    "courses": [*course_ids("03708"), forged]})
    assert response.status_code == 400
    assert "所选课程不在本次考试的课程安排中，请重新选择。" in response.content.decode()
    assert not CourseRegistration.objects.filter(candidate=candidate).exists()
