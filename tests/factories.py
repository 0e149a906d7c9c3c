"""Factories shared by every test package (factory-boy)."""

import datetime

import factory
from django.utils import timezone

from candidates.models import Candidate, CandidateMessage, EnrolledRecord, OfficerScope, User
from zikao.idnumbers import check_digit
from zikao.models import BusinessWindow, City, County, Notice

DEFAULT_PASSWORD = "Kaoshi2024abc"


def make_id_number(*, county_code="140105", birth=datetime.date(1995, 3, 7), sequence=1, gender="M"):
    """A valid 18-character ID number (GB 11643) with the given facts."""
    seq = sequence % 100
    gender_digit = (sequence // 100) % 5 * 2 + (1 if gender == "M" else 0)
    first17 = f"{county_code}{birth:%Y%m%d}{seq:02d}{gender_digit}"
    return first17 + check_digit(first17)


def county(code="140105"):
    return County.objects.select_related("city").get(code=code)


def city(code="1401"):
    return City.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:05d}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    class Params:
        approved = factory.Trait(
            identity_status=Candidate.IdentityStatus.APPROVED,
            identity_approved_at=factory.LazyFunction(timezone.now),
            ticket_number=factory.Sequence(lambda n: f"0105211{n:05d}"),
        )

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"cand{n:06d}"))
    kind = Candidate.Kind.NEW
    name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊"])
    gender = Candidate.Gender.MALE
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number(
            county_code=o.county.code, sequence=n % 100 + (n // 100 % 5) * 100, gender=o.gender,
            birth=datetime.date(1990, 1, 1) + datetime.timedelta(days=n // 500),
        )
    )
    birth_date = factory.LazyAttribute(lambda o: datetime.date(int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14])))
    ethnicity = "汉族"
    household_type = Candidate.HouseholdType.NON_AGRICULTURAL
    education_level = Candidate.EducationLevel.SENIOR_HIGH
    occupation = Candidate.Occupation.EMPLOYEE
    political_status = Candidate.PoliticalStatus.MASSES
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    email = ""
    county = factory.LazyFunction(lambda: county("140105"))


class OfficerFactory(UserFactory):
    """A staff user with a scope. Pass level= and county= / city=."""

    is_staff = True
    username = factory.Sequence(lambda n: f"officer{n:04d}")

    @factory.post_generation
    def scope(obj, create, extracted, level="province", county=None, city=None, **kwargs):
        if create:
            OfficerScope.objects.create(user=obj, level=level, county=county, city=city)
            from candidates.officers import grant_officer_permissions

            grant_officer_permissions(obj)


class EnrolledRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnrolledRecord

    name = "赵敏"
    id_number = factory.Sequence(lambda n: make_id_number(county_code="140213", sequence=n % 100, gender="F"))
    ticket_number = factory.Sequence(lambda n: f"0213191{n:05d}")
    county = factory.LazyFunction(lambda: county("140213"))


class BusinessWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessWindow

    kind = BusinessWindow.Kind.IN_PROVINCE_TRANSFER
    title = "2026年下半年省内转考"
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class NoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notice

    category = Notice.Category.IMPORTANT
    title = factory.Sequence(lambda n: f"山西省高等教育自学考试公告第{n}号")
    body = "公告正文。"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class CandidateMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CandidateMessage

    candidate = factory.SubFactory(CandidateFactory)
    title = "身份验证已通过"
