from django.urls import path

from . import views

app_name = "patients"
urlpatterns = [
    path("staff/patients/", views.patient_search, name="search"),
    path("staff/patients/new/", views.patient_register, name="register"),
    path("staff/patients/duplicates/", views.duplicate_queue, name="duplicates"),
    path("staff/patients/<uuid:patient_id>/merge/", views.merge_patient, name="merge"),
    path(
        "staff/patients/<uuid:patient_id>/not-duplicate/",
        views.dismiss_duplicate,
        name="not-duplicate",
    ),
    path("staff/patients/<uuid:patient_id>/", views.patient_detail, name="detail"),
    path(
        "staff/patients/<uuid:patient_id>/demographics/",
        views.edit_demographics,
        name="edit-demographics",
    ),
    path("staff/patients/<uuid:patient_id>/clinical/", views.edit_clinical, name="edit-clinical"),
]
