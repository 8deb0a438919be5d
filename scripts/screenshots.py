"""Photograph every dashboard page into a folder: the gallery a person looks through.

The browser tests take one 1366x768 picture of each page in Dutch and of Compare in
English (and assert that every page shows words, not raw names, and draws its charts;
the English words of every page are checked without a browser). This script runs the
same tests with ``ENERGYSIM_SCREENSHOT`` set, which adds every page in Dutch and English
at 1366x768 and 1920x1080 and of the whole page at both widths, and the Design page's
tabs, copied into the folder::

    python scripts/screenshots.py /tmp/shots    # default: ./screenshots

It needs Debian's ``chromium`` and ``chromium-driver`` (as the browser tests do), runs
from the repository root in one process (``-n 0``), and exits with pytest's status: the
pictures are only complete when every test passed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = (
    "tests/test_dashboard_browser.py",
    "tests/test_dashboard_design_browser.py",
    "tests/test_dashboard_household_browser.py",
)


def main(argv: list[str] | None = None) -> int:
    """Run the browser tests with the gallery on; return pytest's exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="screenshots", type=Path)
    args = parser.parse_args(argv)
    folder = args.folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ENERGYSIM_SCREENSHOT": str(folder)}
    code = subprocess.call(
        [sys.executable, "-m", "pytest", "-q", "-n", "0", *TESTS], cwd=REPO, env=env
    )
    shots = sorted(folder.glob("*.png"))
    print(f"{len(shots)} screenshots in {folder}")
    return code


if __name__ == "__main__":
    sys.exit(main())
