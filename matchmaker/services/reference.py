"""Reference data of the contract: languages, the two countries, the sector taxonomy and the
cooperation types, each written once, here.

Labels are English and marked for the catalogues (`N_`); pages show them in the reader's
language, the API and the exports as they are. The initial migration seeds the same sectors and
types into the database (firms' links refer to them there); `tests/test_migrations.py` keeps the
two equal, and the matching engine's own list of codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.models import Country
from matchmaker.models.firm import split_isic
from matchmaker.services.firm_records import Taxonomy


def N_(text: str) -> str:
    """Marks an English text for translation where it is shown (gettext's `N_`)."""
    return text


# The languages of the site and of its e-mails; the first is the default.
LOCALES = ("en", "ur", "ru")
DEFAULT_LOCALE = LOCALES[0]


@dataclass(frozen=True)
class CountryEntry:
    code: Country
    name: str  # "Pakistan"
    firms: str  # "Pakistani firms"
    side: str  # "the Pakistani firm" (of a proposal)


COUNTRIES: tuple[CountryEntry, ...] = (
    CountryEntry(Country.PK, N_("Pakistan"), N_("Pakistani firms"), N_("the Pakistani firm")),
    CountryEntry(Country.BY, N_("Belarus"), N_("Belarusian firms"), N_("the Belarusian firm")),
)
COUNTRY_BY_CODE = {country.code.value: country for country in COUNTRIES}


@dataclass(frozen=True)
class SectorEntry:
    code: str
    label: str
    isic: str  # ISIC Rev.4 codes as the contract writes them: "0510, 2824"
    position: int

    @property
    def isic_codes(self) -> list[str]:
        return split_isic(self.isic)


@dataclass(frozen=True)
class CooperationTypeEntry:
    code: str
    label: str
    position: int


SECTORS: tuple[SectorEntry, ...] = tuple(
    SectorEntry(code, label, isic, position)
    for position, (code, label, isic) in enumerate(
        [
            ("tractors", N_("Tractors and tractor assembly"), "2821"),
            ("agri-machinery", N_("Agricultural machinery and implements"), "2821"),
            ("electric-buses", N_("Electric buses and e-mobility"), "2910"),
            ("auto-parts", N_("Automotive parts and components"), "2930"),
            ("transformers", N_("Power and oil transformers, electrical equipment"), "2710"),
            ("mining-coal", N_("Coal mining and machinery"), "0510, 2824"),
            ("mining-precious", N_("Gold and silver extraction"), "0729"),
            ("iron-ore", N_("Iron ore mining and machinery"), "0710, 2824"),
            ("construction-machinery", N_("Construction and road machinery"), "2824"),
            ("concrete", N_("Concrete and building materials"), "2395"),
            ("textiles", N_("Textiles and apparel"), "13, 14"),
            ("rice", N_("Rice milling and processing"), "1061"),
            ("citrus", N_("Citrus and horticulture"), "0123"),
            ("food-processing", N_("Food processing and agro-industry"), "10"),
            ("leather", N_("Leather and leather apparel"), "1511, 1410"),
            ("footwear", N_("Footwear"), "1520"),
            ("medical-instruments", N_("Medical and surgical instruments"), "3250"),
            ("agri-research", N_("Agricultural research and technology"), "7210"),
            ("logistics", N_("Haulage and logistics"), "4923"),
        ]
    )
)

COOPERATION_TYPES: tuple[CooperationTypeEntry, ...] = tuple(
    CooperationTypeEntry(code, label, position)
    for position, (code, label) in enumerate(
        [
            ("assembly", N_("Local assembly of CKD/SKD kits")),
            ("manufacturing", N_("Joint manufacturing, localisation of parts")),
            ("licensing", N_("Technology licence or transfer")),
            ("distribution", N_("Dealer network, sales, after-sales service")),
            ("export", N_("Export / import trade")),
            ("investment", N_("Equity or capital")),
            ("research", N_("Joint R&D, training")),
            ("services", N_("Maintenance, engineering services")),
        ]
    )
)

SECTOR_BY_CODE = {sector.code: sector for sector in SECTORS}
TYPE_BY_CODE = {kind.code: kind for kind in COOPERATION_TYPES}
TAXONOMY = Taxonomy(sectors=frozenset(SECTOR_BY_CODE), cooperation_types=frozenset(TYPE_BY_CODE))


def sector_entries(codes: list[str]) -> list[SectorEntry]:
    """The sectors of these codes, in their order (unknown codes left out)."""
    return [SECTOR_BY_CODE[code] for code in codes if code in SECTOR_BY_CODE]
