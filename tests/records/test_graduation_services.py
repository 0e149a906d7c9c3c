"""毕业申请 services: submit, pay, pre-check, decide, resubmit once, the date and certificate rule."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from identity.intake import normalise
from payments.models import Order
from payments.services import expire_orders
from records import graduation
from records.graduation_models import CertificateCounter, GraduationApplication
from tests.factories import CandidateFactory, OfficerFactory, county
from tests.records.graduation_setup import (
    graduate_ready,
    make_plan,
    normalised_files,
    open_window,
    pass_courses,
    pay,
    photo_bytes,
    scan_bytes,
)
from zikao.audit import events_of

pytestmark = pytest.mark.django_db
Status = GraduationApplication.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _runtime(private_storage):
    return private_storage


@pytest.fixture
def quick_photo_checks(monkeypatch):
    """Most tests are not about the photo: skip the face engine."""
    monkeypatch.setattr(graduation, "check_photo", lambda photo: ([], False))


@pytest.fixture
def window():
    return open_window()


@pytest.fixture
def candidate():
    return graduate_ready()


def submit(candidate, **kwargs):
    photo, scan = normalised_files()
    return graduation.submit_graduation(candidate=candidate, photo=photo, scan=scan, **kwargs)


@pytest.fixture
def county_officer():
    return OfficerFactory(scope__level="county", scope__county=county("140105"))


@pytest.fixture
def province_officer():
    return OfficerFactory(scope__level="province")


# --------------------------------------------------------------------------- submit and pay


def test_submit_stores_both_files_privately_and_opens_a_40_yuan_order(candidate, window, private_storage):
    application, order = submit(candidate)
    assert application.status == Status.AWAITING_PAYMENT and application.attempt == 1
    assert application.credits == 21 and application.major == candidate.major
    assert (order.kind, order.total_fen, order.expires_at) == (Order.Kind.GRADUATION, 4000, window.closes_at)
    stored = sorted(path.name for path in private_storage.rglob("*.jpg"))
    assert len(stored) == 2 and all(name.endswith(".jpg") for name in stored)
    assert application.photo_checks and not application.photo_needs_review  # the real checks ran and passed
    assert candidate.messages.filter(title="毕业申请已提交，请缴费").exists()


def test_paying_moves_the_application_to_the_county(candidate, window, quick_photo_checks):
    application, order = submit(candidate)
    pay(order)
    application.refresh_from_db()
    assert application.status == Status.PENDING_COUNTY and application.paid
    assert [e.action for e in events_of(application)] == ["graduation_submit", "graduation_paid"]


def test_an_unpaid_application_lapses_with_the_window(candidate, window, quick_photo_checks):
    application, _order = submit(candidate)
    expire_orders(now=window.closes_at + datetime.timedelta(minutes=1))
    application.refresh_from_db()
    assert application.status == Status.VOID
    assert candidate.messages.filter(title="毕业申请已失效").exists()


def test_a_canceled_order_voids_the_application_and_leaves_one_more_attempt(
    candidate, window, quick_photo_checks
):
    from payments.services import cancel_order

    application, order = submit(candidate)
    cancel_order(order=order, actor_label="test")
    application.refresh_from_db()
    assert application.status == Status.VOID
    second, _ = submit(candidate)
    assert second.attempt == 2
    cancel_order(order=graduation.live_order(second), actor_label="test")
    with pytest.raises(graduation.GraduationError) as caught:
        submit(candidate)
    assert caught.value.code == "no_attempts_left" and "最近一次已失效" in caught.value.message


def test_a_candidate_one_course_short_is_refused_with_the_course(window, quick_photo_checks):
    candidate = CandidateFactory(approved=True, major=make_plan())
    pass_courses(candidate, ["00101", "00201", "00501", "07999", "00409"])
    with pytest.raises(graduation.GraduationError) as caught:
        submit(candidate)
    assert caught.value.code == "not_eligible"
    assert "必考课程 00102 必考乙 尚未合格" in caught.value.message
    assert not GraduationApplication.objects.exists()


def test_outside_the_window_nobody_applies(candidate, quick_photo_checks):
    with pytest.raises(graduation.GraduationError) as caught:
        submit(candidate)
    assert caught.value.code == "window_closed"


def test_a_second_submit_in_the_window_is_refused(candidate, window, quick_photo_checks, private_storage):
    submit(candidate)
    with pytest.raises(graduation.GraduationError) as caught:
        submit(candidate)
    assert caught.value.code == "already_applied"
    assert GraduationApplication.objects.count() == 1
    assert len(list(private_storage.rglob("*.jpg"))) == 2  # nothing kept of the refused one


def test_the_database_keeps_one_active_application_per_window(candidate, window, quick_photo_checks):
    application, _ = submit(candidate)
    with pytest.raises(IntegrityError), transaction.atomic():
        GraduationApplication.objects.create(
            candidate=candidate,
            window=window,
            attempt=2,
            major=application.major,
            plan_version="new",
            credits=21,
            photo="x.jpg",
            photo_sha256="0",
            conduct_scan="y.jpg",
            fee_fen=4000,
        )


def test_a_face_less_photo_is_refused_with_the_reason(candidate, window, private_storage):
    blank = normalise(scan_bytes())
    with pytest.raises(graduation.GraduationError) as caught:
        graduation.submit_graduation(candidate=candidate, photo=blank, scan=blank)
    assert caught.value.code == "photo_rejected"
    assert "毕业照片中未检测到人脸" in caught.value.message
    assert not GraduationApplication.objects.exists() and not list(private_storage.rglob("*.jpg"))


def test_a_dark_background_is_refused(candidate, window):
    dark = normalise(photo_bytes(background=(40, 40, 40)))
    with pytest.raises(graduation.GraduationError) as caught:
        graduation.submit_graduation(candidate=candidate, photo=dark, scan=normalise(scan_bytes()))
    assert caught.value.code == "photo_rejected" and "背景" in caught.value.message


# --------------------------------------------------------------------------- review


@pytest.fixture
def paid(candidate, window, quick_photo_checks):
    application, order = submit(candidate)
    pay(order)
    application.refresh_from_db()
    return application


def test_county_then_province_approve_with_date_and_certificate(paid, county_officer, province_officer):
    assert graduation.allowed_decisions(officer=county_officer, application=paid) == [
        "precheck",
        "refuse_precheck",
    ]
    assert graduation.allowed_decisions(officer=province_officer, application=paid) == []
    graduation.precheck_graduation(officer=county_officer, application=paid)
    paid.refresh_from_db()
    assert paid.status == Status.PENDING_PROVINCE
    assert graduation.allowed_decisions(officer=county_officer, application=paid) == []
    moment = datetime.datetime(2027, 4, 20, 10, tzinfo=SHANGHAI)
    graduation.approve_graduation(officer=province_officer, application=paid, now=moment)
    paid.refresh_from_db()
    assert paid.status == Status.APPROVED
    assert paid.graduation_date == datetime.date(2027, 6, 30)
    assert paid.certificate_number == "1420271000001"
    message = paid.candidate.messages.get(title="毕业申请已批准")
    assert "2027年06月30日" in message.body and "1420271000001" in message.body
    assert [e.action for e in events_of(paid)][-2:] == ["graduation_precheck", "graduation_approve"]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.datetime(2027, 1, 1, 0, 5), datetime.date(2027, 6, 30)),
        (datetime.datetime(2027, 6, 30, 23, 59), datetime.date(2027, 6, 30)),
        (datetime.datetime(2027, 7, 1, 0, 0), datetime.date(2027, 12, 30)),
        (datetime.datetime(2027, 12, 31, 23, 0), datetime.date(2027, 12, 30)),
    ],
)
def test_the_graduation_date_is_that_of_the_half_year_of_approval(day, expected):
    assert graduation.graduation_date_for(day.replace(tzinfo=SHANGHAI)) == expected


def test_certificate_numbers_follow_the_half_year(db):
    with transaction.atomic():
        first = graduation._next_certificate_number(datetime.date(2027, 12, 30))
        second = graduation._next_certificate_number(datetime.date(2027, 12, 30))
        other = graduation._next_certificate_number(datetime.date(2028, 6, 30))
    assert (first, second, other) == ("1420272000001", "1420272000002", "1420281000001")
    assert CertificateCounter.objects.get(period="20272").last == 2


def test_another_county_cannot_precheck(paid):
    stranger = OfficerFactory(scope__level="county", scope__county=county("140106"))
    assert graduation.allowed_decisions(officer=stranger, application=paid) == []
    with pytest.raises(graduation.GraduationError) as caught:
        graduation.precheck_graduation(officer=stranger, application=paid)
    assert caught.value.code == "out_of_scope"


def test_a_refusal_needs_a_reason_and_a_decision_is_taken_once(paid, county_officer):
    with pytest.raises(graduation.GraduationError) as caught:
        graduation.refuse_precheck(officer=county_officer, application=paid, remark="  ")
    assert caught.value.code == "remark_required"
    graduation.precheck_graduation(officer=county_officer, application=paid)
    with pytest.raises(graduation.GraduationError) as caught:
        graduation.refuse_precheck(officer=county_officer, application=paid, remark="照片不合格")
    assert caught.value.code in {"already_decided", "out_of_scope"}


def test_a_rejected_candidate_may_resubmit_once_in_the_window(
    paid, county_officer, province_officer, candidate
):
    graduation.refuse_precheck(officer=county_officer, application=paid, remark="思想品德鉴定表未盖章")
    paid.refresh_from_db()
    assert paid.state_text == "县区初审未通过：思想品德鉴定表未盖章"
    assert (
        "可在本次毕业申请时间内修改后重新申请一次"
        in candidate.messages.get(title="毕业申请：县区初审未通过").body
    )
    second, order = submit(candidate)
    assert second.attempt == 2
    pay(order)
    second.refresh_from_db()
    graduation.precheck_graduation(officer=county_officer, application=second)
    graduation.reject_graduation(officer=province_officer, application=second, remark="学籍信息有误")
    with pytest.raises(graduation.GraduationError) as caught:
        submit(candidate)
    assert caught.value.code == "no_attempts_left"
    assert GraduationApplication.objects.filter(candidate=candidate).count() == 2
