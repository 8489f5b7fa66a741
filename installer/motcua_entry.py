"""Entry script of the frozen build (`dist/motcua/motcua`): the same dispatcher as `python -m app`."""

from __future__ import annotations

import multiprocessing
import sys

from app.__main__ import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # OCR worker processes re-enter here when frozen
    sys.exit(main())
