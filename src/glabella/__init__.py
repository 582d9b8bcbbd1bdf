"""Glabella: software for clinics that give neuromodulator treatments."""

__version__ = "0.1.0"
