"""Readers of weather files: EPW, PVGIS TMY, KNMI hourly station data, plain CSV.

Each returns a frame with the columns :data:`COLUMNS` on the file's own time axis
(interval-start labels); :func:`energysim.inputs.weather.to_year.weather_for_year` puts it
on the simulation axis.

References
----------
KNMI hourly station data (uurgeg), https://www.knmi.nl (format legend in each file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from energysim.core.errors import DataError
from energysim.core.series_csv import parse_timestamps, read_csv_text
from energysim.inputs.weather.sun import decompose, solar_position

COLUMNS = ("ghi", "dni", "dhi", "temp_air", "wind_speed")
"""The columns of every weather frame, in this order (pvlib names) [W/m2, degC, m/s]."""
J_PER_CM2_H_TO_W_PER_M2 = 1e4 / 3600.0
KNMI_STATIONS_DEG: dict[int, tuple[float, float]] = {
    # station: (latitude, longitude), KNMI station list; used when a file has no station table
    235: (52.928, 4.781),  # De Kooy
    240: (52.318, 4.790),  # Schiphol
    260: (52.100, 5.180),  # De Bilt
    270: (53.224, 5.752),  # Leeuwarden
    280: (53.125, 6.585),  # Eelde
    290: (52.274, 6.891),  # Twenthe
    310: (51.442, 3.596),  # Vlissingen
    344: (51.962, 4.447),  # Rotterdam
    370: (51.451, 5.377),  # Eindhoven
    380: (50.906, 5.762),  # Maastricht
}


def _frame(index: pd.DatetimeIndex, data: dict[str, Any]) -> pd.DataFrame:
    out = pd.DataFrame({c: np.asarray(data[c], dtype=np.float64) for c in COLUMNS}, index=index)
    out.index.name = "time"
    return out


def _restamp(index: pd.DatetimeIndex, year: int) -> pd.DatetimeIndex:
    """Put every timestamp in ``year`` (same month, day, time and offset); Feb 29 dropped."""
    keep = ~((index.month == 2) & (index.day == 29))
    if not keep.all():
        raise DataError("weather: a leap day cannot be moved to another year")
    return pd.DatetimeIndex([ts.replace(year=year) for ts in index], name=index.name)


def read_epw(path: str | Path, year: int) -> pd.DataFrame:
    """Read an EPW file (pvlib), stamping the data with ``year``.

    EPW labels each hour by its end; pvlib's index labels the start. The year column of
    some files is not the data's year (the KNMI Rotterdam 2018-2021 files say 1995), so
    the caller's year wins. A file without 29 February (8,760 rows) in a leap year keeps
    that gap; :func:`energysim.inputs.weather.to_year.weather_for_year` fills it.

    Raises
    ------
    DataError
        When the file cannot be read as EPW.
    """
    import pvlib

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: weather file not found")
    try:
        data, _ = pvlib.iotools.read_epw(path, coerce_year=year)
    except (ValueError, KeyError, IndexError, pd.errors.ParserError) as exc:
        raise DataError(f"{path}: not a readable EPW file ({exc})") from None
    for c in COLUMNS:
        if c not in data or data[c].isna().all():
            raise DataError(f"{path}: column '{c}': missing in the EPW data")
    return _frame(pd.DatetimeIndex(data.index), {c: data[c] for c in COLUMNS})


def read_pvgis_tmy(path: str | Path, year: int) -> pd.DataFrame:
    """Read a PVGIS TMY file (JSON or CSV, pvlib), re-stamped to ``year``.

    PVGIS picks each month from another year and stamps hours in UTC at their start.

    Raises
    ------
    DataError
        When the file cannot be read.
    """
    import pvlib

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: weather file not found")
    try:
        data, _ = pvlib.iotools.read_pvgis_tmy(path, map_variables=True)
    except (ValueError, KeyError, IndexError, TypeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not a readable PVGIS TMY file ({exc})") from None
    missing = [c for c in COLUMNS if c not in data.columns]
    if missing:
        raise DataError(f"{path}: column '{missing[0]}': missing in the PVGIS data")
    data = data[~((data.index.month == 2) & (data.index.day == 29))]
    index = _restamp(pd.DatetimeIndex(data.index), year)
    order = np.argsort(index.asi8)
    return _frame(index[order], {c: data[c].to_numpy()[order] for c in COLUMNS})


def read_knmi_uurgeg(
    path: str | Path, *, latitude_deg: float | None = None, longitude_deg: float | None = None
) -> pd.DataFrame:
    """Read a KNMI hourly station file (``uurgeg_*.txt``).

    Columns used: ``YYYYMMDD``, ``HH`` (1-24, the hour *ending* at HH in UT), ``Q``
    (global radiation, J/cm2 per hour), ``T`` (0.1 degC), ``FH`` (hourly mean wind,
    0.1 m/s). DNI and DHI come from the Erbs decomposition at the station's position:
    given, else from the file's station table, else from :data:`KNMI_STATIONS_DEG`.

    Returns
    -------
    pandas.DataFrame
        UTC index labelling the start of each hour.

    Raises
    ------
    DataError
        When the header or a needed column is missing, or a value is not a number.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: weather file not found")
    lines = path.read_text(encoding="latin-1").splitlines()
    header_i = next(
        (i for i, s in enumerate(lines) if s.lstrip("# ").startswith("STN,YYYYMMDD")), None
    )
    if header_i is None:
        raise DataError(f"{path}: expected a KNMI header line '# STN,YYYYMMDD,HH,...', found none")
    names = [c.strip() for c in lines[header_i].lstrip("#").split(",")]
    for col in ("YYYYMMDD", "HH", "Q", "T", "FH"):
        if col not in names:
            raise DataError(f"{path}: column '{col}': missing in the KNMI header")
    rows = [s.split(",") for s in lines[header_i + 1 :] if s.strip() and not s.startswith("#")]
    if not rows:
        raise DataError(f"{path}: expected hourly rows after the header, found none")
    if latitude_deg is not None and longitude_deg is not None:
        station = (latitude_deg, longitude_deg)
    else:
        station = _knmi_station(path, lines[:header_i], rows[0][0].strip())
    table = pd.DataFrame(rows, columns=names[: len(rows[0])] if rows else names).apply(
        lambda s: s.str.strip()
    )
    values = {}
    for col in ("YYYYMMDD", "HH", "Q", "T", "FH"):
        num = pd.to_numeric(table[col], errors="coerce")
        if num.isna().any():
            i = int(np.flatnonzero(num.isna().to_numpy())[0])
            raise DataError(
                f"{path}: column '{col}', data row {i + 1}: expected a number, "
                f"found {table[col].iloc[i]!r}"
            )
        values[col] = num.to_numpy()
    day = pd.to_datetime(values["YYYYMMDD"].astype(np.int64).astype(str), format="%Y%m%d", utc=True)
    start = pd.DatetimeIndex(day) + pd.to_timedelta(values["HH"] - 1, unit="h")
    ghi = values["Q"] * J_PER_CM2_H_TO_W_PER_M2
    mid = start + pd.Timedelta(minutes=30)
    pos = solar_position(mid, station[0], station[1])
    dni, dhi = decompose(ghi, pos["zenith"], mid.day_of_year.to_numpy())
    return _frame(
        start,
        {
            "ghi": ghi,
            "dni": dni,
            "dhi": dhi,
            "temp_air": values["T"] / 10.0,
            "wind_speed": values["FH"] / 10.0,
        },
    )


