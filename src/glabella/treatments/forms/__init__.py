"""Forms of the treatment staff pages."""
