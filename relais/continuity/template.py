"""The plan template an organisation adopts, then edits: the critical activities the member
landlords kept running in the spring 2020 lockdown (DOMAIN.md §4b), with a maximum tolerable
downtime in hours and a minimum staffing by role (anywhere: sites are set by each landlord).

Each activity: (code, name, hours, fallback, dependencies, [(role, minimum, on_site_only)]).
Names and texts are French: they are the organisation's own plan, edited in French.
"""

from relais.core.roles import Role

ACTIVITIES = (
    (
        "allocations",
        "Attributions de logements",
        24 * 14,
        "Commissions à distance (écrit, vote en ligne), visites limitées aux logements vacants.",
        "Relais, SNE, messagerie des membres de la commission",
        [(Role.ALLOCATION_OFFICER, 1, False)],
    ),
    (
        "urgent_interventions",
        "Interventions urgentes",
        4,
        "Seules les urgences (sécurité, fluides, ascenseurs, accès) sont traitées ; astreinte.",
        "Prestataires sous contrat, téléphonie d'astreinte, équipements de protection",
        [(Role.TECHNICIAN, 1, True), (Role.CUSTOMER_OFFICER, 1, False)],
    ),
    (
        "cleaning",
        "Ordures ménagères et nettoyage",
        48,
        "Sortie des conteneurs et désinfection des parties communes seulement.",
        "Entreprises de nettoyage, produits désinfectants, gants et masques",
        [(Role.CARETAKER, 2, True)],
    ),
    (
        "rent",
        "Encaissement des loyers",
        24 * 30,
        "Prélèvements et paiement en ligne ; relances automatiques suspendues.",
        "Banque, logiciel de quittancement",
        [(Role.ACCOUNTANT, 1, False)],
    ),
    (
        "payables",
        "Paiement des fournisseurs",
        24 * 15,
        "Validation et paiement à distance, priorité aux petites entreprises.",
        "Banque, parapheur électronique",
        [(Role.ACCOUNTANT, 1, False)],
    ),
    (
        "payroll",
        "Ressources humaines et paie",
        24 * 20,
        "Paie à distance ; suivi quotidien des absences et des personnes vulnérables.",
        "Logiciel de paie, prestataire de paie",
        [(Role.HR_OFFICER, 1, False)],
    ),
    (
        "tenant_support",
        "Relation locataires",
        24,
        "Accueil téléphonique renvoyé vers le télétravail ; demandes en ligne.",
        "Téléphonie, Relais",
        [(Role.CUSTOMER_OFFICER, 2, False)],
    ),
    (
        "elderly",
        "Suivi des locataires âgés et isolés",
        48,
        "Appels réguliers, signalement aux services sociaux.",
        "Registre des personnes vulnérables, téléphonie",
        [(Role.OUTREACH_CALLER, 1, False)],
    ),
    (
        "communication",
        "Communication",
        24,
        "Avis de crise sur le site et affiché dans les halls ; messages aux locataires.",
        "Site public, messagerie, affichage",
        [(Role.MANAGER, 1, False)],
    ),
    (
        "it",
        "Informatique",
        8,
        "Accès à distance (VPN), assistance par téléphone.",
        "Hébergeur, VPN, postes portables",
        [(Role.MANAGER, 1, False)],
    ),
)
