from django import forms

from candidates.forms import PortalFormMixin
from exams import selectors
from exams.models import Major


class PlanFilterForm(PortalFormMixin, forms.Form):
    level = forms.ChoiceField(label="层次", required=False, choices=[("", "全部层次"), *Major.Level.choices])
    institution = forms.ChoiceField(label="主考院校", required=False)
    keyword = forms.CharField(label="专业代码或名称", required=False, max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [("", "全部院校")] + [
            (institution.code, institution.name) for institution in selectors.institutions()
        ]

    def clean_keyword(self):
        return self.cleaned_data["keyword"].strip()


class MajorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, major):
        return f"{major.code} {major.name}（{major.get_level_display()}，{major.institution.name}）"


class CourseIdsField(forms.TypedMultipleChoiceField):
    """The ticked courses' ids. Which of them the sitting offers to this candidate is the service's
    rule (registration.choose_entries, in the form's clean, with the same message), so a post needs
    no list of the ~60 offered entries: only the form page, which renders its own checkboxes, reads it."""

    def valid_value(self, value):
        value = str(value)
        return value.isdigit() and len(value) <= 9  # an id; nothing a database integer cannot hold


class TheoryRegistrationForm(PortalFormMixin, forms.Form):
    """理论课报名: contact details and 1–4 courses of the offered timetable entries.

    The business rules (how many, one per slot, not passed) are the service's; the form only
    asks it, so the check-answers page shows the same message the save would.
    """

    mobile = forms.CharField(
        label="手机号码", max_length=11, error_messages={"required": "请填写手机号码。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    mailing_address = forms.CharField(
        label="通讯地址", max_length=200, error_messages={"required": "请填写通讯地址。", "max_length": "通讯地址不能超过200个字。"},
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    courses = CourseIdsField(
        label="报考课程", coerce=int, error_messages={
            "required": "请至少选择一门报考课程。", "invalid_choice": "所选课程不在本次考试的课程安排中，请重新选择。",
        },
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidate, sitting, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate, self.sitting = candidate, sitting

    def clean(self):
        from exams import registration

        data = super().clean()
        if "mobile" in data and "mailing_address" in data:
            try:
                data["mobile"], data["mailing_address"] = registration.clean_contact(
                    mobile=data["mobile"], mailing_address=data["mailing_address"]
                )
            except registration.RegistrationError as error:
                self.add_error("mobile" if error.code == "bad_mobile" else "mailing_address", error.message)
        if data.get("courses"):
            try:
                data["entries"] = registration.choose_entries(
                    candidate=self.candidate, sitting=self.sitting, course_ids=data["courses"]
                )
            except registration.RegistrationError as error:
                self.add_error("courses", error.message)
        return data
