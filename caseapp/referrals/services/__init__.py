"""The referral services: who sees which referral, the routing proposal, the lifecycle, the
overdue run and the receiving office's own case. Services flush; the caller commits."""

from caseapp.core.errors import ValidationFailed  # noqa: F401 - callers catch it from here
from caseapp.referrals.services.lifecycle import (  # noqa: F401
    OPEN_STATUSES,
    RECEIVER_STEPS,
    SENDER_STEPS,
    TRANSITIONS,
    ReferralData,
    StatusRefused,
    change_status,
    create_referral,
    send_referral,
)
from caseapp.referrals.services.overdue import flag_overdue  # noqa: F401
from caseapp.referrals.services.proposals import choosable_services, propose  # noqa: F401
from caseapp.referrals.services.receiving import OPENABLE, open_receiving_case  # noqa: F401
from caseapp.referrals.services.visibility import (  # noqa: F401
    counts_for,
    filter_query,
    get_referral,
    recent_updates,
    referrals_of_person,
    side,
    visible_query,
)
from caseapp.referrals.sharing import (  # noqa: F401 - the referral pages read these here
    allowed_categories,
    shared_data,
    sharing_ended,
    valid_consent,
)
