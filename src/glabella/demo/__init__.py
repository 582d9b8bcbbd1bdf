"""The living demo: two clinics of synthetic staff and patients whose histories were
written through the same services as real input. ``glabella demo`` runs it.

Import from the modules (``glabella.demo.seed``, ``glabella.demo.clinics``): they load models,
which an app's package must not do before Django has read INSTALLED_APPS."""
