"""Demo candidates with exam histories (idempotent): one new with no course passed yet, one
halfway through 工商管理, one a single course (00157 管理会计（一）, on the April 2027 timetable)
away from finishing 大数据与会计.
"""

import datetime

from django.utils import timezone

from candidates.demo import CANDIDATE_PASSWORD, demo_id_number
from candidates.models import Candidate, User
from exams.models import Course, ExamSitting, Major
from records.services import add_passed_course
from zikao.models import County

ACTOR = "seed_demo"
LAST_COURSE = "00157"

# (label, username, county, seq, name, gender, kind, ticket, major, history)
# history: [(course, score, sitting, source)]
HALFWAY = [
    ("03708", 76, "202410", "exam"), ("03709", 68, "202410", "exam"), ("00054", 81, "202504", "exam"),
    ("00067", 62, "202504", "exam"), ("00058", 73, "202510", "exam"), ("00152", 66, "202604", "exam"),
    ("00146", 70, "202604", "exam"), ("00015", None, None, "exemption"),
]
ALMOST = [
    ("03707", 71, "202410", "exam"), ("00012", 64, "202410", "exam"), ("00018", 77, "202410", "exam"),
    ("00019", 85, "202504", "exam"), ("00020", 61, "202504", "exam"), ("00041", 88, "202504", "exam"),
    ("00043", 69, "202504", "exam"), ("00065", 72, "202510", "exam"), ("00144", 75, "202510", "exam"),
    ("00155", 63, "202510", "exam"), ("00156", 70, "202604", "exam"), ("00158", 66, "202604", "exam"),
    ("00070", 79, "202610", "transfer_in"),
]
CANDIDATES = [
    ("考生：新考生，尚无合格课程（行政管理专科）", "demo-record-new", "140105", 31, "赵磊", "M", "new",
     "010526100031", "690206", []),
    ("考生：工商管理专升本，已过半", "demo-record-halfway", "140106", 32, "钱进", "M", "enrolled",
     "010624100032", "120201K", HALFWAY),
    ("考生：大数据与会计专科，只差一门", "demo-record-almost", "140213", 33, "孙悦", "F", "enrolled",
     "021324100033", "530302", ALMOST),
]


def _candidate(username, county_code, seq, name, gender, kind, ticket, major_code):
    birth = datetime.date(1995, 9, seq - 20)
    id_number = demo_id_number(county_code, birth, seq, gender)
    candidate = Candidate.objects.filter(id_number=id_number).first()
    if candidate is None:
        user = User.objects.create_user(username=username, password=CANDIDATE_PASSWORD)
        candidate = Candidate.objects.create(
            user=user, kind=kind, name=name, id_number=id_number, ticket_number=ticket, gender=gender,
            birth_date=birth, ethnicity="汉族", household_type=Candidate.HouseholdType.NON_AGRICULTURAL,
            education_level=Candidate.EducationLevel.JUNIOR_COLLEGE if major_code == "120201K"
            else Candidate.EducationLevel.SENIOR_HIGH,
            occupation=Candidate.Occupation.EMPLOYEE, political_status=Candidate.PoliticalStatus.MASSES,
            mobile=f"1370351{seq:04d}", email=f"record{seq}@example.com", county=County.objects.get(code=county_code),
            identity_status=Candidate.IdentityStatus.APPROVED, identity_approved_at=timezone.now(),
            major=Major.objects.get(code=major_code),
        )
    return candidate


def seed():
    if not Major.objects.exists():
        return []  # no catalogue (exams.demo did not run): nothing to record against
    courses = {course.code: course for course in Course.objects.all()}
    sittings = {sitting.code: sitting for sitting in ExamSitting.objects.all()}
    rows = []
    for label, username, county, seq, name, gender, kind, ticket, major, history in CANDIDATES:
        candidate = _candidate(username, county, seq, name, gender, kind, ticket, major)
        for course, score, sitting, source in history:
            add_passed_course(
                candidate=candidate, course=courses[course], source=source, score=score,
                sitting=sittings.get(sitting), actor_label=ACTOR,
            )
        rows.append((f"{label}（{name}）", candidate.ticket_number, CANDIDATE_PASSWORD))
    return rows