def _knmi_station(path: Path, header: list[str], stn: str) -> tuple[float, float]:
    """Latitude and longitude of a KNMI station: header table, else the built-in list."""
    for i, line in enumerate(header):
        if "LON(east)" in line and "LAT(north)" in line:
            for row in header[i + 1 :]:
                parts = row.lstrip("#").replace(":", " ").split()
                try:
                    return float(parts[2]), float(parts[1])
                except (IndexError, ValueError):
                    continue
    if stn.isdigit() and int(stn) in KNMI_STATIONS_DEG:
        return KNMI_STATIONS_DEG[int(stn)]
    raise DataError(
        f"{path}: station {stn!r}: position unknown (no station table in the header); "
        "give latitude_deg and longitude_deg"
    )


def read_weather_csv(path: str | Path) -> pd.DataFrame:
    """Read a plain weather CSV.

    A ``time`` column with ISO-8601 timestamps with UTC offset labelling the start of
    each interval, and ``ghi``, ``temp_air``, ``wind_speed`` (``dni`` and ``dhi``
    optional: decomposed from ``ghi`` when absent) [W/m2, degC, m/s].

    Raises
    ------
    DataError
        Missing column, naive or duplicate timestamp, non-numeric value.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: weather file not found")
    raw = read_csv_text(path, "weather CSV")
    for col in ("time", "ghi", "temp_air", "wind_speed"):
        if col not in raw.columns:
            raise DataError(f"{path}: column '{col}': required column is missing")
    naive = ~raw["time"].str.strip().str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$")
    if naive.any():
        i = int(np.flatnonzero(naive.to_numpy())[0])
        raise DataError(
            f"{path}: column 'time', row {i + 2}: expected an ISO-8601 timestamp with UTC offset, "
            f"found {raw['time'].iloc[i]!r}"
        )
    index = parse_timestamps(path, "time", raw["time"].str.strip(), utc=True, iso=True)
    if index.duplicated().any():
        i = int(np.flatnonzero(index.duplicated())[0])
        raise DataError(f"{path}: column 'time', row {i + 2}: duplicate timestamp")
    data: dict[str, Any] = {}
    for col in COLUMNS:
        if col not in raw.columns:
            data[col] = np.full(len(raw), np.nan)
            continue
        text = raw[col].str.strip()
        if text.str.fullmatch(r"-?\d+,\d+").any():
            i = int(np.flatnonzero(text.str.fullmatch(r"-?\d+,\d+").to_numpy())[0])
            raise DataError(
                f"{path}: column '{col}', row {i + 2}: expected a decimal point, "
                f"found {text.iloc[i]!r}"
            )
        num = pd.to_numeric(text, errors="coerce")
        if num.isna().any():
            i = int(np.flatnonzero(num.isna().to_numpy())[0])
            raise DataError(
                f"{path}: column '{col}', row {i + 2}: expected a number, found {text.iloc[i]!r}"
            )
        data[col] = num.to_numpy()
    order = np.argsort(index.asi8)
    return _frame(index[order], {c: np.asarray(v)[order] for c, v in data.items()})
