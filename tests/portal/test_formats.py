from decimal import Decimal

import pytest
from django.utils import translation

from portal.templatetags.portal_format import euro


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_amounts_in_belgian_format_in_every_language(language):
    with translation.override(language):
        assert euro(Decimal("1234.5")) == "€\u00a01.234,50"
        assert euro(Decimal("98765.43")) == "€\u00a098.765,43"
        assert euro(0) == "€\u00a00,00"


def test_missing_amounts_stay_empty():
    assert euro(None) == ""
    assert euro("not a number") == ""
