"""Design a scheme that works for everyone: the four parts and the recommended scenario.

:func:`design_scenario` runs the scenario once, then

1. prices (:mod:`~energysim.design.prices`): per lever, the break-even price, the range
   where everybody gains, the price curve, and what would be needed when the chosen
   lever's range is empty (capex, subsidy, members: :mod:`~energysim.design.members`);
2. keys (:mod:`~energysim.design.keys`): the best static key per tier;
3. size (:mod:`~energysim.design.sizing`): the size curve and the best size;
4. local ownership (:mod:`~energysim.design.local`) at the prices of part 1;

each on the scenario as given, and composes the **recommended design**: the best size,
its optimised keys, the local share the target needs and the four prices chosen together
under every legal limit at that size (:mod:`~energysim.design.joint`; when none pay, those
that come closest, with the shortfall stated), checked by a final
:func:`energysim.simulate.run`; what households give up for the owners over those
prices (:mod:`~energysim.design.tradeoff`); then its risks: prices with a margin for a
stated downside (:mod:`~energysim.design.margin`) and its sensitivity, factor by factor
(:mod:`~energysim.design.sensitivity`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from energysim.config.scenario import Scenario
from energysim.design.financing import Financing, FinancingTerms, cooperative_financing
from energysim.design.joint import (
    JOINT_LEVERS,
    JointPrices,
    joint_prices,
    listed_prices,
    nobody,
    with_prices,
)
from energysim.design.key_problem import Objective, with_key
from energysim.design.keys import KeyChoice, TierKeys, choose_keys, optimise_keys
from energysim.design.local import (
    LocalOwnership,
    at_proposal,
    local_ownership,
    local_share,
    owners_with_local_share,
)
from energysim.design.margin import Margin, margin_prices
from energysim.design.members import members_needed
from energysim.design.money import Criterion, with_owners, with_owners_result
from energysim.design.prices import (
    LEVER_ORDER,
    Lever,
    Needed,
    PriceRange,
    PriceTarget,
    curve_prices,
    price_curve,
    price_range,
    set_price,
    what_is_needed,
)
from energysim.design.roof import fit_connection
from energysim.design.sensitivity import sensitivity_table
from energysim.design.sizing import DEFAULT_FACTORS, SizeDesign, scale_roof, size_curve
from energysim.design.static_keys import StaticKeysCost, common_tier_static, static_keys_cost
from energysim.design.tradeoff import Tradeoff, tradeoff
from energysim.design.words import say
from energysim.inputs.context import RunInputs
from energysim.ownership.rules import TARGET_FRAC
from energysim.results.result import Result
from energysim.simulate import run

DESIGN_PARTS: tuple[str, ...] = (
    "run",
    "prices",
    "members",
    "keys",
    "sizes",
    "local",
    "recommended",
    "risk",
)
"""The parts of a design, in the order :func:`design_scenario` does them."""


@dataclass(frozen=True)
class DesignOptions:
    """What the user asks of the design.

    Attributes
    ----------
    lever : str
        The price that must pay for the roof: ``uniform`` (one price per shared kWh for
        every tier), ``common``, ``tenants``, ``members`` or ``panel_fee``.
    criterion : str
        Who must not be worse off: ``every`` household, the ``p10`` or the ``median``.
    threshold_eur : float
        ... by at least this lifetime benefit [EUR].
    target_irr_frac : float, optional
        The owners' target IRR instead of NPV = 0 at their discount rate [-].
    objective : str
        The keys' objective: ``total``, ``maxmin`` or ``proportional``.
    size_factors : tuple of float
        Sizes relative to the scenario's [-].
    local_target_frac : float
        The local-ownership target [-] (Klimaatakkoord: 0.5).
    curve_points : int
        Prices per price curve.
    register : pandas.DataFrame, optional
        Installations of the municipality (:func:`energysim.ownership.register.read_register`).
    municipality : str, optional
        The municipality of the register to bring to the target.
    members_search : bool
        Look for the member count that opens an empty range (a run per candidate).
    static_keys_only : bool
        Recommend the legally safe variant: static keys for every tier
        (:mod:`energysim.design.static_keys`), beside the design with dynamic keys.
    financing : FinancingTerms
        How the cooperative pays for its part of the recommended design: member
        capital, a loan (rate, term), a subsidy (:mod:`energysim.design.financing`).
    """

    lever: Lever = "uniform"
    criterion: Criterion = "every"
    threshold_eur: float = 0.0
    target_irr_frac: float | None = None
    objective: Objective = "total"
    size_factors: tuple[float, ...] = DEFAULT_FACTORS
    local_target_frac: float = TARGET_FRAC
    curve_points: int = 21
    register: pd.DataFrame | None = field(default=None, compare=False)
    municipality: str | None = None
    members_search: bool = True
    static_keys_only: bool = False
    financing: FinancingTerms = field(default_factory=FinancingTerms)

    def __post_init__(self) -> None:
        """Refuse options no design can meet, as the CLI does (``--local-target`` in (0, 1])."""
        if not (0.0 < self.local_target_frac <= 1.0):
            raise ValueError(
                "DesignOptions.local_target_frac: expected a share in (0, 1], "
                f"found {self.local_target_frac!r}"
            )
        if not math.isfinite(self.threshold_eur):
            raise ValueError(
                "DesignOptions.threshold_eur: expected a finite amount, "
                f"found {self.threshold_eur!r}"
            )
        if self.curve_points < 2:
            raise ValueError(
                f"DesignOptions.curve_points: expected at least 2, found {self.curve_points!r}"
            )
        bad = [f for f in self.size_factors if not (math.isfinite(f) and f > 0)]
        if not self.size_factors or bad:
            raise ValueError(
                "DesignOptions.size_factors: expected one or more positive finite factors, "
                f"found {self.size_factors!r}"
            )

    @property
    def target(self) -> PriceTarget:
        """The prices' target: who must gain and the owners' rate."""
        return PriceTarget(self.criterion, self.threshold_eur, self.target_irr_frac)


@dataclass
class Design:
    """Everything a design computed; what the CLI writes and a dashboard page shows.

    Attributes
    ----------
    scenario : Scenario
        The scenario as given.
    base : Result
        Its run.
    prices : list of PriceRange
        One per lever (the chosen lever first).
    price_curves : pandas.DataFrame
        Per lever and price: owners' NPV and households' benefits.
    needed : Needed or None
        What would open the chosen lever's range when it is empty.
    keys : list of TierKeys
        Per keyed tier: the optimised key and the keys beside it.
    sizes : SizeDesign
        The size curve and the recommended size.
    local : LocalOwnership
        The local share needed and the local owners' money.
    recommended : Scenario
        The recommended design (size, keys, price, owners) as a scenario to run or save.
    recommended_result : Result
        Its run.
    joint : JointPrices
        The recommended design's prices, chosen together under every legal limit, and
        whether they pay (else by how much the owners fall short).
    """

    scenario: Scenario
    options: DesignOptions
    base: Result
    prices: list[PriceRange]
    price_curves: pd.DataFrame
    needed: Needed | None
    keys: list[TierKeys]
    sizes: SizeDesign
    local: LocalOwnership
    recommended: Scenario
    recommended_result: Result
    joint: JointPrices
    changes: list[str]
    timings_s: dict[str, float]
    cpu_s: dict[str, float] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    """The scenario run's notes (estimated figures among them) and the design's own."""
    tradeoff: Tradeoff | None = None
    """The owners' NPV against the households' benefit over the recommended design's
    legal prices (:mod:`~energysim.design.tradeoff`)."""
    margin: Margin | None = None
    """The recommended design's prices with a margin for a stated downside."""
    sensitivity: pd.DataFrame | None = None
    """The recommended design's owners and median household, factor by factor."""
    static_keys: StaticKeysCost | None = None
    """With ``static_keys_only``: the recommended (static) design against the one with
    dynamic keys."""
    financing: Financing | None = None
    """The cooperative's financing plan at the recommended design (None: no cooperative)."""

    @property
    def chosen(self) -> PriceRange:
        """The price range of the chosen lever."""
        return self.prices[0]

    @property
    def paying(self) -> PriceRange:
        """The range of the price the size, local ownership and recommendation use: the
        chosen lever's when it has one, else the first lever's that has."""
        return next((r for r in self.prices if r.feasible), self.chosen)

    @property
    def keys_table(self) -> pd.DataFrame:
        """All tiers' key comparisons in one table."""
        frames = [k.table for k in self.keys if len(k.table)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    @property
    def key_shares(self) -> pd.DataFrame:
        """The optimised shares, one row per tier and participant."""
        rows = [
            {"tier": k.tier, "position": i + 1, "participant_id": pid, "share_frac": float(w)}
            for k in self.keys
            if k.shares_frac is not None
            for i, (pid, w) in enumerate(zip(k.participant_ids, k.shares_frac, strict=True))
        ]
        return pd.DataFrame(rows, columns=["tier", "position", "participant_id", "share_frac"])

    @property
    def prices_table(self) -> pd.DataFrame:
        """One row per lever: break-even, households' maximum, limit, feasibility."""
        return pd.DataFrame([p.as_row() for p in self.prices])


def recommend(
    scenario: Scenario,
    base: Result,
    inputs: RunInputs,
    options: DesignOptions,
    factor: float,
    static_only: bool = False,
) -> tuple[Scenario, Result, list[str], list[KeyChoice], JointPrices]:
    """Compose the recommended scenario: size, keys, owners, prices; and run it.

    With ``static_only`` every tier shares by a static key, whatever it costs
    (:mod:`energysim.design.static_keys`).

    The owners come before the prices: owners that pay VAT differently
    (:mod:`energysim.money.owner_vat`) need different prices, so the prices are found on
    the owners that will hold the roof. The four prices are chosen together under every
    legal limit at the recommended size (:func:`energysim.design.joint.joint_prices`);
    when no legal prices pay, the recommended design has those that come closest and
    the answer says by how much the owners fall short.

    Returns
    -------
    Scenario, Result, list of str, list of KeyChoice, JointPrices
        The recommended scenario (built on the scenario as given, so defaults stay
        defaults), its run, the changes in plain words, the keys chosen at that size,
        the prices chosen together.
    """
    changes: list[str] = []
    scaled_inputs = inputs.scaled(factor) if factor != 1.0 else inputs
    out = scale_roof(scenario, factor) if factor != 1.0 else scenario
    if factor != 1.0:
        changes.append(
            say(
                "change.roof",
                before_kwp=scenario.capacity_kwp,
                after_kwp=out.capacity_kwp,
                factor=factor,
            )
        )
    out, connection = fit_connection(out)
    changes += connection
    sized = run(out, inputs=scaled_inputs) if out is not scenario else base
    choices, keyed = choose_keys(sized, options.objective, scaled_inputs, static_only)
    for choice in choices:
        if choice.key is not None:
            out = with_key(out, choice.tier, choice.key)
        changes.append(choice.words)
    if static_only and common_tier_static(out) is not out:
        out = common_tier_static(out)
        keyed = run(common_tier_static(keyed.scenario), inputs=scaled_inputs)
        changes.append(say("change.common_static"))
    # the owners first: owners paying VAT differently need different prices
    local_owners = local_share(out) < options.local_target_frac - 1e-12
    if local_owners:
        owners = owners_with_local_share(out, options.local_target_frac)
        out = with_owners(out, owners)
        keyed = with_owners_result(keyed, owners)
    joint = joint_prices(keyed, options.target)
    out = with_prices(out, np.array([joint.prices[lv] for lv in JOINT_LEVERS]))
    listed = listed_prices(joint.prices, nobody(out))
    changes.append(
        say("change.prices", listed=listed)
        if joint.pays
        else say("change.prices_short", listed=listed, shortfall_eur=joint.shortfall_eur)
    )
    if local_owners:
        changes.append(say("change.local", share_frac=options.local_target_frac))
    final = run(out, inputs=scaled_inputs)
    return out, final, changes, choices, joint


def design_scenario(
    scenario: Scenario,
    options: DesignOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> Design:
    """Design the scheme of a scenario: prices, keys, size, local ownership.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario.
    options : DesignOptions, optional
        What the user asks (defaults: one price per shared kWh, every household not
        worse off, owners at NPV = 0, keys for the households' total benefit).
    progress : callable, optional
        Called with the name of each part when it is done (``run``, ``prices``,
        ``members``, ``keys``, ``sizes``, ``local``, ``recommended``; the keys of
        :attr:`Design.timings_s`), e.g. for a progress bar.

    Returns
    -------
    Design
    """
    options = options or DesignOptions()
    target = options.target
    watch = _Stopwatch(progress)
    base = run(scenario)
    inputs = RunInputs.of(base)
    watch.lap("run")

    ranges, curves = _price_ranges(base, options)
    needed = None if ranges[0].feasible else what_is_needed(base, ranges[0], target)
    watch.lap("prices")
    if needed is not None and options.members_search:
        count, note = members_needed(base.scenario, options.lever, target)
        members_now = sum(b.members.count for b in scenario.buildings)
        needed = replace(needed, members_now=members_now, members=count, members_note=note)
    watch.lap("members")

    tier_keys, _ = optimise_keys(base, options.objective, inputs)
    watch.lap("keys")

    # the size must be paid for by a price that works: the chosen one, else the first that does
    working: Lever = next((r.lever for r in ranges if r.feasible), options.lever)
    sizes = size_curve(base, working, target, options.size_factors, inputs)
    watch.lap("sizes")

    local = _local_at_prices(base, ranges, working, options)
    watch.lap("local")

    # no size pays: the scenario's own size, or the largest the stated roofs carry
    fallback = min(1.0, sizes.roof.max_factor)
    factor = sizes.recommended_factor if sizes.recommended_factor is not None else fallback
    recommended, final, changes, joint, static = _recommendation(
        scenario, base, inputs, replace(options, lever=working), factor
    )
    local = at_proposal(local, base, final)  # the local owners' figures of the proposal
    financing = cooperative_financing(final, options.financing)
    trade = tradeoff(final, target)
    watch.lap("recommended")
    margin = margin_prices(final, joint, options.target)
    sensitivity = sensitivity_table(final)
    watch.lap("risk")
    timings, cpu = watch.totals()
    return Design(
        scenario=scenario,
        options=options,
        base=base,
        prices=ranges,
        price_curves=curves,
        needed=needed,
        keys=tier_keys,
        sizes=sizes,
        local=local,
        recommended=recommended,
        recommended_result=final,
        joint=joint,
        changes=changes,
        timings_s=timings,
        cpu_s=cpu,
        messages=list(base.messages)
        + [say("key_for", tier=say(f"tier.{k.tier}"), note=k.note) for k in tier_keys if k.note]
        + list(sizes.roof.notes),
        tradeoff=trade,
        margin=margin,
        sensitivity=sensitivity,
        static_keys=static,
        financing=financing,
    )


def _recommendation(
    scenario: Scenario, base: Result, inputs: RunInputs, options: DesignOptions, factor: float
) -> tuple[Scenario, Result, list[str], JointPrices, StaticKeysCost | None]:
    """The recommended design at ``factor`` (:func:`recommend`); with
    ``options.static_keys_only`` its legally safe variant (static keys for every tier),
    with what that safety costs against the dynamic-key design."""
    recommended, final, changes, _, joint = recommend(scenario, base, inputs, options, factor)
    if not options.static_keys_only:
        return recommended, final, changes, joint, None
    dynamic = final
    recommended, final, changes, _, joint = recommend(
        scenario, base, inputs, options, factor, static_only=True
    )
    return recommended, final, changes, joint, static_keys_cost(final, dynamic)


class _Stopwatch:
    """Wall-clock and CPU seconds of each step of the design [s]."""

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        self._progress = progress
        self.timings: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self._clock, self._cpu_clock = time.perf_counter(), time.process_time()

    def lap(self, name: str) -> None:
        """The time since the last lap is step ``name``'s."""
        now, cpu_now = time.perf_counter(), time.process_time()
        self.timings[name], self.cpu[name] = now - self._clock, cpu_now - self._cpu_clock
        self._clock, self._cpu_clock = now, cpu_now
        if self._progress is not None:
            self._progress(name)

    def totals(self) -> tuple[dict[str, float], dict[str, float]]:
        """Every step's seconds and their ``total``, wall-clock and CPU."""
        self.timings["total"] = float(np.sum(list(self.timings.values())))
        self.cpu["total"] = float(np.sum(list(self.cpu.values())))
        return self.timings, self.cpu


def _price_ranges(base: Result, options: DesignOptions) -> tuple[list[PriceRange], pd.DataFrame]:
    """The price range of every lever, the chosen one first, and their benefit curves."""
    levers: list[Lever] = [options.lever] + [x for x in LEVER_ORDER if x != options.lever]
    ranges = [price_range(base, lever, options.target) for lever in levers]
    curves = pd.concat(
        [
            price_curve(base, r.lever, curve_prices(base, r, options.curve_points), options.target)
            for r in ranges
        ],
        ignore_index=True,
    )
    return ranges, curves


def _local_at_prices(
    base: Result, ranges: list[PriceRange], working: Lever, options: DesignOptions
) -> LocalOwnership:
    """The local share the target needs, with the local owners' money at the break-even
    and top prices of the lever that works (part 1)."""
    paying = next(r for r in ranges if r.lever == working)
    priced = {}
    if paying.break_even is not None:
        priced["break_even"] = set_price(base.scenario, working, paying.break_even)
    if paying.top is not None and math.isfinite(paying.top):
        priced["top"] = set_price(base.scenario, working, paying.top)
    return local_ownership(
        base, priced, options.local_target_frac, options.register, options.municipality
    )
