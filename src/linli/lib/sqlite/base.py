"""SQLite, with writers of one process queuing on a lock instead of on SQLite's busy handler.

SQLite lets one writer at a time. A transaction that finds the write lock taken waits in
SQLite's busy handler, which sleeps in growing steps (up to 100 ms), so under sixteen
concurrent requests a few writers sleep far longer than the writes they wait for. Here
each `BEGIN IMMEDIATE` of this process first takes a process-wide lock, so threads wait
their turn exactly as long as the writer before them; other processes (the worker) still
meet on SQLite's own lock and busy timeout.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

WRITE_LOCK = threading.Lock()


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def _start_transaction_under_autocommit(self) -> None:
        WRITE_LOCK.acquire()
        self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            WRITE_LOCK.release()

    def _commit(self) -> Any:
        try:
            return super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
