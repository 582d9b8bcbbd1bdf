"""The words of the demo records: screening answers, reasons and notes, as a clinician
would write them. Synthetic, and chosen with the caller's seeded ``random.Random``."""

from __future__ import annotations

import random
from typing import Any

NOTES = (
    "Prefers a natural look; does not want a frozen forehead.",
    "Nervous about needles: numbing cream and a short chat first.",
    "Works in front of a camera; books around filming weeks.",
    "Asked about a 'baby Botox' approach: explained the label doses.",
    "Prefers late-afternoon appointments.",
)
# (screening answers, share of treated patients) — each triggers a finding in the core.
HISTORIES: tuple[tuple[dict[str, Any], float], ...] = (
    ({"medicines": ["anticoagulant_or_antiplatelet"]}, 0.07),
    ({"dry_eye": True}, 0.03),
    ({"facial_anatomy_caution": True}, 0.03),
    ({"previous_reaction": True}, 0.02),
    ({"allergies": ["cow_milk_protein"]}, 0.02),
    ({"medicines": ["muscle_relaxant"]}, 0.02),
)
OVERRIDE_REASON = (
    "The reported lactose 'allergy' is lactose intolerance (GP letter on file, no reaction "
    "history to milk proteins). Dysport may be used; recorded after discussing it with the "
    "patient."
)

DEVIATION_REASONS = {
    "stronger": (
        "Strong corrugators on assessment (dynamic grade 3): added units to each site.",
        "Partial return of movement at the last review: dose raised at each site.",
    ),
    "lighter": (
        "First treatment in this area: started below the label dose, to review at two weeks.",
        "Patient asked for a softer result that keeps some expression.",
    ),
    "off_label": "Off-label area, dosed from the clinical core's literature reference ({detail});"
    " off-label use discussed and consented.",
}
PRODUCT_REASONS = {
    "first": (
        "First treatment: options discussed; patient's choice.",
        "Recommended by a friend; label dose and aftercare explained.",
        "Patient's choice after discussing onset and duration of each product.",
    ),
    "switch": "Switched from {previous}: patient felt the effect faded early on it.",
    "again": "Continuing with the same product: good result last time.",
}
AFTERCARE = "Stay upright for 4 hours, no massage or exercise today; call us with any concern."
REVIEW_NOTES = {
    5: "Very happy with the result.",
    4: "Pleased; slight movement left, as planned.",
    3: "Some movement remains; discussed options.",
    2: "Disappointed with the effect in one area.",
}
EVENT_TEXT = {
    "bruising": ("Small bruise at an injection site.", "Cold compress; reassured."),
    "headache": ("Mild headache the day after treatment.", "Paracetamol as needed; reassured."),
    "asymmetry": ("Brows look uneven at rest.", "Reviewed in clinic; touch-up discussed."),
    "eyelid_ptosis": (
        "Left upper eyelid droops slightly, worse in the evening.",
        "Examined in clinic; apraclonidine drops prescribed; director informed.",
    ),
    "brow_ptosis": (
        "Heavy feeling over both brows; brows sit lower.",
        "Examined in clinic; explained it eases as the effect wears off.",
    ),
}
CONSULT_ONLY = {
    "treat": "Booked for treatment after the consultation.",
    "deferred": "Breastfeeding: treatment deferred until after weaning.",
    "none": "Wants to think about it; information leaflet given.",
    "refer": "Lines mostly at rest: referred for resurfacing, no neuromodulator for now.",
}


def clinical_profile(rng: random.Random, *, override: bool, treated: bool) -> dict[str, Any]:
    """Screening answers and notes for ``patients.services.update_clinical``."""
    profile: dict[str, Any] = {}
    if override:
        profile["allergies"] = ["lactose"]
    elif not treated and rng.random() < 0.3:
        profile["breastfeeding"] = True
    else:
        for answers, share in HISTORIES:
            if rng.random() < share:
                profile.update(answers)
    if rng.random() < 0.15:
        profile["clinical_notes"] = rng.choice(NOTES)
    return profile
