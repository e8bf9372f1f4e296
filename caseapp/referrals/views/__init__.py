"""Referrals between offices, the public service directory and its management, routing rules.

Importing the package registers every view on the two blueprints.
"""

from caseapp.referrals.views import directory, lifecycle, rules  # noqa: F401
