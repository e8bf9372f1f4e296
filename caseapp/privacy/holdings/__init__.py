"""The core packages' holdings: every kind of record Lotse keeps about a person.

Declared here rather than in each package (people must not import privacy, and the core
predates it); a feature package declares its own in `caseapp/<feature>/privacy.py`.
Retention rules are named in privacy.retention.RULES. One module per area; importing the
package declares them all, in this order (exports list the kinds in it).
"""

# isort: off
from caseapp.privacy.holdings.common import CLOSED, PERSON_TEXT  # noqa: F401
from caseapp.privacy.holdings import people  # noqa: F401
from caseapp.privacy.holdings import exchange  # noqa: F401
from caseapp.privacy.holdings import matching  # noqa: F401
from caseapp.privacy.holdings import portal_audit  # noqa: F401
from caseapp.privacy.holdings import own  # noqa: F401
# isort: on
