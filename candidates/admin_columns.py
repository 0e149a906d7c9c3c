"""The case's candidate as list columns, shared by the officer queues' ModelAdmins (transfers,
transfers out, practical registrations, 成绩复核, 免考, 毕业; read-only ones derive from
zikao.admin.ReadOnlyAdmin)."""

from django.contrib import admin


class CandidateColumnsMixin:
    """姓名, 证件号码 (masked) and 准考证号 of ``obj.candidate`` for ``list_display``."""

    @admin.display(description="姓名", ordering="candidate__name")
    def candidate_name(self, obj):
        return obj.candidate.name

    @admin.display(description="证件号码")
    def masked_id_number(self, obj):
        return obj.candidate.masked_id_number

    @admin.display(description="准考证号", ordering="candidate__ticket_number")
    def ticket_number(self, obj):
        return obj.candidate.ticket_number
