"""Interpreter services: profiles and settings, rounds, and the interpreters' answers.
Services flush; the caller (view, CLI, job) commits."""

from caseapp.interpreters.services.profiles import (  # noqa: F401
    GENDERS,
    InterpreterData,
    NeedData,
    all_interpreters,
    create_for_volunteer,
    create_paid,
    get_interpreter,
    get_settings,
    interpreter_for_user,
    need_of,
    programme_volunteers_without_profile,
    save_need,
    save_settings,
    update_interpreter,
)
from caseapp.interpreters.services.responses import (  # noqa: F401
    NoLongerOpen,
    accept,
    by_token,
    decline,
    own_assignment,
    own_assignments,
    status_for_appointment,
)
from caseapp.interpreters.services.rounds import (  # noqa: F401
    RoundInputs,
    check_period,
    confirm,
    get_round,
    load_round,
    open_appointments,
    propose,
    recent_rounds,
    round_assignments,
    round_unmatched,
    run_round,
    withdraw,
)
