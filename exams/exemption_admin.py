"""免考规则 in admin: kept by the province, audited like the rest of the catalogue
(exams.admin.AuditedCatalogueMixin → exams.services)."""

from django.contrib import admin

from exams import services
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

    def save_formset(self, request, form, formset, change):
        # As AuditedCatalogueMixin.save_formset, without hashing new (unsaved) inline rows, which
        # Django refuses ("Model instances without primary key value are unhashable").
        objects = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_catalogue_object(actor=request.user, obj=obj)
        changed = {obj.pk: fields for obj, fields in formset.changed_objects}
        for obj in objects:
            fields = changed.get(obj.pk, []) if obj.pk else [f.name for f in formset.form._meta.model._meta.fields]
            services.save_catalogue_object(actor=request.user, obj=obj, changed_fields=fields)
        formset.save_m2m()
