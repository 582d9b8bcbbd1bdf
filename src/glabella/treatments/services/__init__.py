"""Operations on the treatment record, one module per part of the course. Each runs in
one transaction and writes its audit event inside it."""

from .chart import TimelineItem, patient_timeline, view_record
from .checks import RecordCheck, check_record
from .consultations import override_block, record_consultation, screen_patient
from .entry import record_treatment
from .outcomes import (
    record_review,
    record_wore_off,
    report_adverse_event,
    resolve_adverse_event,
    start_touch_up,
    urgent_handoffs,
)
from .recall import ContactRun, contact_due_this_week, note_appointment, set_recall_status
from .recall_list import (
    RecallCursor,
    RecallEntry,
    RecallFilters,
    RecallPage,
    export_recall_csv,
    recall_count,
    recall_list,
    recall_rows,
)
from .records import (
    add_site,
    add_vial,
    amend_treatment,
    mirror_sites,
    previous_record,
    remove_site,
    remove_vial,
    repeat_last,
    set_site_units,
    sign_treatment,
    start_treatment,
    update_treatment,
)

__all__ = [
    "ContactRun",
    "RecallCursor",
    "RecallEntry",
    "RecallFilters",
    "RecallPage",
    "RecordCheck",
    "TimelineItem",
    "add_site",
    "add_vial",
    "amend_treatment",
    "check_record",
    "contact_due_this_week",
    "export_recall_csv",
    "mirror_sites",
    "note_appointment",
    "override_block",
    "patient_timeline",
    "previous_record",
    "recall_count",
    "recall_list",
    "recall_rows",
    "record_consultation",
    "record_review",
    "record_treatment",
    "record_wore_off",
    "remove_site",
    "remove_vial",
    "repeat_last",
    "report_adverse_event",
    "resolve_adverse_event",
    "screen_patient",
    "set_recall_status",
    "set_site_units",
    "sign_treatment",
    "start_touch_up",
    "start_treatment",
    "update_treatment",
    "urgent_handoffs",
    "view_record",
]
