from django import forms

from transfers.services import other_cities
from zikao.models import County


class TransferForm(forms.Form):
    """*转入市, plus the hidden form token and the window the form was opened in."""

    to_city = forms.ModelChoiceField(
        label="转入市",
        queryset=None,
        empty_label="请选择地市",
        error_messages={
            "required": "请选择转入市。",
            "invalid_choice": "请从列表中选择转入市（不能选择您现在的所属地市）。",
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": "申请表已失效，请重新填写。", "invalid": "申请表已失效，请重新填写。"},
    )
    window = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": "申请表已失效，请重新填写。", "invalid": "申请表已失效，请重新填写。"},
    )

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_city"].queryset = other_cities(candidate)
        self.fields["to_city"].widget.attrs.update({"class": "form-select", "aria-required": "true"})

    def full_clean(self):
        super().full_clean()
        if "to_city" in self._errors:  # point assistive technology at the message above the table
            self.fields["to_city"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": "to-city-error", "class": "form-select is-invalid"}
            )


class RemarkForm(forms.Form):
    remark = forms.CharField(
        label="不同意的原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="考生会在申请详情和打印件的“备注”中看到该原因（200字以内）。",
        error_messages={
            "required": "不同意时必须填写原因。",
            "max_length": "原因请控制在200字以内。",
        },
    )


class AcceptForm(forms.Form):
    to_county = forms.ModelChoiceField(
        label="转入后的报名区县",
        queryset=County.objects.none(),
        empty_label="请选择报名区县",
        error_messages={
            "required": "请选择转入后的报名区县。",
            "invalid_choice": "请选择转入市所辖的报名区县。",
        },
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_county"].queryset = counties
        self.fields["to_county"].label_from_instance = lambda county: county.name


class VerifyPrintoutForm(forms.Form):
    number = forms.CharField(label="申请编号", max_length=20)
    printed_at = forms.CharField(
        label="打印时间", max_length=19, help_text="按打印件上的时间填写，例如 2026-05-01 09:30:15。"
    )
    code = forms.CharField(label="核验码", max_length=20, help_text="打印件上的核验码，例如 7F3A-9C21-B40E。")

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper().replace(" ", "")
