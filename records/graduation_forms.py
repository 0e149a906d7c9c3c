"""毕业申请's form: confirm the details, the graduation photo and the stamped 思想品德鉴定 scan.

Both files go through identity.intake (size < 2 MB, JPEG/PNG by content, decompression bombs,
re-encoding without metadata) before anything is stored.
"""

from django import forms
from django.core.exceptions import ValidationError

from candidates.forms import PortalFormMixin
from identity.intake import PhotoRejected, normalise_upload


class ImageIntakeField(forms.FileField):
    def __init__(self, *, label, short, **kwargs):
        super().__init__(
            label=label,
            error_messages={
                "required": f"请选择{short}。",
                "empty": "文件是空的（0 字节），请重新选择。",
                "invalid": f"没有收到{short}文件，请重新选择。",
                "missing": f"没有收到{short}文件，请重新选择。",
            },
            widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png"}),
            **kwargs,
        )

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return uploaded
        try:
            return normalise_upload(uploaded)
        except PhotoRejected as rejection:
            raise ValidationError(rejection.message, code=rejection.code) from None


class GraduationApplicationForm(PortalFormMixin, forms.Form):
    photo = ImageIntakeField(
        label="毕业照片",
        short="毕业照片",
        help_text="本人近期免冠正面彩色证件照，浅蓝色、白色或浅灰色背景，只有本人一人，JPG或PNG，小于2MB。",
    )
    conduct_scan = ImageIntakeField(
        label="思想品德鉴定表",
        short="思想品德鉴定表扫描件",
        help_text="由所在单位或街道（乡镇）填写并加盖公章的思想品德鉴定表，扫描或拍照，JPG或PNG，小于2MB。",
    )
    confirm = forms.BooleanField(
        label="本人确认以上个人信息和合格课程无误，所填材料真实有效。",
        error_messages={"required": "请确认个人信息和合格课程无误。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"  # not the mixin's form-control


class GraduationRemarkForm(forms.Form):
    remark = forms.CharField(
        label="不通过的原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="考生会在毕业申请页面和通知中看到该原因（200字以内）。",
        error_messages={"required": "不通过时必须填写原因。", "max_length": "原因请控制在200字以内。"},
    )


class VerifyRegistrationForm(forms.Form):
    number = forms.CharField(
        label="申请编号", max_length=12, help_text="登记表上的申请编号，例如 BY00000012。"
    )
    printed_at = forms.CharField(
        label="打印时间", max_length=19, help_text="按登记表上的时间填写，例如 2027-05-01 09:30:15。"
    )
    code = forms.CharField(label="核验码", max_length=20, help_text="登记表上的核验码，例如 7F3A-9C21-B40E。")

    def clean_number(self):
        return self.cleaned_data["number"].strip().upper()
