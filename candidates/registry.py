"""Import of the enrolled-candidate registry (在籍考生名册) from a CSV file.

Columns (header row required, order free; Chinese or English names):

    身份证号      id_number       18 characters, GB 11643 check digit
    姓名          name            as on the ID card
    准考证号      ticket_number   12 digits
    报名区县代码  county_code     6-digit GB/T 2260 code of a Shanxi county, e.g. 140105

Files exported from Excel are read as UTF-8 (with or without BOM) or GBK.
Rows are matched on 身份证号: importing the same file twice updates, never duplicates.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from zikao.errors import DomainError
from zikao.idnumbers import parse_id_number
from zikao.models import County

COLUMNS = {
    "id_number": ("身份证号", "身份证号码", "证件号码", "id_number"),
    "name": ("姓名", "name"),
    "ticket_number": ("准考证号", "ticket_number"),
    "county_code": ("报名区县代码", "区县代码", "county_code", "county"),
}
COLUMN_LABELS = {"id_number": "身份证号", "name": "姓名", "ticket_number": "准考证号", "county_code": "报名区县代码"}
TICKET_RE = re.compile(r"^\d{12}$")
MAX_NAME_LENGTH = 50


class RegistryFileError(DomainError):
    """The file as a whole cannot be read; the message says why in one sentence."""


@dataclass
class RowError:
    line: int
    reason: str

    def __str__(self):
        return f"第 {self.line} 行：{self.reason}"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)
    encoding: str = ""

    @property
    def good(self):
        return self.created + self.updated + self.unchanged


def decode(raw):
    """Text of the file and the encoding it was read with (UTF-8 with/without BOM, or GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8（带BOM）"
        except UnicodeDecodeError:
            raise RegistryFileError("文件以UTF-8标记开头，但内容不是有效的UTF-8编码，请重新导出。", code="bad_utf8") from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is the superset of GBK that Excel's "CSV" export produces on Chinese Windows.
        return raw.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise RegistryFileError("无法识别文件编码：请导出为UTF-8或GBK编码的CSV文件。", code="unknown_encoding") from None


def _column_map(header):
    """Header position of each column; raises RegistryFileError naming the missing ones."""
    names = [(cell or "").strip().lower() for cell in header]
    positions, missing = {}, []
    for key, aliases in COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in {alias.lower() for alias in aliases}]
        if not found:
            missing.append(COLUMN_LABELS[key])
        else:
            positions[key] = found[0]
    if missing:
        raise RegistryFileError(
            "文件缺少必需的列：" + "、".join(missing) + "。第一行应为列名：身份证号,姓名,准考证号,报名区县代码。",
            code="missing_columns",
        )
    return positions


def parse(raw, *, counties=None):
    """Validate every row. Returns (good rows as dicts, RowErrors, encoding).

    Raises RegistryFileError for a file that is not a readable CSV with the columns.
    """
    if not raw.strip():
        raise RegistryFileError("文件是空的。", code="empty")
    text, encoding = decode(raw)
    if "\x00" in text:
        raise RegistryFileError("文件不是CSV文本文件（含有二进制内容），请从Excel另存为CSV后再导入。", code="binary")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise RegistryFileError("无法读取列名行，请确认文件为逗号分隔的CSV文件。", code="no_header") from None
    positions = _column_map(header)
    counties = counties if counties is not None else set(County.objects.values_list("code", flat=True))

    rows, errors = [], []
    seen_ids, seen_tickets = {}, {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any((cell or "").strip() for cell in cells):
                continue  # blank lines Excel leaves at the end
            values = {key: (cells[pos].strip() if pos < len(cells) else "") for key, pos in positions.items()}
            reason = _row_problem(values, counties)
            if reason is None:
                id_number = values["id_number"] = parse_id_number(values["id_number"]).number
                if id_number in seen_ids:
                    reason = f"身份证号与第 {seen_ids[id_number]} 行重复。"
                elif values["ticket_number"] in seen_tickets:
                    reason = f"准考证号与第 {seen_tickets[values['ticket_number']]} 行重复。"
            if reason:
                errors.append(RowError(line, reason))
                continue
            seen_ids[values["id_number"]] = line
            seen_tickets[values["ticket_number"]] = line
            rows.append({**values, "line": line})
    except csv.Error as error:
        raise RegistryFileError(f"第 {reader.line_num} 行的CSV格式有误（{error}），请检查引号和分隔符。", code="bad_csv") from None
    return rows, errors, encoding


def _row_problem(values, counties):
    missing = [COLUMN_LABELS[key] for key, value in values.items() if not value]
    if missing:
        return "缺少" + "、".join(missing) + "。"
    if "E+" in values["id_number"].upper():
        return "身份证号被Excel转成了科学计数法，请把该列设为“文本”格式后重新导出。"
    try:
        parse_id_number(values["id_number"])
    except ValidationError as error:
        return error.messages[0]
    if len(values["name"]) > MAX_NAME_LENGTH:
        return f"姓名超过{MAX_NAME_LENGTH}个字。"
    if not TICKET_RE.match(values["ticket_number"]):
        if values["ticket_number"].isdigit() and len(values["ticket_number"]) < 12:
            return "准考证号应为12位数字（Excel可能去掉了开头的0，请把该列设为“文本”格式后重新导出）。"
        return "准考证号应为12位数字。"
    if values["county_code"] not in counties:
        return f"报名区县代码 {values['county_code']} 不是山西省的区县代码。"
    return None
