"""Registering, finding, reading and changing persons; every read and change is audited.
Services flush; the caller (view, CLI, import) commits."""

from caseapp.people.services import duplicates  # noqa: F401 - its merge receiver
from caseapp.people.services.bulk import bulk_register  # noqa: F401
from caseapp.people.services.finder import (  # noqa: F401
    Hit,
    SearchResult,
    find_people,
    matching_ids,
    near_matches,
    write_search_keys,
)
from caseapp.people.services.registration import (  # noqa: F401
    CASE_NUMBER_ALPHABET,
    _apply,
    _as_data,
    _scope,
    _write_keys,
    get_person,
    new_case_number,
    phone_key,
    register_person,
    update_person,
)
from caseapp.people.services.search import (  # noqa: F401
    CANDIDATE_MIN_SCORE,
    CASE_SORTS,
    case_list_query,
    caseworkers_of,
    count_persons,
    duplicate_candidates,
    facts,
    facts_from_data,
    name_search,
    rank_by_name,
)
