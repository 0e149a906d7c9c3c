"""manage.py import_enrolled FILE.csv [--dry-run]."""

import io

import pytest
from django.core.management import CommandError, call_command

from candidates.models import EnrolledRecord
from tests.factories import make_id_number
from zikao.models import AuditEvent

pytestmark = pytest.mark.django_db

ID_1 = make_id_number(county_code="140105", sequence=1, gender="F")
ID_2 = make_id_number(county_code="140213", sequence=2)
ID_3 = make_id_number(county_code="140702", sequence=3)
HEADER = "身份证号,姓名,准考证号,报名区县代码\n"
GOOD = f"{ID_1},王芳,010521100001,140105\n{ID_2},李强,021319100002,140213\n{ID_3},刘洋,070219100003,140702\n"


def write(tmp_path, text, encoding="utf-8", name="registry.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_enrolled", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_good_file(tmp_path):
    out, err = run(write(tmp_path, HEADER + GOOD))
    assert "新增 3 条，更新 0 条，未变化 0 条，有误未导入 0 条" in out
    assert err == ""
    record = EnrolledRecord.objects.get(id_number=ID_1)
    assert (record.name, record.ticket_number, record.county_id) == ("王芳", "010521100001", "140105")
    assert AuditEvent.objects.filter(action="import_enrolled_record", to_state="created").count() == 3
    assert not any(ID_1 in str(event.data) for event in AuditEvent.objects.all())


def test_reimport_updates_and_never_duplicates(tmp_path):
    run(write(tmp_path, HEADER + GOOD))
    out, _ = run(write(tmp_path, HEADER + GOOD))
    assert "新增 0 条，更新 0 条，未变化 3 条" in out
    changed = GOOD.replace("李强,021319100002,140213", "李强,021319100002,140212")
    out, _ = run(write(tmp_path, HEADER + changed))
    assert "新增 0 条，更新 1 条，未变化 2 条" in out
    assert EnrolledRecord.objects.count() == 3
    assert EnrolledRecord.objects.get(id_number=ID_2).county_id == "140212"


def test_utf8_with_bom_and_gbk_as_excel_saves_them(tmp_path):
    out, _ = run(write(tmp_path, "\ufeff" + HEADER + GOOD, name="bom.csv"))
    assert "UTF-8（带BOM）" in out and "新增 3 条" in out
    EnrolledRecord.objects.all().delete()
    gbk = (HEADER + GOOD).replace("\n", "\r\n")
    out, _ = run(write(tmp_path, gbk, encoding="gbk", name="gbk.csv"))
    assert "GBK" in out and "新增 3 条" in out
    assert EnrolledRecord.objects.get(id_number=ID_1).name == "王芳"


def test_english_headers_in_any_order(tmp_path):
    text = f"county_code,ticket_number,name,id_number\n140105,010521100001,王芳,{ID_1.lower()}\n"
    out, _ = run(write(tmp_path, text))
    assert "新增 1 条" in out
    assert EnrolledRecord.objects.get().id_number == ID_1


def test_bad_rows_are_reported_by_line_and_good_rows_imported(tmp_path):
    wrong_check = ID_2[:17] + ("0" if ID_2[17] != "0" else "1")
    text = HEADER + "\n".join([
        f"{ID_1},王芳,010521100001,140105",  # line 2: good
        f"{wrong_check},李强,021319100002,140213",  # 3: check digit
        f"{ID_3},刘洋,0702191003,140702",  # 4: short ticket
        f"{make_id_number(sequence=4)},赵六,010521100004,110101",  # 5: not Shanxi
        ",钱七,010521100005,140105",  # 6: missing ID
        f"{ID_1},王芳,010521100006,140105",  # 7: repeats line 2
        f"{make_id_number(sequence=8)},孙八,010521100001,140105",  # 8: ticket of line 2
        "1.40105E+17,周九,010521100009,140105",  # 9: Excel scientific notation
        "",
        f"{ID_3},刘洋,070219100003,140702",  # 11: good
    ]) + "\n"
    out, err = run(write(tmp_path, text))
    lines = err.strip().splitlines()
    assert lines == [
        "第 3 行：身份证号校验位不正确，请核对后重新输入。",
        "第 4 行：准考证号应为12位数字（Excel可能去掉了开头的0，请把该列设为“文本”格式后重新导出）。",
        "第 5 行：报名区县代码 110101 不是山西省的区县代码。",
        "第 6 行：缺少身份证号。",
        "第 7 行：身份证号与第 2 行重复。",
        "第 8 行：准考证号与第 2 行重复。",
        "第 9 行：身份证号被Excel转成了科学计数法，请把该列设为“文本”格式后重新导出。",
    ]
    assert "新增 2 条" in out and "有误未导入 7 条" in out
    assert set(EnrolledRecord.objects.values_list("id_number", flat=True)) == {ID_1, ID_3}


def test_ticket_number_of_another_person_in_the_database_is_refused(tmp_path):
    run(write(tmp_path, HEADER + GOOD))
    other = make_id_number(sequence=9)
    _, err = run(write(tmp_path, HEADER + f"{other},吴十,010521100001,140105\n"))
    assert "第 2 行：准考证号已属于名册中的另一位考生。" in err
    assert not EnrolledRecord.objects.filter(id_number=other).exists()


def test_dry_run_counts_without_writing(tmp_path):
    out, _ = run(write(tmp_path, HEADER + GOOD), "--dry-run")
    assert "试运行" in out and "新增 3 条" in out
    assert not EnrolledRecord.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("content", "sentence"),
    [
        (b"", "文件是空的"),
        ("身份证号,姓名\n".encode(), "缺少必需的列：准考证号、报名区县代码。第一行应为列名：身份证号,姓名,准考证号,报名区县代码。"),
        (b"name;id_number;ticket_number;county_code\n", "缺少必需的列"),
        ((HEADER + GOOD).encode("utf-16"), "CSV"),
        (b"\xef\xbb\xbf\xff\xfe\xfa", "不是有效的UTF-8"),
        (b"\x81\x30\xff\xff" * 4, "无法识别文件编码"),
    ],
)
def test_malformed_files_are_refused_with_a_sentence(tmp_path, content, sentence):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        run(path)
    assert sentence in str(raised.value)
    assert str(raised.value).startswith("未导入：")
    assert not EnrolledRecord.objects.exists()


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "nope.csv")
