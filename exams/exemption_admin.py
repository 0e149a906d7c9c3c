"""免考规则 in admin: kept by the province, audited like the rest of the catalogue
(exams.admin.AuditedCatalogueMixin → exams.services)."""

from django.contrib import admin

from exams.admin import CatalogueAdmin
from exams.exemption_models import ExemptionRule, ExemptionRuleCourse


class ExemptionRuleCourseInline(admin.TabularInline):
    model = ExemptionRuleCourse
    extra = 0
    autocomplete_fields = ["course"]


@admin.register(ExemptionRule)
class ExemptionRuleAdmin(CatalogueAdmin):
    list_display = ["code", "name", "same_course_required", "active"]
    list_filter = ["active", "same_course_required"]
    search_fields = ["code", "name"]
    inlines = [ExemptionRuleCourseInline]
