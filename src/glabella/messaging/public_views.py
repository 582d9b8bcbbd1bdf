"""Routes patients and providers reach without signing in: the incoming text-message
webhook (Twilio's signature is the authorisation), the incoming-email relay (a shared
secret) and the unsubscribe link (signed for one patient)."""

from __future__ import annotations

import hmac
from email.utils import parseaddr
from xml.sax.saxutils import escape

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from glabella.accounts.models import Clinic

from . import delivery, inbound, services
from .models import ConsentSource
from .providers import twilio_auth_token_for, valid_twilio_signature
from .variables import patient_from_unsubscribe_token

SMS_REPLY_LENGTH = 1500


def _signed_by_twilio(request: HttpRequest, clinic: Clinic) -> dict[str, str] | None:
    """The form Twilio posted, if its X-Twilio-Signature is the clinic's; else None."""
    params = {name: request.POST.get(name, "") for name in request.POST}
    url = settings.SITE_URL + request.get_full_path()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not valid_twilio_signature(url, params, twilio_auth_token_for(clinic), signature):
        return None
    return params


def _forged() -> HttpResponse:
    return HttpResponse("Signature not valid.", status=403, content_type="text/plain")


@csrf_exempt
@require_POST
def sms_inbound(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    params = _signed_by_twilio(request, clinic)
    if params is None:
        return _forged()
    sender, body = params.get("From", "").strip(), params.get("Body", "").strip()
    if not sender or not body:
        return HttpResponse("From and Body are required.", status=400, content_type="text/plain")
    received = inbound.receive_sms(
        clinic, sender=sender, body=body, provider_id=params.get("MessageSid", "")
    )
    reply = received.reply[:SMS_REPLY_LENGTH]
    message = f"<Message>{escape(reply)}</Message>" if reply else ""
    xml = f'<?xml version="1.0" encoding="UTF-8"?><Response>{message}</Response>'
    return HttpResponse(xml, content_type="text/xml")


@csrf_exempt
@require_POST
def sms_status(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    """Twilio's delivery report for a message it took: a failure shows on the Messages page."""
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    params = _signed_by_twilio(request, clinic)
    if params is None:
        return _forged()
    sid, status = params.get("MessageSid", ""), params.get("MessageStatus", "")
    if not sid or not status:
        return HttpResponse("MessageSid and MessageStatus are required.", status=400)
    delivery.report(clinic, sid, status, params.get("ErrorCode", ""))
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def email_inbound(request: HttpRequest, clinic_slug: str) -> HttpResponse:
    secret = settings.MESSAGING_INBOUND_EMAIL_SECRET
    given = request.headers.get("X-Glabella-Secret", "")
    if not secret or not hmac.compare_digest(secret, given):
        return JsonResponse({"detail": "Not allowed."}, status=403)
    clinic = get_object_or_404(Clinic, slug=clinic_slug)
    sender = parseaddr(request.POST.get("from", ""))[1].strip()  # "Ana <ana@x.test>" → address
    subject, text = request.POST.get("subject", ""), request.POST.get("text", "")
    if not sender or not (subject.strip() or text.strip()):
        return JsonResponse({"detail": "from and a subject or text are required."}, status=400)
    received = inbound.receive_email(clinic, sender=sender, subject=subject, body=text)
    return JsonResponse({"outcome": received.inbound.outcome, "reply": received.reply})


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    patient = patient_from_unsubscribe_token(token)
    if patient is None:
        raise Http404("This link is not valid.")
    done = False
    if request.method == "POST":
        services.opt_out(patient, source=ConsentSource.UNSUBSCRIBE_LINK)
        done = True
    return render(request, "messaging/unsubscribe.html", {"clinic": patient.clinic, "done": done})
