"""免考规则: imported with import_catalogue and kept by province officers in admin, audited;
practicals and 毕业考核 are never accepted into a rule."""

import io

import pytest
from django.core.management import call_command

from exams.exemption_models import ExemptionRule, ExemptionRuleCourse
from tests.catalogue import course, make_catalogue
from tests.factories import OfficerFactory, county
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db

RULES_CSV = (
    "依据代码,免考依据,课程代码,须同名课程,说明\n"
    "CET4,全国大学英语四级,00015,否,须成绩合格（425分及以上）\n"
    "XUELI,国家承认学历的课程成绩,,是,名称相同、学分不低于计划\n"
    "CET4,全国大学英语四级,07998,否,\n"      # line 4: 毕业考核, a practical
    "NCRE,计算机等级考试,99999,否,\n"        # line 5: no such course
    "cet 4,全国大学英语四级,00015,否,\n"      # line 6: bad code
)


def run(tmp_path, content, *args):
    path = tmp_path / "免考规则.csv"
    path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalogue", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rules_import_with_per_row_errors_and_twice_changes_nothing(tmp_path):
    make_catalogue()
    out, err = run(tmp_path, RULES_CSV)
    cet4 = ExemptionRule.objects.get(code="CET4")
    assert [rc.course.code for rc in cet4.rule_courses.all()] == ["00015"]
    assert ExemptionRule.objects.get(code="XUELI").same_course_required
    lines = err.strip().splitlines()
    assert lines[0].startswith("第 4 行：") and "不能免考" in lines[0]
    assert lines[1].startswith("第 5 行：") and "课程代码 99999 不存在" in lines[1]
    assert lines[2].startswith("第 6 行：") and "依据代码" in lines[2]
    assert "免考规则：新增 2 条" in out and "有误未导入 3 行" in out
    assert not ExemptionRule.objects.filter(code="NCRE").exists()  # its row was rolled back whole
    events = AuditEvent.objects.count()
    out, _err = run(tmp_path, RULES_CSV)
    assert "免考规则：新增 0 条，更新 0 条，未变化 2 条" in out
    assert AuditEvent.objects.count() == events


def test_province_officer_adds_a_rule_in_admin_and_it_is_audited(client):
    make_catalogue()
    officer = OfficerFactory(scope__level="province")
    client.force_login(officer)
    data = {
        "code": "CET4", "name": "全国大学英语四级", "active": "on", "remark": "",
        "rule_courses-TOTAL_FORMS": "1", "rule_courses-INITIAL_FORMS": "0",
        "rule_courses-MIN_NUM_FORMS": "0", "rule_courses-MAX_NUM_FORMS": "1000",
        "rule_courses-0-course": str(course("00015").pk),
    }
    response = client.post("/admin/exams/exemptionrule/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = ExemptionRule.objects.get(code="CET4")
    assert ExemptionRuleCourse.objects.filter(rule=rule, course__code="00015").exists()
    assert AuditEvent.objects.filter(action="catalogue_create", object_type="exams.exemptionrule").exists()
    assert AuditEvent.objects.filter(action="catalogue_create", object_type="exams.exemptionrulecourse").exists()


def test_a_graduation_assessment_is_refused_in_admin(client):
    make_catalogue()
    client.force_login(OfficerFactory(scope__level="province"))
    data = {
        "code": "XUELI", "name": "国家承认学历的课程成绩", "active": "on", "remark": "",
        "rule_courses-TOTAL_FORMS": "1", "rule_courses-INITIAL_FORMS": "0",
        "rule_courses-MIN_NUM_FORMS": "0", "rule_courses-MAX_NUM_FORMS": "1000",
        "rule_courses-0-course": str(course("07998").pk),
    }
    response = client.post("/admin/exams/exemptionrule/add/", data)
    assert response.status_code == 200 and "不能免考" in response.content.decode()
    assert not ExemptionRule.objects.exists()


def test_county_officers_cannot_change_rules(client):
    client.force_login(OfficerFactory(scope__level="county", scope__county=county("140105")))
    assert client.get("/admin/exams/exemptionrule/add/").status_code == 403
