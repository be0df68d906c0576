"""Models of the federation app, one module per sub-package."""

from .indicators.models import IndicatorValue, RefreshRun, Source, WeeklyReport  # noqa: F401
from .library.models import Adoption, Template, TemplateVersion  # noqa: F401
