"""The Scenario page: the form, the storage and electrification switches, the download."""
