"""What readiness means here: the settings loaded (the application exists) and the reference data's start-up
warming has run once, whatever the back offices answered. A back office's health is not the gateway's: a
readiness that followed it would take every replica out of the Service at once when one system fails,
although the others' fields still answer (DESIGN rule 3). Which system fails is for `/status`."""

from dataclasses import dataclass


@dataclass
class Readiness:
    warmed: bool = False
