from django.urls import path

from . import public_views, views

app_name = "messaging"
urlpatterns = [
    path("staff/messages/", views.outbox, name="outbox"),
    path("staff/messages/retry/", views.retry, name="retry"),
    path("staff/messages/templates/", views.templates, name="templates"),
    path("staff/messages/templates/edit/", views.edit_template, name="template-edit"),
    path("staff/messages/templates/approve/", views.approve_template, name="template-approve"),
    path("staff/messages/settings/", views.clinic_settings, name="settings"),
    # Public: signed by the provider or a shared secret, or a signed link for one patient.
    path("messages/sms/<slug:clinic_slug>/inbound/", public_views.sms_inbound, name="sms-inbound"),
    path("messages/sms/<slug:clinic_slug>/status/", public_views.sms_status, name="sms-status"),
    path(
        "messages/email/<slug:clinic_slug>/inbound/",
        public_views.email_inbound,
        name="email-inbound",
    ),
    path("messages/unsubscribe/<str:token>/", public_views.unsubscribe, name="unsubscribe"),
]
