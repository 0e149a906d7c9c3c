import re

from django.core.exceptions import ObjectDoesNotExist, ValidationError

from zikao.idnumbers import normalize_id_number

MOBILE_RE = re.compile(r"^1\d{10}$")


class LettersAndDigitsValidator:
    """The password must mix letters and digits."""

    def validate(self, password, user=None):
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码须同时包含字母和数字。", code="password_letters_digits")

    def get_help_text(self):
        return "密码须同时包含字母和数字。"


def id_number_of(user):
    """The ID number of ``user``'s candidate profile, "" for officers and unknown users.

    During registration the form passes an unsaved User whose candidate is set
    (``Candidate(user=user, id_number=…)``), so the rule applies before the
    account exists.
    """
    if user is None:
        return ""
    try:
        candidate = user.candidate
    except (ObjectDoesNotExist, AttributeError):
        return ""
    return normalize_id_number(candidate.id_number or "")


class NotContainingIdNumberValidator:
    """The password must not contain the candidate's ID number or its last 6 characters.

    Both are printed on documents a candidate shows to many people (admission
    tickets, forms), so they make guessable passwords.
    """

    def validate(self, password, user=None):
        id_number = id_number_of(user)
        if len(id_number) != 18:
            return
        upper = (password or "").upper()
        if id_number in upper:
            raise ValidationError("密码不能包含身份证号。", code="password_contains_id_number")
        if id_number[-6:] in upper:
            raise ValidationError("密码不能包含身份证号的后6位。", code="password_contains_id_tail")

    def get_help_text(self):
        return "密码不能包含身份证号或身份证号的后6位。"


def validate_mobile(value):
    if not MOBILE_RE.match(value or ""):
        raise ValidationError("手机号应为以1开头的11位数字。", code="mobile_invalid")
