"""The French name of every journal event kind, in one place.

Every screen that shows an event kind (the agents' request history, the person's 360° journal,
the process map, one request's or person's journey) reads it here, so no kind ever reaches a
French screen as its English code. A new kind gets its label here in the same change:
tests/core/test_event_labels.py finds every kind written in the code and fails on one missing.

Only string literals: the kinds are declared in each app's `events.py` (or beside its
actions), and the core layer imports no app above it.
"""

from __future__ import annotations

EVENT_LABELS: dict[str, str] = {
    # Requests (cases/events.py): the activities of the process map.
    "request.received": "Demande reçue",
    "request.status_changed": "Changement d'état",
    "request.assigned": "Attribution",
    "request.handed_off": "Transfert à une autre collectivité",
    "request.message_sent": "Message envoyé à l'usager",
    "request.person_replied": "Réponse de l'usager",
    "request.note_added": "Note interne",
    "request.contact_recorded": "Relance de l'usager",
    "request.linked": "Demandes liées",
    "request.attachments_added": "Pièces ajoutées au dossier",
    "cases.request-requalified": "Changement de service (requalification)",
    "cases.request-merged": "Fusion dans une autre demande (doublon)",
    "cases.request-unmerged": "Fusion annulée (demande de nouveau séparée)",
    "cases.request-followed": "Signalement suivi par une autre personne",
    "cases.request-unfollowed": "Signalement plus suivi par une personne",
    "request.moved_to_version": "Passage sur la nouvelle version du service",
    # Request configuration (cases/actions/configuration.py).
    "cases.workflow_definition_saved": "Circuit de traitement enregistré",
    "cases.routing_rule_saved": "Règle d'orientation enregistrée",
    "cases.routing_rule_deleted": "Règle d'orientation supprimée",
    # Satisfaction (satisfaction/events.py).
    "satisfaction.survey_opened": "Enquête de satisfaction proposée",
    "satisfaction.answered": "Enquête de satisfaction remplie",
    "satisfaction.settings_changed": "Réglages de l'enquête de satisfaction modifiés",
    # Triage of free text (triage/events.py).
    "triage.model_trained": "Modèle de tri entraîné",
    "triage.suggested": "Services suggérés par le tri automatique",
    "triage.confirmed": "Service suggéré confirmé par un agent",
    "triage.corrected": "Service suggéré corrigé par un agent",
    "triage.threshold_changed": "Seuil d'orientation automatique modifié",
    # Notifications (notifications/actions.py).
    "notification.sent": "Notification envoyée à l'usager",
    "notification.failed": "Notification non remise",
    "notification.broadcast_requested": "Diffusion demandée",
    "notification.broadcast_queued": "Diffusion mise en file d'envoi",
    "notification.template_changed": "Modèle de message modifié",
    "notification.service-template-changed": "Message d'un service modifié",
    # Appointments (appointments/actions.py).
    "appointment.booked": "Rendez-vous pris",
    "appointment.cancelled": "Rendez-vous annulé",
    "appointment.moved": "Rendez-vous déplacé",
    "appointment.attended": "Rendez-vous honoré",
    "appointment.no_show": "Absence au rendez-vous",
    "appointment.reminder_queued": "Rappel de rendez-vous programmé",
    "appointment.place_saved": "Lieu d'accueil enregistré",
    "appointment.closure_saved": "Fermeture exceptionnelle enregistrée",
    "appointment.closure_deleted": "Fermeture exceptionnelle supprimée",
    # Persons, households and organisations (people/actions/).
    "person.created": "Fiche usager créée",
    "person.changed": "Fiche usager modifiée",
    "person.identity_added": "Identifiant ajouté",
    "person.identity_verified": "Identifiant vérifié",
    "person.duplicate_suspected": "Doublon présumé signalé",
    "person.duplicate_dismissed": "Doublon présumé écarté",
    "person.merged": "Fiches fusionnées",
    "person.counter_access": "Fiche usager consultée au guichet",
    "person.consent_recorded": "Consentement enregistré",
    "person.preferences_changed": "Préférences de notification modifiées",
    "person.account_signed_in": "Connexion par FranceConnect",
    "person.account_unlinked": "Compte FranceConnect délié",
    "person.email_changed": "Adresse électronique changée (vérifiée)",
    "person.phone_changed": "Numéro de téléphone changé (vérifié par SMS)",
    "person.rectified": "Données de la fiche rectifiées",
    # Access and portability (people/rights/actions.py).
    "person.export_requested": "Export des données personnelles demandé",
    "person.export_ready": "Export des données personnelles prêt",
    "person.export_failed": "Export des données personnelles en échec",
    "person.exports_expired": "Exports de données personnelles expirés supprimés",
    # Erasure and retention (people/rights/erasure.py, retention.py).
    "person.erased": "Données personnelles effacées",
    "person.erasure_requested": "Effacement des données demandé par l'usager",
    "retention.run": "Données personnelles expirées anonymisées",
    "account.proconnect_signed_in": "Connexion d'un agent par ProConnect",
    "account.totp_enrolled": "Double authentification activée",
    "account.totp_removed": "Double authentification réinitialisée",
    "household.created": "Foyer créé",
    "household.changed": "Foyer modifié",
    "organisation.created": "Organisation créée",
    "organisation.changed": "Organisation modifiée",
    # Inbound e-mail (channels/events.py).
    "inbound_mail.accepted": "Courriel entrant accepté",
    "inbound_mail.quarantined": "Courriel entrant mis en quarantaine",
    "inbound_mail.rejected": "Courriel entrant refusé",
    # Authorities, teams, agents and competences (authorities/events.py).
    "authority.created": "Collectivité ajoutée",
    "authority.changed": "Collectivité modifiée",
    "authority.team_created": "Équipe créée",
    "authority.team_changed": "Équipe modifiée",
    "authority.agent_added": "Agent ajouté",
    "authority.agent_changed": "Agent modifié",
    "authority.agent_removed": "Agent retiré",
    "competence.transferred": "Compétence transférée",
    "competence.delegated": "Compétence déléguée",
    "competence.assignment_ended": "Transfert ou délégation de compétence terminé",
    # Catalogue and territory.
    "catalogue.loaded": "Catalogue des services chargé",
    "catalogue.service_changed": "Service modifié",
    "catalogue.service-reports-settings-changed": "Réglages des signalements d'un service modifiés",
    "catalogue.service-open-data-changed": "Publication en données ouvertes d'un service modifiée",
    "opendata.publication-started": "Publication de données ouvertes commencée",
    "opendata.publication-published": "Données ouvertes publiées",
    "opendata.publication-failed": "Publication de données ouvertes échouée",
    "opendata.dataset-changed": "Jeu de données ouvertes modifié",
    "opendata.datasets-created": "Jeux de données ouvertes créés",
    "opendata.udata-pushed": "Jeu de données ouvertes envoyé au portail udata",
    "opendata.udata-push-failed": "Envoi d'un jeu de données ouvertes au portail udata échoué",
    "catalogue.category_changed": "Catégorie de services modifiée",
    "service.draft_started": "Brouillon de service ouvert",
    "service.draft_saved": "Brouillon de service enregistré",
    "service.version_published": "Version de service publiée",
    "service.version_rolled_back": "Retour à une version antérieure du service",
    "service.imported": "Service importé (brouillon)",
    "service.created": "Service créé par une collectivité (brouillon)",
    "service.shared-in-library": "Service publié dans la bibliothèque des collectivités",
    "service.communes-chosen": "Communes où le service est proposé choisies",
    "territory.imported": "Territoire importé",
    "territory.area-created": "Secteur dessiné",
    "territory.area-updated": "Secteur modifié",
    "territory.area-deleted": "Secteur supprimé",
    # Delegation contracts and their quality reports (contracts/events.py, ADR 0038).
    "contracts.contract-created": "Contrat de délégation créé",
    "contracts.contract-changed": "Contrat de délégation modifié",
    "contracts.comment-added": "Commentaire sur les indicateurs d'un contrat",
    "contracts.disagreement-recorded": "Désaccord enregistré sur les indicateurs d'un contrat",
    "contracts.report-requested": "Rapport qualité du délégataire demandé",
    "contracts.report-finished": "Rapport qualité du délégataire terminé",
    # Steering: emerging topics and elected officials' briefings (issue 20, ADR 0039).
    "journeys.topics-refreshed": "Sujets émergents recalculés",
    "contracts.briefing-remit-created": "Note aux élus : périmètre d'un élu créé",
    "contracts.briefing-remit-ended": "Note aux élus : périmètre d'un élu arrêté",
    "contracts.briefing-sent": "Note aux élus envoyée",
    # Participation: consultations and ideas (participation/actions/, ADR 0040).
    "participation.consultation-saved": "Consultation enregistrée",
    "participation.phases-saved": "Étapes d'une consultation enregistrées",
    "participation.document-added": "Document ajouté à une consultation",
    "participation.residence-declared": "Lieu de résidence ou de travail déclaré",
    "participation.round-closed": "Tour de sélection des idées clos",
    "participation.participations-attached": "Participations rattachées à un compte",
    "participation.one-time-verified": "Participation ponctuelle vérifiée par un code",
    "participation.idea-proposed": "Idée proposée",
    "participation.idea-commented": "Idée commentée",
    "participation.idea-supported": "Idée soutenue",
    "participation.support-withdrawn": "Soutien retiré",
    "participation.merge-proposed": "Fusion d'idées proposée",
    "participation.merge-answered": "Réponse d'un auteur à une fusion d'idées",
    "participation.support-carried": "Soutien reporté (ou non) sur l'idée fusionnée",
    "participation.idea-answered": "Réponse officielle à une idée",
    "participation.milestone-saved": "Jalon de suivi d'une idée enregistré",
    # Participation: opinion map, petitions, moderation (participation/actions/, ADR 0041).
    "participation.statement-added": "Affirmation proposée",
    "participation.statement-voted": "Vote sur une affirmation",
    "participation.opinion-map-computed": "Carte des opinions calculée",
    "participation.petition-rules-changed": "Règles des pétitions modifiées",
    "participation.council-meeting-added": "Séance du conseil inscrite",
    "participation.petition-submitted": "Pétition déposée",
    "participation.petition-opened": "Pétition ouverte à la signature",
    "participation.petition-rejected": "Pétition refusée par la modération",
    "participation.petition-signed": "Pétition signée",
    "participation.petition-closed": "Pétition close",
    "participation.obligation-answered": "Réponse officielle à une pétition publiée",
    "participation.contribution-reported": "Contribution signalée",
    "participation.contribution-hidden": "Contribution masquée par la modération",
    "participation.contribution-restored": "Contribution rétablie par la modération",
    "participation.contribution-kept": "Signalements écartés, contribution maintenue",
    "participation.contribution-accepted": "Contribution acceptée par la modération",
    "participation.author-blocked": "Auteur bloqué par la modération",
    "participation.author-unblocked": "Auteur débloqué par la modération",
    # Accounts and API keys.
    "account.created": "Compte créé",
    "account.changed": "Compte modifié",
    "account.password_changed": "Mot de passe changé",
    "account.locked_out": "Compte bloqué après des échecs de connexion",
    "account.unlocked": "Compte débloqué",
    "api.key_issued": "Clé d'API délivrée",
    "api.key_rate_limit_changed": "Limite de débit d'une clé d'API modifiée",
    "api.key_revoked": "Clé d'API révoquée",
}

# What the platform does on its own around a request, not a step of its handling: the process
# map hides them unless asked (as process-mining tools hide system activities).
SYSTEM_KINDS: frozenset[str] = frozenset(
    {
        "notification.sent",
        "notification.failed",
        "notification.broadcast_queued",
        "satisfaction.survey_opened",
        "appointment.reminder_queued",
        "inbound_mail.accepted",
        "inbound_mail.quarantined",
        "inbound_mail.rejected",
    }
)


def event_label(kind: str) -> str:
    """The French name of a journal kind; any other activity (an external log's) as it is."""
    return EVENT_LABELS.get(kind, kind)


def is_system_kind(kind: str) -> bool:
    return kind in SYSTEM_KINDS
