"""Long work off the GUI thread through one helper (conventions.md §7).

``run_in_background(fn, on_done, on_error, owner)`` runs ``fn()`` in Qt's global thread pool
and calls ``on_done(result)`` or ``on_error(exc)`` on the GUI thread — unless ``owner`` (the
widget that asked) has been deleted meanwhile. With ``on_progress``, the task is called as
``fn(report)``, and each ``report(value)`` reaches ``on_progress(value)`` on the GUI thread.
Workers never touch widgets. Tests install :class:`SynchronousRunner` to run tasks at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Lives on the GUI thread; a worker's emit is queued to it (one object for all tasks:
    no per-task QObjects to delete while their signals are in flight)."""

    finished = Signal(object, object, object)  # owner, callback, value

    def __init__(self) -> None:
        super().__init__(QCoreApplication.instance())
        self.finished.connect(self._deliver)

    @Slot(object, object, object)
    def _deliver(self, owner: QObject, callback: Callable[[Any], None], value: Any) -> None:
        if owner is not None and not shiboken6.isValid(owner):
            return  # the page that asked is gone
        callback(value)


class ThreadPoolRunner:
    def __init__(self) -> None:
        self._relay: _Relay | None = None

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        owner: QObject | None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> None:
        if self._relay is None:
            self._relay = _Relay()  # created on first use, on the GUI thread
        relay = self._relay

        def report(value: Any) -> None:
            relay.finished.emit(owner, on_progress, value)

        def work() -> None:
            try:
                result = fn(report) if on_progress is not None else fn()
            except BaseException as exc:  # handed to the GUI thread, which decides what to show
                relay.finished.emit(owner, on_error, exc)
            else:
                relay.finished.emit(owner, on_done, result)

        QThreadPool.globalInstance().start(work)


class SynchronousRunner:
    def run(self, fn, on_done, on_error, owner, on_progress=None) -> None:
        try:
            result = fn(on_progress) if on_progress is not None else fn()
        except BaseException as exc:
            on_error(exc)
        else:
            on_done(result)


runner: ThreadPoolRunner | SynchronousRunner = ThreadPoolRunner()


def run_in_background(fn, on_done, on_error, owner: QObject | None, on_progress=None) -> None:
    runner.run(fn, on_done, on_error, owner, on_progress)
