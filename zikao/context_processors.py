from django.conf import settings
from django.utils import timezone

WEEKDAYS = "一二三四五六日"


def portal(request):
    today = timezone.localdate()
    return {
        "today_label": f"{today:%Y年%m月%d日} 星期{WEEKDAYS[today.weekday()]}",
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
    }
