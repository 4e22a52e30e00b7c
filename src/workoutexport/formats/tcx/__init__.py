"""TCX (Training Center Database v2) workouts: emitter, reader and schema validation."""
