"""OCR in worker processes (Tesseract is CPU-bound): cancellable, bounded, one page per task."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing.synchronize import Event
from typing import Any

from scanner.errors import CancelledError
from scanner.ocr.worker import OcrOptions, PageResult, process_page
from scanner.sources.base import Image, IsCancelled, Progress, never_cancelled, no_progress

logger = logging.getLogger(__name__)

# Documents the pool reads at once, each with a cancel event of its own (the desk's next scan is read
# while the previous page is still in Tesseract; cancelling one never stops the other).
RUN_SLOTS = 4

_cancel_events: tuple[Event, ...] = ()


def _init_worker(events: tuple[Event, ...]) -> None:
    global _cancel_events
    _cancel_events = tuple(events)
    os.environ["OMP_THREAD_LIMIT"] = "1"


# A page to read: (image, dpi), or (image, dpi, photo) where photo says the sheet may need finding
# (see scanner.sources.base.Page.photo; without it the sheet is looked for).
PageItem = tuple[Image, int] | tuple[Image, int, bool]


def _unpack(item: PageItem) -> tuple[Image, int, bool]:
    return (item[0], item[1], item[2]) if len(item) == 3 else (item[0], item[1], True)


def _task(
    index: int, image: Image, dpi: int, options: OcrOptions, photo: bool = True, slot: int = 0
) -> PageResult:
    def cancelled() -> bool:
        return slot < len(_cancel_events) and _cancel_events[slot].is_set()

    return process_page(index, image, dpi, options, cancelled, photo)


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 2)))


class OcrPool:
    """A pool of spawned worker processes, reusable across documents; close() or use `with`.

    Up to RUN_SLOTS `run` calls (threads) may share it at once: their pages queue for the same
    workers, and each run is cancelled on its own.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        os.environ["OMP_THREAD_LIMIT"] = "1"  # inherited by the workers and their tesseract children
        ctx = multiprocessing.get_context("spawn")  # fork is unsafe beside Qt's threads
        self._events = tuple(ctx.Event() for _ in range(RUN_SLOTS))
        self._free: queue.Queue[int] = queue.Queue()
        for slot in range(RUN_SLOTS):
            self._free.put(slot)
        self._executor = ProcessPoolExecutor(
            self.workers, ctx, initializer=_init_worker, initargs=(self._events,)
        )

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def run(
        self,
        pages: Iterable[PageItem],
        options: OcrOptions,
        progress: Progress = no_progress,
        is_cancelled: IsCancelled = never_cancelled,
        total: int = 0,
    ) -> Iterator[PageResult]:
        """Yield results in page order; at most 2×workers pages are in flight (bounded memory)."""
        slot = self._free.get()  # waits while RUN_SLOTS other runs hold the pool
        self._events[slot].clear()
        try:
            yield from self._run(slot, pages, options, progress, is_cancelled, total)
        finally:
            self._free.put(slot)

    def _run(
        self,
        slot: int,
        pages: Iterable[PageItem],
        options: OcrOptions,
        progress: Progress,
        is_cancelled: IsCancelled,
        total: int,
    ) -> Iterator[PageResult]:
        pending: dict[int, Future[PageResult]] = {}
        ready: dict[int, PageResult] = {}
        source = iter(enumerate(pages))
        next_out, exhausted, done = 0, False, 0
        while True:
            while not exhausted and len(pending) < 2 * self.workers:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                index, (image, dpi, photo) = item[0], _unpack(item[1])
                pending[index] = self._executor.submit(_task, index, image, dpi, options, photo, slot)
            if not pending and next_out not in ready:
                return
            finished, _ = wait(list(pending.values()), timeout=0.1, return_when=FIRST_COMPLETED)
            if is_cancelled():
                self._cancel(pending, slot)
            for index in [i for i, f in pending.items() if f in finished]:
                ready[index] = pending.pop(index).result()
                done += 1
                progress(done, total)
            while next_out in ready:
                yield ready.pop(next_out)
                next_out += 1

    def _cancel(self, pending: dict[int, Future[Any]], slot: int) -> None:
        self._events[slot].set()  # this run's pages: the workers kill their tesseract at once
        for future in pending.values():
            future.cancel()
        wait(list(pending.values()), timeout=30)
        raise CancelledError("OCR cancelled by the user")


def ocr_pages(
    pages: Iterable[PageItem],
    options: OcrOptions | None = None,
    progress: Progress = no_progress,
    is_cancelled: IsCancelled = never_cancelled,
    workers: int | None = None,
) -> list[PageResult]:
    """Clean and OCR `(image, dpi)` pages; workers=0 runs in this process (no start-up cost)."""
    options = options or OcrOptions()
    total = len(pages) if isinstance(pages, list) else 0
    if workers == 0:
        out = []
        for index, item in enumerate(pages):
            if is_cancelled():
                raise CancelledError("OCR cancelled by the user")
            image, dpi, photo = _unpack(item)
            out.append(process_page(index, image, dpi, options, is_cancelled, photo))
            progress(index + 1, total)
        return out
    with OcrPool(workers) as pool:
        return list(pool.run(pages, options, progress, is_cancelled, total=total))
