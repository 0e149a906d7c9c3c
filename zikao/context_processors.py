from django.conf import settings
from django.utils import timezone

WEEKDAYS = "一二三四五六日"


def portal(request):
    today = timezone.localdate()
    return {
        "today_label": f"{today:%Y年%m月%d日} 星期{WEEKDAYS[today.weekday()]}",
        # The session is extended at most once a minute, so it may end that much earlier.
        "session_idle_seconds": settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS,
        "idle_warning_seconds": settings.IDLE_WARNING_SECONDS,
    }
