"""Patient-facing citations from an entry's source note.

Entries keep a detailed provenance note for staff ("Clinic FAQ; domain-facts §3
(S-AAD-OV, S-STATPEARLS)"); patients see only plain names of where the facts come from
("Test Clinic's own information; American Academy of Dermatology, 2024; StatPearls (NIH
bookshelf)"). Source ids, section references and file names are never shown: what cannot
be named is left out. A note with nothing internal in it (a clinic's own wording) is
shown as written.
"""

from __future__ import annotations

import re

from glabella.clinical import load_catalogue

SOURCE_ID = re.compile(r"\bS-[A-Z0-9.-]*[A-Z0-9]")
# Marks of staff-only provenance: section signs, the facts file, data files and settings keys.
INTERNAL = re.compile(r"§|domain-facts|\.toml|\.md\b|/|\b[a-z]+_[a-z_]+\b|\bS-[A-Z]")
YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# Parts of a note that speak for the clinic itself ("Clinic FAQ", "clinic setting ...").
CLINIC_PART = re.compile(r"^(clinic(?!al)|staff\b|imported clinic)", re.IGNORECASE)
NAMED_PREFIXES = {
    "S-BXC": "Botox Cosmetic prescribing information",
    "S-HCP-BXC": "Botox Cosmetic prescribing information",
    "S-DYS": "Dysport prescribing information",
    "S-XEO": "Xeomin prescribing information",
    "S-JEU": "Jeuveau prescribing information",
    "S-DAX": "Daxxify prescribing information",
    "S-LET": "Letybo prescribing information",
    "S-OFDA": "US Food and Drug Administration",
    "S-SNAP": "US Food and Drug Administration",
    "S-CDC": "US Centers for Disease Control and Prevention",
    "S-AAD": "American Academy of Dermatology",
    "S-STATPEARLS": "StatPearls (NIH bookshelf)",
    "S-ASAPS": "The Aesthetic Society",
}
# Bodies a note may name in words rather than by id.
NAMED_WORDS = {
    re.compile(r"\bCDC\b"): "US Centers for Disease Control and Prevention",
    re.compile(r"\bFDA\b"): "US Food and Drug Administration",
    re.compile(r"\b(product labels?|medication guide)\b", re.IGNORECASE): (
        "product prescribing information"
    ),
}
# The same names for a Spanish reply (the sources themselves are in English).
SPANISH = {
    "Botox Cosmetic prescribing information": "ficha técnica de Botox Cosmetic",
    "Dysport prescribing information": "ficha técnica de Dysport",
    "Xeomin prescribing information": "ficha técnica de Xeomin",
    "Jeuveau prescribing information": "ficha técnica de Jeuveau",
    "Daxxify prescribing information": "ficha técnica de Daxxify",
    "Letybo prescribing information": "ficha técnica de Letybo",
    "US Food and Drug Administration": (
        "Administración de Alimentos y Medicamentos de EE. UU. (FDA)"
    ),
    "US Centers for Disease Control and Prevention": (
        "Centros para el Control y la Prevención de Enfermedades de EE. UU. (CDC)"
    ),
    "American Academy of Dermatology": "Academia Estadounidense de Dermatología",
    "StatPearls (NIH bookshelf)": "StatPearls (biblioteca de los NIH)",
    "The Aesthetic Society": "The Aesthetic Society",
    "product prescribing information": "fichas técnicas de los productos",
    "published clinical research": "investigación clínica publicada",
    "professional society guidance": "recomendaciones de sociedades profesionales",
    "common clinic practice": "práctica clínica habitual",
}
BY_KIND = {
    "label": "product prescribing information",
    "regulator": "US Food and Drug Administration",
    "paper": "published clinical research",
    "society": "professional society guidance",
    "industry": "common clinic practice",
}


def patient_citation(source_note: str, clinic_name: str, language: str = "en") -> str:
    """Plain names of the note's sources, each named once, with the years its catalogue
    titles give for named bodies and products ("…, 2019 and 2024"); in Spanish for a
    Spanish reply."""
    spanish = language == "es"
    years: dict[str, set[str]] = {}
    if any(CLINIC_PART.match(part.strip()) for part in source_note.split(";")):
        own = (
            f"información propia de {clinic_name}"
            if spanish
            else f"{clinic_name}'s own information"
        )
        years[own] = set()
    for source_id in SOURCE_ID.findall(source_note):
        found = _name_for(source_id)
        if found:
            name, year = found
            years.setdefault(name, set()).update([year] if year else [])
    for pattern, name in NAMED_WORDS.items():
        if pattern.search(SOURCE_ID.sub("", source_note)):
            years.setdefault(name, set())
    if years:
        return "; ".join(
            _with_years(SPANISH.get(name, name) if spanish else name, found, spanish)
            for name, found in years.items()
        )
    note = source_note.strip()
    return "" if INTERNAL.search(note) else note


def _own_information(clinic_name: str, spanish: bool) -> str:
    return f"información propia de {clinic_name}" if spanish else f"{clinic_name}'s own information"


def _name_for(source_id: str) -> tuple[str, str | None] | None:
    source = load_catalogue().sources.get(source_id)
    for prefix, name in NAMED_PREFIXES.items():
        if source_id.startswith(prefix):
            year = YEAR.findall(source.title)[-1:] if source else []
            return name, (year[0] if year else None)
    return (BY_KIND[source.kind], None) if source else None


def _with_years(name: str, years: set[str], spanish: bool = False) -> str:
    if not years:
        return name
    ordered = sorted(years)
    joiner = " y " if spanish else " and "
    shown = ordered[0] if len(ordered) == 1 else f"{', '.join(ordered[:-1])}{joiner}{ordered[-1]}"
    return f"{name}, {shown}"
