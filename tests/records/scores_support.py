"""Shared set-up of the score tests: a catalogue, a past sitting and its scores."""

import datetime
import io
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

from exams import services as exam_services
from records.score_models import Score
from tests.catalogue import course, make_catalogue

COURSES = ["03708", "03709", "00015", "00054", "00067", "00149", "00012"]


def past_sitting(code="202604", *, publish_in=None, recheck_days=7):
    """A sitting whose exams are over; publication ``publish_in`` from now (default: an hour ago)."""
    make_catalogue()
    now = timezone.now()
    publish_at = now + (publish_in if publish_in is not None else -datetime.timedelta(hours=1))
    sitting = exam_services.ensure_sitting(code=code, actor_label="test")
    sitting.score_publish_at = publish_at
    sitting.recheck_deadline = timezone.localtime(now).date() + datetime.timedelta(days=recheck_days)
    sitting.save(update_fields=["score_publish_at", "recheck_deadline"])
    return sitting


def give(candidate, sitting, results):
    """Unpublished scores: {course code: 72 | "缺考" | "违纪"}."""
    made = []
    for code, value in results.items():
        mark = {"缺考": "absent", "违纪": "violation"}.get(value, "") if isinstance(value, str) else ""
        made.append(Score.objects.create(
            candidate=candidate, sitting=sitting, course=course(code),
            score=None if mark else Decimal(str(value)), mark=mark,
        ))
    return made


def run_command(name, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
