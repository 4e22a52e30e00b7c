"""intervals.icu workout text: emitter, reader and syntax check."""
