"""A believable exam catalogue for the embedded default (idempotent): four open majors (two 专科,
two 专升本) and one closed to new candidates, real-format codes, plans whose credits add up to the
minimum, the coming April 2027 sitting with a full timetable, and venues in the demo counties.
"""

import datetime
from zoneinfo import ZoneInfo

from exams import services
from exams.models import Course, CourseSubstitution, ExamSitting, Institution, Major, PlanCourse, Room, Venue

ACTOR = "seed_demo"
SHANGHAI = ZoneInfo("Asia/Shanghai")
COMING_SITTING = "202704"
PAST_SITTINGS = ["202410", "202504", "202510", "202604", "202610"]

INSTITUTIONS = [
    ("10108", "山西大学"), ("10118", "山西师范大学"), ("10125", "山西财经大学"), ("10112", "太原理工大学"),
]

# code: (name, practical?)
COURSES = {
    "03708": "中国近现代史纲要", "03709": "马克思主义基本原理概论", "00015": "英语（二）", "00012": "英语（一）",
    "12656": "毛泽东思想和中国特色社会主义理论体系概论",
    "03707": "毛泽东思想、邓小平理论和“三个代表”重要思想概论",
    "00018": "计算机应用基础", "00019": "计算机应用基础（实践）",
    # 行政管理
    "00277": "行政管理学", "00312": "政治学概论", "00315": "当代中国政治制度", "00316": "西方政治制度",
    "00320": "领导科学", "00341": "公文写作与处理", "00107": "现代管理学", "00292": "市政学",
    "00322": "中国行政史", "00163": "管理心理学", "00261": "行政法学", "00040": "法学概论",
    # 大数据与会计
    "00041": "基础会计学", "00065": "国民经济统计概论", "00144": "企业管理概论", "00155": "中级财务会计",
    "00156": "成本会计", "00157": "管理会计（一）", "00158": "资产评估", "00043": "经济法概论（财经类）",
    "00020": "高等数学（一）", "00070": "政府与事业单位会计", "00162": "会计制度设计",
    # 工商管理
    "00054": "管理学原理", "00067": "财务管理学", "00149": "国际贸易理论与实务", "00058": "市场营销学",
    "00147": "人力资源管理（一）", "00152": "组织行为学", "00151": "企业经营战略", "00154": "企业管理咨询",
    "00051": "管理系统中计算机应用", "00052": "管理系统中计算机应用（实践）", "00146": "中国税制",
    "00055": "企业会计学", "06999": "毕业论文",
    # 汉语言文学
    "00536": "古代汉语", "00538": "中国古代文学史（一）", "00539": "中国古代文学史（二）", "00540": "外国文学史",
    "00541": "语言学概论", "00037": "美学", "00529": "文学概论（一）", "00532": "中国古代文论选读",
    "00533": "中国古代文学作品选（二）", "00819": "现代汉语语法研究", "00821": "现代汉语词汇研究",
    # 法学
    "00223": "中国法制史", "00230": "合同法", "00233": "税法", "00246": "国际经济法概论", "00247": "国际法",
    "00249": "国际私法", "00257": "票据法", "00258": "保险法", "00259": "公证与律师制度",
}
PRACTICAL = {"00019", "00052", "06999"}
GROUP = "任选一门"

