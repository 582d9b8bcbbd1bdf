"""Operations on the knowledge base, the handoff inbox and patients' questions.

One module per job; callers import the names from here.
"""

from ..entry_text import EntryText
from .answering import Reply, ask
from .imports import ImportReport, import_entries, load_starter_kb, storable_key
from .inbox import (
    close_handoff,
    purge_question_logs,
    read_handoff,
    read_inbox,
    read_question_log,
    reply_to_handoff,
    save_handoff_as_entry,
)
from .knowledge import (
    User,
    approve_entry,
    create_entry,
    edit_entry,
    mark_content_changed,
    retire_entry,
)

__all__ = [
    "EntryText",
    "ImportReport",
    "Reply",
    "User",
    "approve_entry",
    "ask",
    "close_handoff",
    "create_entry",
    "edit_entry",
    "import_entries",
    "load_starter_kb",
    "mark_content_changed",
    "purge_question_logs",
    "read_handoff",
    "read_inbox",
    "read_question_log",
    "reply_to_handoff",
    "retire_entry",
    "save_handoff_as_entry",
    "storable_key",
]
