"""Garmin FIT workout files: emitter, reader and verifier (Garmin's own decoder)."""
