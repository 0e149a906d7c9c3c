"""A small world for 免考申请 tests: the test catalogue (120201K with 00015 英语（二） and 07998 毕业考核),
a CET-4 rule for 00015, a transcript rule, an open exemption window and an eligible candidate."""

import datetime

from django.utils import timezone

from exams import services as catalogue
from exams.exemption_models import ExemptionRule, ExemptionRuleCourse
from identity.intake import normalise
from records import exemptions
from records.services import add_passed_course
from tests.catalogue import course, make_catalogue, sitting
from tests.factories import BusinessWindowFactory, CandidateFactory, OfficerFactory, city, county
from tests.identity.helpers import jpeg

EXEMPTION = "exemption"


def certificate_jpeg(shade=(200, 210, 190)):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), shade)
    draw = ImageDraw.Draw(image)
    for y in range(40, 440, 30):
        draw.line((40, y, 600, y), fill=(40, 40, 40), width=2)
    return jpeg(image)


def photo(shade=(200, 210, 190)):
    return normalise(certificate_jpeg(shade))


def make_rules():
    cet4 = catalogue.upsert(ExemptionRule, lookup={"code": "CET4"}, values={"name": "全国大学英语四级"},
                            actor_label="test")[1]
    catalogue.upsert(ExemptionRuleCourse, lookup={"rule": cet4, "course": course("00015")}, values={},
                     actor_label="test")
    xueli = catalogue.upsert(ExemptionRule, lookup={"code": "XUELI"}, values={
        "name": "国家承认学历的课程成绩", "same_course_required": True}, actor_label="test")[1]
    return cet4, xueli


def exemption_window(**kwargs):
    return BusinessWindowFactory(kind=EXEMPTION, title="2027年上半年免考申请", **kwargs)


def eligible_candidate(county_code="140105", **kwargs):
    major = make_catalogue()
    candidate = CandidateFactory(approved=True, major=major, county=county(county_code), **kwargs)
    add_passed_course(candidate=candidate, course=course("03708"), source="exam", score=75, sitting=sitting("202604"))
    return candidate


def answers(rule, *codes, prior=None, issued_on=None):
    from exams.models import Course

    prior = prior or {}
    return exemptions.Answers(
        rule=rule, certificate_number="CET4-2019-0012345", issuer="全国大学英语四、六级考试委员会",
        issued_on=issued_on or datetime.date(2019, 8, 20),
        courses=[
            exemptions.CourseClaim(Course.objects.get(code=code).pk, *(prior.get(code) or ("", None)))
            for code in codes
        ],
    )


def submitted(candidate, rule, *codes, prior=None):
    draft = exemptions.save_draft(candidate=candidate, answers=answers(rule, *codes, prior=prior), photos=[photo()])
    application, created = exemptions.submit_exemption(candidate=candidate, draft=draft)
    assert created
    return application


def officers(county_code="140105", city_code="1401"):
    return {
        "county": OfficerFactory(scope__level="county", scope__county=county(county_code)),
        "city": OfficerFactory(scope__level="city", scope__city=city(city_code)),
        "province": OfficerFactory(scope__level="province"),
    }


def closed_window():
    now = timezone.now()
    return exemption_window(opens_at=now - datetime.timedelta(days=10), closes_at=now - datetime.timedelta(days=1))
