"""Demo officers and candidates in each identity state (idempotent)."""

import datetime

from django.utils import timezone

from candidates.models import Candidate, CandidateMessage, EnrolledRecord, OfficerScope, User
from candidates.officers import grant_officer_permissions
from zikao.idnumbers import check_digit
from zikao.models import City, County

OFFICER_PASSWORD = "Officer2026demo"  # noqa: S105 — demo accounts, printed by seed_demo
CANDIDATE_PASSWORD = "Kaoshi2026demo"  # noqa: S105


def demo_id_number(county_code, birth, seq, gender):
    first17 = f"{county_code}{birth:%Y%m%d}{seq:02d}{1 if gender == 'M' else 2}"
    return first17 + check_digit(first17)


def _officer(username, level, county=None, city=None, superuser=False):
    user, created = User.objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": superuser}
    )
    if created:
        user.set_password(OFFICER_PASSWORD)
        user.save(update_fields=["password"])
    if not superuser:
        OfficerScope.objects.get_or_create(user=user, defaults={"level": level, "county": county, "city": city})
        grant_officer_permissions(user)
    return user


def _candidate(label, county_code, seq, status, *, ticket=None, kind=Candidate.Kind.NEW, gender="M", name="张伟"):
    birth = datetime.date(1998, 5, seq)
    id_number = demo_id_number(county_code, birth, seq, gender)
    candidate = Candidate.objects.filter(id_number=id_number).first()
    if candidate is None:
        user = User.objects.create_user(username=f"demo-candidate-{seq:02d}", password=CANDIDATE_PASSWORD)
        candidate = Candidate.objects.create(
            user=user, kind=kind, name=name, id_number=id_number, ticket_number=ticket, gender=gender,
            birth_date=birth, ethnicity="汉族", household_type=Candidate.HouseholdType.NON_AGRICULTURAL,
            education_level=Candidate.EducationLevel.SENIOR_HIGH, occupation=Candidate.Occupation.EMPLOYEE,
            political_status=Candidate.PoliticalStatus.LEAGUE_MEMBER, mobile=f"1380351{seq:04d}",
            email=f"demo{seq}@example.com", county=County.objects.get(code=county_code),
            identity_status=status,
            identity_approved_at=timezone.now() if status == Candidate.IdentityStatus.APPROVED else None,
        )
    if status == Candidate.IdentityStatus.APPROVED:
        CandidateMessage.objects.get_or_create(
            candidate=candidate, title="身份验证已通过",
            defaults={"body": "您的身份验证已通过，可以办理各项自学考试业务。"},
        )
    return (label, candidate.ticket_number or id_number, CANDIDATE_PASSWORD)


def seed():
    taiyuan, datong = City.objects.get(code="1401"), City.objects.get(code="1402")
    rows = [("超级管理员", _officer("admin", None, superuser=True).username, OFFICER_PASSWORD)]
    for username, level, county, city, label in [
        ("province", OfficerScope.Level.PROVINCE, None, None, "省招考中心工作人员"),
        ("taiyuan", OfficerScope.Level.CITY, None, taiyuan, "太原市招考办工作人员"),
        ("datong", OfficerScope.Level.CITY, None, datong, "大同市招考办工作人员"),
        ("xiaodian", OfficerScope.Level.COUNTY, County.objects.get(code="140105"), None, "小店区招考办工作人员"),
    ]:
        rows.append((label, _officer(username, level, county, city).username, OFFICER_PASSWORD))

    S = Candidate.IdentityStatus
    rows.append(_candidate("考生：已通过验证（太原市小店区）", "140105", 1, S.APPROVED, ticket="010526100001"))
    rows.append(_candidate("考生：已通过验证（女，迎泽区）", "140106", 2, S.APPROVED, ticket="010626100001", gender="F", name="王芳"))
    rows.append(_candidate("考生：未上传照片", "140105", 3, S.UNVERIFIED, name="李娜", gender="F"))
    rows.append(_candidate("考生：待人工审核", "140105", 4, S.NEEDS_REVIEW, name="刘洋"))
    rows.append(_candidate("考生：验证未通过", "140105", 5, S.REJECTED, name="陈静", gender="F"))

    record_id = demo_id_number("140213", datetime.date(1996, 8, 8), 11, "F")
    EnrolledRecord.objects.get_or_create(
        id_number=record_id,
        defaults={"name": "赵敏", "ticket_number": "021319100011", "county": County.objects.get(code="140213")},
    )
    rows.append(("在籍考生（未激活，用于“我是在籍考生”注册）：姓名 赵敏", record_id, "注册时设置"))
    return rows
