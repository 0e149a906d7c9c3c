import logging
import re

from zikao.idnumbers import mask_id_numbers_in_text

# /accounts/password/reset/<uidb64>/<token>/: whoever reads the line could reset the password.
RESET_LINK = re.compile(r"(/accounts/password/reset/)(?!sent/|complete/)[^/\s\"']+/[^/\s\"']+/?")


class MaskIdNumbersFilter(logging.Filter):
    """Last line of defence: no resident ID number and no password-reset link reaches a log line in clear."""

    def filter(self, record):
        message = record.getMessage()
        masked = RESET_LINK.sub(r"\1***/***/", mask_id_numbers_in_text(message))
        if masked != message:
            record.msg = masked
            record.args = None
        return True
