"""Times as people read them, in Asia/Shanghai: in a sentence, and in an admin table."""

from django.utils import timezone


def local_text(value):
    """2026年11月30日 14:03: a time inside a Chinese sentence (messages, refusals)."""
    return f"{timezone.localtime(value):%Y年%m月%d日 %H:%M}"


def local_short(value, *, seconds=False):
    """2026-11-30 14:03 (with seconds on request) for admin columns; empty for no time."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M") if value else ""
