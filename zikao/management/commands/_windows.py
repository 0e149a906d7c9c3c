"""Argument helpers shared by the window commands."""

import datetime

from django.core.management.base import CommandError
from django.utils import timezone

from zikao.models import BusinessWindow

TIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d"]


def parse_local_time(value, option):
    """A time as operators type it, read in Asia/Shanghai."""
    for fmt in TIME_FORMATS:
        try:
            naive = datetime.datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        return timezone.make_aware(naive, timezone.get_default_timezone())
    raise CommandError(f"无法识别 {option} 的时间“{value}”，请使用 2026-03-01 09:00 这样的格式（北京时间）。")


def parse_kind(value):
    if value in BusinessWindow.Kind.values:
        return value
    by_label = {label: kind for kind, label in BusinessWindow.Kind.choices}
    if value in by_label:
        return by_label[value]
    kinds = "、".join(f"{kind}（{label}）" for kind, label in BusinessWindow.Kind.choices)
    raise CommandError(f"未知的业务类型“{value}”。可选：{kinds}。")


def describe(window, now=None):
    local = timezone.localtime
    state = window.state(now).label
    return (
        f"#{window.pk} {window.get_kind_display()} “{window.title}” "
        f"{local(window.opens_at):%Y-%m-%d %H:%M} 至 {local(window.closes_at):%Y-%m-%d %H:%M} [{state}]"
    )
