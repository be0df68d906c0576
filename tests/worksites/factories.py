import factory

from relais.worksites import services
from relais.worksites.models import SiteCompany, SiteKind, SiteStatus, WorkSite

from ..factories import OrganisationFactory


class WorkSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkSite

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"CH-{n:03d}")
    name = factory.Sequence(lambda n: f"Réhabilitation des Tilleuls {n}")
    kind = SiteKind.RENOVATION
    address = "12 rue Nationale, Tours"
    sps_name = "Claire Besson"
    referent_name = "Marc Dupuis"
    referent_phone = "+33612345600"
    status = SiteStatus.RUNNING

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Through the service, so that the site gets its checklist; a site written stopped
        (``stopped_on``) gets its stop in its history, as the demo's do."""
        site = model_class(*args, **kwargs)
        services.site_create(organisation=site.organisation, actor=None, site=site)
        services.copy_current_stops(model_class.objects.filter(pk=site.pk))
        return site


class SiteCompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteCompany

    site = factory.SubFactory(WorkSiteFactory)
    organisation = factory.LazyAttribute(lambda o: o.site.organisation)
    name = "Maçonnerie Berry"
    trade = "gros œuvre"
    referent_name = "Julie Martin"
    referent_phone = "+33611223344"
