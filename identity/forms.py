from django import forms
from django.core.exceptions import ValidationError

from identity.intake import PhotoRejected, normalise_upload
from identity.models import SLOT_SHORT_LABELS, Slot
from identity.services import REJECTION_REASONS

REQUIREMENTS = {
    Slot.HEADSHOT: "本人近期免冠正面彩色证件照，背景为蓝色、白色或浅灰色；不戴帽子和墨镜，面部完整清晰。",
    Slot.ID_CARD: "本人第二代居民身份证的人像面，四角完整，人像和文字清晰，无反光、无遮挡。",
    Slot.HANDHELD: "本人手持身份证人像面的半身照，面部和身份证都要清晰可见，身份证不要挡住面部。",
}
# Which phone camera the 拍照 button opens.
CAMERAS = {Slot.HEADSHOT: "user", Slot.ID_CARD: "environment", Slot.HANDHELD: "environment"}


class PhotoField(forms.FileField):
    """A photo slot: Django's checks, then the full intake (decode, normalise) in identity.intake."""

    def __init__(self, *, slot, **kwargs):
        short = SLOT_SHORT_LABELS[slot]
        kwargs.setdefault(
            "error_messages",
            {
                "required": f"请选择{short}。",
                "empty": "文件是空的（0 字节），请重新选择照片。",
                "invalid": f"没有收到{short}文件，请重新选择。",
                "missing": f"没有收到{short}文件，请重新选择。",
            },
        )
        kwargs.setdefault(
            "widget",
            forms.FileInput(
                attrs={"accept": "image/*", "class": "form-control", "aria-describedby": f"{slot}-requirement"}
            ),
        )
        super().__init__(label=Slot(slot).label, **kwargs)
        self.slot = slot
        self.requirement = REQUIREMENTS[slot]
        self.camera = CAMERAS[slot]

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded:
            return uploaded
        try:
            return normalise_upload(uploaded)
        except PhotoRejected as rejection:
            raise ValidationError(rejection.message, code=rejection.code) from None


class PhotoUploadForm(forms.Form):
    """三照 / 两照: each file is checked and normalised; nothing is stored unless all pass."""

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in slots:
            self.fields[slot] = PhotoField(slot=slot)

    def slot_fields(self):
        return [self[name] for name in self.fields]


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label="不通过原因",
        choices=[(code, label) for code, (label, _text) in REJECTION_REASONS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择不通过的原因。", "invalid_choice": "请从列表中选择原因。"},
    )
    note = forms.CharField(
        label="补充说明（考生可见）",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "补充说明最多 300 字。"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == "other" and not cleaned.get("note", "").strip():
            self.add_error("note", ValidationError("选择“其他原因”时，请写明原因。", code="note_required"))
        return cleaned


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="备注（仅工作人员可见）",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "备注最多 300 字。"},
    )


class InPersonForm(forms.Form):
    note = forms.CharField(
        label="核验说明",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        initial="已在报名点核对本人及身份证原件。",
        error_messages={"required": "请填写核验说明。", "max_length": "核验说明最多 300 字。"},
    )