# major code: (name, level, institution, accepting, [(course, credits, category, group, counts credits)])
MAJORS = {
    "690206": ("行政管理", "zk", "10108", True, [
        ("12656", 4, "required", "", True), ("00012", 7, "required", "", True),
        ("00018", 2, "required", "", True), ("00019", 2, "practical", "", True),
        ("00277", 5, "required", "", True), ("00312", 5, "required", "", True),
        ("00315", 4, "required", "", True), ("00316", 4, "required", "", True),
        ("00320", 4, "required", "", True), ("00341", 4, "required", "", True),
        ("00107", 6, "required", "", True), ("00292", 4, "required", "", True),
        ("00322", 4, "required", "", True), ("00040", 6, "required", "", True),
        ("00163", 4, "elective", GROUP, True), ("00261", 4, "elective", GROUP, True),
    ]),
    "530302": ("大数据与会计", "zk", "10125", True, [
        ("12656", 4, "required", "", True), ("00012", 7, "required", "", True),
        ("00018", 2, "required", "", True), ("00019", 2, "practical", "", True),
        ("00020", 6, "required", "", True), ("00041", 5, "required", "", True),
        ("00043", 6, "required", "", True), ("00065", 6, "required", "", True),
        ("00144", 5, "required", "", True), ("00155", 8, "required", "", True),
        ("00156", 5, "required", "", True), ("00157", 6, "required", "", True),
        ("00158", 5, "required", "", True),
        ("00070", 5, "elective", GROUP, True), ("00162", 5, "elective", GROUP, True),
    ]),
    "120201K": ("工商管理", "zsb", "10125", True, [
        ("03708", 2, "required", "", True), ("03709", 4, "required", "", True),
        ("00015", 14, "required", "", True), ("00054", 6, "required", "", True),
        ("00067", 6, "required", "", True), ("00149", 6, "required", "", True),
        ("00058", 5, "required", "", True), ("00147", 6, "required", "", True),
        ("00152", 4, "required", "", True), ("00151", 6, "required", "", True),
        ("00154", 3, "required", "", True), ("00051", 3, "required", "", True),
        ("00052", 1, "practical", "", True),
        ("00146", 4, "elective", GROUP, True), ("00055", 4, "elective", GROUP, True),
        ("06999", 0, "practical", "", False),
    ]),
    "050101": ("汉语言文学", "zsb", "10118", True, [
        ("03708", 2, "required", "", True), ("03709", 4, "required", "", True),
        ("00015", 14, "required", "", True), ("00536", 6, "required", "", True),
        ("00538", 6, "required", "", True), ("00539", 6, "required", "", True),
        ("00540", 6, "required", "", True), ("00541", 6, "required", "", True),
        ("00037", 6, "required", "", True), ("00529", 6, "required", "", True),
        ("00532", 6, "required", "", True), ("00533", 6, "required", "", True),
        ("00819", 5, "elective", GROUP, True), ("00821", 5, "elective", GROUP, True),
        ("06999", 0, "practical", "", False),
    ]),
    "030101K": ("法学", "zsb", "10108", False, [
        ("03708", 2, "required", "", True), ("03709", 4, "required", "", True),
        ("00015", 14, "required", "", True), ("00223", 4, "required", "", True),
        ("00230", 4, "required", "", True), ("00233", 3, "required", "", True),
        ("00246", 6, "required", "", True), ("00247", 6, "required", "", True),
        ("00249", 4, "required", "", True), ("00257", 3, "required", "", True),
        ("00258", 3, "required", "", True), ("00259", 4, "required", "", True),
        ("06999", 0, "practical", "", False),
    ]),
}

# county: [(venue code, name, address, rooms)]
VENUES = {
    "140105": [("010501", "太原市第五中学校（小店校区）", "太原市小店区坞城路92号", 12),
               ("010502", "山西大学（坞城校区）", "太原市小店区坞城路92号山西大学文瀛楼", 20)],
    "140106": [("010601", "太原市第三十六中学校", "太原市迎泽区桃园南路18号", 10)],
    "140213": [("021301", "大同市第一中学校", "大同市平城区御河西路1号", 8)],
}


def min_credits(plan):
    """Credits every course outside a group gives, plus one course of each 任选一门 group."""
    total, groups = 0, {}
    for _, credits, _, group, counts in plan:
        if not counts:
            continue
        if group:
            groups[group] = max(groups.get(group, 0), credits)
        else:
            total += credits
    return total + sum(groups.values())


