"""Import of the enrolled-candidate registry (在籍考生名册) from a CSV or .xlsx file.

Columns (header row required, order free; Chinese or English names):

    身份证号      id_number       18 characters, GB 11643 check digit
    姓名          name            as on the ID card
    准考证号      ticket_number   12 digits
    报名区县代码  county_code     6-digit GB/T 2260 code of a Shanxi county, e.g. 140105

CSV files are read as UTF-8 (with or without BOM) or GBK; an .xlsx workbook's first sheet is read.
Rows are matched on 身份证号: importing the same file twice updates, never duplicates.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from zikao.idnumbers import parse_id_number
from zikao.models import County
from zikao.tabular import RowError, TableFileError, column_positions, read_tables

COLUMNS = {
    "id_number": ("身份证号", "身份证号码", "证件号码", "id_number"),
    "name": ("姓名", "name"),
    "ticket_number": ("准考证号", "ticket_number"),
    "county_code": ("报名区县代码", "区县代码", "county_code", "county"),
}
TICKET_RE = re.compile(r"^\d{12}$")
MAX_NAME_LENGTH = 50


# The file-level error and per-row error are the shared ones of zikao.tabular.
RegistryFileError = TableFileError


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


def _column_map(header):
    """Header position of each column; raises RegistryFileError naming the missing ones."""
    return column_positions(header, COLUMNS, required=list(COLUMNS))


def parse(raw, *, counties=None):
    """Validate every row. Returns (good rows as dicts, RowErrors, encoding).

    Raises RegistryFileError for a file that is not a readable CSV with the columns.
    """
    table = read_tables(raw)[0]  # a CSV file, or the first sheet of an .xlsx workbook
    header, encoding = table.header, table.encoding
    positions = _column_map(header)
    counties = counties if counties is not None else set(County.objects.values_list("code", flat=True))

    rows, errors = [], []
    seen_ids, seen_tickets = {}, {}
    for line, cells in table.rows:
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
    return rows, errors, encoding


def _row_problem(values, counties):
    missing = [COLUMNS[key][0] for key, value in values.items() if not value]
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
