from django.urls import path

from .views import consultations, outcomes, recall, records

app_name = "treatments"
urlpatterns = [
    # --- treatment record and face chart (views/records.py) ---
    path("staff/patients/<uuid:patient_id>/treatments/new/", records.record_new, name="record-new"),
    path("staff/treatments/<uuid:treatment_id>/", records.record_detail, name="record"),
    path("staff/treatments/<uuid:treatment_id>/sites/", records.site_add, name="record-site-add"),
    path(
        "staff/treatments/<uuid:treatment_id>/sites/<uuid:site_id>/units/",
        records.site_units,
        name="record-site-units",
    ),
    path(
        "staff/treatments/<uuid:treatment_id>/sites/<uuid:site_id>/remove/",
        records.site_remove,
        name="record-site-remove",
    ),
    path("staff/treatments/<uuid:treatment_id>/mirror/", records.mirror, name="record-mirror"),
    path("staff/treatments/<uuid:treatment_id>/repeat/", records.repeat, name="record-repeat"),
    path("staff/treatments/<uuid:treatment_id>/vials/", records.vial_add, name="record-vial-add"),
    path(
        "staff/treatments/<uuid:treatment_id>/vials/<uuid:vial_id>/remove/",
        records.vial_remove,
        name="record-vial-remove",
    ),
    path("staff/treatments/<uuid:treatment_id>/details/", records.details, name="record-details"),
    path("staff/treatments/<uuid:treatment_id>/sign/", records.sign, name="record-sign"),
    path("staff/treatments/<uuid:treatment_id>/amendments/", records.amend, name="record-amend"),
    # --- consultations and overrides (views/consultations.py) ---
    path(
        "staff/patients/<uuid:patient_id>/consultations/new/",
        consultations.consultation_new,
        name="consultation-new",
    ),
    path(
        "staff/consultations/<uuid:consultation_id>/",
        consultations.consultation_detail,
        name="consultation",
    ),
    path(
        "staff/patients/<uuid:patient_id>/overrides/new/",
        consultations.override_new,
        name="override-new",
    ),
    # --- reviews and adverse events (views/outcomes.py) ---
    path("staff/treatments/<uuid:treatment_id>/review/", outcomes.review_new, name="review-new"),
    path("staff/reviews/<uuid:review_id>/", outcomes.review_detail, name="review"),
    path(
        "staff/reviews/<uuid:review_id>/wore-off/", outcomes.review_wore_off, name="review-wore-off"
    ),
    path(
        "staff/reviews/<uuid:review_id>/touch-up/", outcomes.review_touch_up, name="review-touch-up"
    ),
    path("staff/adverse-events/", outcomes.adverse_event_list, name="adverse-events"),
    path(
        "staff/patients/<uuid:patient_id>/adverse-events/new/",
        outcomes.adverse_event_new,
        name="adverse-event-new",
    ),
    path(
        "staff/adverse-events/<uuid:event_id>/", outcomes.adverse_event_detail, name="adverse-event"
    ),
    path(
        "staff/adverse-events/<uuid:event_id>/resolve/",
        outcomes.adverse_event_resolve,
        name="adverse-event-resolve",
    ),
    # --- the recall list (views/recall.py) ---
    path("staff/recall/", recall.recall_list, name="recall"),
    path("staff/recall/export.csv", recall.recall_export, name="recall-export"),
    path("staff/recall/contact/", recall.recall_contact, name="recall-contact"),
    path("staff/recall/<uuid:treatment_id>/status/", recall.recall_status, name="recall-status"),
]
