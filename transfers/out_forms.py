from django import forms
from django.core.exceptions import ValidationError

from identity.intake import PhotoRejected, normalise_upload
from transfers.out import REASON_MAX, TICKET_PATTERN
from transfers.out_models import TARGET_PROVINCES


class TransferOutForm(forms.Form):
    """转入省份, 转入省准考证号, 转出原因 (+ the hidden one-time token)."""

    target_province = forms.ChoiceField(
        label="转入省份",
        choices=[("", "请选择省份")] + TARGET_PROVINCES,
        error_messages={
            "required": "请选择转入省份。",
            "invalid_choice": "请从列表中选择转入省份（不能选择山西省）。",
        },
    )
    target_ticket_number = forms.CharField(
        label="转入省准考证号",
        max_length=20,
        help_text="转入省考籍管理机构为您办理的准考证号（6至20位数字或字母）。",
        error_messages={"required": "请填写转入省准考证号。", "max_length": "转入省准考证号最多20位。"},
    )
    reason = forms.CharField(
        label="转出原因",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "请填写转出原因，例如工作调动、随迁等。",
            "max_length": f"转出原因请控制在{REASON_MAX}字以内。",
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": "申请表已失效，请重新填写。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name == "token":
                continue
            css = "form-select" if name == "target_province" else "form-control"
            field.widget.attrs.update(
                {"class": css, "aria-required": "true", "aria-describedby": f"{name}-help"}
            )

    def clean_target_ticket_number(self):
        value = self.cleaned_data["target_ticket_number"].strip()
        if not TICKET_PATTERN.match(value):
            raise ValidationError("转入省准考证号应为6至20位数字或字母。", code="bad_ticket_number")
        return value

    def clean_reason(self):
        value = self.cleaned_data["reason"].strip()
        if len(value) < 2:
            raise ValidationError("请填写转出原因，例如工作调动、随迁等。", code="no_reason")
        return value

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{name}-error"}
                )


class SignedFormPhotoForm(forms.Form):
    """网上确认: the photo of the signed 转出登记表, through the identity photo intake
    (size < 2 MB, JPEG/PNG by content, no decompression bombs, re-encoded without metadata)."""

    photo = forms.FileField(
        label="签字后的转出登记表照片",
        error_messages={
            "required": "请选择签字后的转出登记表照片。",
            "empty": "文件是空的（0 字节），请重新选择照片。",
            "invalid": "没有收到照片文件，请重新选择。",
            "missing": "没有收到照片文件，请重新选择。",
        },
        widget=forms.FileInput(
            attrs={"accept": "image/*", "class": "form-control", "aria-describedby": "photo-help"}
        ),
    )

    def clean_photo(self):
        uploaded = self.cleaned_data["photo"]
        try:
            return normalise_upload(uploaded)
        except PhotoRejected as rejection:
            raise ValidationError(rejection.message, code=rejection.code) from None


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="考生会在申请详情中看到该原因（200字以内）。",
        error_messages={"required": "退回时必须填写原因。", "max_length": "原因请控制在200字以内。"},
    )
