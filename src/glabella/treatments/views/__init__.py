"""Staff pages of the treatment course."""
