"""Regional demo data: ``manage.py seed_demo --scale tiny|small|region`` (docs/demo.md)."""

from .accounts import ACCOUNTS, DEMO_PASSWORD, EMAIL_DOMAIN
from .errors import DemoAlreadyLoaded, DemoError
from .scales import SCALES
from .seed import DEFAULT_SEED, SeedResult, seed_demo

__all__ = [
    "ACCOUNTS",
    "DEFAULT_SEED",
    "DEMO_PASSWORD",
    "EMAIL_DOMAIN",
    "SCALES",
    "DemoAlreadyLoaded",
    "DemoError",
    "SeedResult",
    "seed_demo",
]
