"""The ``energysim`` command's argument parser and :func:`main`, its entry point.

Each sub-command's arguments are added by one ``_add_*`` function and sent to its action
in :mod:`energysim.cli.commands`. :func:`main` turns the library's errors into one line
on stderr and an exit status.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from energysim.cli import commands
from energysim.core.errors import EnergysimError

EXIT_BAD_INPUT = 2
"""Exit status of bad input: arguments, a scenario, a data file, a refused file or folder."""


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


def _finite(text: str) -> float:
    """argparse type: a finite number (``design --min-benefit``; not ``nan`` or ``inf``)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, found {text!r}")
    return value


def _rules_year(text: str) -> int:
    """argparse type: a year whose rules a scenario can take, the range of the scenario's
    ``tariff_year`` (:data:`energysim.config.limits.LIMITS`)."""
    from energysim.config.limits import limit_of

    row = limit_of("tariff_year")
    assert row is not None and row.ge is not None and row.le is not None
    low, high = int(row.ge), int(row.le)
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"expected a year from {low} to {high}, found {text!r}")
    return value


class _Distinct(argparse.Action):
    """argparse action of a list option whose values must differ (``compare --years``:
    each value names a result of its own)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        listed = list(values)
        twice = [v for i, v in enumerate(listed) if v in listed[:i]]
        if twice:
            parser.error(
                f"argument {option_string}: expected each value once, found {twice[0]} twice"
            )
        setattr(namespace, self.dest, listed)


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
    _add_keys(sub)
    _add_ownership(sub)
    _add_routes(sub)
    _add_statements(sub)
    _add_report(sub)
    _add_tariffs(sub)
    _add_validate(sub)
    return parser


def _add_run(sub: Any) -> None:
    """The ``energysim run`` command's arguments."""
    p = sub.add_parser("run", help="simulate a scenario and write its results")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=commands.cmd_run)


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
        "--chunk-size",
        type=_at_least_one,
        help="units per task (default: large tasks first, single units last)",
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
    p.set_defaults(func=commands.cmd_batch)


def _add_compare(sub: Any) -> None:
    """The ``energysim compare`` command's arguments."""
    p = sub.add_parser(
        "compare", help="side-by-side benefits of scenarios or of tariff years (regimes)"
    )
    p.add_argument("scenarios", nargs="+", help="scenario TOML file(s)")
    p.add_argument(
        "--years",
        nargs="+",
        type=_rules_year,
        action=_Distinct,
        help="rules years to compare, each once (one scenario)",
    )
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=commands.cmd_compare)


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
        type=_finite,
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
    p.add_argument(
        "--static-keys-only",
        action="store_true",
        help="recommend static keys for every tier (legally safe: whether consumption-linked "
        "keys are allowed under energy sharing is not settled) and show what that costs",
    )
    p.add_argument(
        "--lang",
        choices=("en", "nl"),
        default="en",
        help="language of the advice printed and written to design.json (default en)",
    )
    money = p.add_argument_group("the cooperative's financing (estimates by default)")
    money.add_argument(
        "--member-capital",
        type=_fraction(0.0, 1.0),
        help="share of its investment the members pay in (default 0.5)",
    )
    money.add_argument(
        "--loan-rate", type=_fraction(-0.5, 1.0), help="the loan's interest rate (default 0.05)"
    )
    money.add_argument(
        "--loan-term", type=_at_least_one, help="the loan's term in years (default 15)"
    )
    money.add_argument(
        "--subsidy",
        type=_fraction(0.0, 1.0),
        help="share of its investment a municipal or provincial fund pays (default 0)",
    )
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=commands.cmd_design)


def _add_explain(sub: Any) -> None:
    """The ``energysim explain`` command's arguments."""
    p = sub.add_parser(
        "explain", help="monthly audit of one participant: consumption, received, grid import"
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("participant_id", help="e.g. GF1-T001 or GF1-M003")
    p.set_defaults(func=commands.cmd_explain)


def _add_keys(sub: Any) -> None:
    """The ``energysim keys`` command's arguments."""
    p = sub.add_parser(
        "keys", help="every sharing key the set-up allows, compared on fairness (gains, Gini)"
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", help="also write the comparison as CSV to this file")
    p.set_defaults(func=commands.cmd_keys)


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
    p.set_defaults(func=commands.cmd_ownership)


def _add_routes(sub: Any) -> None:
    """The ``energysim routes`` command's arguments."""
    p = sub.add_parser(
        "routes",
        help="the scenario's roof under each legal route (energy sharing, strings per "
        "dwelling, common connection, SCE, postcoderoos) side by side",
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    _csv_dialect_option(p)
    p.set_defaults(func=commands.cmd_routes)


def _add_statements(sub: Any) -> None:
    """The ``energysim statements`` command's arguments."""
    p = sub.add_parser(
        "statements", help="each participant's statement of the year (PDF) and one table"
    )
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    p.add_argument(
        "--lang", choices=("nl", "en"), default="nl", help="language of the PDFs (default nl)"
    )
    _csv_dialect_option(p)
    p.set_defaults(func=commands.cmd_statements)


def _add_report(sub: Any) -> None:
    """The ``energysim report`` command's arguments."""
    p = sub.add_parser("report", help="the scenario's report for a board (PDF, A4)")
    p.add_argument("scenario", help="scenario TOML file")
    p.add_argument("--out", default="results", help="output folder (default: results)")
    p.add_argument(
        "--lang", choices=("nl", "en"), default="nl", help="language of the report (default nl)"
    )
    p.add_argument(
        "--no-design",
        action="store_true",
        help="leave the design advice out (it takes about half a minute)",
    )
    p.set_defaults(func=commands.cmd_report)


def _add_tariffs(sub: Any) -> None:
    """The ``energysim tariffs`` command's arguments."""
    p = sub.add_parser("tariffs", help="the tariff figures of a year, with their sources")
    p.add_argument("year", nargs="?", type=int, help="year (default: every row of the file)")
    p.set_defaults(func=commands.cmd_tariffs)


def _add_validate(sub: Any) -> None:
    """The ``energysim validate`` command's arguments."""
    p = sub.add_parser("validate", help="check a scenario file without running it")
    p.add_argument("scenario", help="scenario TOML file")
    p.set_defaults(func=commands.cmd_validate)


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


QUICK_EXIT_COMMANDS = frozenset({"run", "validate"})
"""Commands whose process ends without Python's teardown (:func:`console`)."""


def console() -> NoReturn:
    """The ``energysim`` command (console script and ``python -m energysim.cli``).

    Runs :func:`main` and ends the process with its exit status. After ``run`` or
    ``validate`` the process ends at once (``os._exit``) once stdout and stderr are
    flushed: every file they write is closed by then (written whole and renamed into
    place, :mod:`energysim.core.publish`), and neither leaves a thread, a child process
    or an ``atexit`` task of its own (the libraries' have nothing to do: energysim sets
    up no log handler for ``logging.shutdown`` to flush and opens no S3 file for
    pyarrow's finaliser). What Python's teardown would still do is free the objects of
    some 700 modules (numpy, pandas, pyarrow, pydantic) one by one, memory the system
    takes back anyway: about 0.2 s of CPU, a tenth of a warm run (docs/speed.md). Every
    other command ends normally, as a batch on Dask or a process pool must; so does
    :func:`main` when called from Python.

    Notes
    -----
    The Python documentation names ``os._exit`` as the way for a process to end without
    cleanup handlers and flushing stdio buffers; the flush is done here first.
    """
    status = main()
    if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT_COMMANDS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:  # the reader left: nothing more to say
            pass
        os._exit(status)
    sys.exit(status)
