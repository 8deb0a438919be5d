"""Results page: one household's year, looked up by its id, and its statement (PDF).

The figures are the run's statement row (:func:`energysim.results.statements.statement_table`,
the same as ``participants.csv`` and ``energysim explain``); the PDF is the page
``energysim statements`` writes (:func:`energysim.results.statement_pdf.statement_pdf`),
built only when the button is clicked.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboards.shared import formatting as fmt
from dashboards.shared import i18n
from dashboards.shared.i18n import t
from energysim.money.finance import BILL_LINES

OPTIONAL_LINES = ("rebate", "feed_in", "feed_in_cost")
"""Bill lines left out when they are zero with and without the scheme."""


def first_household(table: pd.DataFrame) -> str:
    """The id shown first: the first participating tenant, else the first participant."""
    tenants = table[(table["role"] == "tenant") & table["participating"].astype(bool)]
    return str((tenants if not tenants.empty else table)["participant_id"].iloc[0])


def bill_rows(row: pd.Series) -> pd.DataFrame:
    """The bill without and with the scheme, line by line, with the total [EUR/yr].

    Returns
    -------
    pandas.DataFrame
        Columns ``line`` (a :data:`~energysim.money.finance.BILL_LINES` name or
        ``total``), ``without``, ``with``, ``difference``.
    """
    rows = []
    for line in (*BILL_LINES, "total"):
        if line == "total":
            without, with_scheme = row["bill_without_eur"], row["bill_with_eur"]
        else:
            without, with_scheme = row[f"bill_without_{line}_eur"], row[f"bill_with_{line}_eur"]
        if line in OPTIONAL_LINES and without == 0 and with_scheme == 0:
            continue
        rows.append((line, float(without), float(with_scheme)))
    out = pd.DataFrame(rows, columns=["line", "without", "with"])
    out["difference"] = out["with"] - out["without"]
    return out


def benefit_rows(row: pd.Series) -> list[tuple[str, float]]:
    """Each line of a household's benefit and the benefit (the last) [EUR/yr]; for the
    common connection what it passes to the service costs."""
    bill = float(row["bill_without_eur"]) - float(row["bill_with_eur"])
    if row["role"] == "common":
        return [
            ("common_bill", bill),
            ("common_fee", -float(row["fees_eur"])),
            ("common_passed", float(row["passed_to_service_costs_eur"])),
        ]
    lines = [
        ("bill", bill),
        ("service", float(row["service_cost_saving_eur"])),
        ("payout", float(row["payout_eur"])),
        ("refund", float(row["tax_refund_eur"])),
        ("panel_fee", -float(row["panel_fee_eur"])),
        ("sharing_fee", -float(row["sharing_fee_eur"])),
    ]
    kept = [(k, v) for k, v in lines if k == "bill" or round(v, 2) != 0]
    return [*kept, ("total", float(row["benefit_eur"]))]


def statement_bytes(row: pd.Series, header: Any, lang: str) -> bytes:
    """The participant's statement as ``energysim statements`` writes it (version 1)."""
    from energysim.results.statement_pdf import statement_pdf

    return statement_pdf({"participant_id": row.name, **row.to_dict()}, header, lang)


def show(out: dict[str, Any]) -> None:
    """The household block: pick an id, see its year, download its statement (under the
    section's heading, :func:`dashboards.results.view.page`).

    ``out``: the run's ``statements`` and ``statement_header``
    (:func:`dashboards.shared.state.statements`).
    """
    table: pd.DataFrame = out["statements"]
    st.caption(t("household.help"))
    ids = list(table["participant_id"])
    roles = dict(zip(table["participant_id"], table["role"], strict=True))
    # the options are the ids themselves (typed to search), the same in either language
    pid = st.selectbox(
        t("household.pick"),
        ids,
        index=ids.index(first_household(table)),
        key="household_pick",
        help=t("household.pick_help"),
    )
    st.caption(t("household.role", role=t(f"role.{roles[pid]}")))
    row = table.set_index("participant_id").loc[pid]
    common = row["role"] == "common"
    figures = [
        ("household.used", fmt.kwh(row["consumption_kwh"])),
        ("household.roof", fmt.kwh(row["allocated_kwh"])),
        ("household.grid", fmt.kwh(row["grid_import_kwh"])),
        ("household.bill_without", fmt.eur(row["bill_without_eur"])),
        ("household.bill_with", fmt.eur(row["bill_with_eur"])),
    ]
    if common:
        figures.append(("household.passed", fmt.eur(row["passed_to_service_costs_eur"])))
    else:
        figures.append(("household.benefit", fmt.eur(row["benefit_eur"], sign=True)))
    # captions and bold figures, not st.metric: the page's metrics are its headline;
    # the year's kWh on one row, its money on the next (each label on one line at 1366 px)
    for group in (figures[:3], figures[3:]):
        for column, (label, value) in zip(st.columns(3), group, strict=True):
            column.caption(t(label))
            column.markdown(f"**{value}**")
    left, right = st.columns([3, 2])
    with left:
        bills = bill_rows(row)
        shown = pd.DataFrame(
            {
                t("household.line"): [t(f"household.bill.{n}") for n in bills["line"]],
                t("household.without"): [fmt.eur(v, cents=True) for v in bills["without"]],
                t("household.with"): [fmt.eur(v, cents=True) for v in bills["with"]],
                t("household.difference"): [
                    fmt.eur(v, cents=True, sign=True) for v in bills["difference"]
                ],
            }
        )
        st.table(shown.set_index(t("household.line")))
    with right:
        parts = benefit_rows(row)
        benefit = pd.DataFrame(
            {
                t("household.item"): [t(f"household.part.{k}") for k, _ in parts],
                t("household.amount"): [fmt.eur(v, cents=True, sign=True) for _, v in parts],
            }
        )
        st.table(benefit.set_index(t("household.item")))
    lang = i18n.language()
    st.download_button(
        t("household.download"),
        data=lambda: statement_bytes(row, out["statement_header"], lang),
        file_name=f"{pid}_{lang}.pdf",
        mime="application/pdf",
        key="household_pdf",
        help=t("household.download_help"),
        on_click="ignore",
        icon=":material/download:",
    )
