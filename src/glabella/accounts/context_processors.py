from django.http import HttpRequest

from .roles import CAPABILITIES, memberships_of


def staff_capabilities(request: HttpRequest) -> dict[str, frozenset[str]]:
    """What the signed-in user may do at any of their clinics, for the navigation only
    (every page still checks the capability at the clinic it shows)."""
    roles = {m.role for m in memberships_of(getattr(request, "user", None))}
    allowed = frozenset(c for c, holders in CAPABILITIES.items() if roles & set(holders))
    return {"staff_can": allowed}
