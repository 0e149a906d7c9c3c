"""免考申请 forms: the candidate's answers (per basis), and an office's per-course decision."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from identity.intake import PhotoRejected, normalise_upload
from records.exemptions import MAX_PHOTOS, CourseClaim

VERDICTS = [("approve", "同意"), ("refuse", "不同意")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class CertificatePhotosField(forms.FileField):
    """1–3 photos of the originals, each through identity.intake (size, type, bomb, re-encode)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(
            label="证书原件照片",
            widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png", "class": "form-control",
                                            "aria-describedby": "photos-help", "multiple": True}),
            error_messages={"required": "请上传证书原件的照片（至少一张）。", "empty": "文件是空的（0 字节），请重新选择照片。"},
            **kwargs,
        )

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"证书照片最多 {MAX_PHOTOS} 张。", code="too_many_photos")
        photos = []
        for number, uploaded in enumerate(files, start=1):
            try:
                photos.append(normalise_upload(uploaded))
            except PhotoRejected as rejection:
                prefix = f"第 {number} 张照片：" if len(files) > 1 else ""
                raise ValidationError(prefix + rejection.message, code=rejection.code) from None
        return photos


class ExemptionForm(forms.Form):
    certificate_number = forms.CharField(
        label="证书编号", max_length=40, error_messages={"required": "请填写证书编号。", "max_length": "证书编号最多40个字符。"},
    )
    issuer = forms.CharField(
        label="发证单位", max_length=60, error_messages={"required": "请填写发证单位。", "max_length": "发证单位最多60个字。"},
    )
    issued_on = forms.DateField(
        label="发证日期", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写发证日期。", "invalid": "发证日期格式不正确，例如 2019-06-15。"},
    )
    courses = forms.MultipleChoiceField(
        label="申请免考的课程", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少勾选一门申请免考的课程。", "invalid_choice": "所选课程不能用该依据免考，请重新勾选。"},
    )
    photos = CertificatePhotosField()

    def __init__(self, *args, rule, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        self.offered = offered
        self.fields["courses"].choices = [
            (str(pc.course_id), f"{pc.course.code} {pc.course.name}（{pc.credits} 学分）") for pc in offered
        ]
        for name in ("certificate_number", "issuer", "issued_on"):
            self.fields[name].widget.attrs.update({"class": "form-control", "aria-required": "true"})
        if rule.same_course_required:
            for pc in offered:
                self.fields[f"prior_name_{pc.course_id}"] = forms.CharField(
                    label=f"{pc.course.code} 的原课程名称", max_length=60, required=False,
                    widget=forms.TextInput(attrs={"class": "form-control"}),
                )
                self.fields[f"prior_credits_{pc.course_id}"] = forms.IntegerField(
                    label=f"{pc.course.code} 的原课程学分", min_value=0, max_value=30, required=False,
                    widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
                    error_messages={"invalid": "学分请填写整数。"},
                )

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise ValidationError("发证日期不能晚于今天，请按证书原件填写。", code="issued_in_future")
        return issued_on

    def course_rows(self):
        """(checkbox, plan course, prior-name field, prior-credits field) for the template."""
        boxes = {box.data["value"]: box for box in self["courses"]}
        rows = []
        for pc in self.offered:
            extra = (
                (self[f"prior_name_{pc.course_id}"], self[f"prior_credits_{pc.course_id}"])
                if self.rule.same_course_required else (None, None)
            )
            rows.append((boxes[str(pc.course_id)], pc, *extra))
        return rows

    def claims(self):
        data = self.cleaned_data
        return [
            CourseClaim(
                course_id=int(value),
                prior_course_name=data.get(f"prior_name_{value}") or "",
                prior_credits=data.get(f"prior_credits_{value}"),
            )
            for value in data["courses"]
        ]


class StepDecisionForm(forms.Form):
    """One office's opinion on every course still open: 同意 / 不同意 + reason, posted as one decision."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                label=f"{item.course.code} {item.course.name}", choices=VERDICTS, widget=forms.RadioSelect,
                initial="approve", error_messages={"required": "请选择同意或不同意。"},
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=f"{item.course.code} 不同意的原因", max_length=200, required=False,
                widget=forms.TextInput(attrs={"size": 40}),
            )

    def clean(self):
        data = super().clean()
        for item in self.items:
            if data.get(f"item_{item.pk}") == "refuse" and not (data.get(f"reason_{item.pk}") or "").strip():
                self.add_error(f"reason_{item.pk}", "不同意时必须填写原因，考生会看到该原因。")
        return data

    def verdicts(self):
        data = self.cleaned_data
        return {
            item.pk: (data[f"item_{item.pk}"] == "approve", data.get(f"reason_{item.pk}", ""))
            for item in self.items
        }
