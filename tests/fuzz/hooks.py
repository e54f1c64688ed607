"""Schemathesis hooks for fuzzing Laurel's GraphQL API (tests/fuzz/run.sh).

Laurel answers a bad request inside HTTP 200 with a typed error (`extensions.code`): refusals
such as VALIDATION, FORBIDDEN or NOT_FOUND are the expected outcome of random input. A fault
is an HTTP 5xx, an answer that is not JSON, or an error coded INTERNAL: that is what
`laurel_no_fault` fails on.
"""

from hypothesis import strategies as st

import schemathesis
from schemathesis.graphql import nodes

# Laurel's own scalars: dates as YYYY-MM-DD, instants as RFC 3339, and files (multipart only:
# inline, an upload is null or a stray string, both refused).
schemathesis.graphql.scalar("Date", st.dates().map(lambda d: nodes.String(d.isoformat())))
schemathesis.graphql.scalar(
    "DateTime",
    st.datetimes().map(lambda t: nodes.String(t.isoformat() + "Z")) | st.text().map(nodes.String),
)
schemathesis.graphql.scalar("Upload", st.just(nodes.Null) | st.text(max_size=8).map(nodes.String))


@schemathesis.check
def laurel_no_fault(ctx, response, case):
    """No 5xx, a JSON body, and no INTERNAL error."""
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError as e:
        raise AssertionError(f"not JSON: {e}") from None
    for error in (body or {}).get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == "INTERNAL" or code is None:
            raise AssertionError(f"error without a proper code: {error}")
