"""What the API writes in the access log of the persons it returns (people.rights)."""

from __future__ import annotations

from collections.abc import Iterable

from guichet.api.caller import Caller
from guichet.authorities.models import Role
from guichet.people.rights.actions import record_accesses


def log_api_read(
    caller: Caller, persons: Iterable[int], what: str, *, authority_id: int | None = None
) -> int:
    """Log that `caller` read `what` of each of `persons`: one INSERT however many.

    An API key is logged as its application, for its authority; a signed-in agent by name,
    for `authority_id` (the request's) or their one authority (None when they have several).
    """
    ids = list(dict.fromkeys(persons))
    if not ids:
        return 0
    if caller.api_key is not None:
        return record_accesses(
            agent=None,
            agent_label=f"application « {caller.api_key.application} » (API)",
            authority=caller.api_key.authority_id,
            persons=ids,
            what=what,
        )
    authority = authority_id if authority_id is not None else caller.default_authority_id
    role = caller.role_in(authority) if authority is not None else None
    return record_accesses(
        agent=caller.user,
        authority=authority,
        persons=ids,
        what=f"{what} (API)",
        role=str(Role(role).label) if role else "",
    )
