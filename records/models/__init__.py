"""All models, one module per area. Import a new area here so Alembic sees its tables."""

# The record's areas (documents, profile, agenda, messaging, sharing, access log, catalogue):
# imported so that Base.metadata, and so Alembic, knows every table.
from records.models import (  # noqa: E402, F401
    access_log,
    agenda,
    catalogue,
    documents,
    idempotency,
    messaging,
    profile,
    sharing,
)
from records.models.accounts import (
    ACTIVATION_MODES,
    ACTIVATION_STEPS,
    Account,
    Activation,
    AssistantLink,
    AuthSession,
    LoginChallenge,
    OneTimeCode,
    RateCounter,
    Refusal,
)
from records.models.base import Base, UTCDateTime, new_id
from records.models.outbox import OutboxMessage
from records.models.people import (
    EXCLUDED_KINDS,
    PROFESSIONS,
    ChildLink,
    ExcludedOrganisation,
    HelplineAgent,
    LegalRepresentation,
    Person,
    Professional,
)

__all__ = [
    "ACTIVATION_MODES",
    "ACTIVATION_STEPS",
    "EXCLUDED_KINDS",
    "PROFESSIONS",
    "Account",
    "Activation",
    "AssistantLink",
    "AuthSession",
    "Base",
    "ChildLink",
    "ExcludedOrganisation",
    "HelplineAgent",
    "LegalRepresentation",
    "LoginChallenge",
    "OneTimeCode",
    "OutboxMessage",
    "Person",
    "Professional",
    "RateCounter",
    "Refusal",
    "UTCDateTime",
    "new_id",
]

# --- The record itself (issue 3): documents, profile, agenda, messaging, sharing, log. ---
from records.models.access_log import AccessLogEntry  # noqa: E402
from records.models.agenda import REMINDER_CHANNELS, Appointment, Reminder  # noqa: E402
from records.models.catalogue import CatalogueApp  # noqa: E402
from records.models.documents import CATEGORIES, SOURCES, Document  # noqa: E402
from records.models.messaging import Message, MessageThread  # noqa: E402
from records.models.profile import (  # noqa: E402
    ENTERED_BY,
    ENTRY_KINDS,
    MEASUREMENT_KINDS,
    EmergencyContact,
    HealthEntry,
    Vaccination,
)
from records.models.sharing import CareTeamLink, SharingSettings  # noqa: E402

__all__ += [
    "CATEGORIES",
    "ENTERED_BY",
    "ENTRY_KINDS",
    "MEASUREMENT_KINDS",
    "REMINDER_CHANNELS",
    "SOURCES",
    "AccessLogEntry",
    "Appointment",
    "CareTeamLink",
    "CatalogueApp",
    "Document",
    "EmergencyContact",
    "HealthEntry",
    "Message",
    "MessageThread",
    "Reminder",
    "SharingSettings",
    "Vaccination",
]
