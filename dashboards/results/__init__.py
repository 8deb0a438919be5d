"""The Results page: where the energy goes, typical days, months, benefit per household."""
