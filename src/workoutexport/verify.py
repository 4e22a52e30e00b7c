"""Verifying emitted files with each format's reference reader.

FIT goes through Garmin's own decoder (garmin-fit-sdk), TCX through Garmin's schema; the
format table (`formats`) says which is which.
"""

from __future__ import annotations

from .formats import verify
from .formats.fit.verify import VerifyError, decode_fit

__all__ = ["VerifyError", "decode_fit", "verify"]
