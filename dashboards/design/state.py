"""The Design page without streamlit: options, what the page shows, applying a design.

The page runs :func:`energysim.design.plan.design_scenario` on the session's scenario and
shows what it found; nothing here computes a figure of its own. :class:`DesignView` is
the part of a :class:`~energysim.design.plan.Design` the page shows (its tables and
``design.json``'s figures, without the runs' time series, so many can be kept), and
:func:`applied_data` turns the recommended design into the session's scenario dict.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from energysim.config.scenario import Scenario, scenario_from_dict
from energysim.core.errors import EnergysimError
from energysim.design.plan import DESIGN_PARTS, Design, DesignOptions, design_scenario
from energysim.design.prices import LEVER_FIELDS, LEVER_ORDER, PriceRange
from energysim.design.report import advice_lines, summary_dict

QUICK = DesignOptions(members_search=False, curve_points=11, size_factors=(0.5, 1.0, 1.5, 2.0))
"""The design the page runs by itself: four sizes, eleven prices per curve, no search for
the member count (a run per candidate). Some 3-15 s on the examples."""
FULL = DesignOptions()
"""The design of ``energysim design`` (15 sizes, 21 prices, the member search)."""

LEVERS: tuple[str, ...] = LEVER_ORDER
CRITERIA: tuple[str, ...] = ("every", "p10", "median")
OBJECTIVES: tuple[str, ...] = ("total", "maxmin", "proportional")

PART_SHARE = {
    "run": 0.04,
    "prices": 0.16,
    "members": 0.04,
    "keys": 0.26,
    "sizes": 0.22,
    "local": 0.02,
    "recommended": 0.22,
    "risk": 0.04,
}
"""Rough share of each part in a design's time (benchmarks/design.py), for a progress bar."""
assert set(PART_SHARE) == set(DESIGN_PARTS)


def design_options(
    lever: str, criterion: str, objective: str, full: bool, static_only: bool = False
) -> DesignOptions:
    """The options of the page's design: the user's lever, criterion and objective on
    the quick or the full set, and whether only static keys may be recommended."""
    base = FULL if full else QUICK
    return replace(
        base,
        lever=lever,  # type: ignore[arg-type]
        criterion=criterion,  # type: ignore[arg-type]
        objective=objective,  # type: ignore[arg-type]
        static_keys_only=static_only,
    )


def options_key(options: DesignOptions) -> str:
    """The options as text (part of the cache key)."""
    return json.dumps(
        {
            "lever": options.lever,
            "criterion": options.criterion,
            "objective": options.objective,
            "sizes": list(options.size_factors),
            "points": options.curve_points,
            "members": options.members_search,
            "static": options.static_keys_only,
        },
        sort_keys=True,
    )


STATIC_FIGURES: tuple[str, ...] = (
    "owners_npv_eur",
    "households_benefit_total_eur",
    "households_benefit_min_eur",
    "households_benefit_median_eur",
    "households_npv_total_eur",
)
"""The figures of the static-keys-only design the page sets beside the dynamic one's."""


def static_keys_table(figures: dict[str, Any]) -> pd.DataFrame | None:
    """The static-keys-only design against the dynamic-key one: one row per figure,
    columns ``static``, ``dynamic``, ``cost`` [EUR, EUR/yr] (None without the variant)."""
    block = figures.get("static_keys_only")
    if not block:
        return None
    return pd.DataFrame(
        {c: [block[c][f] for f in STATIC_FIGURES] for c in ("static", "dynamic", "cost")},
        index=pd.Index(STATIC_FIGURES, name="figure"),
    )


def done_frac(parts_done: list[str]) -> float:
    """How far a design is, from the parts done (for a progress bar)."""
    return min(1.0, sum(PART_SHARE.get(p, 0.0) for p in parts_done))


# --------------------------------------------------------------------------- the view
@dataclass(frozen=True)
class KeyTier:
    """One keyed tier of the design: its keys compared and what the recommendation does."""

    tier: str
    table: pd.DataFrame
    note: str
    optimised: bool
    """Whether the tier has an optimised key (False: ``note`` says why not)."""
    recommended_key: dict[str, Any] | None
    """The tier's key in the recommended design."""
    scenario_key: dict[str, Any] | None
    """The tier's key in the scenario as given."""


