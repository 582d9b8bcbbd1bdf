"""Capability names outside Python (the templates' ``"x.y" in staff_can``) are real ones."""

import re
from pathlib import Path

import glabella
from glabella.accounts.roles import CAPABILITIES, Capability

SRC = Path(glabella.__file__).parent
IN_STAFF_CAN = re.compile(r"""["']([a-z_]+\.[a-z_]+)["']\s+in\s+staff_can""")


def _template_capabilities() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for template in SRC.rglob("templates/**/*.html"):
        for name in IN_STAFF_CAN.findall(template.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(template.relative_to(SRC)))
    return found


def test_templates_ask_only_for_capabilities_that_exist() -> None:
    found = _template_capabilities()
    assert found, "the navigation asks staff_can; the pattern no longer finds it"
    unknown = {name: where for name, where in found.items() if name not in set(Capability)}
    assert not unknown


def test_every_capability_has_a_row_in_the_matrix() -> None:
    assert set(CAPABILITIES) == set(Capability)
    assert all(CAPABILITIES[c] for c in Capability)


def test_a_capability_is_its_old_string() -> None:
    # Views, templates and tests that still spell the name as a string keep working.
    assert Capability.AUDIT_READ == "audit.read"
    assert CAPABILITIES["audit.read"] is CAPABILITIES[Capability.AUDIT_READ]
