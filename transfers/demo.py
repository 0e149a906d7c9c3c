"""Demo transfer applications in each state, so the officers' queue and the
candidates' details pages show real data (idempotent).

The demo candidates of candidates/demo.py (张伟 of 小店区, 王芳 of 迎泽区) are
left without an application, free to try the form.  The applications belong
to five extra approved candidates made here.
"""

import datetime
import uuid

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD, demo_id_number
from candidates.models import Candidate, User
from transfers import services
from transfers.models import TransferApplication
from zikao.models import BusinessWindow, City, County
from zikao.selectors import current_window

# (label, county, sequence, name, gender, destination city, what happens after submitting)
DEMO_APPLICANTS = [
    ("待原属地市审核", "140105", 21, "孙浩", "M", "1402", None),
    ("待转入市审核", "140106", 22, "周敏", "F", "1402", "release"),
    ("已转入大同市平城区", "140107", 23, "吴磊", "M", "1402", "accept"),
    ("原属地市未同意", "140105", 24, "郑丽", "F", "1404", "refuse_release"),
    ("已撤销", "140108", 25, "冯刚", "M", "1402", "withdraw"),
]


def _candidate(county_code, seq, name, gender):
    birth = datetime.date(1997, 6, seq)
    id_number = demo_id_number(county_code, birth, seq, gender)
    candidate = Candidate.objects.filter(id_number=id_number).select_related("county__city").first()
    if candidate is not None:
        return candidate
    user = User.objects.create_user(username=f"demo-transfer-{seq:02d}", password=CANDIDATE_PASSWORD)
    county = County.objects.select_related("city").get(code=county_code)
    return Candidate.objects.create(
        user=user, kind=Candidate.Kind.ENROLLED, name=name, id_number=id_number,
        ticket_number=f"{county_code[2:]}251{seq:05d}", gender=gender, birth_date=birth, ethnicity="汉族",
        household_type=Candidate.HouseholdType.NON_AGRICULTURAL, education_level=Candidate.EducationLevel.BACHELOR,
        occupation=Candidate.Occupation.EMPLOYEE, political_status=Candidate.PoliticalStatus.MASSES,
        mobile=f"1390351{seq:04d}", email=f"transfer{seq}@example.com", county=county,
        identity_status=Candidate.IdentityStatus.APPROVED, identity_approved_at=timezone.now(),
    )


def seed(now=None):
    now = now or timezone.now()
    window = current_window(BusinessWindow.Kind.IN_PROVINCE_TRANSFER, now=now)
    if window is None:
        return []  # no open transfer window: nothing to apply in
    officers = {name: User.objects.filter(username=name).first() for name in ("taiyuan", "datong")}
    rows = []
    for label, county_code, seq, name, gender, to_city_code, then in DEMO_APPLICANTS:
        candidate = _candidate(county_code, seq, name, gender)
        rows.append((f"考生：省内转考{label}（{name}）", candidate.ticket_number, CANDIDATE_PASSWORD))
        if TransferApplication.objects.filter(candidate=candidate).exists():
            continue
        application, _ = services.submit_transfer(
            candidate=candidate, to_city=City.objects.get(code=to_city_code), token=uuid.uuid4(), now=now,
        )
        taiyuan_officer = officers["taiyuan"]
        if then in ("release", "accept") and taiyuan_officer:
            services.release_transfer(officer=taiyuan_officer, application=application, now=now)
        if then == "accept" and officers["datong"]:
            services.accept_transfer(
                officer=officers["datong"], application=application,
                to_county=County.objects.get(code="140213"), now=now,
            )
        if then == "refuse_release" and taiyuan_officer:
            services.refuse_release(
                officer=taiyuan_officer, application=application, now=now,
                remark="该考生有未办结的考籍事项，请先到小店区招生考试办公室办理后再申请。",
            )
        if then == "withdraw":
            services.withdraw_transfer(candidate=candidate, application=application, now=now)
    return rows
