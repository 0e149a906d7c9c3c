from django import forms


class VerifyTranscriptForm(forms.Form):
    ticket_number = forms.CharField(label="准考证号", max_length=12, min_length=12)
    printed_at = forms.CharField(
        label="打印时间", max_length=19, help_text="按成绩单上的时间填写，例如 2026-11-30 09:30:15。"
    )
    code = forms.CharField(label="核验码", max_length=20, help_text="成绩单上的核验码，例如 7F3A-9C21-B40E。")

    def clean_ticket_number(self):
        return self.cleaned_data["ticket_number"].strip()
