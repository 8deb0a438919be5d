"""Command line: ``energysim run | validate | compare | explain | ownership | batch | tariffs``.

Parses arguments, calls the library, prints. No logic lives here. Bad input (including
bad arguments) ends with one line on stderr and exit status 2; nothing is written to the
output folder. A batch in which any unit failed exits with status 3.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

from energysim.core.errors import EnergysimError, ScenarioError

EXIT_BAD_INPUT = 2
EXIT_UNITS_FAILED = 3


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``energysim run: error: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _at_least_one(text: str) -> int:
    """A whole number >= 1 (``--jobs``, ``--chunk-size``)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1 or str(value) != text.strip().lstrip("+"):
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return value


@contextmanager
def _scenario_file(path: str) -> Iterator[None]:
    """Scenario errors found while running name the scenario file too."""
    try:
        yield
    except ScenarioError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ScenarioError(f"{path}: {exc}") from None


def _cmd_run(args: argparse.Namespace) -> int:
    from energysim.config.scenario import load_scenario
    from energysim.results.outputs import write_run
    from energysim.results.tables import summary
    from energysim.simulate import run

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        result = run(scenario)  # its messages hold the plausibility warnings
    folder = write_run(result, Path(args.out), args.csv_dialect)
    print(format_summary(summary(result)))
    print(f"\nwritten: {folder}")
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from energysim.batch.runner import plan_batch, run_batch

    plan = plan_batch(
        args.scenario,
        portfolio_path=args.portfolio,
        sets=args.set or [],
        sweeps=args.sweep or [],
        keep_going=args.keep_going,
        household_pool=False if args.no_household_pool else None,
    )
    for failure in plan.failures:
        print(f"energysim: skipped {failure['unit_id']}: {failure['error']}", file=sys.stderr)
    bar = tqdm(total=len(plan.units), unit="unit", file=sys.stderr, disable=None)

    def progress(done: int, total: int) -> None:
        bar.n = done
        bar.refresh()

    try:
        summary = run_batch(
            plan,
            Path(args.out),
            jobs=args.jobs,
            executor=args.executor,
            scheduler=args.scheduler,
            resume=args.resume,
            detail=args.detail,
            chunk_size=args.chunk_size,
            progress=progress,
            csv_dialect=args.csv_dialect,
        )
    finally:
        bar.close()
    failed = summary[summary["status"] != "ok"]
    print(f"{len(summary) - len(failed)} unit(s) ok, {len(failed)} failed; summary in {args.out}")
    for _, row in failed.iterrows():
        print(f"  failed {row['unit_id']}: {row['error']}")
    return EXIT_UNITS_FAILED if len(failed) else 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from energysim.batch.compare import compare, format_comparison, write_comparison
    from energysim.config.scenario import load_scenario

    scenarios = [load_scenario(p) for p in args.scenarios]
    if args.years and len(scenarios) != 1:
        raise EnergysimError("--years compares the years of ONE scenario; give one scenario file")
    table, households = compare(scenarios, years=args.years)
    print(format_comparison(table))
    folder = write_comparison(table, households, Path(args.out), args.csv_dialect)
    print(f"\nwritten: {folder}")
    return 0


def _cmd_design(args: argparse.Namespace) -> int:
    from energysim.config.scenario import load_scenario
    from energysim.design import DesignOptions, design_scenario
    from energysim.design.report import format_design, write_design

    options = DesignOptions(
        lever=args.lever,
        criterion=args.households,
        threshold_eur=args.min_benefit,
        target_irr_frac=args.target_irr,
        objective=args.objective,
        size_factors=_size_factors(args.sizes),
        local_target_frac=args.local_target,
        register=_register(args.register),
        municipality=args.municipality,
        members_search=not args.no_members_search,
    )
    scenario = load_scenario(args.scenario)
    design = design_scenario(scenario, options)
    folder = write_design(design, Path(args.out), args.csv_dialect)
    print(format_design(design))
    print(f"\nwritten: {folder}")
    return 0


def _size_factors(text: str | None) -> tuple[float, ...]:
    """``--sizes 0.5,1,1.5``: capacities relative to the scenario's."""
    from energysim.design.sizing import DEFAULT_FACTORS

    if text is None:
        return DEFAULT_FACTORS
    try:
        factors = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        factors = ()
    if not factors or not all(0 < f <= 100 for f in factors):
        raise EnergysimError(
            f"--sizes: expected positive numbers separated by commas (e.g. 0.5,1,2), found {text!r}"
        )
    return factors


def _register(path: str | None) -> Any:
    from energysim.ownership.register import read_register

    return read_register(Path(path)) if path is not None else None


