"""Models of the federation app, one module per sub-package."""

from .indicators.models import (  # noqa: F401
    IndicatorValue,
    RefreshRun,
    RegionalFigure,
    Source,
    WeeklyReport,
)
from .library.models import Adoption, GridCopy, Template, TemplateVersion  # noqa: F401