def _at(year, month, day, hour=8):
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def seed():
    for code, name in INSTITUTIONS:
        services.upsert(Institution, lookup={"code": code}, values={"name": name}, actor_label=ACTOR)
    for code, name in COURSES.items():
        mode = Course.ExamMode.PRACTICAL if code in PRACTICAL else Course.ExamMode.WRITTEN
        services.upsert(Course, lookup={"code": code}, values={"name": name, "exam_mode": mode}, actor_label=ACTOR)
    courses = {course.code: course for course in Course.objects.all()}
    for code, (name, level, institution, accepting, plan) in MAJORS.items():
        _, major = services.upsert(Major, lookup={"code": code}, values={
            "name": name, "level": level, "institution": Institution.objects.get(code=institution),
            "accepting_new": accepting, "min_credits": min_credits(plan),
        }, actor_label=ACTOR)
        for sort, (course, credits, category, group, counts) in enumerate(plan, start=1):
            remark = "必做，不计学分" if not counts else ""
            services.upsert(PlanCourse, lookup={"major": major, "course": courses[course]}, values={
                "credits": credits, "category": category, "elective_group": group, "counts_credit": counts,
                "remark": remark, "sort": sort,
            }, actor_label=ACTOR)
    services.upsert(CourseSubstitution, lookup={"old_course": courses["03707"], "new_course": courses["12656"],
                                                "major": None},
                    values={"remark": "旧计划课程顶替新计划课程"}, actor_label=ACTOR)

    for code in PAST_SITTINGS:
        services.ensure_sitting(code=code, actor_label=ACTOR)
    sitting = services.ensure_sitting(
        code=COMING_SITTING, actor_label=ACTOR, ticket_print_from=_at(2027, 4, 3),
        score_publish_at=_at(2027, 5, 10), recheck_deadline=datetime.date(2027, 5, 16),
    )
    _timetable(sitting, courses)

    for county, venues in VENUES.items():
        from zikao.models import County

        county_obj = County.objects.get(code=county)
        for code, name, address, rooms in venues:
            _, venue = services.upsert(Venue, lookup={"code": code},
                                       values={"name": name, "address": address, "county": county_obj},
                                       actor_label=ACTOR)
            for number in range(1, rooms + 1):
                services.upsert(Room, lookup={"venue": venue, "number": f"{number:02d}"}, values={"capacity": 30},
                                actor_label=ACTOR)
    _attach_guide(sitting)
    return []


GUIDE_CSS = """
@page { size: A4; margin: 18mm 16mm; }
html { font-size: 9.5pt; }
h1, h2, th { font-weight: normal; }
h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; }
.platform { text-align: center; color: #444; }
.record { width: 100%; border-collapse: collapse; }
.record th, .record td { border: .6pt solid #333; padding: 1.2mm; text-align: center; }
.record th { background: #e8eef6; }
.record td.name { text-align: left; }
"""


def _attach_guide(sitting):
    """报考简章 with a downloadable PDF (开考专业 and the timetable), made from the catalogue."""
    from django.core.files.base import ContentFile

    from exams import selectors
    from zikao import pdf
    from zikao.models import Notice

    guide = Notice.objects.filter(category=Notice.Category.GUIDE).order_by("-published_at").first()
    if guide is None or guide.attachment:
        return
    body = pdf.render_pdf("exams/guide_pdf.html", {
        "title": guide.title, "majors": selectors.majors(), "sitting": sitting,
        "timetable": selectors.timetable(sitting),
    }, css=GUIDE_CSS)
    guide.attachment.save("baokao-jianzhang.pdf", ContentFile(body))


def _timetable(sitting, courses):
    """Every written course of the plans, spread over the four slots so that no slot holds
    two courses of one plan more often than needed (round-robin in plan order)."""
    slots = list(sitting.slots.order_by("date", "period"))
    scheduled = set(sitting.timetable.values_list("course__code", flat=True))
    position = 0
    for *_, plan in MAJORS.values():
        for course, *_ in plan:
            if course in PRACTICAL or course in scheduled:
                continue
            services.schedule_course(sitting=sitting, slot=slots[position % len(slots)], course=courses[course],
                                     actor_label=ACTOR)
            scheduled.add(course)
            position += 1


def coming_sitting():
    return ExamSitting.objects.get(code=COMING_SITTING)