def _fraction(low: float, high: float) -> Callable[[str], float]:
    """argparse type: a number in [low, high]."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected a number in [{low}, {high}], found {text!r}"
            )
        return value

    return parse


def _share(text: str) -> float:
    """argparse type: a target share in (0, 1], as :class:`energysim.ownership.rules.OwnershipRules`
    takes it (``ownership --target``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 < value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a share in (0, 1], found {text!r}")
    return value


def _cmd_explain(args: argparse.Namespace) -> int:
    from energysim.config.scenario import load_scenario
    from energysim.results.tables import participant_audit
    from energysim.simulate import run

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        result = run(scenario)
    table = participant_audit(result, args.participant_id)
    print(f"{args.participant_id} in {result.scenario.name}, {result.scenario.year} [kWh]")
    print(table.to_string(float_format=lambda v: f"{v:,.1f}"))
    return 0


def _cmd_ownership(args: argparse.Namespace) -> int:
    from energysim.ownership import rules as ownership
    from energysim.ownership.regions import load_region_table
    from energysim.ownership.register import read_register
    from energysim.ownership.report import format_report, write_report
    from energysim.ownership.tables import ownership_report

    overrides = []
    for item in args.local or []:
        kind, _, value = item.partition("=")
        if value not in ("yes", "no"):
            raise EnergysimError(f"--local {item}: expected TYPE=yes or TYPE=no")
        overrides.append((kind, value == "yes"))
    options = {
        "target_frac": "--target",
        "scope_above_kw": "--scope-above-kw",
        "specific_yield_kwh_per_kwp": "--specific-yield",
        "now_yr": "--now-year",
        "owner type": "--local",
    }
    try:
        rules = ownership.OwnershipRules(
            target_frac=args.target,
            scope_above_kw=args.scope_above_kw,
            rule=args.local_rule,
            housing_corporation_local=args.housing_corporation_local,
            overrides=tuple(overrides),
            specific_yield_kwh_per_kwp=args.specific_yield,
            **({"now_yr": args.now_year} if args.now_year is not None else {}),
        )
    except EnergysimError as exc:
        field, _, rest = str(exc).partition(":")
        raise EnergysimError(f"{options.get(field, field)}:{rest}") from None
    register_path = Path(args.register)
    regions = load_region_table(args.regions) if args.regions else None
    register = read_register(register_path, regions)
    if args.add:
        from energysim.config.scenario import load_scenario
        from energysim.results.tables import installation_register_rows
        from energysim.simulate import run

        for path in args.add:
            rows = installation_register_rows(run(load_scenario(path)), args.municipality)
            try:
                register = ownership.add_installations(register, rows, regions)
            except EnergysimError as exc:
                raise EnergysimError(f"{path}: {exc}") from None
    report = ownership_report(register, rules)
    print(format_report(report))
    written = write_report(
        report, Path(args.out) / f"{register_path.stem}-ownership", args.csv_dialect
    )
    print(f"\nwritten: {written[0].parent}")
    return 0


def _cmd_tariffs(args: argparse.Namespace) -> int:
    from energysim.config.tariffs import format_tariff_table

    print(format_tariff_table(args.year))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from energysim.config.scenario import load_scenario
    from energysim.validate import check_inputs

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        warnings = check_inputs(scenario)  # every check of a run, every file read
    n_households = sum(b.dwellings + b.members.count for b in scenario.buildings)
    print(
        f"{args.scenario}: valid ({len(scenario.buildings)} building(s), "
        f"{scenario.capacity_kwp:.1f} kWp, {n_households} households, "
        f"{years_words(scenario.year, scenario.tariff_year)})"
    )
    for warning in warnings:
        print(f"  warning: {warning}")
    return 0


def years_words(year: int, tariff_year: int | None) -> str:
    """The year a run is for: ``year 2026``, or with another year's rules
    ``data year 2026, rules of 2027`` (``tariff_year``: the rules' year)."""
    if tariff_year is None or tariff_year == year:
        return f"year {year}"
    return f"data year {year}, rules of {tariff_year}"


def format_summary(s: dict[str, Any]) -> str:
    """Render the key figures of a run as a short table."""
    lines = [
        f"scenario {s['scenario']}  {years_words(s['year'], s.get('tariff_year'))}  "
        f"({s['regime'].replace('_', ' ')})",
        f"  capacity            {s['capacity_kwp']:>12,.1f} kWp",
        f"  generation          {s['generation_kwh']:>12,.0f} kWh"
        f"   ({s['specific_yield_kwh_per_kwp']:,.0f} kWh/kWp)",
        f"  self-consumption    {s['self_consumption_frac']:>12.1%}",
        f"  self-sufficiency    {s['self_sufficiency_frac']:>12.1%}",
        f"  local ownership     {s['local_ownership_frac']:>12.1%}",
        "",
        f"  {'role':<10}{'consumption kWh':>17}{'allocated kWh':>15}{'benefit EUR/yr':>16}",
    ]
    for role in ("common", "tenants", "members"):
        lines.append(
            f"  {role:<10}{s['consumption_kwh'][role]:>17,.0f}{s['allocated_kwh'][role]:>15,.0f}"
            f"{s['benefit_eur'][role]:>16,.0f}"
        )
    lines.append(f"  {'export':<10}{'':>17}{s['export_kwh']:>15,.0f}")
    lines += _storage_lines(s)
    for role, st in s.get("household_benefit_eur", {}).items():
        lines.append(
            f"  per {role} household: mean {st['mean_eur']:,.0f}  p10 {st['p10_eur']:,.0f}  "
            f"median {st['median_eur']:,.0f}  p90 {st['p90_eur']:,.0f} EUR/yr"
        )
    for message in s.get("messages", []):
        lines.append(f"  note: {message}")
    return "\n".join(lines)


def _storage_lines(s: dict[str, Any]) -> list[str]:
    """Batteries, heat pumps and EVs of a run, when it has them."""
    lines = []
    st = s.get("storage")
    if st:
        without = st["self_consumption_frac_without_batteries"]
        benefit = sum(st["battery_benefit_eur"].values())
        gain = st["self_consumption_gain_frac"]
        lines.append(
            f"  batteries: {st['delivered_kwh']:,.0f} kWh delivered, {st['loss_kwh']:,.0f} kWh "
            f"lost; self-consumption {without:.1%} without them ({100 * gain:+.1f} pp); "
            f"households' battery benefit {benefit:,.0f} EUR/yr"
        )
    el = s.get("electrification")
    if el and el.get("heat_pump_dwellings"):
        lines.append(
            f"  heat pumps: {el['heat_pump_dwellings']} dwellings, {el['heat_pump_kwh']:,.0f} kWh "
            f"(seasonal COP {el['seasonal_cop']:.2f})"
        )
    if el and el.get("ev_vehicles"):
        from energysim.inputs.electrification import UNSERVED_KWH_SAID  # loaded by the run

        ev = f"  EV charging: {el['ev_vehicles']} vehicles, {el['ev_kwh']:,.0f} kWh"
        if el["ev_unserved_kwh"] >= UNSERVED_KWH_SAID:
            ev += f" charged, {el['ev_unserved_kwh']:,.0f} kWh asked could not be charged"
        lines.append(ev)
    return lines


def _csv_dialect_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--csv-dialect",
        choices=("standard", "nl"),
        default="standard",
        help="CSV files: standard (comma, decimal point; default) or nl (semicolon, "
        "decimal comma, ja/nee: opens in a Dutch Excel)",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``energysim`` command."""
    parser = _Parser(
        prog="energysim",
        description="Energy communities on Dutch housing-corporation buildings.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_run(sub)
    _add_batch(sub)
    _add_compare(sub)
    _add_design(sub)
    _add_explain(sub)
    _add_ownership(sub)
    _add_tariffs(sub)
    _add_validate(sub)
    return parser


def _add_run(sub: Any) -> None:
    """The ``energysim run`` command's arguments."""
    p = sub.add_parser("run", help="simulate a scenario and write its results")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=_cmd_run)


