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
