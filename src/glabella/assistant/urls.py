from django.urls import path

from . import staff_views, views

app_name = "assistant"
urlpatterns = [
    path("ask", views.chat_or_choice, name="chat"),
    path("ask/embed.js", views.embed_script, name="embed-script"),
    path("c/<slug:clinic>/ask", views.chat, name="clinic-chat"),
    path(
        "ask/handoffs/<uuid:handoff_id>/contact",
        views.handoff_contact,
        name="handoff-contact",
    ),
    path("staff/assistant/", staff_views.entry_list, name="entry-list"),
    path("staff/assistant/entries/new/", staff_views.entry_new, name="entry-new"),
    path("staff/assistant/entries/<uuid:entry_id>/", staff_views.entry_detail, name="entry-detail"),
    path(
        "staff/assistant/entries/<uuid:entry_id>/approve/",
        staff_views.entry_approve,
        name="entry-approve",
    ),
    path(
        "staff/assistant/entries/<uuid:entry_id>/retire/",
        staff_views.entry_retire,
        name="entry-retire",
    ),
    path("staff/assistant/inbox/", staff_views.inbox, name="inbox"),
    path("staff/assistant/questions/", staff_views.question_log, name="question-log"),
    path(
        "staff/assistant/inbox/<uuid:handoff_id>/",
        staff_views.handoff_detail,
        name="handoff-detail",
    ),
    path(
        "staff/assistant/inbox/<uuid:handoff_id>/save-entry/",
        staff_views.handoff_save_entry,
        name="handoff-save-entry",
    ),
    path(
        "staff/assistant/inbox/<uuid:handoff_id>/called-back/",
        staff_views.handoff_called_back,
        name="handoff-called-back",
    ),
    path(
        "staff/assistant/inbox/<uuid:handoff_id>/close/",
        staff_views.handoff_close,
        name="handoff-close",
    ),
]
