"""Audit actions of the federation app (discovered at start-up), one module per sub-package."""

from .indicators import audit_actions as indicators  # noqa: F401
