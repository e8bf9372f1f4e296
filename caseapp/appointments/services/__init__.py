"""The appointment services: booking and changing appointments, finding them, rooms and the
newcomers' reschedule requests. Services flush; the caller (view, CLI, job) commits."""

from caseapp.appointments.services.booking import (  # noqa: F401
    ATTENDANCE,
    BookingData,
    PersonBusy,
    book_appointment,
    cancel_appointment,
    clashes,
    record_attendance,
    reschedule_appointment,
)
from caseapp.appointments.services.calendar import (  # noqa: F401
    day_bounds,
    for_person,
    for_person_clause,
    free_slots_for,
    get_appointment,
    history,
    in_range,
    person_ids,
    recent_no_shows,
    todays_for,
)
from caseapp.appointments.services.common import MAX_TEXT, hours_of  # noqa: F401
from caseapp.appointments.services.reschedule_requests import (  # noqa: F401
    handle_request,
    open_request,
    open_requests_for,
    request_reschedule,
)
from caseapp.appointments.services.rooms import (  # noqa: F401
    create_room,
    rooms_of,
    set_room_active,
)
from caseapp.core.errors import ValidationFailed  # noqa: F401 - callers catch it from here
