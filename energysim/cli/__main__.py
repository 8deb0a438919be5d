"""``python -m energysim.cli``: the ``energysim`` command without its console script."""

from __future__ import annotations

from energysim.cli.main import console

if __name__ == "__main__":
    console()
