import logging

from zikao.idnumbers import mask_id_numbers_in_text


class MaskIdNumbersFilter(logging.Filter):
    """Last line of defence: no resident ID number reaches a log line in clear."""

    def filter(self, record):
        message = record.getMessage()
        masked = mask_id_numbers_in_text(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True
