"""Language identification restricted to the languages filrouge supports.

Restricting lingua's choice is what makes short news texts come out right (unrestricted,
it calls "Poutine et Kim à Vostotchny" Finnish).
"""

from __future__ import annotations

from functools import lru_cache

_MIN_LETTERS = 12


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):  # type: ignore[no-untyped-def]
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    chosen = []
    for code in languages:
        try:
            chosen.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except AttributeError:
            continue
    if len(chosen) == 1:
        return chosen[0]
    return LanguageDetectorBuilder.from_languages(*chosen).build()


def detect_language(text: str, languages: tuple[str, ...]) -> str | None:
    """ISO 639-1 code of ``text``'s language among ``languages``, or None if too short.

    >>> detect_language("Poutine et Kim se sont rencontrés à Vostotchny mercredi.", ("fr", "en", "de", "es"))
    'fr'
    """
    sample = text[:1000]
    if sum(c.isalpha() for c in sample) < _MIN_LETTERS:
        return None
    det = _detector(tuple(languages))
    if not hasattr(det, "detect_language_of"):
        return str(det.iso_code_639_1.name).lower()
    lang = det.detect_language_of(sample)
    return lang.iso_code_639_1.name.lower() if lang is not None else None