def _add_batch(sub: Any) -> None:
    """The ``energysim batch`` command's arguments."""
    p = sub.add_parser("batch", help="many complexes x sweep points, on local processes or Dask")
    p.add_argument("scenario", help="scenario TOML (the template of a portfolio)")
    p.add_argument("--portfolio", help="portfolio CSV or Excel, one row per complex")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override")
    p.add_argument("--sweep", action="append", metavar="KEY=V1,V2", help="sweep (product)")
    p.add_argument(
        "--jobs", type=_at_least_one, default=1, help="worker processes, >= 1 (default 1)"
    )
    p.add_argument("--executor", choices=["processes", "dask"], default="processes")
    p.add_argument("--scheduler", help="existing Dask scheduler, tcp://HOST:PORT")
    p.add_argument(
        "--chunk-size", type=_at_least_one, help="units per task (default: ~4 per worker)"
    )
    p.add_argument("--resume", action="store_true", help="skip units already finished")
    p.add_argument("--keep-going", action="store_true", help="skip bad portfolio rows")
    p.add_argument(
        "--no-household-pool",
        action="store_true",
        help="generate every household of a portfolio (default: draw them from a pool of "
        "household-years, docs/batch.md)",
    )
    p.add_argument("--detail", action="store_true", help="also write each unit's outputs")
    p.add_argument("--out", default="results/batch", help="output folder")
    _csv_dialect_option(p)
    p.set_defaults(func=_cmd_batch)


def _add_compare(sub: Any) -> None:
    """The ``energysim compare`` command's arguments."""
    p = sub.add_parser(
        "compare", help="side-by-side benefits of scenarios or of tariff years (regimes)"
    )
    p.add_argument("scenarios", nargs="+", help="scenario TOML file(s)")
    p.add_argument("--years", nargs="+", type=int, help="years to compare (one scenario)")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=_cmd_compare)


