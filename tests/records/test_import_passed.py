import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from records.models import PassedCourse
from tests.catalogue import make_catalogue
from tests.factories import CandidateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate():
    make_catalogue()
    return CandidateFactory(approved=True, ticket_number="010522100007")


def run(tmp_path, name, content, *args):
    path = tmp_path / name
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_passed", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


CSV = (
    "准考证号,课程代码,成绩,合格考次,来源\n"
    "010522100007,03708,72,202210,考试\n"
    "010522100007,00015,,,免考\n"
    "010522100007,03709,55,202304,考试\n"     # line 4: below the pass mark
    "999999999999,00054,80,202304,考试\n"     # line 5: nobody with that number
    "010522100007,12345,80,202304,考试\n"     # line 6: unknown course
    "010522100007,00054,80,202305,考试\n"     # line 7: not April/October
)


def test_gbk_csv_bad_rows_dry_run_and_idempotence(tmp_path, candidate):
    content = CSV.encode("gbk")
    out, _ = run(tmp_path, "passed.csv", content, "--dry-run")
    assert "试运行" in out and "新登记 2 门" in out and not PassedCourse.objects.exists()
    out, err = run(tmp_path, "passed.csv", content)
    assert "文件编码 GBK" in out and "新登记 2 门" in out and "有误未导入 4 行" in out
    errors = err.strip().splitlines()
    assert errors[0] == "第 4 行：考试成绩须达到60分才能登记为合格。"
    assert errors[1].startswith("第 5 行：准考证号 999999999999 的考生尚未在平台注册或激活账号")
    assert errors[2].startswith("第 6 行：课程代码 12345 不存在")
    assert errors[3].startswith("第 7 行：") and "04或10" in errors[3]
    entries = {e.course.code: e for e in PassedCourse.objects.select_related("course", "sitting")}
    assert entries["03708"].sitting.code == "202210" and entries["00015"].source == "exemption"
    out, _ = run(tmp_path, "passed.csv", content)
    assert "新登记 0 门，已有相同记录 2 门" in out and PassedCourse.objects.count() == 2


def test_xlsx_and_a_conflicting_row(tmp_path, candidate):
    book = Workbook()
    sheet = book.active
    sheet.append(["准考证号", "课程代码", "成绩", "合格考次"])
    sheet.append(["010522100007", "03708", 72.0, 202210])
    sheet.append(["010522100007", "03708", 80, 202304])
    buffer = io.BytesIO()
    book.save(buffer)
    out, err = run(tmp_path, "passed.xlsx", buffer.getvalue())
    assert "新登记 1 门" in out
    assert err.strip().startswith("第 3 行：课程 03708 中国近现代史纲要 已于2022年10月以“考试”登记为合格")
    assert PassedCourse.objects.get().score == 72
