"""Money of a design candidate, from the library's own money model.

Every figure the design reports comes from :func:`energysim.money.accounts.build_accounts`
(the money of :func:`energysim.simulate.run`) on a run's energy: changing a price, the
capex or the owners changes no kWh, so the design re-prices a run instead of running
it again, and there is no second, simplified money model.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pydantic import ValidationError

from energysim.config.economics import Finance, Owner
from energysim.config.scenario import Scenario
from energysim.core.errors import ScenarioError
from energysim.money import business
from energysim.money.accounts import Accounts
from energysim.results.result import Result
from energysim.simulate import money_accounts

Criterion = Literal["every", "p10", "median"]
"""Which household must not be worse off: every household, the p10 or the median one."""
CRITERIA: tuple[str, ...] = get_args(Criterion)

_MONEY_ONLY = ("finance", "ownership", "ownership_policy")
"""Scenario fields that change money but no kWh."""


def with_finance(scenario: Scenario, **changes: Any) -> Scenario:
    """Return the scenario with some ``[finance]`` fields changed (validated).

    Raises
    ------
    ScenarioError
        When a value breaks the field's rule (e.g. a negative price).
    """
    data = scenario.finance.model_dump()
    data.update(changes)
    try:
        finance = Finance.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in err["loc"])
        raise ScenarioError(
            f"scenario '{scenario.name}': field 'finance.{field}': "
            f"{err['msg']}; found {err.get('input')!r}"
        ) from None
    return scenario.model_copy(update={"finance": finance})


def with_owners(scenario: Scenario, owners: list[Owner]) -> Scenario:
    """Return the scenario with another ownership split (shares summing to 1)."""
    total = sum(o.share_frac for o in owners)
    if not np.isclose(total, 1.0, atol=1e-6):
        raise ScenarioError(f"ownership: expected shares summing to 1, found {total:.6g}")
    return scenario.model_copy(update={"ownership": list(owners)})


def with_owners_result(result: Result, owners: list[Owner]) -> Result:
    """The run under another ownership split: its scenario's owners changed and its
    money re-priced (:func:`reprice`; no kWh change).

    Owners can differ in more than their share (their VAT regime:
    :mod:`energysim.money.owner_vat`), so a price that pays one split need not pay
    another: a price is found on the owners that will hold the roof.
    """
    scenario = with_owners(result.scenario, owners)
    accounts = reprice(result, scenario)
    return replace(result, scenario=scenario, accounts=accounts, money=accounts.money)


def reprice(result: Result, scenario: Scenario) -> Accounts:
    """The accounts of a run's energy under another scenario's finance and owners.

    Parameters
    ----------
    result : Result
        A run; its annual energy per participant and per building is kept.
    scenario : Scenario
        The run's (resolved) scenario with other ``finance``, ``ownership`` or
        ``ownership_policy``; any other change would change kWh and needs a run.

    Raises
    ------
    ValueError
        When ``scenario`` differs from the run's in anything but money.
    """
    same = {name: getattr(result.scenario, name) for name in _MONEY_ONLY}
    if scenario.model_copy(update=same) != result.scenario:
        raise ValueError(
            "reprice: the scenario differs from the run's in more than finance and "
            "ownership; run it instead"
        )
    return money_accounts(
        scenario,
        result.tariffs,
        result.participants,
        result.annual,
        result.buildings,
        result.storage,
    )


def owners_npv_eur(accounts: Accounts, rate_frac: float) -> pd.Series:
    """Each owner's NPV of its cash flows at ``rate_frac`` [EUR] (index: owner).

    Notes
    -----
    At the scenario's discount rate this is the ``npv_eur`` of the run; at a target IRR
    ``r`` it is zero exactly when the owner's IRR is ``r``.
    """
    flows = accounts.cashflows
    owners = list(accounts.stakeholders.index)
    return pd.Series(
        [
            business.npv_eur(
                flows.loc[flows["owner"].to_numpy() == o, "net_cash_flow_eur"].to_numpy(),
                rate_frac,
            )
            for o in owners
        ],
        index=pd.Index(owners, name="owner"),
    )


def households(result: Result, accounts: Accounts) -> pd.DataFrame:
    """Every household (tenants, also those not taking part, and members) with its money.

    Columns ``role``, ``participating``, ``consumption_kwh``, ``benefit_eur`` (year 1
    [EUR/yr]) and ``benefit_npv_eur`` (lifetime, discounted [EUR]).
    """
    p = result.participants
    keep = (p["role"] != "common").to_numpy()
    money = accounts.money
    return pd.DataFrame(
        {
            "role": p["role"].to_numpy()[keep],
            "participating": p["participating"].to_numpy(dtype=bool)[keep],
            "consumption_kwh": result.annual["consumption_kwh"].to_numpy()[keep],
            "benefit_eur": money["benefit_eur"].to_numpy()[keep],
            "benefit_npv_eur": money["benefit_npv_eur"].to_numpy()[keep],
        },
        index=p.index[keep],
    )


def statistic_eur(values: np.ndarray, criterion: Criterion) -> float:
    """The benefit of the household the criterion watches [EUR]: min, p10 or median.

    Raises
    ------
    ValueError
        For an unknown criterion.
    """
    v = np.asarray(values, dtype=np.float64)
    if criterion == "every":
        return float(v.min())
    if criterion == "p10":
        return float(np.percentile(v, 10))
    if criterion == "median":
        return float(np.median(v))
    raise ValueError(f"criterion: expected one of {', '.join(CRITERIA)}, found {criterion!r}")


def benefit_figures(table: pd.DataFrame) -> dict[str, float]:
    """Households' benefits in a few figures: totals, min, p10, median, share not worse off."""
    year1 = table["benefit_eur"].to_numpy()
    npv = table["benefit_npv_eur"].to_numpy()
    return {
        "households": int(len(table)),
        "benefit_total_eur": float(year1.sum()),
        "benefit_min_eur": float(year1.min()),
        "benefit_p10_eur": float(np.percentile(year1, 10)),
        "benefit_median_eur": float(np.median(year1)),
        "benefit_npv_total_eur": float(npv.sum()),
        "benefit_npv_min_eur": float(npv.min()),
        "benefit_npv_p10_eur": float(np.percentile(npv, 10)),
        "benefit_npv_median_eur": float(np.median(npv)),
        "not_worse_off_frac": float((npv >= 0).mean()),
    }
