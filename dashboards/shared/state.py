"""The session's scenario without streamlit: where it came from, whether it runs, its run.

The scenario being explored is ONE dict, the parsed TOML of an example or an upload,
changed only by the form (:mod:`dashboards.shared.form`). Every page runs the
:class:`~energysim.config.scenario.Scenario` validated from it. Everything here is plain
Python, testable without a browser; the rules stay in :mod:`energysim`.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from dashboards.shared.form import form_fields
from dashboards.shared.i18n import t
from dashboards.shared.upload_files import (
    MAX_SCENARIO_BYTES,
    refuse_large_file,
    refuse_server_files,
    refuse_slow_scenario,
)
from energysim.config.plausibility import plausibility_warnings
from energysim.config.scenario import (
    Scenario,
    scenario_errors,
    scenario_from_dict,
    scenario_to_toml,
)
from energysim.core.errors import EnergysimError, ScenarioError
from energysim.core.textfile import parse_toml
from energysim.inputs.kept_profiles import KeptProfiles
from energysim.inputs.preflight import resolve
from energysim.results.statement_files import statement_header
from energysim.results.statements import content_hash, statement_table
from energysim.results.tables import (
    participants_table,
    service_costs_table,
    summary,
    timeseries_table,
)
from energysim.results.warnings import result_warnings
from energysim.simulate import run

REPO = Path(__file__).resolve().parents[2]
SCENARIO_DIR = REPO / "scenarios"
DEFAULT_EXAMPLE = "rotterdam-galerijflat"


# --------------------------------------------------------------------------- sources
@dataclass(frozen=True)
class Source:
    """Where the scenario came from: its file name, example or upload, and the folder
    its relative paths resolve against."""

    name: str
    kind: Literal["example", "upload"]
    base_dir: Path


def examples() -> dict[str, Path]:
    """Example scenarios by name."""
    return {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.toml"))}


def load_example(name: str) -> tuple[dict[str, Any], Source]:
    """The example's TOML as a dict, and where it came from."""
    path = examples()[name]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return data, Source(path.name, "example", path.parent)


