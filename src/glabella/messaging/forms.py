from django import forms


class TemplateForm(forms.Form):
    subject = forms.CharField(max_length=200, help_text="The email's subject line.")
    body = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Placeholders in braces are filled in for each patient, e.g. {first_name}, "
        "{visit_date}, {visit_time}, {clinic_name}, {phone}, {booking_link}, {manage_link}.",
    )
