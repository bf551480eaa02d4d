"""A recipe's cuisine, read from its category ("Indian recipes") or title ("(Nigerian ...)")."""

from __future__ import annotations

import re

from domain.recipes.text import fold
from domain.recipes.vocabulary import Cuisine

_WORDS: dict[str, Cuisine] = {
    "african": Cuisine.AFRICAN,
    "american": Cuisine.AMERICAN,
    "argentine": Cuisine.ARGENTINIAN,
    "argentinian": Cuisine.ARGENTINIAN,
    "australian": Cuisine.AUSTRALIAN,
    "austrian": Cuisine.AUSTRIAN,
    "brazilian": Cuisine.BRAZILIAN,
    "british": Cuisine.BRITISH,
    "english": Cuisine.BRITISH,
    "welsh": Cuisine.BRITISH,
    "cajun": Cuisine.CAJUN,
    "creole": Cuisine.CAJUN,
    "cameroonian": Cuisine.CAMEROONIAN,
    "caribbean": Cuisine.CARIBBEAN,
    "trinidadian": Cuisine.CARIBBEAN,
    "barbadian": Cuisine.CARIBBEAN,
    "chinese": Cuisine.CHINESE,
    "cantonese": Cuisine.CHINESE,
    "sichuan": Cuisine.CHINESE,
    "szechuan": Cuisine.CHINESE,
    "colombian": Cuisine.COLOMBIAN,
    "cuban": Cuisine.CUBAN,
    "danish": Cuisine.DANISH,
    "dutch": Cuisine.DUTCH,
    "ethiopian": Cuisine.ETHIOPIAN,
    "eritrean": Cuisine.ETHIOPIAN,
    "filipino": Cuisine.FILIPINO,
    "philippine": Cuisine.FILIPINO,
    "french": Cuisine.FRENCH,
    "german": Cuisine.GERMAN,
    "ghanaian": Cuisine.GHANAIAN,
    "greek": Cuisine.GREEK,
    "hungarian": Cuisine.HUNGARIAN,
    "indian": Cuisine.INDIAN,
    "punjabi": Cuisine.INDIAN,
    "bengali": Cuisine.INDIAN,
    "gujarati": Cuisine.INDIAN,
    "kerala": Cuisine.INDIAN,
    "indonesian": Cuisine.INDONESIAN,
    "irish": Cuisine.IRISH,
    "italian": Cuisine.ITALIAN,
    "jamaican": Cuisine.JAMAICAN,
    "japanese": Cuisine.JAPANESE,
    "jewish": Cuisine.JEWISH,
    "kenyan": Cuisine.KENYAN,
    "korean": Cuisine.KOREAN,
    "lebanese": Cuisine.LEBANESE,
    "malaysian": Cuisine.MALAYSIAN,
    "malay": Cuisine.MALAYSIAN,
    "mexican": Cuisine.MEXICAN,
    "tex-mex": Cuisine.MEXICAN,
    "middle eastern": Cuisine.MIDDLE_EASTERN,
    "arab": Cuisine.MIDDLE_EASTERN,
    "syrian": Cuisine.MIDDLE_EASTERN,
    "palestinian": Cuisine.MIDDLE_EASTERN,
    "israeli": Cuisine.MIDDLE_EASTERN,
    "moroccan": Cuisine.MOROCCAN,
    "nigerian": Cuisine.NIGERIAN,
    "yoruba": Cuisine.NIGERIAN,
    "igbo": Cuisine.NIGERIAN,
    "norwegian": Cuisine.NORWEGIAN,
    "pakistani": Cuisine.PAKISTANI,
    "persian": Cuisine.PERSIAN,
    "iranian": Cuisine.PERSIAN,
    "peruvian": Cuisine.PERUVIAN,
    "polish": Cuisine.POLISH,
    "portuguese": Cuisine.PORTUGUESE,
    "russian": Cuisine.RUSSIAN,
    "scottish": Cuisine.SCOTTISH,
    "spanish": Cuisine.SPANISH,
    "swedish": Cuisine.SWEDISH,
    "swiss": Cuisine.SWISS,
    "thai": Cuisine.THAI,
    "turkish": Cuisine.TURKISH,
    "ukrainian": Cuisine.UKRAINIAN,
    "venezuelan": Cuisine.VENEZUELAN,
    "vietnamese": Cuisine.VIETNAMESE,
    "west african": Cuisine.AFRICAN,
    "south african": Cuisine.AFRICAN,
    "senegalese": Cuisine.AFRICAN,
    "tanzanian": Cuisine.AFRICAN,
    "ugandan": Cuisine.AFRICAN,
}
_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")\b"
)


def cuisine_of(title: str, category: str | None) -> Cuisine | None:
    """The first cuisine named by the category, else by the title."""
    for text in (category or "", title):
        match = _PATTERN.search(fold(text))
        if match:
            return _WORDS[match.group(1)]
    return None
