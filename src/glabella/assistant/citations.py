"""Patient-facing citations from an entry's source note.

Entries keep a detailed provenance note for staff ("Clinic FAQ; domain-facts §3
(S-AAD-OV, S-STATPEARLS)"); patients see where the facts come from in plain names
("the clinic's FAQ; American Academy of Dermatology; StatPearls").
"""

from __future__ import annotations

import re

from glabella.clinical import load_catalogue

SOURCE_ID = re.compile(r"\bS-[A-Z0-9.-]*[A-Z0-9]")
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
BY_KIND = {
    "label": "product prescribing information",
    "regulator": "US Food and Drug Administration",
    "paper": "published clinical research",
    "society": "professional society guidance",
    "industry": "common clinic practice",
}


def patient_citation(source_note: str, clinic_name: str) -> str:
    names: list[str] = []
    if source_note.lower().startswith("clinic"):
        names.append(f"{clinic_name}'s own information")
    for source_id in SOURCE_ID.findall(source_note):
        name = _name_for(source_id)
        if name and name not in names:
            names.append(name)
    return "; ".join(names) if names else source_note


def _name_for(source_id: str) -> str | None:
    for prefix, name in NAMED_PREFIXES.items():
        if source_id.startswith(prefix):
            return name
    source = load_catalogue().sources.get(source_id)
    return BY_KIND[source.kind] if source else None
