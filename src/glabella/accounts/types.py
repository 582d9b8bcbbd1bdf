"""Who a service acts for, as types the services and access helpers share.

Glabella keeps Django's own ``auth.User`` (no custom user model): a member of staff is a
``User`` with one or more active ``Membership`` rows, and what they may do is their role's
``Capability`` set at a clinic (``roles.py``). A role cannot be told from the type, so
``StaffUser`` names the model and the access helpers check the role at run time.

Some work is done for nobody on the staff: the worker sending a recall message, a patient
acting through a signed link or the booking page, a knowledge-base import from the command
line. Those callers pass ``by=None``; ``audit.record`` then writes the actor as "system" (no
request) or "anonymous" (a request from someone not signed in). ``Actor`` says a service
accepts that; a service typed ``by: StaffUser`` needs a real member of staff.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User

StaffUser: TypeAlias = User
Actor: TypeAlias = User | None

# ``request.user`` before anyone checked it: a user, signed in, or the anonymous one.
RequestUser: TypeAlias = User | AnonymousUser