def _add_design(sub: Any) -> None:
    """The ``energysim design`` command's arguments."""
    p = sub.add_parser(
        "design",
        help="what makes a scenario work: break-even prices, best sharing key, size, "
        "local ownership",
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument(
        "--lever",
        choices=["uniform", "common", "tenants", "members", "panel_fee"],
        default="uniform",
        help="the price that must pay for the roof (default: one price per shared kWh)",
    )
    p.add_argument(
        "--households",
        choices=["every", "p10", "median"],
        default="every",
        help="who must not be worse off (default: every household)",
    )
    p.add_argument(
        "--min-benefit",
        type=float,
        default=0.0,
        help="lifetime benefit that household must keep, EUR (default 0)",
    )
    p.add_argument(
        "--target-irr",
        type=_fraction(-0.5, 1.0),
        help="owners' target IRR, e.g. 0.06 (default: NPV = 0 at their discount rate)",
    )
    p.add_argument(
        "--objective",
        choices=["total", "maxmin", "proportional"],
        default="total",
        help="the sharing key's goal: households' total benefit, the lowest household's, "
        "or benefit proportional to consumption",
    )
    p.add_argument("--sizes", help="capacities to try, relative: 0.25,0.5,1,2 (default 0.25-2)")
    p.add_argument(
        "--local-target",
        type=_share,
        default=0.5,
        help="local-ownership target, a share in (0, 1] (default 0.5; as ownership --target)",
    )
    p.add_argument("--register", help="register of the municipality's installations")
    p.add_argument("--municipality", help="municipality of the register to reach the target")
    p.add_argument(
        "--no-members-search",
        action="store_true",
        help="do not look for the member count that would make prices work (saves runs)",
    )
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=_cmd_design)


def _add_explain(sub: Any) -> None:
    """The ``energysim explain`` command's arguments."""
    p = sub.add_parser(
        "explain", help="monthly audit of one participant: consumption, received, grid import"
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("participant_id", help="e.g. GF1-T001 or GF1-M003")
    p.set_defaults(func=_cmd_explain)


def _add_ownership(sub: Any) -> None:
    """The ``energysim ownership`` command's arguments."""
    p = sub.add_parser(
        "ownership", help="local ownership of a register of installations vs the 50%% target"
    )
    p.add_argument("register", help="register CSV or Excel file")
    p.add_argument("--add", nargs="+", metavar="SCENARIO", help="add simulated rooftops")
    p.add_argument(
        "--municipality", help="municipality (name or CBS code GMxxxx) of the added scenarios"
    )
    p.add_argument(
        "--local-rule",
        choices=["community", "any_local"],
        default="community",
        help="who counts as local: ownership open to the local community (default, the "
        "Participatiemonitor's rule since 2021) or any local owner incl. one or a few parties",
    )
    p.add_argument(
        "--housing-corporation-local",
        action="store_true",
        help="count housing corporations as local owners (not settled; default: not)",
    )
    p.add_argument(
        "--local", action="append", metavar="TYPE=yes|no", help="override one owner type"
    )
    p.add_argument("--target", type=float, default=0.5, help="target share (default 0.5)")
    p.add_argument(
        "--scope-above-kw",
        type=float,
        default=15.0,
        help="count installations above this capacity toward the target (default 15 kW); "
        "smaller ones are reported separately",
    )
    p.add_argument(
        "--specific-yield",
        type=float,
        default=900.0,
        help="kWh/kWp of new fully local rooftops for 'kWp to close the gap' (default 900)",
    )
    p.add_argument(
        "--now-year", type=int, help="last year of the history (default: this calendar year)"
    )
    p.add_argument(
        "--regions",
        metavar="FILE",
        help="municipality -> province and RES region table (default: the shipped one)",
    )
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=_cmd_ownership)


def _add_tariffs(sub: Any) -> None:
    """The ``energysim tariffs`` command's arguments."""
    p = sub.add_parser("tariffs", help="the tariff figures of a year, with their sources")
    p.add_argument("year", nargs="?", type=int, help="year (default: every row of the file)")
    p.set_defaults(func=_cmd_tariffs)


def _add_validate(sub: Any) -> None:
    """The ``energysim validate`` command's arguments."""
    p = sub.add_parser("validate", help="check a scenario file without running it")
    p.add_argument("scenario", help="scenario TOML file")
    p.set_defaults(func=_cmd_validate)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``energysim`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except EnergysimError as exc:
        print(f"energysim: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # the reader left (`energysim tariffs | head`): stop quietly
        # the Python docs' recipe: later flushes of stdout must not fail again at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file or folder the system refused: no traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"energysim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("energysim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
