"""What a run returns and writes: the run's ``Result``, its tables, a participant's
audit, the output files.

Imports every layer below it; nothing below imports it.
"""
