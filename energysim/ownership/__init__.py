"""Local ownership against the Klimaatakkoord's 50% target: the rules, registers of
installations, regions, the tables and the report.

Imports core and config only.
"""
