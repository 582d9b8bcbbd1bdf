"""Who may read a clinic's audit trail: the medical director (``accounts/roles.py``), at one
of their own clinics (``accounts.access.staff_clinic``)."""

from glabella.accounts.roles import Capability

READ = Capability.AUDIT_READ
