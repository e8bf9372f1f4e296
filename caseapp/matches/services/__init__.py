"""The matching workflow's services: waiting requests, rounds, decisions, the match lifecycle
and what each side sees. Services flush; the caller (view, CLI) commits."""

from caseapp.core.errors import ValidationFailed  # noqa: F401 - callers catch it from here
from caseapp.matches.services.decisions import (  # noqa: F401
    ProposalNoLongerValid,
    accept,
    add_months,
    current_failures,
    reject,
    set_locked,
)
from caseapp.matches.services.lifecycle import (  # noqa: F401
    END_REASONS,
    OPEN_MATCH,
    end,
    follow_volunteer,
    pause,
    resume,
    update_contact,
)
from caseapp.matches.services.rounds import (  # noqa: F401
    RoundInputs,
    RoundOutcome,
    candidates_cap,
    engine,
    load_round,
    propose,
    round_size,
    run_round,
)
from caseapp.matches.services.visibility import (  # noqa: F401
    Companion,
    MatchSummary,
    companions_for,
    own_matches,
)
from caseapp.matches.services.waiting import (  # noqa: F401
    GENDER_PREFERENCES,
    RequestData,
    create_request,
    save_settings,
    set_neighbours,
    withdraw_request,
)
