"""Command line: ``energysim run | validate | compare | design | explain | ownership | routes |
batch | statements | report | tariffs | keys``.

Parses arguments, calls the library, prints. No logic lives here. Bad input (including
bad arguments) ends with one line on stderr and exit status 2; nothing is written to the
output folder. A batch in which any unit failed exits with status 3.

- :mod:`energysim.cli.main`: the argument parser of every command, :func:`main` (errors
  to exit statuses) and :func:`~energysim.cli.main.console`, the console script's entry
  point (``run`` and ``validate`` end without Python's teardown).
- :mod:`energysim.cli.commands`: what each command does: call the library, print, write.
- :mod:`energysim.cli.summary`: the text of a run's key figures.
- ``python -m energysim.cli`` runs :func:`energysim.cli.main.console` (``__main__.py``).
"""
