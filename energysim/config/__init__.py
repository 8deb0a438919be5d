"""What a scenario says and which rules apply: the scenario schema, the limits of
its numbers, owner types, the schemes' rules, the tariff figures of a year.

Imports only :mod:`energysim.core`.
"""
