"""Dutch municipalities and the regions policy staff report on: province and RES region.

The shipped table (``energysim/data/regions/``, provenance in its ``SOURCE.md``) holds the
342 municipalities of the municipal division of 1 January 2023, keyed by CBS code
(``GMxxxx``), with their province and their RES region (one of the 30 regions of the
Regionale Energiestrategie). A second table lists the codes of municipalities merged away
since 2021 and the municipality they joined, so a register with an old code is counted in
the right place (and says so).

A code that is in neither table is an error naming the code and the table's date: the
table may be older than the register (a merger after 1 January 2023), and a newer table in
the same format can be given instead (:func:`load_region_table` with a path).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from energysim.core.errors import DataError

TABLE_COLUMNS = ("municipality_code", "municipality", "province_code", "province", "res_region")
FORMER_COLUMNS = ("former_code", "former_name", "successor_code", "since")
CODE_PATTERN = re.compile(r"GM\d{4}")
SHIPPED_DIVISION = "municipal division of 1 January 2023 (342 municipalities)"
SHIPPED_SOURCE = (
    "energysim/data/regions (assembled November 2026 from public lists of CBS codes and RES "
    "regions; see its SOURCE.md)"
)
# Names people write for a municipality whose official name differs (CBS spelling first).
_ALIASES = {"sgravenhage": ("denhaag",), "shertogenbosch": ("denbosch",)}


@dataclass(frozen=True)
class RegionTable:
    """Municipality -> province and RES region, plus former codes.

    Attributes
    ----------
    municipalities : pandas.DataFrame
        Indexed by ``municipality_code``; columns ``municipality``, ``province_code``,
        ``province``, ``res_region``.
    former : pandas.DataFrame
        Indexed by ``former_code``; columns ``former_name``, ``successor_code`` (empty when
        the municipality was split), ``since`` (ISO date).
    source : str
        Where the table comes from and which division it is.
    """

    municipalities: pd.DataFrame
    former: pd.DataFrame
    source: str

    @property
    def division(self) -> str:
        """Which division the table is, short, for messages."""
        return SHIPPED_DIVISION if self.source.startswith(SHIPPED_DIVISION) else self.source

    def resolve(self, code: str) -> tuple[str, str]:
        """Return the current code for ``code`` and a note when it was a former one.

        Raises
        ------
        KeyError
            With a one-line explanation, for a code in neither table or a municipality
            that was split between several others.
        """
        if code in self.municipalities.index:
            return code, ""
        if code in self.former.index:
            row = self.former.loc[code]
            if not row.successor_code:
                raise KeyError(
                    f"{code} ({row.former_name}) was split between several municipalities on "
                    f"{row.since}: give the code of the municipality the installation now lies in"
                )
            successor = self.municipalities.loc[row.successor_code, "municipality"]
            return row.successor_code, (
                f"former code {code} ({row.former_name}, merged on {row.since}) counted as "
                f"{row.successor_code} {successor}"
            )
        raise KeyError(
            f"{code} is not a municipality of the region table ({self.source}); a merger "
            "after that date needs a newer table (--regions FILE)"
        )

    def names_match(self, code: str, written: str) -> bool:
        """Whether a name written in a register can mean municipality ``code``.

        Case, accents, punctuation and a province suffix such as ``(NH.)`` are ignored;
        ``Den Haag`` and ``Den Bosch`` are accepted for their official names; the name of a
        former municipality merged into ``code`` is accepted too.
        """
        official = normalise_name(str(self.municipalities.loc[code, "municipality"]))
        names = {official, _bare(official), *_ALIASES.get(official, ())}
        formers = self.former[self.former["successor_code"] == code]["former_name"]
        names.update(normalise_name(str(n)) for n in formers)
        return normalise_name(written) in names or _bare(normalise_name(written)) in names

    def codes_by_name(self) -> dict[str, set[str]]:
        """Every name a register may write for a municipality, normalised, -> current codes.

        The official name with and without its province suffix (``bergen`` is Bergen (L.)
        and Bergen (NH.)), Den Haag and Den Bosch, and the names of former municipalities
        merged into one (a split one, Haaren, has none).
        """
        names: dict[str, set[str]] = {}
        for code, official in self.municipalities["municipality"].items():
            written = normalise_name(str(official))
            for name in {written, _bare(written), *_ALIASES.get(written, ())}:
                names.setdefault(name, set()).add(str(code))
        for former in self.former.itertuples():
            if former.successor_code:
                names.setdefault(normalise_name(str(former.former_name)), set()).add(
                    str(former.successor_code)
                )
        return names

    def closest_names(self, written: str, n: int = 3) -> list[str]:
        """Up to ``n`` official names closest to ``written`` (difflib), best first."""
        by_name = self.codes_by_name()
        close = difflib.get_close_matches(normalise_name(written), list(by_name), n=2 * n)
        official = self.municipalities["municipality"]
        shown = [str(official[code]) for name in close for code in sorted(by_name[name])]
        return list(dict.fromkeys(shown))[:n]

    def code_for_name(self, written: str) -> str | None:
        """The current code of a municipality written by name; None when unknown or ambiguous."""
        matches = [str(c) for c in self.municipalities.index if self.names_match(str(c), written)]
        return matches[0] if len(matches) == 1 else None


def normalise_name(name: str) -> str:
    """Lower-case ASCII letters and digits of a name, keeping a province suffix's letters."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9()]", "", ascii_name.lower())


