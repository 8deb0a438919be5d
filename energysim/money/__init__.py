"""Energy into euros: bills, subsidies, year one account by account, the lifetime
cash flows, fairness statistics, the money of batteries.

Imports the layers below it: core, config, inputs, sharing.
"""
