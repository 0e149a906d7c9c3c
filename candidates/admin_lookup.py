"""Find records by exact ID number in admin without putting the number in a URL.

Admin search travels as ?q= in the URL (and so into access logs and browser
history); ID numbers must never. This mixin adds a small POST form beside the
search box: the number goes in the request body, the lookup runs inside the
officer's scoped queryset, and the officer is redirected by primary key.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from zikao.idnumbers import normalize_id_number


class IdNumberLookupMixin:
    #: Path from the admin's model to the candidate's ID number.
    id_number_lookup_field = "candidate__id_number"
    #: With several matches, the changelist is filtered by this lookup on the candidate's pk.
    id_number_group_lookup = "candidate__id__exact"
    id_number_group_value = "candidate_id"
    change_list_template = "admin/id_number_lookup_change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_lookup_id_number"
        view = self.admin_site.admin_view(require_POST(self.id_number_lookup_view))
        return [path("lookup-id-number/", view, name=name), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "id_number_lookup_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_lookup_id_number",
                current_app=self.admin_site.name,
            ),
        }
        return super().changelist_view(request, extra_context)

    def id_number_lookup_view(self, request):
        changelist = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist", current_app=self.admin_site.name
        )
        number = normalize_id_number(request.POST.get("id_number", ""))
        if len(number) != 18:
            messages.error(request, "请输入完整的18位身份证号。")
            return redirect(changelist)
        # get_queryset is scoped to the officer: nothing outside it can be found.
        matches = list(self.get_queryset(request).filter(**{self.id_number_lookup_field: number})[:2])
        if not matches:
            messages.warning(request, "在您的管辖范围内没有找到该身份证号的记录。")
            return redirect(changelist)
        if len(matches) == 1:
            return redirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[matches[0].pk],
                    current_app=self.admin_site.name,
                )
            )
        group = getattr(matches[0], self.id_number_group_value)
        return redirect(f"{changelist}?{self.id_number_group_lookup}={group}")
