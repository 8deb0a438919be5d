"""``python -m energysim.cli``: the ``energysim`` command without its console script."""

from __future__ import annotations

import sys

from energysim.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
