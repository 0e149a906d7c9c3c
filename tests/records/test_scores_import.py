import io

import pytest
from django.core.management.base import CommandError
from openpyxl import Workbook

from records import scores
from records.score_models import Score
from tests.factories import CandidateFactory
from tests.records.scores_support import give, past_sitting, run_command

pytestmark = pytest.mark.django_db

CSV = (
    "准考证号,课程代码,成绩\n"
    "010522100007,03708,72\n"
    "010522100007,03709,缺考\n"
    "010522100007,00015,58.5\n"
    "010522100008,03708,违纪\n"
    "999999999999,03708,80\n"        # line 6: unknown ticket number
    "010522100007,12345,80\n"        # line 7: unknown course
    "010522100008,03709,101\n"       # line 8: out of range
    "010522100008,00015,优\n"         # line 9: not a score
    "010522100007,03708,72\n"        # line 10: same candidate and course again
    "010522100008,00054,\n"          # line 11: no score
)


@pytest.fixture
def sitting():
    return past_sitting("202604")


@pytest.fixture
def candidates(sitting):
    return (CandidateFactory(approved=True, ticket_number="010522100007"),
            CandidateFactory(approved=True, ticket_number="010522100008"))


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def test_gbk_csv_row_errors_dry_run_and_the_same_file_twice(tmp_path, sitting, candidates):
    path = write(tmp_path, "scores.csv", CSV.encode("gbk"))
    out, _ = run_command("import_scores", path, "--sitting", "202604", "--dry-run")
    assert "试运行" in out and "新导入 4 条" in out and not Score.objects.exists()

    out, err = run_command("import_scores", path, "--sitting", "202604")
    assert "文件编码 GBK" in out and "新导入 4 条" in out and "有误未导入 6 行" in out
    assert err.strip().splitlines() == [
        "第 6 行：准考证号 999999999999 不存在。",
        "第 7 行：课程代码 12345 不存在，请先用 import_catalogue 导入课程。",
        "第 8 行：成绩“101”超出范围，应在0到100之间。",
        "第 9 行：成绩“优”无效，应为0到100之间的分数，或“缺考”“违纪”。",
        "第 10 行：与第 2 行重复（同一准考证号、同一课程）。",
        "第 11 行：缺少成绩。",
    ]
    got = {(s.candidate.ticket_number, s.course.code): s.result_text for s in Score.objects.select_related("candidate", "course")}
    assert got == {("010522100007", "03708"): "72", ("010522100007", "03709"): "缺考",
                   ("010522100007", "00015"): "58.5", ("010522100008", "03708"): "违纪"}
    assert not Score.objects.filter(published=True).exists()  # invisible until published

    out, _ = run_command("import_scores", path, "--sitting", "202604")
    assert "新导入 0 条，更正 0 条，已有相同成绩 4 条" in out and Score.objects.count() == 4


def test_xlsx_with_a_sitting_column_and_leading_zeros_dropped_by_excel(tmp_path, sitting, candidates):
    book = Workbook()
    sheet = book.active
    sheet.append(["考次", "准考证号", "课程代码", "成绩"])
    sheet.append([202604, 10522100007, 3708, 66.0])  # Excel turned the codes into numbers
    sheet.append([202604, "010522100008", "03709", "缺考"])
    buffer = io.BytesIO()
    book.save(buffer)
    out, err = run_command("import_scores", write(tmp_path, "scores.xlsx", buffer.getvalue()))
    assert "文件编码 Excel" in out and "新导入 2 条" in out and err == ""
    assert Score.objects.get(course__code="03708").score == 66


def test_a_corrected_file_before_publication_replaces_the_score(tmp_path, sitting, candidates):
    run_command("import_scores", write(tmp_path, "a.csv", "准考证号,课程代码,成绩\n010522100007,03708,55\n".encode()),
                "--sitting", "202604")
    out, _ = run_command("import_scores", write(tmp_path, "b.csv", "准考证号,课程代码,成绩\n010522100007,03708,65\n".encode()),
                         "--sitting", "202604")
    assert "更正 1 条" in out and Score.objects.get().score == 65


def test_scores_of_a_published_sitting_are_refused(tmp_path, sitting, candidates):
    give(candidates[0], sitting, {"03708": 70})
    scores.publish_scores(sitting=sitting, actor_label="test")
    out, err = run_command("import_scores", write(tmp_path, "late.csv", "准考证号,课程代码,成绩\n010522100008,03708,90\n".encode()),
                           "--sitting", "202604")
    assert err.strip() == "第 2 行：2026年4月考次的成绩已经发布，不能再导入或修改；成绩有误请通过成绩复核更正。"
    assert "新导入 0 条" in out and Score.objects.count() == 1


def test_a_file_without_sitting_or_for_an_unknown_sitting_is_refused_whole(tmp_path, sitting, candidates):
    path = write(tmp_path, "s.csv", "准考证号,课程代码,成绩\n010522100007,03708,72\n".encode())
    with pytest.raises(CommandError, match="请用 --sitting 指定考次"):
        run_command("import_scores", path)
    with pytest.raises(CommandError, match="考次 202510 不存在"):
        run_command("import_scores", path, "--sitting", "202510")
    with pytest.raises(CommandError, match="缺少必需的列：成绩"):
        run_command("import_scores", write(tmp_path, "t.csv", "准考证号,课程代码\n1,2\n".encode()), "--sitting", "202604")
    assert not Score.objects.exists()
