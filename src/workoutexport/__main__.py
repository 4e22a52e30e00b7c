"""`python -m workoutexport`."""

from .cli import main

main()