def _bare(normalised: str) -> str:
    return re.sub(r"\(.*\)", "", normalised)


def load_region_table(path: str | Path | None = None) -> RegionTable:
    """Load the shipped region table, or a user's table in the same format.

    Parameters
    ----------
    path : str or Path, optional
        A CSV with the columns of ``municipalities.csv`` (``municipality_code``,
        ``municipality``, ``province_code``, ``province``, ``res_region``). A user's table
        has no former codes.

    Raises
    ------
    DataError
        When the user's table is missing, has a missing column, an empty cell, a malformed
        or repeated code.
    """
    if path is None:
        folder = resources.files("energysim") / "data" / "regions"
        with resources.as_file(folder / "municipalities.csv") as file:
            table = pd.read_csv(file, dtype=str, keep_default_na=False)
        with resources.as_file(folder / "former_municipalities.csv") as file:
            former = pd.read_csv(file, dtype=str, keep_default_na=False)
        source = f"{SHIPPED_DIVISION}, {SHIPPED_SOURCE}"
        label = "energysim/data/regions/municipalities.csv"
    else:
        from energysim.core.series_csv import read_text_table

        table = read_text_table(Path(path), "region table")
        former = pd.DataFrame(columns=list(FORMER_COLUMNS), dtype=str)
        source = f"user's table {path}"
        label = str(path)
    _check_table(table, label)
    return RegionTable(
        table[list(TABLE_COLUMNS)].set_index("municipality_code"),
        former.set_index("former_code"),
        source,
    )


def _check_table(table: pd.DataFrame, label: str) -> None:
    for column in TABLE_COLUMNS:
        if column not in table.columns:
            raise DataError(f"{label}: column '{column}': required column is missing")
    if table.empty:
        raise DataError(f"{label}: expected one row per municipality, found none")
    for column in TABLE_COLUMNS:
        empty = table[column] == ""
        if empty.any():
            row = int(table.index[empty][0]) + 2
            raise DataError(f"{label}: row {row}, column '{column}': empty cell")
    bad = ~table["municipality_code"].str.fullmatch(CODE_PATTERN.pattern)
    if bad.any():
        i = table.index[bad][0]
        raise DataError(
            f"{label}: row {int(i) + 2}, column 'municipality_code': expected a CBS code "
            f"GM followed by 4 digits, found {table.loc[i, 'municipality_code']!r}"
        )
    repeated = table["municipality_code"].duplicated()
    if repeated.any():
        i = table.index[repeated][0]
        raise DataError(
            f"{label}: row {int(i) + 2}, column 'municipality_code': "
            f"{table.loc[i, 'municipality_code']} appears twice"
        )
