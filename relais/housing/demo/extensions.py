"""Other apps add their own demo data to ``seed_demo`` through this registry.

The housing app stands below the others (they import it, not the reverse), so an app such as
allocation registers, from its ``AppConfig.ready``, a ``seed`` called after the stock is
written (in the same transaction) and a ``reset`` called before the stock is deleted.
"""

from dataclasses import dataclass
from typing import Protocol

from .writer import BulkWriter


class DemoExtension(Protocol):
    name: str

    def seed(
        self, *, organisation_ids: list[int], scale: str, seed: int, writer: BulkWriter
    ) -> dict[str, int]:
        """Write the app's demo rows through ``writer`` (the seed's own, so that the bench
        records them; call ``writer.finish()`` at the end); returns counts by kind."""

    def reset(self, organisation_ids: list[int]) -> None:
        """Delete the app's rows of these organisations (before the stock is deleted)."""


@dataclass
class Registry:
    extensions: list

    def register(self, extension: DemoExtension) -> None:
        if all(existing.name != extension.name for existing in self.extensions):
            self.extensions.append(extension)


registry = Registry(extensions=[])
