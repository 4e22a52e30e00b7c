"""Zwift workouts (.zwo): emitter, reader and schema validation."""
