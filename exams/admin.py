"""The catalogue in admin: province officers browse and correct it, every change going through
exams.services (validated, audited); county and city officers read the venues of their scope."""

from django.contrib import admin, messages

from exams import selectors, services
from exams.models import (
    Course,
    CourseSubstitution,
    ExamSitting,
    ExamSlot,
    Institution,
    Major,
    PlanCourse,
    Room,
    TimetableEntry,
    Venue,
)


class AuditedCatalogueMixin:
    """Saves and deletes (inlines included) go through the catalogue services."""

    def save_model(self, request, obj, form, change):
        services.save_catalogue_object(actor=request.user, obj=obj, changed_fields=form.changed_data)

    def delete_model(self, request, obj):
        services.delete_catalogue_object(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            try:
                services.delete_catalogue_object(actor=request.user, obj=obj)
            except services.CatalogueError as error:
                messages.error(request, error.message)

    def save_formset(self, request, form, formset, change):
        objects = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_catalogue_object(actor=request.user, obj=obj)
        # By primary key: a new inline row has none yet, and Django refuses to hash it (all its
        # fields are new).
        changed = {obj.pk: fields for obj, fields in formset.changed_objects}
        for obj in objects:
            fields = changed.get(obj.pk, []) if obj.pk else [f.name for f in formset.model._meta.fields]
            services.save_catalogue_object(actor=request.user, obj=obj, changed_fields=fields)
        formset.save_m2m()


class CatalogueAdmin(AuditedCatalogueMixin, admin.ModelAdmin):
    pass


class ExamSlotInline(admin.TabularInline):
    model = ExamSlot
    extra = 0
    max_num = ExamSlot.PER_SITTING


@admin.register(ExamSitting)
class ExamSittingAdmin(CatalogueAdmin):
    list_display = ["code", "exam_start", "exam_end", "ticket_print_from", "score_publish_at", "recheck_deadline"]
    inlines = [ExamSlotInline]


@admin.register(Institution)
class InstitutionAdmin(CatalogueAdmin):
    list_display = ["code", "name", "practical_on_platform"]
    search_fields = ["code", "name"]


class PlanCourseInline(admin.TabularInline):
    model = PlanCourse
    extra = 0
    autocomplete_fields = ["course"]
    fields = ["sort", "course", "credits", "category", "elective_group", "counts_credit", "remark"]


@admin.register(Major)
class MajorAdmin(CatalogueAdmin):
    list_display = ["code", "name", "level", "institution", "plan_version", "accepting_new", "min_credits"]
    list_filter = ["level", "institution", "accepting_new", "plan_version"]
    search_fields = ["code", "name"]
    inlines = [PlanCourseInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("institution")


@admin.register(Course)
class CourseAdmin(CatalogueAdmin):
    list_display = ["code", "name", "exam_mode", "source"]
    list_filter = ["exam_mode", "source"]
    search_fields = ["code", "name"]


@admin.register(CourseSubstitution)
class CourseSubstitutionAdmin(CatalogueAdmin):
    list_display = ["old_course", "new_course", "major", "remark"]
    autocomplete_fields = ["old_course", "new_course", "major"]


@admin.register(TimetableEntry)
class TimetableEntryAdmin(CatalogueAdmin):
    list_display = ["sitting", "slot", "course"]
    list_filter = ["sitting"]
    search_fields = ["course__code", "course__name"]
    autocomplete_fields = ["course"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sitting", "slot", "course")


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Venue)
class VenueAdmin(CatalogueAdmin):
    """County and city officers see their own venues (view permission only); the province all."""

    list_display = ["code", "name", "county", "address", "room_count", "seat_count"]
    list_filter = ["county__city"]
    search_fields = ["code", "name", "address"]
    inlines = [RoomInline]

    def get_queryset(self, request):
        return selectors.officer_venues(request.user)

    @admin.display(description="考场数")
    def room_count(self, obj):
        return len(obj.rooms.all())

    @admin.display(description="座位数")
    def seat_count(self, obj):
        return sum(room.capacity for room in obj.rooms.all())

from exams import practical_admin  # noqa: E402, F401 — 实践性环节报名 and its fees
from exams.exemption_admin import ExemptionRuleAdmin  # noqa: E402, F401 — 免考规则
from exams.seat_admin import TicketSeatAdmin  # noqa: E402, F401 — 考场座位 and 准考证核验
