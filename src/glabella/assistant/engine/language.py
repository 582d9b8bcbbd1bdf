"""Which language a patient wrote in.

py3langid (a naive Bayes model over byte n-grams, shipped inside the package) restricted to
the languages clinics in the US and the UK hear most. Short messages ("tox?", "precio") are
often too short to tell; below a confidence floor the page's language decides, and failing
that English. A wrong guess is never unsafe: urgent triage runs in every language, and a
message in a language without approved answers is handed to staff.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from py3langid import langid

# Languages the assistant recognises: it answers in those with approved entries (English,
# Spanish) and hands the others to staff with the emergency line in that language.
KNOWN = ("en", "es", "pt", "fr", "pl", "vi", "zh")
# Below this the detector is guessing (calibrated on the triage bank and calibration sets).
MIN_CONFIDENCE = 0.6
DEFAULT = "en"


@dataclass(frozen=True)
class Detected:
    code: str
    confidence: float
    guessed: bool  # True when the hint or the default decided, not the text


@cache
def _identifier() -> langid.LanguageIdentifier:
    model = Path(langid.__file__).parent / langid.MODEL_FILE
    identifier = langid.LanguageIdentifier.from_modelpath(model, norm_probs=True)
    identifier.set_languages(list(KNOWN))
    return identifier


def detect(text: str, hint: str | None = None) -> Detected:
    """The message's language; ``hint`` (the page's language) settles a close call."""
    code, confidence = _identifier().classify(text)
    if confidence >= MIN_CONFIDENCE:
        return Detected(code, round(float(confidence), 3), guessed=False)
    fallback = hint if hint in KNOWN else DEFAULT
    return Detected(fallback, round(float(confidence), 3), guessed=True)
