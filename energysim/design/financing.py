"""The cooperative's own money at the recommended design: how it pays for its part and
what its members get back.

The cooperative (the proposal's owners of type ``resident_cooperative``) invests what
its stakeholder row of the recommended design's run says (arrays, batteries, a
connection upgrade, as it pays them). It pays for that with

- a **subsidy**, a share of the investment (a municipal or provincial fund),
- a **loan** for a share of the investment, repaid as an annuity at a stated rate and
  term,
- **member capital**, the rest, paid in by the members in year 0.

Each year the cooperative's net cash flow from the run (revenue, fees and subsidy less
running costs and replacements) pays the loan's annuity first; what is left goes to the
members (a negative year is asked of them). The members' cash flows are therefore
``-member capital`` in year 0 (plus any other year-0 flow of the run, such as
certificates received) and ``CF_y - A`` in year ``y`` of the loan's term (``CF_y`` after
it); their IRR and simple payback come from :mod:`energysim.money.business`.

Every default below is an estimate, named in the plan's ``assumptions`` with its source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from energysim.config.scheme_rules import SCHEME_OWNER_TYPES
from energysim.design.words import Said, joined, say
from energysim.money import business
from energysim.results.result import Result

MEMBER_CAPITAL_FRAC = 0.5
"""Default share of the cooperative's investment paid in by its members [-] (*estimate*)."""
LOAN_RATE_FRAC = 0.05
"""Default interest rate of the cooperative's loan [-/yr] (*estimate*)."""
LOAN_TERM_YR = 15
"""Default term of the cooperative's loan [yr] (*estimate*: the SCE's 15 years)."""
SUBSIDY_FRAC = 0.0
"""Default one-off subsidy as a share of the investment [-]: none assumed."""

SOURCES = {
    "member_capital_frac": "estimate: cooperatives pay for a collective roof with their "
    "members' money (bonds or participations) plus a loan from a bank or fund (HIER "
    "opgewekt, 'SCE-regeling en projectfinanciering'); half of each is our assumption",
    "loan_rate_frac": "estimate of a 2026 project loan to an energy cooperative; compare "
    "members' bonds at 4% repaid as an annuity over 15 years (Duurzaam West Betuwe, "
    "collective roofs); ask the bank or fund",
    "loan_term_yr": "estimate: the 15 years of the SCE subsidy that pays the loan off "
    "(Subsidieregeling Cooperatieve Energieopwekking)",
    "subsidy_frac": "none assumed; a municipal or provincial fund for energy cooperatives "
    "can pay part of the investment: give its share",
}
"""Where each default comes from, as the plan's assumptions say it."""


def annuity_eur_per_yr(principal_eur: float, rate_frac: float, term_yr: int) -> float:
    """The yearly payment that repays a loan in ``term_yr`` equal payments [EUR/yr].

    Notes
    -----
    ``A = P r / (1 - (1 + r)^-n)``; at ``r = 0``, ``A = P / n``.
    """
    if term_yr < 1:
        raise ValueError(f"loan term: expected at least 1 year, found {term_yr}")
    if principal_eur == 0.0:
        return 0.0
    if rate_frac == 0.0:
        return principal_eur / term_yr
    return principal_eur * rate_frac / (1.0 - (1.0 + rate_frac) ** -term_yr)


