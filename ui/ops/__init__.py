"""The desk's use cases that span app, scanner and sync: plain typed functions, no Qt.

Each module has one `run(..., progress, is_cancelled)` (or a few small siblings) on frozen inputs. A
view or worker wraps it in a `ui.workers.jobs.Job`; tests call it directly, with no screen and no
thread. Only this layer and the composition root (`ui/main.py`) wire packages together; an
import-linter contract keeps PySide6 out.
"""
