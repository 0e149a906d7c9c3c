"""Reading the tables operators import (CSV or Excel .xlsx), shared by every import command.

CSV files are read as UTF-8 (with or without BOM) or GBK, as Excel on Chinese Windows saves them;
an .xlsx workbook gives one table per sheet. Cells come back as stripped strings; a header row is
required and columns are found by their Chinese or English names in any order. Problems with the
file as a whole raise TableFileError (one sentence); problems with a row are RowErrors, reported as
``第 N 行：原因`` so the operator can fix that line.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass, field

from zikao.errors import DomainError


class TableFileError(DomainError):
    """The file as a whole cannot be read; the message says why in one sentence."""


class RowRefused(Exception):  # noqa: N818 - a refusal, raised while importing one row
    """One row of an import is refused; the message becomes that row's ``第 N 行：原因``."""


@dataclass
class RowError:
    line: int
    reason: str
    table: str = ""  # the sheet (or kind of data) when a file holds several tables

    def __str__(self):
        prefix = f"【{self.table}】" if self.table else ""
        return f"{prefix}第 {self.line} 行：{self.reason}"


@dataclass
class Table:
    name: str  # sheet name for .xlsx, "" for CSV
    header: list
    rows: list = field(default_factory=list)  # [(line number, [cell, …]), …], blank lines left out
    encoding: str = ""


def decode(raw):
    """Text of a CSV file and the encoding it was read with (UTF-8 with/without BOM, or GBK)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8（带BOM）"
        except UnicodeDecodeError:
            raise TableFileError("文件以UTF-8标记开头，但内容不是有效的UTF-8编码，请重新导出。", code="bad_utf8") from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is the superset of GBK that Excel's "CSV" export produces on Chinese Windows.
        return raw.decode("gb18030"), "GBK"
    except UnicodeDecodeError:
        raise TableFileError("无法识别文件编码：请导出为UTF-8或GBK编码的CSV文件。", code="unknown_encoding") from None


def is_xlsx(raw):
    return raw[:4] == b"PK\x03\x04"


def read_csv(raw):
    if not raw.strip():
        raise TableFileError("文件是空的。", code="empty")
    text, encoding = decode(raw)
    if "\x00" in text:
        raise TableFileError("文件不是CSV文本文件（含有二进制内容），请从Excel另存为CSV或.xlsx后再导入。", code="binary")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip() for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise TableFileError("无法读取列名行，请确认文件为逗号分隔的CSV文件。", code="no_header") from None
    table = Table(name="", header=header, encoding=encoding)
    try:
        for cells in reader:
            if any((cell or "").strip() for cell in cells):
                table.rows.append((reader.line_num, [(cell or "").strip() for cell in cells]))
    except csv.Error as error:
        raise TableFileError(f"第 {reader.line_num} 行的CSV格式有误（{error}），请检查引号和分隔符。", code="bad_csv") from None
    return table


def cell_text(value):
    """An Excel cell as the text an operator sees: 72.0 → "72", dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else f"{value:%Y-%m-%d}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def read_xlsx(raw):
    """One Table per non-empty sheet of an .xlsx workbook."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise TableFileError("无法打开该Excel文件，请确认是.xlsx格式（旧版.xls请在Excel中另存为.xlsx）。", code="bad_xlsx") from None
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = None
            table = None
            for line, values in enumerate(rows, start=1):
                cells = [cell_text(value) for value in values]
                if not any(cells):
                    continue
                if header is None:
                    header = cells
                    table = Table(name=sheet.title, header=header, encoding="Excel")
                    continue
                table.rows.append((line, cells))
            if table is not None:
                tables.append(table)
    finally:
        workbook.close()
    if not tables:
        raise TableFileError("Excel文件中没有数据。", code="empty")
    return tables


def read_tables(raw):
    """The tables of a CSV file (one) or an .xlsx workbook (one per sheet)."""
    return read_xlsx(raw) if is_xlsx(raw) else [read_csv(raw)]


def column_positions(header, columns, *, required):
    """{key: position} for each column of ``columns`` ({key: (label, alias, …)}) found in
    ``header``; raises TableFileError naming the ``required`` keys that are missing."""
    names = [(cell or "").strip().lower() for cell in header]
    positions = {}
    for key, aliases in columns.items():
        wanted = {alias.lower() for alias in aliases}
        found = [i for i, name in enumerate(names) if name in wanted]
        if found:
            positions[key] = found[0]
    missing = [columns[key][0] for key in required if key not in positions]
    if missing:
        raise TableFileError(
            "缺少必需的列：" + "、".join(missing) + "。第一行应为列名：" + ",".join(columns[key][0] for key in required) + "。",
            code="missing_columns",
        )
    return positions


def row_values(cells, positions):
    return {key: (cells[pos].strip() if pos < len(cells) else "") for key, pos in positions.items()}
