"""The file of cached vectors is shared by processes: parallel test workers, server workers."""

import sqlite3
import threading

from glabella.assistant.engine.vector_cache import SqliteStore


def test_a_reader_is_not_kept_waiting_by_another_process_mid_write(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "vectors.sqlite3"
    store = SqliteStore(path)
    store.put_many({"kept": b"\x01"})
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")  # another process's write, not yet committed
    other.execute("INSERT INTO vectors VALUES ('new', x'02')")

    assert store.get_many(["kept", "new"]) == {"kept": b"\x01"}
    other.rollback()


def test_a_writer_waits_for_another_process_s_write_instead_of_failing(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "vectors.sqlite3"
    store = SqliteStore(path)
    other = sqlite3.connect(path, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO vectors VALUES ('first', x'01')")
    threading.Timer(1.0, other.commit).start()  # the other write ends after a second

    store.put_many({"second": b"\x02"})

    assert store.get_many(["first", "second"]) == {"first": b"\x01", "second": b"\x02"}
