"""Admission-ticket lines (准考证考场座位): one seat per paid course of a candidate in a sitting.

A line names the course, its slot, the room (and through it the venue) and the seat number.
Two database constraints make the seating rules true whatever wrote the rows: a seat of a room
holds one candidate per slot, and a candidate has one seat per slot.
"""

from django.db import models
from django.db.models import Q


class TicketSeat(models.Model):
    sitting = models.ForeignKey(
        "exams.ExamSitting", on_delete=models.PROTECT, related_name="ticket_seats", verbose_name="考次"
    )
    slot = models.ForeignKey("exams.ExamSlot", on_delete=models.PROTECT, related_name="+", verbose_name="考试单元")
    candidate = models.ForeignKey(
        "candidates.Candidate", on_delete=models.PROTECT, related_name="ticket_seats", verbose_name="考生"
    )
    item = models.OneToOneField(
        "exams.RegistrationItem", on_delete=models.CASCADE, related_name="seat", verbose_name="报考课程"
    )
    course = models.ForeignKey("exams.Course", on_delete=models.PROTECT, related_name="+", verbose_name="课程")
    room = models.ForeignKey("exams.Room", on_delete=models.PROTECT, related_name="seats", verbose_name="考场")
    seat = models.PositiveSmallIntegerField("座位号")
    assigned_at = models.DateTimeField("编排时间")

    class Meta:
        ordering = ["slot__date", "slot__period", "room__venue__code", "room__number", "seat"]
        verbose_name = verbose_name_plural = "考场座位"
        constraints = [
            models.UniqueConstraint(fields=["slot", "room", "seat"], name="one_candidate_per_seat"),
            models.UniqueConstraint(fields=["candidate", "slot"], name="one_seat_per_candidate_and_slot"),
            models.CheckConstraint(condition=Q(seat__gte=1), name="seat_number_positive"),
        ]
        indexes = [models.Index(fields=["sitting", "candidate"], name="ticket_seat_candidate")]

    def __str__(self):
        return f"{self.room} {self.seat:02d}号"

    @property
    def seat_label(self):
        return f"{self.seat:02d}"
