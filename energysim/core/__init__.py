"""The ground floor: errors, a run's messages, safe names, text and CSV files,
publishing results atomically.

Nothing here knows of scenarios, energy or money; every other sub-package may import it.
"""
