"""What readiness means here: the settings loaded (the application exists) and the reference data's start-up
warming has run once, whatever the back offices answered, and the gateway is not draining. A back office's health
is not the gateway's: a readiness that followed it would take every replica out of the Service at once when one
system fails, although the others' fields still answer (DESIGN rule 3). Which system fails is for `/status`."""

from dataclasses import dataclass


@dataclass
class Readiness:
    warmed: bool = False
    draining: bool = False  # set on SIGTERM: the load balancer must stop sending before the listener closes

    @property
    def ready(self) -> bool:
        return self.warmed and not self.draining

    @property
    def word(self) -> str:
        """What `/readyz` answers: `ready`, `draining` (stopping: never again ready) or `unready` (not yet)."""
        return "ready" if self.ready else "draining" if self.draining else "unready"
