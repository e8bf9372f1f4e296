"""Office management against a real database."""

from datetime import time

import pytest
from sqlalchemy import select

from caseapp.audit.models import AuditEntry
from caseapp.core.errors import StaleVersion, ValidationFailed
from caseapp.extensions import db
from caseapp.offices import services
from caseapp.offices.models import District, Office
from caseapp.offices.services import OfficeData


def test_create_and_update_with_hours_and_districts(ctx):
    west = District(name="Weststadt")
    db.session.add(west)
    db.session.flush()
    office = services.create_office(
        None,
        OfficeData(
            name="Wohnungsamt",
            kind="housing_office",
            languages=["ar", "de", "ar"],
            district_ids=[west.id],
            hours={0: [(time(8), time(12))]},
        ),
    )
    db.session.commit()
    assert office.languages == ["ar", "de"]
    assert [d.name for d in office.districts] == ["Weststadt"]
    version = office.version
    services.update_office(
        None,
        office,
        OfficeData(
            name="Wohnungsamt",
            kind="housing_office",
            district_ids=[],
            hours={0: [(time(8), time(12))], 3: [(time(14), time(18))]},
        ),
        version,
    )
    db.session.commit()
    assert office.version == version + 1
    assert [(h.weekday, h.opens) for h in office.opening_hours] == [(0, time(8)), (3, time(14))]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.action == "update"
    assert set(entry.details) == {"languages", "districts", "hours"}


def test_duplicate_name_and_unknown_kind(ctx):
    services.create_office(None, OfficeData(name="Sozialamt", kind="social_welfare"))
    with pytest.raises(ValidationFailed) as info:
        services.create_office(None, OfficeData(name="SOZIALAMT", kind="castle"))
    assert set(info.value.errors) == {"name", "kind"}


def test_stale_update_changes_nothing(ctx):
    office = services.create_office(None, OfficeData(name="Jobcenter", kind="job_centre"))
    db.session.commit()
    stale = office.version
    services.update_office(
        None, office, OfficeData(name="Jobcenter Nord", kind="job_centre"), stale
    )
    db.session.commit()
    with pytest.raises(StaleVersion):
        services.update_office(
            None, office, OfficeData(name="Jobcenter Süd", kind="job_centre"), stale
        )
    db.session.rollback()
    assert db.session.scalar(select(Office.name)) == "Jobcenter Nord"
