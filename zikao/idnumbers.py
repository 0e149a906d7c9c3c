"""Resident ID numbers (GB 11643-1999): validation, derived facts, masking."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from zikao.reference import PROVINCE_CODES

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_DIGITS = "10X98765432"
ID_NUMBER_RE = re.compile(r"^\d{17}[\dX]$")
# Used to mask ID numbers inside free text (logs): 17 digits and a check character.
_ID_IN_TEXT_RE = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def check_digit(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_DIGITS[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: date
    gender: str  # "M" or "F"
    province_code: str


def parse_id_number(value: str, *, today: date | None = None) -> IdNumberFacts:
    """Validate an 18-character ID number and return what it says.

    Raises ValidationError with a code per rule so forms and imports can tell
    the candidate exactly what is wrong.
    """
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError("身份证号应为18位，请核对后重新输入。", code="id_length")
    if not ID_NUMBER_RE.match(number):
        raise ValidationError("身份证号前17位应为数字，最后一位为数字或X。", code="id_format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError("身份证号的前两位不是有效的省份代码，请核对。", code="id_province")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError("身份证号中的出生日期无效，请核对。", code="id_birth_date") from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise ValidationError("身份证号中的出生日期无效，请核对。", code="id_birth_date")
    if check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位不正确，请核对后重新输入。", code="id_check_digit")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumberFacts(number=number, birth_date=birth, gender=gender, province_code=number[:2])


def mask_id_number(value: str) -> str:
    """140105199001011234 -> 140105********1234 (as on the personal centre)."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_id_numbers_in_text(text: str) -> str:
    return _ID_IN_TEXT_RE.sub(lambda m: m.group(1) + "********" + m.group(2), text)


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * (len(name) - 1)


def mask_mobile(mobile: str) -> str:
    if len(mobile or "") != 11:
        return mobile or ""
    return mobile[:3] + "****" + mobile[-4:]
