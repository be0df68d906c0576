"""Other apps add their own demo data to ``seed_demo`` through this registry.

The housing app stands below the others (they import it, not the reverse), so an app such as
allocation registers, from its ``AppConfig.ready``, a ``seed`` called after the stock is
written (in the same transaction) and a ``reset`` called before the stock is deleted.
"""

from dataclasses import dataclass
from typing import Protocol


class DemoExtension(Protocol):
    name: str

    def seed(self, *, organisation_ids: list[int], scale: str, seed: int) -> dict[str, int]:
        """Write the app's demo rows; returns counts by kind for the report."""

    def reset(self, organisation_ids: list[int]) -> None:
        """Delete the app's rows of these organisations (before the stock is deleted)."""


@dataclass
class Registry:
    extensions: list

    def register(self, extension: DemoExtension) -> None:
        if all(existing.name != extension.name for existing in self.extensions):
            self.extensions.append(extension)


registry = Registry(extensions=[])