@dataclass(frozen=True)
class DesignView:
    """What the Design page shows of a design (all from the library's design).

    ``figures`` is ``design.json``'s content (:func:`energysim.design.report.summary_dict`);
    the tables are the design's own; ``recommended_json`` is the recommended scenario;
    ``messages`` the design's notes as the library made them (with their codes, which
    ``figures``, plain JSON, loses).
    """

    full: bool
    figures: dict[str, Any]
    messages: list[str]
    members_note: str
    """Why no member count is named (``""`` when one is or none was looked for), in the
    library's words (said in the page's language by ``in_language``)."""
    lines: list[str]
    """The advice, one sentence per line (:func:`energysim.design.report.advice_lines`:
    English that the page says in its language by :func:`energysim.design.words.in_language`)."""
    prices: list[PriceRange]
    prices_table: pd.DataFrame
    price_curves: pd.DataFrame
    keys: list[KeyTier]
    keys_table: pd.DataFrame
    key_shares: pd.DataFrame
    sizes_curve: pd.DataFrame
    sizes_lever: str
    recommended_factor: float | None
    ownership_money: pd.DataFrame
    scenario_json: str
    recommended_json: str
    capacity_kwp: float
    recommended_capacity_kwp: float

    @property
    def chosen(self) -> PriceRange:
        """The price range of the chosen lever."""
        return self.prices[0]

    @property
    def paying(self) -> PriceRange:
        """The range the size, ownership and recommendation use (the library's rule)."""
        return next((r for r in self.prices if r.feasible), self.chosen)

    @property
    def scenario(self) -> Scenario:
        return Scenario.model_validate_json(self.scenario_json)

    @property
    def recommended(self) -> Scenario:
        return Scenario.model_validate_json(self.recommended_json)

    def price_changes(self) -> dict[str, tuple[float, float]]:
        """``[finance]`` price fields the recommendation changes: field -> (now, then)."""
        before = self.scenario.finance
        after = self.recommended.finance
        fields = dict.fromkeys(f for lever in LEVER_ORDER for f in LEVER_FIELDS[lever])
        return {
            f: (float(getattr(before, f)), float(getattr(after, f)))
            for f in fields
            if getattr(before, f) != getattr(after, f)
        }


def _tier_key(scenario: Scenario, tier: str) -> dict[str, Any] | None:
    policy = getattr(scenario.allocation, tier, None)
    if policy is None:
        return None
    key = policy.key
    return key.model_dump(mode="json") if hasattr(key, "model_dump") else key  # type: ignore[no-any-return]


def view_of(design: Design, full: bool) -> DesignView:
    """The page's view of a design."""
    figures = json.loads(json.dumps(summary_dict(design), default=_plain))
    keys = [
        KeyTier(
            tier=k.tier,
            table=k.table,
            note=k.note,
            optimised=k.shares_frac is not None,
            recommended_key=_tier_key(design.recommended, k.tier),
            scenario_key=_tier_key(design.scenario, k.tier),
        )
        for k in design.keys
    ]
    return DesignView(
        full=full,
        figures=figures,
        messages=list(design.messages),
        members_note=design.needed.members_note if design.needed is not None else "",
        lines=advice_lines(design),
        prices=list(design.prices),
        prices_table=design.prices_table,
        price_curves=design.price_curves,
        keys=keys,
        keys_table=design.keys_table,
        key_shares=design.key_shares,
        sizes_curve=design.sizes.curve,
        sizes_lever=design.sizes.lever,
        recommended_factor=design.sizes.recommended_factor,
        ownership_money=design.local.money,
        scenario_json=design.scenario.model_dump_json(),
        recommended_json=design.recommended.model_dump_json(),
        capacity_kwp=design.scenario.capacity_kwp,
        recommended_capacity_kwp=design.recommended.capacity_kwp,
    )


def _plain(value: Any) -> Any:
    """JSON for what ``summary_dict`` holds beyond JSON (numpy numbers, inf)."""
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def compute(
    scenario_json: str, options: DesignOptions, progress: Callable[[str], None] | None = None
) -> DesignView:
    """Design a scenario given as JSON (the cache key) and return the page's view."""
    scenario = Scenario.model_validate_json(scenario_json)
    design = design_scenario(scenario, options, progress=progress)
    return view_of(design, full=options.members_search)


# --------------------------------------------------------------------------- applying
def _overlay(data: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> None:
    """Change ``data`` (in place) where ``after`` differs from ``before``, at the
    deepest table both share: the file keeps its own form everywhere else."""
    for name in [k for k in before if k not in after]:
        data.pop(name, None)
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        here = data.get(name)
        if isinstance(new, dict) and isinstance(old, dict) and isinstance(here, dict):
            _overlay(here, old, new)
        elif (
            isinstance(new, list)
            and isinstance(old, list)
            and isinstance(here, list)
            and len(new) == len(old) == len(here)
            and all(isinstance(x, dict) for x in [*new, *old, *here])
        ):
            for d, b, a in zip(here, old, new, strict=True):
                _overlay(d, b, a)
        else:
            data[name] = copy.deepcopy(new)


def _dump(scenario: Scenario) -> dict[str, Any]:
    return scenario.model_dump(mode="json", exclude_none=True)  # type: ignore[no-any-return]


def applied_data(
    data: dict[str, Any], recommended: Scenario, base_dir: Any, source: str
) -> dict[str, Any]:
    """The session's scenario dict with the recommended design applied.

    What the design changes (array sizes, keys, prices, owners) is written into the
    dict where the file has it; everything else stays as the file gives it. The result
    is checked: it must validate to exactly the recommended scenario. Where the file's
    form cannot carry a change (the check fails), the recommended scenario's own dict
    (every value, defaults filled in) is used instead: either way the session then runs
    exactly ``recommended``.
    """
    current = scenario_from_dict(data, base_dir=base_dir, source=source)
    out = copy.deepcopy(data)
    _overlay(out, _dump(current), _dump(recommended))
    try:
        same = scenario_from_dict(out, base_dir=base_dir, source=source) == recommended
    except EnergysimError:  # the overlay did not carry the change
        same = False
    return out if same else _dump(recommended)
