"""Countries: ISO 3166-1 alpha-2 codes and their names in English and French.

An account stores its country as the two capital letters of ISO 3166-1 (``DE``); forms show
the country's name in the user's language. The list and the English names come from
pycountry; the French names from the ``iso3166-1`` translation it ships. Where pycountry has
a common name, that one is used (and translated): "Bolivia", not "Bolivia, Plurinational
State of". A code pycountry does not know is shown as it is.
"""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from kam_core.common.text import fold_name

_COUNTRIES = {country.alpha_2: country for country in pycountry.countries}
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(_COUNTRIES))
_DOMAIN = "iso3166-1"


@cache
def _translation(language: str) -> gettext.NullTranslations:
    """The catalog of ``language``; English (the names as pycountry has them) needs none."""
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(_DOMAIN, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def is_country(code) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 code exactly as stored (two capitals, no spaces)."""
    return isinstance(code, str) and code in _COUNTRIES


def country_name(code: str, language: str) -> str:
    """The country's name in ``language`` ("en" or "fr"); an unknown code comes back as given."""
    country = _COUNTRIES.get(code.strip().upper()) if isinstance(code, str) else None
    if country is None:
        return code
    english = getattr(country, "common_name", None) or country.name
    return _translation(language).gettext(english)


@cache
def _choices(language: str) -> tuple[str, ...]:
    return tuple(sorted(COUNTRY_CODES, key=lambda code: (fold_name(country_name(code, language)), code)))


def country_choices(language: str) -> list[str]:
    """Every code, sorted by its name in ``language`` (capitals and accents do not count)."""
    return list(_choices(language))
