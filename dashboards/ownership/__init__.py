"""The Ownership page: local ownership of the scenario and of a register's areas."""
