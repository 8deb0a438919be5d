"""Unusual figures of a finished run, as sentences for the user.

:func:`result_warnings` looks at what a run gave (households gaining more than their
whole bill, a roof's specific yield) and returns sentences the CLI prints and
``summary.json`` lists under ``messages``; each is a
:class:`energysim.core.messages.Message`, so the dashboard can say it in Dutch. The
warnings about a scenario before it runs are
:func:`energysim.config.plausibility.plausibility_warnings`.
"""

from __future__ import annotations

from energysim.config.limits import SPECIFIC_YIELD_USUAL
from energysim.core.messages import Message
from energysim.money.table_columns import float_columns
from energysim.results.result import Result, expect_result

__all__ = ["result_warnings"]


def result_warnings(result: Result) -> list[str]:
    """Unusual figures of a finished run, as sentences for the user.

    Parameters
    ----------
    result : Result
        A finished run.

    Returns
    -------
    list of Message
        Households gaining more a year than their whole electricity bill without the
        scheme; a specific yield outside
        :data:`energysim.config.limits.SPECIFIC_YIELD_USUAL`.

    Raises
    ------
    TypeError
        When ``result`` is not a Result.
    """
    expect_result(result, "result_warnings")
    out: list[str] = []
    household = result.participants["role"].to_numpy() != "common"
    amounts = float_columns(result.money, ("benefit_eur", "bill_without_eur"))
    benefit = amounts["benefit_eur"]
    # the bill before the fixed energy-tax rebate: a small user's net bill is near zero or
    # negative (the rebate is a fixed credit per connection), so a modest benefit can
    # exceed it; what a household pays for electricity before that credit cannot be
    # exceeded by a plausible scheme (payouts and service costs included)
    t = result.tariffs
    rebate = t.tax_rebate_excl_vat_eur_per_yr * (1.0 + t.vat_frac)
    bill = amounts["bill_without_eur"] + rebate
    above = household & (benefit > bill + 0.005)
    if above.any():
        first = int(above.nonzero()[0][0])
        pid = result.participants.index[first]
        out.append(
            Message(
                f"{int(above.sum())} household(s) gain more a year than their whole "
                f"electricity bill without the scheme (before the energy-tax rebate), e.g. "
                f"{pid}: benefit EUR {benefit[first]:,.0f}/yr, bill EUR {bill[first]:,.0f}/yr; "
                "check consumption, capacity and payouts",
                "benefit_above_bill",
                count=int(above.sum()),
                participant=str(pid),
                benefit_eur=float(benefit[first]),
                bill_eur=float(bill[first]),
            )
        )
    capacity = result.scenario.capacity_kwp
    generation = float(result.generation_kwh.to_numpy().sum())
    if capacity > 0 and generation > 0:
        specific = generation / capacity
        low, high, _ = SPECIFIC_YIELD_USUAL
        if not low <= specific <= high:
            out.append(
                Message(
                    f"specific yield {specific:,.0f} kWh/kWp is outside what Dutch roofs give "
                    f"(about 750-1,000 kWh/kWp; {low:,.0f}-{high:,.0f} taken as usual); "
                    "check capacity and measured generation",
                    "specific_yield_unusual",
                    specific_yield=specific,
                    low=low,
                    high=high,
                )
            )
    return out