@dataclass(frozen=True)
class FinancingTerms:
    """How the cooperative pays for its part (the user's options, defaults estimated).

    Attributes
    ----------
    member_capital_frac, subsidy_frac : float
        Shares of the investment paid by the members and by a subsidy [-]; the loan
        pays the rest.
    loan_rate_frac : float
        The loan's interest rate [-/yr].
    loan_term_yr : int
        The loan's term [yr], at most the installation's lifetime.
    """

    member_capital_frac: float = MEMBER_CAPITAL_FRAC
    loan_rate_frac: float = LOAN_RATE_FRAC
    loan_term_yr: int = LOAN_TERM_YR
    subsidy_frac: float = SUBSIDY_FRAC

    def __post_init__(self) -> None:
        """Refuse terms no plan can have (shares in [0, 1] summing to at most 1)."""
        for name in ("member_capital_frac", "subsidy_frac"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise ValueError(f"financing {name}: expected a share in [0, 1], found {value!r}")
        if self.member_capital_frac + self.subsidy_frac > 1.0 + 1e-12:
            raise ValueError(
                "financing: member capital and subsidy shares sum to more than 1, found "
                f"{self.member_capital_frac + self.subsidy_frac:.4g}"
            )
        if not (math.isfinite(self.loan_rate_frac) and -0.5 < self.loan_rate_frac <= 1.0):
            raise ValueError(
                f"financing loan_rate_frac: expected a rate in (-0.5, 1], found "
                f"{self.loan_rate_frac!r}"
            )
        if self.loan_term_yr < 1:
            raise ValueError(
                f"financing loan_term_yr: expected at least 1 year, found {self.loan_term_yr!r}"
            )

    def assumptions(self) -> list[dict[str, Any]]:
        """The terms left at their estimated defaults, with their sources."""
        defaults = FinancingTerms.__dataclass_fields__
        return [
            {"figure": name, "value": getattr(self, name), "status": "estimate", "source": src}
            for name, src in SOURCES.items()
            if getattr(self, name) == defaults[name].default
        ]


@dataclass(frozen=True)
class Financing:
    """The cooperative's financing plan and its members' money.

    Attributes
    ----------
    figures : dict
        ``owners``, ``investment_eur``, ``member_capital_eur``, ``loan_eur``,
        ``subsidy_eur``, ``annuity_eur_per_yr``, ``members``, ``capex_per_member_eur``,
        ``member_capital_per_member_eur``, ``members_npv_eur``, ``members_irr_frac``,
        ``members_payback_yr``, ``short_years`` (years whose cash flow does not pay the
        annuity), the terms.
    cashflows : pandas.DataFrame
        One row per year 0..N: the cooperative's net cash flow from the run, the loan
        received and its annuity, the subsidy received, the members' cash flow.
    assumptions : list of dict
        The estimated terms, with their sources.
    """

    figures: dict[str, Any]
    cashflows: pd.DataFrame
    assumptions: list[dict[str, Any]] = field(default_factory=list)


def cooperative_financing(proposal: Result, terms: FinancingTerms) -> Financing | None:
    """The financing plan of the proposal's cooperative, or None when it has none.

    Parameters
    ----------
    proposal : Result
        The run of the recommended design.
    terms : FinancingTerms
        Member capital, loan and subsidy.
    """
    stake = proposal.accounts.stakeholders
    owners = [o for o in stake.index if stake.loc[o, "owner_type"] in SCHEME_OWNER_TYPES]
    if not owners:
        return None
    flows = proposal.accounts.cashflows
    mine = flows[flows["owner"].isin(owners)].groupby("year")[["net_cash_flow_eur"]].sum()
    net = mine["net_cash_flow_eur"].to_numpy(dtype=np.float64)
    n = len(net) - 1
    if terms.loan_term_yr > n:
        raise ValueError(
            f"financing loan_term_yr: expected at most the lifetime of {n} years, "
            f"found {terms.loan_term_yr}"
        )
    investment = float(stake.loc[owners, "capex_eur"].sum())
    subsidy = terms.subsidy_frac * investment
    capital = terms.member_capital_frac * investment
    loan = max(0.0, investment - subsidy - capital)
    annuity = annuity_eur_per_yr(loan, terms.loan_rate_frac, terms.loan_term_yr)
    years = np.arange(n + 1)
    loan_in = np.where(years == 0, loan, 0.0)
    subsidy_in = np.where(years == 0, subsidy, 0.0)
    repaid = np.where((years >= 1) & (years <= terms.loan_term_yr), annuity, 0.0)
    members = net + loan_in + subsidy_in - repaid
    count = sum(b.members.count for b in proposal.scenario.buildings)
    rate = proposal.scenario.finance.discount_rate_frac
    figures = {
        "owners": owners,
        "investment_eur": investment,
        "member_capital_eur": capital,
        "loan_eur": loan,
        "subsidy_eur": subsidy,
        "annuity_eur_per_yr": annuity,
        "members": count,
        "capex_per_member_eur": investment / count if count else None,
        "member_capital_per_member_eur": capital / count if count else None,
        "members_npv_eur": business.npv_eur(members, rate),
        "members_irr_frac": business.irr_frac(members),
        "members_payback_yr": business.simple_payback_yr(members),
        "short_years": [int(y) for y in years[1:] if members[y] < 0],
        "member_capital_frac": terms.member_capital_frac,
        "loan_rate_frac": terms.loan_rate_frac,
        "loan_term_yr": terms.loan_term_yr,
        "subsidy_frac": terms.subsidy_frac,
    }
    table = pd.DataFrame(
        {
            "year": years,
            "cooperative_net_eur": net,
            "loan_received_eur": loan_in,
            "subsidy_received_eur": subsidy_in,
            "annuity_eur": repaid,
            "members_cash_flow_eur": members,
        }
    )
    return Financing(figures, table, terms.assumptions())


def financing_line(plan: Financing | None) -> Said:
    """The plan in one sentence (the CLI's report)."""
    if plan is None:
        return say("financing.none")
    f = plan.figures
    parts = [
        say(
            "financing.members",
            investment_eur=f["investment_eur"],
            capital_eur=f["member_capital_eur"],
            capital_frac=f["member_capital_frac"],
        )
    ]
    if f["member_capital_per_member_eur"] is not None:
        parts.append(say("financing.per_member", capital_eur=f["member_capital_per_member_eur"]))
    parts.append(
        say(
            "financing.loan",
            loan_eur=f["loan_eur"],
            rate_frac=f["loan_rate_frac"],
            term_yr=f["loan_term_yr"],
            annuity_eur=f["annuity_eur_per_yr"],
        )
    )
    if f["subsidy_eur"] > 0:
        parts.append(
            say("financing.subsidy", subsidy_eur=f["subsidy_eur"], subsidy_frac=f["subsidy_frac"])
        )
    irr, payback = f["members_irr_frac"], f["members_payback_yr"]
    parts.append(
        say(
            "financing.return",
            irr=say("financing.irr", irr_frac=irr) if irr is not None else say("financing.no_irr"),
            payback=(
                say("financing.payback", payback_yr=payback)
                if payback is not None
                else say("financing.no_payback")
            ),
            npv_eur=f["members_npv_eur"],
        )
    )
    if f["short_years"]:
        parts.append(say("financing.short", years=len(f["short_years"])))
    parts.append(say("financing.end"))
    return joined("", parts)
