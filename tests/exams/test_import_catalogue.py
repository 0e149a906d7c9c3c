import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from exams.models import Course, ExamSitting, Major, PlanCourse, Room, TimetableEntry, Venue
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db

COURSES_CSV = (
    "课程代码,课程名称,考试方式,命题\n"
    "00015,英语（二）,笔试,国考\n"
    "03708,中国近现代史纲要,笔试,国考\n"
    "15,管理学原理,笔试,国考\n"          # line 4: Excel dropped the zeros
    "00054,,笔试,国考\n"                 # line 5: no name
    "07998,毕业考核,口试,省考\n"          # line 6: unknown mode
)


def run(tmp_path, name, content, *args):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    out, err = io.StringIO(), io.StringIO()
    call_command("import_catalogue", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_bad_rows_are_reported_by_line_and_good_rows_imported(tmp_path):
    out, err = run(tmp_path, "courses.csv", COURSES_CSV)
    assert sorted(Course.objects.values_list("code", flat=True)) == ["00015", "03708"]
    lines = err.strip().splitlines()
    assert lines[0].startswith("第 4 行：") and "课程代码应为5位数字" in lines[0]
    assert lines[1] == "第 5 行：缺少课程名称。"
    assert lines[2].startswith("第 6 行：考试方式“口试”无效")
    assert "课程：新增 2 条" in out and "有误未导入 3 行" in out


def test_importing_twice_changes_nothing_and_dry_run_writes_nothing(tmp_path):
    out, _ = run(tmp_path, "courses.csv", COURSES_CSV, "--dry-run")
    assert "试运行" in out and "新增 2 条" in out and not Course.objects.exists()
    run(tmp_path, "courses.csv", COURSES_CSV)
    events = AuditEvent.objects.count()
    out, _ = run(tmp_path, "courses.csv", COURSES_CSV)
    assert "新增 0 条，更新 0 条，未变化 2 条" in out
    assert Course.objects.count() == 2 and AuditEvent.objects.count() == events


def test_gbk_csv_as_excel_saves_it_on_chinese_windows(tmp_path):
    content = "院校代码,院校名称\r\n10108,山西大学\r\n10118,山西师范大学\r\n".encode("gbk")
    run(tmp_path, "主考院校.csv", content)
    assert Major.objects.count() == 0
    from exams.models import Institution

    assert list(Institution.objects.values_list("name", flat=True)) == ["山西大学", "山西师范大学"]


def _workbook():
    book = Workbook()
    sheets = {
        "专业计划": [["专业代码", "课程代码", "学分", "类别", "选考组", "计学分", "备注", "排序"],
                 ["120201K", "00015", 14, "必考", None, "是", None, 1],
                 ["120201K", "07998", 0, "实践", None, "否", None, 2],
                 ["120201K", "99999", 4, "必考", None, None, None, 3]],
        "主考院校": [["院校代码", "院校名称"], ["10108", "山西大学"]],
        "课程": [["课程代码", "课程名称", "考试方式"], ["00015", "英语（二）", "笔试"], ["07998", "毕业考核", "实践"]],
        "专业": [["专业代码", "专业名称", "层次", "主考院校代码", "计划版本", "接受新生报名", "最低毕业学分"],
               ["120201K", "工商管理", "专升本", "10108", "新", "是", 70],
               ["12020X", "会计学", "专升本", "10108", "新", "是", 70]],
        "课程考试安排": [["考次", "考试日期", "时段", "课程代码"],
                   ["202704", "2027-04-10", "上午", "00015"], ["202704", "2027-04-12", "下午", "07998"]],
        "考点": [["考点代码", "考点名称", "区县代码", "地址"], ["010501", "太原市第五中学", "140105", "小店区坞城路"],
               ["999901", "外省考点", "110101", "北京"]],
        "考场": [["考点代码", "考场号", "座位数"], ["010501", "01", 30], ["010501", "02", None]],
    }
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_one_workbook_with_a_sheet_per_kind(tmp_path):
    out, err = run(tmp_path, "目录.xlsx", _workbook())
    major = Major.objects.get(code="120201K")
    assert major.min_credits == 70 and major.institution.name == "山西大学"
    assert [pc.course.code for pc in PlanCourse.objects.filter(major=major).order_by("sort")] == ["00015", "07998"]
    assert not PlanCourse.objects.get(course__code="07998").counts_credit
    assert TimetableEntry.objects.get().course.code == "00015"
    assert ExamSitting.objects.get(code="202704").slots.count() == 4
    assert Venue.objects.get().county_id == "140105"
    assert sorted(Room.objects.values_list("number", "capacity")) == [("01", 30), ("02", 30)]
    errors = err.strip().splitlines()
    assert "【专业】第 3 行：专业代码应为6位数字，可带一个K或T后缀，例如 050101、030101K。" in errors
    assert "【专业计划】第 4 行：课程代码 99999 不存在，请先导入课程。" in errors
    assert any(e.startswith("【课程考试安排】第 3 行：2027-04-12 不是考次 202704 的考试日") for e in errors)
    assert "【考点】第 3 行：区县代码 110101 不是山西省的区县代码。" in errors
    assert len(errors) == 4


def test_unreadable_files_fail_with_one_sentence(tmp_path):
    with pytest.raises(CommandError, match="缺少必需的列"):
        run(tmp_path, "课程.csv", "代码,名称\n00015,英语\n")
    with pytest.raises(CommandError, match="无法判断.*考场 或 免考规则"):
        run(tmp_path, "data.csv", "甲,乙\n1,2\n")
    with pytest.raises(CommandError, match="无法打开该Excel文件"):
        run(tmp_path, "broken.xlsx", b"PK\x03\x04broken")
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_catalogue", str(tmp_path / "none.csv"))
