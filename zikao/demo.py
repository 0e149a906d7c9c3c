"""Demo notices and business windows for the embedded default (idempotent)."""

import datetime

from django.utils import timezone

from zikao.models import BusinessWindow, Notice, RegistrationPoint

IMPORTANT = [
    ("关于2026年上半年我省高等教育自学考试申报毕业的公告", 3),
    ("山西省2026年10月高等教育自学考试报名公告", 5),
    ("山西省2026年下半年高等教育自学考试免考申请的公告", 6),
    ("致全省自考考生的公开信", 20),
    ("山西省高等教育自学考试网上报名流程", 40),
    ("山西省高等教育自学考试报考须知", 41),
    ("山西省2026年高等教育自学考试报考简章", 90),
    ("山西省高等教育自学考试2026年8月考试课程及时间", 91),
    ("山西省高等教育自学考试2026年10月考试课程及时间", 92),
    ("关于做好2026年下半年省内转考工作的通知", 120),
]
NEWS = [
    ("关于开展2026年下半年自考转考工作的公告", 2),
    ("关于我省下半年高等教育自学考试报名工作的公告", 8),
    ("我省2026年上半年高等教育自学考试毕业审查工作顺利结束", 30),
    ("关于2026年上半年我省高等教育自学考试申请毕业的公告", 45),
    ("我省2026年4月高等教育自学考试成绩即将揭晓", 60),
    ("致全省自考考生的一封信", 70),
    ("高等教育自学考试2026年上半年外省转入我省考生情况", 80),
    ("关于自学考试考生身份验证的说明", 100),
]
OTHER = [
    (Notice.Category.GUIDE, "山西省2026年高等教育自学考试报考简章"),
    (Notice.Category.PLAN, "山西省高等教育自学考试开考专业计划（2026年）"),
    (Notice.Category.SCHEDULE, "2026年10月课程考试安排"),
    (Notice.Category.TEXTBOOK, "2026年高等教育自学考试课程教材目录"),
    (Notice.Category.POLICY, "山西省高等教育自学考试转考办法"),
    (Notice.Category.FORMS, "自学考试转考申请表（样表）"),
]
BODY = (
    "<p>各市、县（区）招生考试机构，广大考生：</p>"
    "<p>现将有关事项公告如下，请考生认真阅读，按时办理相关业务。</p>"
    "<ol><li>考生须在规定时间内登录山西自学考试信息服务平台办理。</li>"
    "<li>逾期不再补办。</li></ol><p>山西省招生考试管理中心</p>"
)
DEMO_PHONES = {"140105": "0351-7000105", "140106": "0351-7000106", "140213": "0352-7000213"}


def seed(now=None):
    now = now or timezone.now()
    for category, items in [(Notice.Category.IMPORTANT, IMPORTANT), (Notice.Category.NEWS, NEWS)]:
        for title, days_ago in items:
            Notice.objects.get_or_create(
                category=category, title=title,
                defaults={"body": BODY, "published_at": now - datetime.timedelta(days=days_ago)},
            )
    for category, title in OTHER:
        Notice.objects.get_or_create(
            category=category, title=title, defaults={"body": BODY, "published_at": now - datetime.timedelta(days=10)}
        )
    for code, phone in DEMO_PHONES.items():
        RegistrationPoint.objects.filter(county_id=code, phone="").update(phone=phone)

    windows = [
        (BusinessWindow.Kind.IN_PROVINCE_TRANSFER, "2026年下半年省内转考", -2, 12),
        (BusinessWindow.Kind.INTER_PROVINCE_TRANSFER_OUT, "2026年下半年省际转出", -2, 12),
        (BusinessWindow.Kind.THEORY_REGISTRATION, "2027年4月理论课报名", -2, 12),
        (BusinessWindow.Kind.EXEMPTION, "2026年下半年免考申请", -60, -30),
        (BusinessWindow.Kind.GRADUATION, "2026年下半年毕业申请", -20, 20),
    ]
    for kind, title, start_days, end_days in windows:
        if not BusinessWindow.objects.filter(kind=kind).exists():
            BusinessWindow.objects.create(
                kind=kind, title=title,
                opens_at=now + datetime.timedelta(days=start_days),
                closes_at=now + datetime.timedelta(days=end_days),
            )
    return []
