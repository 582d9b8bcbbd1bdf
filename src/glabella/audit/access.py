"""Who may read a clinic's audit trail: the medical director (``accounts/roles.py``), at one
of their own clinics (``accounts.access.staff_clinic``)."""

READ = "audit.read"
