from django import forms

from candidates.forms import PortalFormMixin


class PracticalRegistrationForm(PortalFormMixin, forms.Form):
    institution = forms.TypedChoiceField(
        label="主考院校", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "请选择主考院校。", "invalid_choice": "请选择列出的主考院校。"},
    )
    courses = forms.TypedMultipleChoiceField(
        label="实践课程 / 毕业论文", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一门实践课程或毕业论文。", "invalid_choice": "请选择列出的课程。"},
    )
    recipient = forms.CharField(label="收件人", max_length=30, error_messages={"required": "请填写收件人。"})
    address = forms.CharField(label="邮寄地址", max_length=200, error_messages={"required": "请填写邮寄地址。"})
    phone = forms.CharField(label="联系电话", max_length=20, error_messages={"required": "请填写联系电话。"})

    def __init__(self, *args, institutions, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"].choices = [
            (i.pk, f"{i.name}（每门 {i.practical_fee.fee_fen / 100:.2f} 元）") for i in institutions
        ]
        self.fields["courses"].choices = [(pc.course_id, f"{pc.course.code} {pc.course.name}") for pc in offered]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        self.fields["recipient"].widget.attrs["autocomplete"] = "name"
        self.fields["address"].widget.attrs["autocomplete"] = "street-address"
