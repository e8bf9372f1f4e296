"""Imports every model module so the metadata is complete (migrations, tests)."""

from caseapp import features
from caseapp.appointments.models import (  # noqa: F401
    Appointment,
    AppointmentChange,
    RescheduleRequest,
    Room,
)
from caseapp.audit.models import AuditEntry  # noqa: F401
from caseapp.auth.models import OfficeMembership, User, UserRole, UserSession  # noqa: F401
from caseapp.matches.models import (  # noqa: F401
    Match,
    MatchingSettings,
    MatchProposal,
    MatchRequest,
    MatchRound,
    MatchUnmatched,
)
from caseapp.offices.models import District, Office, OpeningHours  # noqa: F401
from caseapp.outbox.models import OutboxMessage  # noqa: F401
from caseapp.people.import_runs import ImportRun  # noqa: F401
from caseapp.people.models import (  # noqa: F401
    AidEntry,
    AidKind,
    Case,
    CaseNeed,
    CaseStatusChange,
    CaseVulnerability,
    Consent,
    Consultation,
    Household,
    HouseholdMember,
    NextStep,
    Person,
    PersonMerge,
    PersonNameKey,
)
from caseapp.portal.models import PortalAccess  # noqa: F401
from caseapp.referrals.models import Referral, ReferralEvent, RoutingRule, Service  # noqa: F401
from caseapp.reports.models import ConsultationBarrier, ReportSnapshot  # noqa: F401
from caseapp.volunteers.models import (  # noqa: F401
    Application,
    Certificate,
    HoursEntry,
    Programme,
    PublicAttempt,
    Training,
    TrainingRegistration,
    Volunteer,
)
from caseapp.web.idempotency import SubmittedForm  # noqa: F401
from caseapp.web.throttle import Attempt  # noqa: F401

features.import_models()
