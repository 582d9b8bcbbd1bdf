"""Handed-over questions get a reference for the patient to quote and separate contact
fields (name, phone, email, when consent was given, the matched patient, who called back).

The old free-text ``contact`` is folded into the new fields: an email address goes to
``contact_email``, a phone number to ``contact_phone``, anything else to ``contact_name`` so
nothing is lost. Consent was never recorded with it, so ``contact_consent_at`` stays empty.
"""

import re
import secrets

import django.db.models.deletion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import migrations, models

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # as models.REFERENCE_ALPHABET at this time
PHONE = re.compile(r"\+?[\d\s().-]+")


def _fold(contact):
    text = " ".join(contact.split())
    try:
        validate_email(text)
    except ValidationError:
        pass
    else:
        return {"contact_email": text}
    digits = re.sub(r"\D", "", text)
    if PHONE.fullmatch(text) and 7 <= len(digits) <= 15 and len(text) <= 40:
        return {"contact_phone": text}
    return {"contact_name": text}


def fold_contact_and_give_references(apps, schema_editor):
    Handoff = apps.get_model("assistant", "Handoff")
    taken = set()
    for handoff in Handoff.objects.order_by("pk").only("pk", "clinic_id", "contact"):
        reference = ""
        while not reference or (handoff.clinic_id, reference) in taken:
            reference = "".join(secrets.choice(ALPHABET) for _ in range(8))
        taken.add((handoff.clinic_id, reference))
        fields = {"reference": reference}
        if handoff.contact.strip():
            fields |= _fold(handoff.contact)
        Handoff.objects.filter(pk=handoff.pk).update(**fields)


def unfold_contact(apps, schema_editor):
    Handoff = apps.get_model("assistant", "Handoff")
    for handoff in Handoff.objects.order_by("pk"):
        parts = (handoff.contact_name, handoff.contact_phone, handoff.contact_email)
        contact = " · ".join(p for p in parts if p)[:200]
        if contact:
            Handoff.objects.filter(pk=handoff.pk).update(contact=contact)


class Migration(migrations.Migration):
    dependencies = [
        ("assistant", "0003_entry_language"),
        ("patients", "0001_patient_record"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="handoff",
            name="reference",
            field=models.CharField(default="", editable=False, max_length=8),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="handoff",
            name="contact_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="handoff",
            name="contact_phone",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.AddField(
            model_name="handoff",
            name="contact_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="handoff",
            name="contact_consent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="handoff",
            name="patient",
            field=models.ForeignKey(
                blank=True,
                help_text="The clinic's patient record the contact details matched, if exactly one.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assistant_handoffs",
                to="patients.patient",
            ),
        ),
        migrations.AddField(
            model_name="handoff",
            name="called_back_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="handoff",
            name="called_back_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(fold_contact_and_give_references, unfold_contact),
        migrations.RemoveField(model_name="handoff", name="contact"),
        migrations.AddConstraint(
            model_name="handoff",
            constraint=models.UniqueConstraint(
                fields=("clinic", "reference"), name="handoff_reference_unique_per_clinic"
            ),
        ),
    ]
