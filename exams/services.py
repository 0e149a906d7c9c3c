"""Every change to the exam catalogue: operators' imports and province officers' corrections in
admin go through these functions, so each one is validated the same way and audited.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from exams.models import ExamSitting, ExamSlot, TimetableEntry
from zikao.audit import AuditAction, record_event
from zikao.errors import DomainError


class CatalogueError(DomainError):
    """A catalogue row that cannot be saved; ``message`` says why in Chinese."""


def _first_message(obj, error):
    """One sentence: the first problem, prefixed by the field's Chinese name unless it names it."""
    if hasattr(error, "message_dict"):
        for field, messages in error.message_dict.items():
            if field == "__all__":
                return messages[0]
            label = str(obj._meta.get_field(field).verbose_name)
            return messages[0] if messages[0].startswith(label) else f"{label}：{messages[0]}"
    return error.messages[0]


def _audit(*, actor, actor_label, action, obj, data=None):
    record_event(
        actor=actor, actor_label=actor_label, action=action, obj=obj,
        data={"label": str(obj)[:200], **(data or {})},
    )


def _validate(obj, *, exclude=None):
    try:
        obj.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        raise CatalogueError(_first_message(obj, error), code="invalid") from None


def _changed_fields(obj, values):
    return [name for name, value in values.items() if getattr(obj, name) != value]


@transaction.atomic
def save_catalogue_object(*, actor, obj, changed_fields=None, actor_label=""):
    """Validate and save ``obj`` (new or edited in admin) with an audit event naming the fields.

    The database constraints are the last word: a row they refuse (e.g. a course put twice in one
    sitting by two officers at once) becomes a CatalogueError, never a half-saved catalogue.
    """
    creating = obj.pk is None
    _validate(obj)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise CatalogueError(f"{obj._meta.verbose_name}“{obj}”与已有数据冲突（重复或不符合约束），未保存。",
                             code="conflict") from None
    _audit(
        actor=actor, actor_label=actor_label,
        action=AuditAction.CATALOGUE_CREATE if creating else AuditAction.CATALOGUE_UPDATE, obj=obj,
        data={"fields": sorted(changed_fields or [])},
    )
    return obj


@transaction.atomic
def delete_catalogue_object(*, actor, obj, actor_label=""):
    label, model = str(obj), type(obj)
    try:
        with transaction.atomic():
            model.objects.select_for_update().filter(pk=obj.pk).delete()
    except IntegrityError:
        raise CatalogueError(f"“{label}”仍被其他数据引用，不能删除。", code="in_use") from None
    record_event(
        actor=actor, actor_label=actor_label, action=AuditAction.CATALOGUE_DELETE,
        object_type=obj._meta.label_lower, object_id=obj.pk or "?", data={"label": label[:200]},
    )


def upsert(model, *, lookup, values, actor=None, actor_label=""):
    """Create or update the row of ``model`` matching ``lookup``; returns "created", "updated"
    or "unchanged" so imports can be run twice without duplicating anything."""
    with transaction.atomic():
        obj = model.objects.select_for_update().filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            save_catalogue_object(actor=actor, actor_label=actor_label, obj=obj, changed_fields=list(values))
            return "created", obj
        changed = _changed_fields(obj, values)
        if not changed:
            return "unchanged", obj
        for name in changed:
            setattr(obj, name, values[name])
        save_catalogue_object(actor=actor, actor_label=actor_label, obj=obj, changed_fields=changed)
        return "updated", obj


# --------------------------------------------------------------------------- sittings and slots


def sitting_days(code):
    """The two exam days of a sitting: the second Saturday and Sunday of its month."""
    year, month = int(code[:4]), int(code[4:])
    first = datetime.date(year, month, 1)
    first_saturday = first + datetime.timedelta(days=(5 - first.weekday()) % 7)
    saturday = first_saturday + datetime.timedelta(days=7)
    return saturday, saturday + datetime.timedelta(days=1)


@transaction.atomic
def ensure_sitting(*, code, actor=None, actor_label="", exam_start=None, **extra):
    """The sitting ``code`` with its four 考试单元, created if missing (exam days default to the
    month's second weekend)."""
    sitting = ExamSitting.objects.select_for_update().filter(code=code).first()
    if sitting is None:
        start, end = sitting_days(code) if exam_start is None else (exam_start, exam_start + datetime.timedelta(days=1))
        sitting = ExamSitting(code=code, exam_start=start, exam_end=end, **extra)
        save_catalogue_object(actor=actor, actor_label=actor_label, obj=sitting, changed_fields=["code"])
    existing = {(slot.date, slot.period) for slot in sitting.slots.all()}
    for day in (sitting.exam_start, sitting.exam_end):
        for period, (starts, ends) in ExamSlot.TIMES.items():
            if (day, period) not in existing:
                ExamSlot.objects.create(sitting=sitting, date=day, period=period, starts_at=starts, ends_at=ends)
    return sitting


def slot_of(sitting, *, day_number, period):
    """Slot ``period`` ("am"/"pm") of exam day 1 or 2."""
    day = sitting.exam_start if day_number == 1 else sitting.exam_end
    return ExamSlot.objects.get(sitting=sitting, date=day, period=period)


def schedule_course(*, sitting, slot, course, actor=None, actor_label=""):
    """Put ``course`` in ``slot`` of ``sitting`` (moving it if it was elsewhere in that sitting).

    Returns "created" / "updated" / "unchanged".
    """
    if slot.sitting_id != sitting.pk:
        raise CatalogueError("考试单元不属于该考次。", code="slot_of_other_sitting")
    outcome, _ = upsert(
        TimetableEntry, lookup={"sitting": sitting, "course": course}, values={"slot": slot},
        actor=actor, actor_label=actor_label,
    )
    return outcome
