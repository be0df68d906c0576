from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    name = "relais.allocation"
    label = "allocation"
    verbose_name = _("Allocation")

    def ready(self):
        from relais.housing.demo.extensions import registry

        from . import contributions
        from .demo_extension import AllocationDemo

        registry.register(AllocationDemo())
        from .reservations.demo import ReservationsDemo

        registry.register(ReservationsDemo())  # after allocation's: it reads its vacancies

        from relais.housing.io import jobs, writing

        from .applications.io import KIND, applications_import, rescore_after_undo

        writing.register_after_undo("allocation.application", rescore_after_undo)

        jobs.register(
            KIND,
            applications_import,
            ability="allocation.import",
            url_name="allocation:application_import",
        )
        contributions.register()
