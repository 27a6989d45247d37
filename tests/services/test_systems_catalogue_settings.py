"""Every system of the catalogue has its settings declared in the one settings registry, and no other."""

from megacase.services import settings
from megacase.services.systems.catalogue import SYSTEMS


def test_each_system_has_its_settings_declared():
    assert {s.key: s.processor for s in SYSTEMS} == settings.SYSTEM_NAMES
    for spec in SYSTEMS:
        assert spec.base_url_key in settings.SPECS and spec.options_key in settings.SPECS