def parse_upload(data: bytes, name: str) -> tuple[dict[str, Any], Source]:
    """Parse an uploaded TOML file; a one-line ScenarioError when it is not TOML, larger
    than 1 MB, or too large to run quickly (:mod:`dashboards.shared.upload_files`).

    Relative paths in an upload resolve against the examples folder, so a copy of an
    example with measured data still finds its CSV files; a path to any other file on
    the server is refused (:mod:`dashboards.shared.upload_files`).
    """
    refuse_large_file(len(data), name, MAX_SCENARIO_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(t("upload.not_utf8", name=name)) from None
    parsed = parse_toml(text, name, ScenarioError)
    refuse_server_files(parsed, name, SCENARIO_DIR)
    refuse_slow_scenario(parsed, name)
    return parsed, Source(name, "upload", SCENARIO_DIR)


# --------------------------------------------------------------------------- checks
@dataclass
class Check:
    """The scenario validated from the dict, or everything wrong with it."""

    scenario: Scenario | None
    errors: list[str] = field(default_factory=list)
    at_field: dict[str, str] = field(default_factory=dict)
    """Form field path -> what is wrong with it (without file and field name)."""

    @property
    def ok(self) -> bool:
        return self.scenario is not None and not self.errors


_FIELD_PREFIX = re.compile(r"^.*?field '([^']+)': (?:([A-Za-z_][\w.\[\]]*): )?")


def error_field(message: str, paths: list[str]) -> str | None:
    """The form field a library message is about, if the form shows it.

    The library names fields as ``field 'buildings[0].dwellings': ...``; a building's
    own checks name the inner field first (``field 'buildings[0]': tenants.participating:
    ...``); a year without tariffs is about the year.
    """
    match = _FIELD_PREFIX.search(message)
    if match is None:
        return "year" if "tariffs: no default figures" in message and "year" in paths else None
    loc, inner = match.group(1), match.group(2)
    candidates = ([f"{loc}.{inner}"] if inner else []) + [loc]
    for candidate in candidates:
        for path in paths:
            if candidate == path or candidate.startswith((path + ".", path + "[")):
                return path
    return None


def field_message(message: str) -> str:
    """What a field itself needs to say of a library message: no file, no field name."""
    if _FIELD_PREFIX.search(message):
        return _FIELD_PREFIX.sub("", message, count=1)
    return re.sub(r"^\S+\.toml: ", "", message)


def named(message: str, source: Source) -> str:
    """A library message that names the scenario file (prefixed when it does not)."""
    return message if message.startswith(f"{source.name}:") else f"{source.name}: {message}"


def check(data: dict[str, Any], source: Source) -> Check:
    """Validate the dict through the library: every schema problem, then the year's
    tariffs; each problem also at the form field it is about."""
    paths = [f.path for f in form_fields(data)]
    try:
        scenario = scenario_from_dict(data, base_dir=source.base_dir, source=source.name)
        resolve(scenario)
    except ScenarioError as exc:
        errors = scenario_errors(data, base_dir=source.base_dir, source=source.name)
        errors = errors or [named(str(exc), source)]
    except EnergysimError as exc:
        errors = [named(str(exc), source)]
    else:
        return Check(scenario)
    at_field: dict[str, str] = {}
    for error in errors:
        path = error_field(error, paths)
        if path is not None:
            at_field.setdefault(path, field_message(error))
    return Check(None, errors, at_field)


# --------------------------------------------------------------------------- runs
def to_toml(scenario: Scenario) -> str:
    """TOML text of a scenario, for download and batch runs."""
    return scenario_to_toml(scenario)


def scenario_key(scenario: Scenario) -> str:
    """JSON of a scenario: the key of the run cache."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True)


def scenario_warnings(scenario: Scenario) -> list[str]:
    """The library's plausibility warnings on the scenario itself, without running it
    (kWp per dwelling, ...): what a page that does not run the scenario can say. A run's
    ``warnings`` (:func:`simulate`) hold these too, first."""
    return plausibility_warnings(scenario)


KEPT = KeptProfiles(64 * 2**20)
"""Household profiles the server keeps between its runs (:mod:`energysim.inputs.kept_profiles`):
an edit that leaves the households as they were (the roof, keys, fees, owners) does not
draw them again; 64 MiB holds the default example's 110 households two times over."""


def simulate(scenario_json: str) -> dict[str, Any]:
    """Run a scenario given as JSON (the cache key) and return what the pages show.

    ``warnings``: the library's plausibility warnings on the scenario and its results
    (kWp per dwelling, a household gaining more than its whole bill, ...); ``notes``:
    the run's other messages (estimated figures, households left out, ...). The
    statements of the households are not among them: only the Results page's household
    view needs them, and they cost a third of what the tables here cost
    (:func:`statements`, made when that view is opened).
    """
    scenario = Scenario.model_validate_json(scenario_json)
    result = run(scenario, kept_profiles=KEPT)  # an edit of the roof: the same households
    s = summary(result)
    warnings = list(dict.fromkeys(scenario_warnings(scenario) + result_warnings(result)))
    return {
        "summary": s,
        "warnings": warnings,
        "notes": [m for m in s["messages"] if m not in warnings],
        "participants": participants_table(result),
        "timeseries": timeseries_table(result),
        "service_costs": service_costs_table(result),
    }


def statements(scenario_json: str) -> dict[str, Any]:
    """Every participant's statement figures of a scenario given as JSON, and what its
    page names: version 1 of this run, as ``energysim statements`` writes it into a new
    folder.

    Runs the scenario again rather than keeping the run's :class:`~energysim.results.result.Result`
    in memory (about 130 MB for the default example); the run is deterministic, so the
    figures and the content hash are those of the run the page shows.

    Returns
    -------
    dict
        ``statements`` (:func:`~energysim.results.statements.statement_table`) and
        ``statement_header`` (:func:`~energysim.results.statement_files.statement_header`).
    """
    result = run(Scenario.model_validate_json(scenario_json), kept_profiles=KEPT)
    participants = participants_table(result)
    return {
        "statements": statement_table(result, participants),
        "statement_header": statement_header(result, 1, content_hash(result, participants)),
    }
