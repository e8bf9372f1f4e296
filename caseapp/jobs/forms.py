"""Buttons that start or restart a job: CSRF token and a one-time submission id each."""

from caseapp.web.forms import BaseForm
from caseapp.web.idempotency import SubmissionIdField


class StartForm(BaseForm):
    """A button that starts a job once; a double click leads to the first job."""

    submission_id = SubmissionIdField()
