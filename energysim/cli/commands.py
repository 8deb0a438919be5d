"""What each command of ``energysim`` does: read its inputs, call the library, print and
write; the parser (:mod:`energysim.cli.main`) sends each command's arguments here.

Each command returns its exit status; bad input raises :class:`EnergysimError`, which
:func:`energysim.cli.main.main` turns into one line on stderr. Every library module is
imported inside the command that needs it, so ``energysim --help`` stays quick.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from energysim.cli.summary import format_summary, years_words
from energysim.core.errors import EnergysimError, ScenarioError

EXIT_UNITS_FAILED = 3
"""Exit status of a batch in which any unit failed, or that a dying worker stopped."""


@contextmanager
def _scenario_file(path: str) -> Iterator[None]:
    """Scenario errors found while running name the scenario file too."""
    try:
        yield
    except ScenarioError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ScenarioError(f"{path}: {exc}") from None


def cmd_run(args: argparse.Namespace) -> int:
    """``energysim run``: simulate a scenario, write its results, print its key figures."""
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


def cmd_batch(args: argparse.Namespace) -> int:
    """``energysim batch``: many complexes x sweep points; status 3 when a unit failed."""
    from tqdm import tqdm

    from energysim.batch.runner import plan_batch, run_batch
    from energysim.batch.unit_files import BatchInterrupted

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
            note=lambda line: print(f"energysim: note: {line}", file=sys.stderr),
        )
    except BatchInterrupted as exc:  # not bad input: the units written are kept
        stopped: BatchInterrupted | None = exc
    else:
        stopped = None
    finally:
        bar.close()
    if stopped is not None:
        print(f"energysim: error: {stopped}", file=sys.stderr)
        return EXIT_UNITS_FAILED
    failed = summary[summary["status"] != "ok"]
    print(f"{len(summary) - len(failed)} unit(s) ok, {len(failed)} failed; summary in {args.out}")
    for _, row in failed.iterrows():
        print(f"  failed {row['unit_id']}: {row['error']}")
    return EXIT_UNITS_FAILED if len(failed) else 0


def cmd_compare(args: argparse.Namespace) -> int:
    """``energysim compare``: scenarios, or the years of one, side by side."""
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


def cmd_design(args: argparse.Namespace) -> int:
    """``energysim design``: what makes a scenario work (prices, key, size, ownership)."""
    from energysim.config.scenario import load_scenario
    from energysim.design.plan import DesignOptions, design_scenario
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
        static_keys_only=args.static_keys_only,
        financing=_financing_terms(args),
    )
    scenario = load_scenario(args.scenario)
    design = design_scenario(scenario, options)
    folder = write_design(design, Path(args.out), args.csv_dialect, args.lang)
    print(format_design(design, args.lang))
    print(f"\nwritten: {folder}")
    return 0


def _financing_terms(args: argparse.Namespace) -> Any:
    """``--member-capital``, ``--loan-rate``, ``--loan-term``, ``--subsidy``: the
    cooperative's financing, each left out at its estimated default."""
    from energysim.design.financing import FinancingTerms

    given = {
        "member_capital_frac": args.member_capital,
        "loan_rate_frac": args.loan_rate,
        "loan_term_yr": args.loan_term,
        "subsidy_frac": args.subsidy,
    }
    try:
        return FinancingTerms(**{k: v for k, v in given.items() if v is not None})
    except ValueError as exc:
        raise EnergysimError(f"--member-capital/--subsidy: {exc}") from None


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


def cmd_explain(args: argparse.Namespace) -> int:
    """``energysim explain``: the monthly audit of one participant."""
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


def cmd_keys(args: argparse.Namespace) -> int:
    """``energysim keys``: every key the set-up allows, compared on fairness."""
    from energysim.batch.key_fairness import LOW_GAIN_EUR, compare_keys
    from energysim.config.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        table = compare_keys(scenario)
    print(
        f"Sharing keys for {scenario.name}, {scenario.year}: the participating households' "
        f"year-1 gain [EUR/yr]; 'below {LOW_GAIN_EUR:.0f}' counts households gaining less, "
        "'energy-poor share' is their part of the total gain, 'sharing' the mean number of "
        "households receiving shared energy per interval"
    )
    shown = table.rename(
        columns={
            "median_gain_eur": "median",
            "p10_gain_eur": "p10",
            "min_gain_eur": "smallest",
            "households_below_25_eur": f"below {LOW_GAIN_EUR:.0f}",
            "energy_poor_benefit_frac": "energy-poor share",
            "sharing_participants_mean": "sharing",
        }
    ).set_index("key")
    print(shown.to_string(float_format=lambda v: f"{v:,.2f}", na_rep="-"))
    if args.out:
        from energysim.core.publish import write_csv

        write_csv(Path(args.out), table)
        print(f"written: {args.out}")
    return 0


def cmd_ownership(args: argparse.Namespace) -> int:
    """``energysim ownership``: local ownership of a register against its target."""
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


def cmd_routes(args: argparse.Namespace) -> int:
    """``energysim routes``: the scenario's roof under each legal route, side by side."""
    from energysim.batch.routes import format_routes, run_routes, write_routes
    from energysim.config.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        result = run_routes(scenario)
    folder = write_routes(result, Path(args.out), args.csv_dialect)
    print(format_routes(result))
    print(f"\nwritten: {folder}")
    return 0


def cmd_statements(args: argparse.Namespace) -> int:
    """``energysim statements``: the run written, then every participant's statement."""
    from energysim.config.scenario import load_scenario
    from energysim.results.outputs import write_run
    from energysim.results.statement_files import write_statements
    from energysim.simulate import run

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        result = run(scenario)
    folder = write_run(result, Path(args.out), args.csv_dialect)
    written = write_statements(result, Path(args.out), args.lang)
    print(
        f"{written.n_statements} statements, version {written.version} "
        f"(run {written.content_hash}), beside the run in {folder}"
    )
    print(f"\nwritten: {written.folder}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``energysim report``: the scenario's report for a board, one PDF."""
    from energysim.config.scenario import load_scenario
    from energysim.core.publish import ensure_output_dir, write_bytes_atomically
    from energysim.report.board import design_part, report_name, report_pdf
    from energysim.simulate import run

    scenario = load_scenario(args.scenario)
    with _scenario_file(args.scenario):
        result = run(scenario)
    design = None
    if not args.no_design:
        from energysim.design.plan import design_scenario

        with _scenario_file(args.scenario):
            design = design_part(design_scenario(scenario))
    folder = ensure_output_dir(Path(args.out))
    path = folder / report_name(scenario.name, args.lang)
    write_bytes_atomically(path, report_pdf(result, args.lang, design))
    print(f"written: {path}")
    return 0


def cmd_tariffs(args: argparse.Namespace) -> int:
    """``energysim tariffs``: the tariff figures of a year, with their sources."""
    from energysim.config.tariffs import format_tariff_table

    print(format_tariff_table(args.year))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``energysim validate``: every check of a run, without simulating."""
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
