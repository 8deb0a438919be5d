"""A catalogue of bad scenario inputs, each with the words its error must contain.

Every case builds a scenario named ``mini`` (so a bad run would overwrite an earlier
``mini`` result) and the files it refers to in a folder, and returns the scenario's path.
The classes covered: the scenario file itself (missing, a folder, not TOML, not UTF-8,
binary), its fields (missing, unknown, mistyped, out of range, not finite, beyond what is
physically possible, inconsistent, names that are not folder names), and every file it
refers to (measured generation and consumption, common installations' profiles,
meter exports, allocation schedules, a dynamic supply price, weather): missing, not
UTF-8, binary, empty, wrong separator, gaps, duplicates, naive times, wrong step or year,
decimal commas, negative, empty, non-numeric or infinite cells, unknown ids, values
beyond what the arrays or connections can carry.

Used by ``tests/test_bad_input_sweep.py`` (validate and run give the same one-line
error, nothing is written, an earlier result is kept).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers import minimal, write_measured_csv, write_scenario, year_frame

Builder = Callable[[Path], Path]


@dataclass(frozen=True)
class BadInput:
    """One bad input: an id, how to build it in a folder, what its error must say."""

    id: str
    build: Builder
    expected: str


CASES: list[BadInput] = []


def case(case_id: str, expected: str) -> Callable[[Builder], Builder]:
    """Register a builder under an id with the expected words of its error."""

    def register(build: Builder) -> Builder:
        CASES.append(BadInput(case_id, build, expected))
        return build

    return register


def field_case(case_id: str, expected: str, edit: Callable[[dict[str, Any]], Any]) -> None:
    """A case that edits the minimal scenario dict."""

    def build(folder: Path) -> Path:
        data = minimal()
        edit(data)
        return write_scenario(folder, data)

    CASES.append(BadInput(case_id, build, expected))


def _b(data: dict[str, Any]) -> dict[str, Any]:
    return data["buildings"][0]


# --------------------------------------------------------------------------- the file itself
@case("file-missing", "scenario.toml: scenario file not found")
def _missing(folder: Path) -> Path:
    return folder / "scenario.toml"


@case("file-is-a-folder", "scenario.toml: expected a scenario file, found a folder")
def _folder(folder: Path) -> Path:
    (folder / "scenario.toml").mkdir()
    return folder / "scenario.toml"


@case("not-toml", "not valid TOML")
def _not_toml(folder: Path) -> Path:
    path = folder / "scenario.toml"
    path.write_text('name = "mini"\nyear = \n')
    return path


@case("latin-1", "scenario.toml: byte 63: expected UTF-8 text, found byte 0xe9")
def _latin1(folder: Path) -> Path:
    path = write_scenario(folder, minimal(description="Kade"))
    text = path.read_bytes()
    path.write_bytes(text.replace(b"Kade", "Kadé".encode("latin-1")))
    assert path.read_bytes().index(b"\xe9") == 63
    return path


@case("binary", "found a NUL byte")
def _binary(folder: Path) -> Path:
    path = folder / "scenario.toml"
    path.write_bytes(b"\x00\x01\x02name\xff" * 50)
    return path


# --------------------------------------------------------------------------- fields
field_case("missing-site", "field 'site': required field is missing", lambda d: d.pop("site"))
field_case("missing-year", "field 'year': required field is missing", lambda d: d.pop("year"))
field_case("unknown-top-key", "field 'colour': unknown key", lambda d: d.update(colour="red"))
field_case(
    "unknown-building-key",
    "field 'buildings[0].roof_colour': unknown key",
    lambda d: _b(d).update(roof_colour="green"),
)
field_case(
    "unknown-key-in-annual-table",
    "field 'buildings[0].tenants.annual_kwh.bogus_key': unknown key",
    lambda d: _b(d)["tenants"].update(annual_kwh={"mean_kwh": 2000.0, "bogus_key": 1}),
)
field_case(
    "dwellings-not-a-number",
    "field 'buildings[0].dwellings'",
    lambda d: _b(d).update(dwellings="many"),
)
field_case("year-not-a-number", "field 'year'", lambda d: d.update(year="next"))
field_case(
    "year-1900",
    "field 'year': Input should be greater than or equal to 2020",
    lambda d: d.update(year=1900),
)
field_case("time-step-30", "field 'time_step_min'", lambda d: d.update(time_step_min=30))
field_case(
    "negative-kwp",
    "field 'buildings[0].arrays[0].capacity_kwp': Input should be greater than 0",
    lambda d: _b(d)["arrays"][0].update(capacity_kwp=-3.0),
)
field_case(
    "kwp-inf",
    "field 'buildings[0].arrays[0].capacity_kwp': expected a finite number, found inf",
    lambda d: _b(d)["arrays"][0].update(capacity_kwp=float("inf")),
)
field_case(
    "kwp-nan",
    "field 'buildings[0].arrays[0].capacity_kwp': expected a finite number, found nan",
    lambda d: _b(d)["arrays"][0].update(capacity_kwp=float("nan")),
)
field_case(
    "lift-inf",
    "field 'buildings[0].common.lift_kwh_per_yr': expected a finite number",
    lambda d: _b(d)["common"].update(lift_kwh_per_yr=float("inf")),
)
field_case(
    "mean-kwh-inf",
    "field 'buildings[0].tenants.annual_kwh.mean_kwh': expected a finite number",
    lambda d: _b(d)["tenants"].update(annual_kwh={"mean_kwh": float("inf"), "sd_kwh": 1.0}),
)
field_case(
    "kwp-1e300",
    "field 'buildings[0].arrays[0].capacity_kwp': expected at most 250,000 kWp (a 1 km2 roof",
    lambda d: _b(d)["arrays"][0].update(capacity_kwp=1e300),
)
field_case(
    "kwp-as-text-1e300",
    "field 'buildings[0].arrays[0].capacity_kwp': expected a number, found '1e300' (a text)",
    lambda d: _b(d)["arrays"][0].update(capacity_kwp="1e300"),
)
field_case(
    "area-5-km2",
    "field 'buildings[0].arrays[0].area_m2': expected at most 1,000,000 m2",
    lambda d: (_b(d)["arrays"][0].pop("capacity_kwp"), _b(d)["arrays"][0].update(area_m2=5e6)),
)
field_case(
    "packing-0.5",
    "field 'buildings[0].arrays[0].packing_kwp_per_m2'",
    lambda d: (
        _b(d)["arrays"][0].pop("capacity_kwp"),
        _b(d)["arrays"][0].update(area_m2=50.0, packing_kwp_per_m2=0.5),
    ),
)
field_case(
    "kwp-and-area",
    "give exactly one of 'capacity_kwp' or 'area_m2'",
    lambda d: _b(d)["arrays"][0].update(area_m2=30.0),
)
field_case(
    "dwellings-1e12",
    "field 'buildings[0].dwellings': expected at most 10,000 dwellings",
    lambda d: _b(d).update(dwellings=1e12),
)
field_case(
    "members-1e6",
    "field 'buildings[0].members.count': expected at most 10,000 members",
    lambda d: _b(d)["members"].update(count=1_000_000, annual_kwh={"mean_kwh": 2000, "sd_kwh": 1}),
)
field_case(
    "household-1e9-kwh",
    "field 'buildings[0].tenants.annual_kwh[1]': expected at most 484,876.8 kWh/yr per household",
    lambda d: _b(d)["tenants"].update(annual_kwh=[1500.0, 1e9, 2000.0]),
)
field_case(
    "common-1e12-kwh",
    "field 'buildings[0].common.lighting_kwh_per_yr': expected at most",
    lambda d: _b(d)["common"].update(lighting_kwh_per_yr=1e12),
)
field_case(
    "participating-above-dwellings",
    "tenants.participating: expected at most dwellings=3, found 9",
    lambda d: _b(d)["tenants"].update(participating=9),
)
field_case(
    "annual-list-length",
    "tenants.annual_kwh: expected a list of 3 values, found 1",
    lambda d: _b(d)["tenants"].update(annual_kwh=[1.0]),
)
field_case(
    "per-dwelling-without-tenants",
    "per_dwelling strings need tenants.participating > 0",
    lambda d: (
        _b(d)["tenants"].update(participating=0),
        _b(d)["arrays"][0].update(setup="per_dwelling"),
    ),
)
field_case("bad-timezone", "IANA time zone", lambda d: d["site"].update(timezone="Mars/Olympus"))
field_case(
    "latitude-200", "field 'site.latitude_deg'", lambda d: d["site"].update(latitude_deg=200)
)
field_case(
    "ownership-half",
    "expected shares summing to 1, found 0.5",
    lambda d: d.update(ownership=[{"owner": "a", "owner_type": "municipality", "share_frac": 0.5}]),
)
field_case(
    "order-incomplete",
    "field 'allocation.order'",
    lambda d: d.update(allocation={"order": ["tenants", "common"]}),
)
field_case(
    "key-unknown",
    "field 'allocation.tenants.key'",
    lambda d: d.update(allocation={"tenants": {"key": {"method": "lottery"}}}),
)
field_case(
    "static-shares-above-1",
    "expected shares summing to at most 1",
    lambda d: d.update(
        allocation={"tenants": {"key": {"method": "static", "shares_frac": [0.7, 0.6]}}}
    ),
)
field_case(
    "supply-price-50",
    "field 'tariffs.supply_price_excl_vat_eur_per_kwh': expected at most 10 EUR/kWh",
    lambda d: d.update(tariffs={"supply_price_excl_vat_eur_per_kwh": 50.0}),
)
field_case(
    "capex-1e9",
    "field 'finance.capex_eur_per_kwp': expected at most 20,000 EUR/kWp",
    lambda d: d.update(finance={"capex_eur_per_kwp": 1e9}),
)
field_case(
    "static-shares-count",
    "allocation.tenants.key.shares_frac: expected 2 shares (building B1), found 3",
    lambda d: d.update(
        allocation={"tenants": {"key": {"method": "static", "shares_frac": [0.2, 0.2, 0.2]}}}
    ),
)
field_case(
    "certificates-inf",
    "field 'buildings[0].members.certificates[0]': expected a finite number",
    lambda d: _b(d)["members"].update(certificates=[float("inf"), 1.0]),
)
field_case(
    "sce-without-cooperative",
    "the SCE scheme is for a cooperative",
    lambda d: d.update(allocation={"members": {"mode": "sce"}}),
)
field_case(
    "contracted-capacity-1e9",
    "field 'buildings[0].common.contracted_capacity_kw': expected at most 10,000 kW",
    lambda d: _b(d)["common"].update(connection="large", contracted_capacity_kw=1e9),
)
field_case(
    "sd-100x-mean",
    "sd_kwh: expected at most 10 x mean_kwh",
    lambda d: _b(d)["tenants"].update(annual_kwh={"mean_kwh": 1e-300, "sd_kwh": 600.0}),
)
field_case(
    "draws-beyond-connection",
    "field 'buildings[0].tenants.annual_kwh': household 1 draws",
    lambda d: _b(d)["tenants"].update(
        annual_kwh={"distribution": "uniform", "mean_kwh": 480_000.0, "sd_kwh": 100_000.0}
    ),
)
field_case(
    "battery-1e300-kwh",
    "field 'buildings[0].battery.capacity_kwh': expected at most 100,000 kWh",
    lambda d: _b(d).update(battery={"capacity_kwh": 1e300, "power_kw": 5.0}),
)
field_case(
    "home-battery-100-kw",
    "field 'buildings[0].home_batteries.power_kw': expected at most 55.2 kW",
    lambda d: _b(d).update(home_batteries={"capacity_kwh": 10.0, "power_kw": 100.0}),
)
# the owners' VAT and the SCE's decision (energysim.money.owner_vat, energysim.money.subsidies)
field_case(
    "owner-vat-unknown",
    "field 'ownership[0].vat': Input should be 'exempt' or 'taxable'; found 'zero'",
    lambda d: d.update(
        ownership=[
            {"owner": "c", "owner_type": "housing_corporation", "share_frac": 1.0, "vat": "zero"}
        ]
    ),
)
field_case(
    "sce-decision-before-the-sce",
    "field 'finance.sce_decision_year': Input should be greater than or equal to 2021",
    lambda d: d.update(finance={"sce_decision_year": 2019}),
)
field_case(
    "sce-decision-after-the-first-year",
    "finance.sce_decision_year: expected at most the first operating year (2025",
    lambda d: d.update(
        year=2025,
        finance={"sce_decision_year": 2026},
        allocation={"members": {"mode": "sce"}},
        ownership=[{"owner": "c", "owner_type": "resident_cooperative", "share_frac": 1.0}],
    ),
)
field_case(
    "certificate-price-negative",
    "field 'finance.certificate_price_eur': Input should be greater than or equal to 0",
    lambda d: d.update(finance={"certificate_price_eur": -5.0}),
)
# file-less scenarios that load but break a rule checked before any file is read
# (energysim.inputs.preflight): validate answers without pandas and must say what run says
_COOPERATIVE = [{"owner": "coop", "owner_type": "resident_cooperative", "share_frac": 1.0}]
field_case(
    "postcoderoos-without-cooperative",
    "the POSTCODEROOS scheme is for a cooperative (or VvE) of residents",
    lambda d: d.update(allocation={"members": {"mode": "postcoderoos"}}),
)
field_case(
    "sce-small-connection-common-first",
    "buildings[B1]: allocation.order: on a small common connection (up to 3x80 A) the SCE "
    "requires 100% feed-in, found ['common', 'tenants'] before 'members'",
    lambda d: d.update(allocation={"members": {"mode": "sce"}}, ownership=_COOPERATIVE),
)
field_case(
    "feed-in-below-the-2027-floor",
    "tariffs.feed_in_compensation_excl_vat_eur_per_kwh: expected at least 0.05750 (50% of "
    "the bare supply price in 2027",
    lambda d: d.update(year=2027, tariffs={"feed_in_compensation_excl_vat_eur_per_kwh": 0.0}),
)
field_case(
    "shared-energy-tax-unknown-reading",
    "field 'tariffs.shared_energy_tax': Input should be 'charged' or 'exempt'; found 'yes'",
    lambda d: d.update(tariffs={"shared_energy_tax": "yes"}),
)
field_case(
    "feed-in-below-the-2029-floor",
    "tariffs.feed_in_compensation_excl_vat_eur_per_kwh: expected at least 0.05750 (50% of "
    "the bare supply price in 2029",
    lambda d: d.update(year=2029, tariffs={"feed_in_compensation_excl_vat_eur_per_kwh": 0.05}),
)
field_case(
    "supplier-unknown",
    "field 'tariffs.supplier': expected one of 'eneco', 'greenchoice', found 'vattenfall'",
    lambda d: d.update(tariffs={"supplier": "vattenfall"}),
)
field_case(
    "grid-operator-unknown",
    "field 'site.grid_operator': expected one of 'stedin', 'liander', 'enexis', "
    "'westland_infra', found 'tennet'",
    lambda d: d["site"].update(grid_operator="tennet"),
)
field_case(
    "contracted-capacity-above-the-operators-categories",
    "buildings.common.contracted_capacity_kw: expected at most 1500 kW for the tariff "
    "categories of Stedin in the data file, found 5000",
    lambda d: (
        d["site"].update(municipality="Rotterdam"),
        _b(d)["common"].update(connection="large", contracted_capacity_kw=5000.0),
    ),
)
field_case(
    "tariff-year-without-defaults",
    "tariffs: no default figures for 2020",
    lambda d: d.update(tariff_year=2020),
)
field_case(
    "member-draws-beyond-connection",
    "field 'buildings[0].members.annual_kwh': household 1 draws",
    lambda d: _b(d)["members"].update(
        annual_kwh={"distribution": "uniform", "mean_kwh": 480_000.0, "sd_kwh": 100_000.0}
    ),
)
for _name in (".", "..", "a/b", "", "-x", "x.", "naïve"):
    field_case(
        f"name-{_name!r}",
        "field 'name': expected a name that can be a folder name",
        lambda d, n=_name: d.update(name=n),
    )


# --------------------------------------------------------------------------- referenced files
def _csv_lines(folder: Path, name: str = "generation.csv", **columns: float) -> list[str]:
    path = write_measured_csv(folder / name, year_frame(2026, 60, columns or {"roof": 0.5}))
    return path.read_text().splitlines()


def _with_csv(
    key: str, lines_or_bytes: list[str] | bytes, name: str = "generation.csv", **extra: Any
) -> Builder:
    def build(folder: Path) -> Path:
        data = lines_or_bytes
        path = folder / name
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text("\n".join(data) + "\n")
        scenario = minimal(**extra)
        if key.startswith("buildings"):
            _b(scenario)["common"]["profiles_csv"] = name
        elif key == "schedule":
            scenario["allocation"] = {"tenants": {"key": {"method": "schedule", "path": name}}}
        elif key == "supply_price_csv":
            scenario["tariffs"] = {"supply_price_csv": name}
        elif key == "meter":
            scenario["meter_exports"] = [{"participant_id": "B1-T001", "path": name}]
        else:
            scenario[key] = name
        return write_scenario(folder, scenario)

    return build


def csv_case(case_id: str, expected: str, edit: Callable[[list[str]], Any]) -> None:
    """A measured-generation CSV with one edit."""

    def build(folder: Path) -> Path:
        lines = _csv_lines(folder)
        edit(lines)
        return _with_csv("generation_csv", lines)(folder)

    CASES.append(BadInput(f"generation-{case_id}", build, expected))


def _set(i: int, value: str) -> Callable[[list[str]], None]:
    return lambda lines: lines.__setitem__(i, lines[i].split(",")[0] + "," + value)


csv_case("gap", "generation.csv: column 'time': gap after", lambda L: L.pop(50))
csv_case("duplicate", "column 'time', row 52: duplicate timestamp", lambda L: L.insert(50, L[50]))
csv_case(
    "naive-time",
    "column 'time', row 51: expected an ISO-8601 timestamp with UTC offset",
    lambda L: L.__setitem__(50, "2026-01-03T01:00:00,0.5"),
)
csv_case(
    "decimal-comma",
    "column 'roof', row 51: expected a number with a decimal point, found decimal comma",
    _set(50, '"0,5"'),
)
csv_case("negative", "column 'roof', row 51: expected a non-negative energy", _set(50, "-1"))
csv_case("empty-cell", "row 51: expected a number [kWh], found an empty cell", _set(50, ""))
csv_case("text-cell", "row 51: expected a number [kWh], found 'abc'", _set(50, "abc"))
csv_case("inf-cell", "row 51: expected a number [kWh], found 'inf'", _set(50, "inf"))
csv_case(
    "beyond-capacity",
    "column 'roof', row 51: expected at most 7.5 kWh per interval (5 kWp x 1.5",
    _set(50, "1e300"),
)
csv_case(
    "no-time-column", "column 'time': expected a time column", lambda L: L.__setitem__(0, "t,roof")
)
csv_case("unknown-id", "column 'rooof': not a known id", lambda L: L.__setitem__(0, "time,rooof"))
csv_case("short-year", "expected the simulation year from", lambda L: L.pop())
csv_case(
    "header-only",
    "generation.csv: column 'time': expected the simulation year from "
    "2026-01-01T00:00:00+01:00 to 2026-12-31T23:00:00+01:00 (interval starts), found a "
    "header and no rows",
    lambda L: L.__delitem__(slice(1, None)),
)
csv_case(
    "extra-cell",
    "expected at most 2 cells like the header, found 3",
    lambda L: L.__setitem__(1, L[1] + ",7"),
)


def _quarter_hour_file(folder: Path) -> Path:
    lines = (
        write_measured_csv(folder / "generation.csv", year_frame(2026, 15, {"roof": 0.1}))
        .read_text()
        .splitlines()
    )
    return _with_csv("generation_csv", lines)(folder)


CASES.append(
    BadInput(
        "generation-15-min-for-hourly",
        _quarter_hour_file,
        "expected 60-minute intervals, found a step of 15 minutes",
    )
)


@case("generation-missing-file", "generation.csv: file not found (field 'generation_csv')")
def _gen_missing(folder: Path) -> Path:
    return write_scenario(folder, minimal(generation_csv="generation.csv"))


@case("consumption-missing-file", "use.csv: file not found (field 'consumption_csv')")
def _use_missing(folder: Path) -> Path:
    return write_scenario(folder, minimal(consumption_csv="use.csv"))


@case("prices-missing-file", "prices.csv: file not found (field 'tariffs.supply_price_csv')")
def _prices_missing(folder: Path) -> Path:
    return write_scenario(folder, minimal(tariffs={"supply_price_csv": "prices.csv"}))


@case(
    "common-profiles-missing-file",
    "lift.csv: file not found (field 'buildings[0].common.profiles_csv')",
)
def _profiles_missing(folder: Path) -> Path:
    data = minimal()
    _b(data)["common"]["profiles_csv"] = "lift.csv"
    return write_scenario(folder, data)


@case("generation-folder", "expected a file, found a folder (field 'generation_csv')")
def _gen_folder(folder: Path) -> Path:
    (folder / "measured").mkdir()
    return write_scenario(folder, minimal(generation_csv="measured"))


@case("generation-empty-file", "generation.csv: file is empty")
def _gen_empty(folder: Path) -> Path:
    return _with_csv("generation_csv", b"")(folder)


@case("generation-latin-1", "generation.csv: byte 6: expected UTF-8 text, found byte 0xe9")
def _gen_latin1(folder: Path) -> Path:
    lines = _csv_lines(folder)
    lines[0] = "time,roof"
    data = ("\n".join(lines) + "\n").encode().replace(b"time,roof", b"time,r\xe9of", 1)
    return _with_csv("generation_csv", data)(folder)


@case("generation-binary", "generation.csv: byte 0: expected UTF-8 text (CSV file), found a NUL")
def _gen_binary(folder: Path) -> Path:
    return _with_csv("generation_csv", bytes(range(256)))(folder)


@case("generation-semicolons", "expected comma-separated columns, found ';' as separator")
def _gen_semicolon(folder: Path) -> Path:
    lines = [line.replace(",", ";") for line in _csv_lines(folder)]
    return _with_csv("generation_csv", lines)(folder)


def file_case(
    case_id: str,
    expected: str,
    key: str,
    name: str,
    columns: dict[str, float],
    row: int | None = None,
    value: str = "",
) -> None:
    """A referenced CSV (``key`` says which) of ``columns``, one cell of ``row`` changed."""

    def build(folder: Path) -> Path:
        lines = _csv_lines(folder, name, **columns)
        if row is not None:
            lines[row] = lines[row].split(",")[0] + "," + value
        return _with_csv(key, lines, name)(folder)

    CASES.append(BadInput(case_id, build, expected))


file_case(
    "consumption-beyond-connection",
    "consumption.csv: column 'B1-T001', row 101: expected at most 55.2 kWh per interval "
    "(a dwelling's small connection",
    *("consumption_csv", "consumption.csv", {"B1-T001": 0.3}, 100, "80"),
)
file_case(
    "consumption-unknown-id",
    "consumption.csv: column 'B1-T009': not a known id",
    *("consumption_csv", "consumption.csv", {"B1-T009": 0.3}),
)
file_case(
    "common-profile-beyond-connection",
    "profiles.csv: column 'lift', row 3: expected at most 55.2 kWh per interval (a small common",
    *("buildings.common.profiles_csv", "profiles.csv", {"lift": 0.2}, 2, "60"),
)
file_case(
    "common-profile-unknown-kind",
    "profiles.csv: column 'sauna': not a known id",
    *("buildings.common.profiles_csv", "profiles.csv", {"sauna": 0.2}),
)
file_case(
    "schedule-above-1",
    "shares.csv: shares at 2026-01-01T00:00:00+01:00: expected a sum of at most 1",
    *("schedule", "shares.csv", {"B1-T001": 0.7, "B1-T002": 0.6}),
)
file_case(
    "schedule-missing-participant",
    "shares.csv: column 'B1-T002': required column is missing",
    *("schedule", "shares.csv", {"B1-T001": 0.5}),
)
file_case(
    "supply-price-beyond-limit",
    "prices.csv: column 'supply_price_excl_vat_eur_per_kwh', row 11: expected at most 10 EUR/kWh",
    *("supply_price_csv", "prices.csv", {"supply_price_excl_vat_eur_per_kwh": 0.1}, 10, "500"),
)
file_case(
    "supply-price-below-market-floor",
    "prices.csv: column 'supply_price_excl_vat_eur_per_kwh', row 11: expected at least -0.5 "
    "EUR/kWh",
    *("supply_price_csv", "prices.csv", {"supply_price_excl_vat_eur_per_kwh": 0.1}, 10, "-0.6"),
)
file_case(
    "meter-export-beyond-connection",
    "meter.csv: column 'kwh', interval 2026-01-01T04:00:00+01:00: expected at most 55.2 kWh",
    *("meter", "meter.csv", {"kwh": 0.3}, 5, "99"),
)


@case("schedule-missing", "shares.csv: file not found (field 'allocation.tenants.key.path')")
def _schedule_missing(folder: Path) -> Path:
    data = minimal(allocation={"tenants": {"key": {"method": "schedule", "path": "shares.csv"}}})
    return write_scenario(folder, data)


@case("meter-export-unknown-participant", "meter_exports: participant_id 'B1-X001' is not in")
def _meter_unknown(folder: Path) -> Path:
    lines = _csv_lines(folder, "meter.csv", kwh=0.3)
    build = _with_csv("meter", lines, "meter.csv")
    path = build(folder)
    path.write_text(path.read_text().replace('"B1-T001"', '"B1-X001"'))
    return path


@case("meter-export-missing", "meter.csv: file not found (field 'meter_exports[0].path')")
def _meter_missing(folder: Path) -> Path:
    data = minimal(meter_exports=[{"participant_id": "B1-T001", "path": "meter.csv"}])
    return write_scenario(folder, data)


@case(
    "battery-price-csv-missing",
    "day-ahead.csv: file not found (field 'buildings[0].battery.price_csv')",
)
def _battery_prices(folder: Path) -> Path:
    battery = {"capacity_kwh": 10.0, "power_kw": 5.0, "dispatch": "price_aware"}
    data = minimal()
    _b(data)["battery"] = {**battery, "price_csv": "day-ahead.csv"}
    return write_scenario(folder, data)


@case("weather-file-missing", "weather.csv: file not found (field 'weather.path')")
def _weather_missing(folder: Path) -> Path:
    return write_scenario(folder, minimal(weather={"source": "csv", "path": "weather.csv"}))


@case("weather-csv-latin-1", "weather.csv: byte 5: expected UTF-8 text")
def _weather_latin1(folder: Path) -> Path:
    (folder / "weather.csv").write_bytes(b"time,\xe9ghi,temp_air,wind_speed\n")
    return write_scenario(folder, minimal(weather={"source": "csv", "path": "weather.csv"}))


@case("weather-csv-missing-column", "weather.csv: column 'temp_air': required column is missing")
def _weather_column(folder: Path) -> Path:
    (folder / "weather.csv").write_text("time,ghi,wind_speed\n2026-01-01T00:00:00+01:00,0,1\n")
    return write_scenario(folder, minimal(weather={"source": "csv", "path": "weather.csv"}))


@case("weather-epw-garbage", "weather.epw: not a readable EPW file")
def _weather_epw(folder: Path) -> Path:
    (folder / "weather.epw").write_text("LOCATION,nowhere\nnot,an,epw\n")
    return write_scenario(folder, minimal(weather={"source": "epw", "path": "weather.epw"}))


# --------------------------------------------------------------------------- the second sweep
# Scenarios that `validate` passed and `run` turned into NaN money or a traceback, values
# that were coerced to another type, a TOML file nested too deep for the parser, sites
# outside the Netherlands: each is refused alike by both, naming the field.
field_case(
    "certificates-zero",
    "field 'buildings[0].members.certificates[1]': Input should be greater than 0; found 0.0",
    lambda d: _b(d)["members"].update(certificates=[1.0, 0.0]),
)
field_case(
    "certificates-summing-to-zero",
    "field 'buildings[0].members.certificates[0]': Input should be greater than 0; found 0.0",
    lambda d: _b(d)["members"].update(certificates=[0.0, 0.0]),
)
field_case(
    "certificates-negative",
    "field 'buildings[0].members.certificates[0]': Input should be greater than 0; found -2.0",
    lambda d: _b(d)["members"].update(certificates=[-2.0, 5.0]),
)
# the Huurcommissie's terms of a building and the households' flags of the fair keys
field_case(
    "nom-dwellings-above-participating",
    "service_costs.nom_dwellings: expected at most tenants.participating=2, found 3",
    lambda d: _b(d).update(service_costs={"nom_dwellings": 3}),
)
field_case(
    "panel-fee-maintenance-negative",
    "field 'buildings[0].service_costs.panel_fee_maintenance_eur_per_yr': Input should be "
    "greater than or equal to 0; found -1.0",
    lambda d: _b(d).update(service_costs={"panel_fee_maintenance_eur_per_yr": -1.0}),
)
field_case(
    "energy-poor-list-length",
    "tenants.energy_poor: expected a list of 3 values, found 1",
    lambda d: _b(d)["tenants"].update(energy_poor=[True]),
)
field_case(
    "income-class-unknown",
    "field 'buildings[0].members.income_class': Input should be 'low', 'middle' or 'high'; "
    "found 'poor'",
    lambda d: _b(d)["members"].update(income_class="poor"),
)
_FLOOR_KEY = {"service_cost_key": "floor_area"}
field_case(
    "floor-area-negative",
    "field 'buildings[0].floor_area_m2[1]': Input should be greater than 0; found -40.0",
    lambda d: (_b(d).update(floor_area_m2=[60.0, -40.0, 70.0]), d.update(finance=_FLOOR_KEY)),
)
field_case(
    "floor-areas-zero",
    "field 'buildings[0].floor_area_m2[0]': Input should be greater than 0; found 0.0",
    lambda d: (_b(d).update(floor_area_m2=[0.0, 0.0, 0.0]), d.update(finance=_FLOOR_KEY)),
)
for _case_id, _expected, _edit in [
    (
        "members-count-true",
        "field 'buildings[0].members.count': expected a whole number, found true (a boolean)",
        lambda d: _b(d)["members"].update(count=True, annual_kwh=[1800.0]),
    ),
    (
        "lifetime-true",
        "field 'finance.lifetime_yr': expected a whole number, found true (a boolean)",
        lambda d: d.update(finance={"lifetime_yr": True}),
    ),
    (
        "year-as-text",
        "field 'year': expected a whole number, found '2027' (a text)",
        lambda d: d.update(year="2027"),
    ),
    (
        "dwellings-as-text",
        "field 'buildings[0].dwellings': expected a whole number, found '3' (a text)",
        lambda d: _b(d).update(dwellings="3"),
    ),
    (
        "dwellings-as-decimal",
        "field 'buildings[0].dwellings': expected a whole number, found 3.0 (a decimal number)",
        lambda d: _b(d).update(dwellings=3.0),
    ),
    (
        "net-metering-yes",
        "field 'tariffs.net_metering': expected true or false, found 'yes' (a text)",
        lambda d: d.update(tariffs={"net_metering": "yes"}),
    ),
    (
        "net-metering-one",
        "field 'tariffs.net_metering': expected true or false, found 1",
        lambda d: d.update(tariffs={"net_metering": 1}),
    ),
    (
        "vat-as-text",
        "field 'tariffs.vat_frac': expected a number, found '0.21' (a text)",
        lambda d: d.update(tariffs={"vat_frac": "0.21"}),
    ),
    (
        "capacity-true",
        "field 'buildings[0].arrays[0].capacity_kwp': expected a number, found true (a boolean)",
        lambda d: _b(d)["arrays"][0].update(capacity_kwp=True),
    ),
    (
        "annual-kwh-item-as-text",
        "field 'buildings[0].tenants.annual_kwh[1]': expected a number, found '2500' (a text)",
        lambda d: _b(d)["tenants"].update(annual_kwh=[1500.0, "2500", 2000.0]),
    ),
    (
        "ev-kwh-per-day-as-text",
        "field 'buildings[0].ev_charging.kwh_per_day': expected a number, found '6' (a text)",
        lambda d: _b(d).update(ev_charging={"vehicles": 1, "kwh_per_day": "6"}),
    ),
    (
        "postcode-as-number",
        "field 'buildings[0].postcode': expected a text in quotes, found 3011",
        lambda d: _b(d).update(postcode=3011),
    ),
]:
    field_case(_case_id, _expected, _edit)
field_case(
    "archetype-unknown",
    "field 'buildings[0].tenants.archetypes[1]': Input should be 'retired_single', "
    "'working_single', 'working_couple' or 'family'; found 'student'",
    lambda d: _b(d)["tenants"].update(archetypes=["family", "student", "family"]),
)
field_case(
    "horizon-empty",
    "field 'buildings[0].arrays[0]': 'horizon_deg': expected at least one elevation",
    lambda d: _b(d)["arrays"][0].update(horizon_deg=[]),
)
field_case(
    "ev-kwh-per-day-negative",
    "field 'buildings[0].ev_charging.kwh_per_day': Input should be greater than or equal to 0",
    lambda d: _b(d).update(ev_charging={"vehicles": 1, "kwh_per_day": -5.0}),
)
field_case(
    "ev-charger-negative",
    "field 'buildings[0].ev_charging.charger_kw': Input should be greater than 0; found -5.0",
    lambda d: _b(d).update(ev_charging={"vehicles": 1, "charger_kw": -5.0}),
)
field_case(
    "ev-charger-zero",
    "field 'buildings[0].ev_charging.charger_kw': Input should be greater than 0; found 0.0",
    lambda d: _b(d).update(ev_charging={"vehicles": 1, "charger_kw": 0.0}),
)
_NL = "(the European Netherlands: the tariffs, rules and embedded weather are Dutch)"
field_case(
    "site-sydney",
    f"field 'site.latitude_deg': expected 50.7-53.6 deg N {_NL}, found -33.87",
    lambda d: d.update(site={"latitude_deg": -33.87, "longitude_deg": 151.21}),
)
field_case(
    "site-null-island",
    f"field 'site.latitude_deg': expected 50.7-53.6 deg N {_NL}, found 0",
    lambda d: d.update(site={"latitude_deg": 0.0, "longitude_deg": 0.0}),
)
field_case(
    "site-east-of-the-netherlands",
    f"field 'site.longitude_deg': expected 3.3-7.3 deg E {_NL}, found 13.4",
    lambda d: d.update(site={"latitude_deg": 52.5, "longitude_deg": 13.4}),
)
field_case(
    "timezone-not-dutch",
    "field 'site.timezone': expected 'Europe/Amsterdam' (tariff calendars, household "
    "routines and the year's intervals are Dutch local time), found 'Australia/Sydney'",
    lambda d: d["site"].update(timezone="Australia/Sydney"),
)


@case(
    "toml-nested-too-deep",
    "scenario.toml: expected a scenario (at most 6 levels of arrays and tables), found arrays "
    "or tables nested more than 32 levels deep",
)
def _deep_toml(folder: Path) -> Path:
    path = write_scenario(folder, minimal())
    depth = 100_000  # far beyond Python's recursion limit: tomllib itself fails
    path.write_text(path.read_text() + "deep = " + "[" * depth + "]" * depth + "\n")
    return path


@case(
    "toml-nested-33-arrays",
    "scenario.toml: expected a scenario (at most 6 levels of arrays and tables), found arrays "
    "or tables nested more than 32 levels deep",
)
def _deep_toml_parsed(folder: Path) -> Path:
    path = write_scenario(folder, minimal())  # tomllib reads it; energysim refuses it
    path.write_text(path.read_text() + "deep = " + "[" * 33 + "]" * 33 + "\n")
    return path

# A timestamp with a year before 1 (found by the fuzzing of tests/test_fuzz_inputs.py):
# pandas reads it, and naming it in the message raised NotImplementedError.
csv_case(
    "year-before-1",
    "generation.csv: column 'time': gap after -2026-01-01T",
    lambda lines: lines.__setitem__(10, "-" + lines[10]),
)
