import datetime
import logging

import pytest
from django.core.exceptions import ValidationError

from zikao.idnumbers import check_digit, mask_id_number, mask_id_numbers_in_text, parse_id_number
from zikao.logging import MaskIdNumbersFilter

# A real-format number: 11010519491231002X is the standard's own example.
GB_EXAMPLE = "11010519491231002X"


def test_the_standards_example_is_valid_and_female():
    facts = parse_id_number(GB_EXAMPLE)
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.gender == "F"
    assert facts.province_code == "11"


def test_lowercase_x_is_accepted_and_stored_upper():
    assert parse_id_number(GB_EXAMPLE.lower()).number == GB_EXAMPLE


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1101051949123100", "id_length"),
        ("11010519491231002XX", "id_length"),
        ("11010519491231002Y", "id_format"),
        ("1101051949123A002X", "id_format"),
        ("110105194912310021", "id_check_digit"),
        ("99" + GB_EXAMPLE[2:], "id_province"),
        ("110105194902300021", "id_birth_date"),
    ],
)
def test_invalid_numbers_get_their_own_code(value, code):
    with pytest.raises(ValidationError) as error:
        parse_id_number(value)
    assert error.value.code == code


def test_birth_date_in_the_future_is_refused():
    first17 = "14010520990101001"
    with pytest.raises(ValidationError) as error:
        parse_id_number(first17 + check_digit(first17), today=datetime.date(2026, 11, 28))
    assert error.value.code == "id_birth_date"


def test_check_digit_table():
    # Remainders 0..10 map to 1 0 X 9 8 7 6 5 4 3 2.
    assert check_digit("11010519491231002") == "X"
    assert check_digit("14010519900307001") in "10X98765432"


def test_masking():
    assert mask_id_number("14010519900307123X") == "140105********123X"
    text = "login failed for 14010519900307123X and 11010519491231002x"
    assert mask_id_numbers_in_text(text) == "login failed for 140105********123X and 110105********002x"


def test_log_filter_masks_id_numbers_in_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "user %s signed in", ("14010519900307123X",), None)
    MaskIdNumbersFilter().filter(record)
    assert record.getMessage() == "user 140105********123X signed in"
