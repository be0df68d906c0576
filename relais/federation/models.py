from .library.models import Adoption, Template, TemplateVersion  # noqa: F401
