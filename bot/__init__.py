"""The Telegram edge of carebot: the only package that imports telegram."""

import os

# PTB 22 warns (PTBDeprecationWarning) whenever it reads a time period such as
# RetryAfter.retry_after as an int; opt in to the future timedelta values instead.
# Every module of this package imports telegram after this line has run.
os.environ.setdefault("PTB_TIMEDELTA", "1")
