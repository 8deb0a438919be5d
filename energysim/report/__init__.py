"""The board report of a scenario (PDF): what a cooperative or corporation decides with."""
