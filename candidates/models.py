from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from zikao.idnumbers import mask_id_number
from zikao.models import City, County


class User(AbstractUser):
    """Accounts of candidates and officers.

    Candidates sign in with their ID or ticket number (see CandidateBackend);
    their ``username`` is an opaque internal name, never the ID number, so it
    can appear in admin and logs without exposing anyone.
    """

    class Meta:
        verbose_name = verbose_name_plural = "用户"


class Candidate(models.Model):
    class Kind(models.TextChoices):
        NEW = "new", "新考生"
        ENROLLED = "enrolled", "在籍考生"

    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class HouseholdType(models.TextChoices):
        NON_AGRICULTURAL = "non_agricultural", "非农业户口"
        AGRICULTURAL = "agricultural", "农业户口"
        RESIDENT = "resident", "居民户口"

    class EducationLevel(models.TextChoices):
        JUNIOR_HIGH = "junior_high", "初中及以下"
        SENIOR_HIGH = "senior_high", "高中（中专、技校）"
        JUNIOR_COLLEGE = "junior_college", "大专"
        BACHELOR = "bachelor", "本科"
        POSTGRADUATE = "postgraduate", "研究生"

    class Occupation(models.TextChoices):
        STUDENT = "student", "学生"
        WORKER = "worker", "工人"
        FARMER = "farmer", "农民"
        CIVIL_SERVANT = "civil_servant", "机关干部"
        TEACHER = "teacher", "教师"
        MILITARY = "military", "军人"
        EMPLOYEE = "employee", "企业职员"
        SELF_EMPLOYED = "self_employed", "个体或自由职业"
        UNEMPLOYED = "unemployed", "待业"
        OTHER = "other", "其他"

    class PoliticalStatus(models.TextChoices):
        PARTY_MEMBER = "party_member", "中共党员"
        PROBATIONARY_MEMBER = "probationary_member", "中共预备党员"
        LEAGUE_MEMBER = "league_member", "共青团员"
        DEMOCRATIC_PARTY = "democratic_party", "民主党派"
        MASSES = "masses", "群众"

    class IdentityStatus(models.TextChoices):
        UNVERIFIED = "unverified", "未认证"
        CHECKING = "checking", "检查中"
        NEEDS_REVIEW = "needs_review", "待人工审核"
        REJECTED = "rejected", "未通过"
        APPROVED = "approved", "已通过"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="candidate", verbose_name="账号"
    )
    kind = models.CharField("考生类型", max_length=10, choices=Kind.choices)
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    ticket_number = models.CharField("准考证号", max_length=12, unique=True, null=True, blank=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=10, blank=True)
    household_type = models.CharField("户口性质", max_length=20, choices=HouseholdType.choices, blank=True)
    education_level = models.CharField("文化程度", max_length=20, choices=EducationLevel.choices, blank=True)
    occupation = models.CharField("职业", max_length=20, choices=Occupation.choices, blank=True)
    political_status = models.CharField("政治面貌", max_length=20, choices=PoliticalStatus.choices, blank=True)
    mobile = models.CharField("手机号", max_length=11, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="candidates", verbose_name="报名区县")
    # 报考专业: chosen in 修改个人信息 among majors accepting candidates; progress and graduation read it.
    major = models.ForeignKey(
        "exams.Major", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="报考专业"
    )
    identity_status = models.CharField(
        "身份验证", max_length=20, choices=IdentityStatus.choices, default=IdentityStatus.UNVERIFIED, db_index=True
    )
    identity_approved_at = models.DateTimeField("验证通过时间", null=True, blank=True)
    created_at = models.DateTimeField("注册时间", default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "考生"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(identity_status="approved") | models.Q(identity_approved_at__isnull=False),
                name="candidate_approved_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id_number}）"

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def city(self):
        return self.county.city

    @property
    def is_approved(self):
        return self.identity_status == self.IdentityStatus.APPROVED

    # What every business says to a candidate whose record has left Shanxi.
    RECORD_CLOSED_MESSAGE = "您的考籍已转出山西省，本平台不再为您办理自学考试业务；您仍可登录查询本人的信息和成绩。"

    @cached_property
    def record_closed(self):
        """考籍已转出: a 省际转出 (transfers.out_models.TransferOut) reached 已转出. The candidate may
        sign in and read, but no business is offered: the one check every business's eligibility asks."""
        return self.transfers_out.filter(status="transferred").exists()


class EnrolledRecord(models.Model):
    """The registry of candidates who already hold a ticket number (imported from CSV)."""

    id_number = models.CharField("身份证号", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    ticket_number = models.CharField("准考证号", max_length=12, unique=True)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name="报名区县")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    activated_at = models.DateTimeField("激活时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "在籍考生名册"

    def __str__(self):
        return f"{self.name}（{self.ticket_number}）"


class OfficerScope(models.Model):
    """What part of the province a staff user works for."""

    class Level(models.TextChoices):
        COUNTY = "county", "县区招考办"
        CITY = "city", "市招考办"
        PROVINCE = "province", "省招考中心"
        INSTITUTION = "institution", "主考院校"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer_scope", verbose_name="账号"
    )
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, blank=True, verbose_name="区县")
    city = models.ForeignKey(City, on_delete=models.PROTECT, null=True, blank=True, verbose_name="地市")
    # 主考院校 staff work for their institution, not for a part of the province.
    institution = models.ForeignKey(
        "exams.Institution", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="主考院校"
    )

    class Meta:
        verbose_name = verbose_name_plural = "工作人员管辖范围"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(level="county", county__isnull=False, city__isnull=True, institution__isnull=True)
                    | models.Q(level="city", city__isnull=False, county__isnull=True, institution__isnull=True)
                    | models.Q(level="province", city__isnull=True, county__isnull=True, institution__isnull=True)
                    | models.Q(
                        level="institution", institution__isnull=False, city__isnull=True, county__isnull=True
                    )
                ),
                name="officer_scope_matches_level",
            ),
        ]

    def __str__(self):
        if self.level == self.Level.COUNTY:
            return f"{self.get_level_display()}：{self.county}"
        if self.level == self.Level.CITY:
            return f"{self.get_level_display()}：{self.city}"
        if self.level == self.Level.INSTITUTION:
            return f"{self.get_level_display()}：{self.institution}"
        return self.get_level_display()


class CandidateMessage(models.Model):
    """A message to one candidate, shown in the personal centre (decisions about them)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="messages", verbose_name="考生")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "考生消息"
        indexes = [models.Index(fields=["candidate", "-created_at"])]

    def __str__(self):
        return self.title
