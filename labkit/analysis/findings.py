"""What the verdict engine says: codes, and one `Finding` per school × indicator × group.

The codes are the ones the consultants' spreadsheet uses (docs/statistik.md): development codes
say better/worse in the indicator's own direction, level codes say above/below the reference in
value; the missing-data codes are shared. `label`, `describe_value` and `describe_change` are the
one way the kit writes an indicator's name and its numbers in sentences.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from labkit.analysis.statistics import Variogram
from labkit.data.catalogue import Indicator
from labkit.numbers import format_number


def describe_value(value: float, indicator: Indicator) -> str:
    text = format_number(value, indicator.decimals)
    return f"{text} %" if indicator.unit == "%" and text != "–" else text


def describe_change(change: float, indicator: Indicator) -> str:
    """A difference in the indicator's unit: percentages change by procentpoint, not by per cent."""
    text = format_number(change, indicator.decimals)
    return f"{text} procentpoint" if indicator.unit == "%" else f"{text} point"


# Development codes (better/worse in the indicator's own direction) and level codes (above/below
# the reference in value); the missing-data codes are shared. docs/statistik.md lists them.
BEDRE, DAARLIGERE, NORMAL = "bedre", "daarligere", "normal"
OVER, UNDER, PAA_NIVEAU = "over", "under", "paa_niveau"
FOR_FAA_AAR, IKKE_OFFENTLIGGJORT, BRUD, INGEN_VURDERING = "for_faa_aar", "ikke_offentliggjort", "brud", \
    "ingen_vurdering"
DEVELOPMENT_CODES = (BEDRE, DAARLIGERE, NORMAL, FOR_FAA_AAR, IKKE_OFFENTLIGGJORT, BRUD, INGEN_VURDERING)
LEVEL_CODES = (OVER, UNDER, PAA_NIVEAU, FOR_FAA_AAR, IKKE_OFFENTLIGGJORT, BRUD, INGEN_VURDERING)
# What a school's figures are set against, as the sentences name it.
REFERENCE_NAMES = {"kommune": "kommunen", "land": "landet", "median": "midten af skolerne i data", "": ""}
# The rules' numbers (docs/statistik.md says why each is what it is).
FAMILY_ALPHA = 0.10  # chance that any one statement about a school is a false finding (Holm)
ROBUST_P = 0.05  # each leave-one-year-out trend must still be beyond noise at this level
HINT_P = 0.05  # below this, but not after Holm's correction: "kan være reel, men ikke sikker" (never a verdict)
MINISTRY_LEVELS = {1.0: OVER, 0.0: PAA_NIVEAU, -1.0: UNDER}
# Short Danish words for tables; the full sentence is the verdict's `text`.
DEVELOPMENT_WORDS = {BEDRE: "Bedre over flere år", DAARLIGERE: "Dårligere over flere år",
                     NORMAL: "Inden for normal variation", FOR_FAA_AAR: "For få år med tal",
                     IKKE_OFFENTLIGGJORT: "Ikke offentliggjort", BRUD: "Brud i serien",
                     INGEN_VURDERING: "Vurderes ikke"}
LEVEL_WORDS = {OVER: "Over", UNDER: "Under", PAA_NIVEAU: "På niveau", FOR_FAA_AAR: "For få tal",
               IKKE_OFFENTLIGGJORT: "Ikke offentliggjort", BRUD: "Brud i serien", INGEN_VURDERING: "Vurderes ikke"}



def size_factor(size: float, typical: float) -> float:
    """How much larger a school's variance is than a typical school's: max(1, typical/size)."""
    return max(1.0, typical / size) if size > 0 and typical > 0 else 1.0


@dataclass(frozen=True)
class Noise:
    """How one indicator's figures vary by chance: the variogram and how it is scaled per school."""

    vario: Variogram
    typical_size: float  # mean size of the schools behind the variogram (n, else Elevtal)
    size_kind: str  # "n" or "elevtal" or "" (no sizes: every school counts as typical)
    reference_kind: str  # "kommune", "land", "median" or "" (figures taken as they are)
    reference: dict[int, float] = field(default_factory=dict)  # first calendar year → the reference figure
    sampling_share: float = 1.0  # share of a typical school's noise that is sampling of pupils (1: unknown)

    def factor(self, size: float) -> float:
        """How much more a school of `size` varies: only the sampling share grows for a small school."""
        return 1 + self.sampling_share * (size_factor(size, self.typical_size) - 1)

    def year_sd(self, size: float) -> float:
        """The spread of one year's figure around the school's own level, for a school of `size`."""
        return math.sqrt(self.vario.sill * self.factor(size)) if self.vario.usable else math.nan


@dataclass(frozen=True)
class Level:
    """The latest figure against the kommune (else land, else the median school)."""

    code: str
    text: str
    school_year: str = ""
    reference_name: str = ""  # "kommunen", "landet", "de andre skoler"
    reference: float = math.nan
    difference: float = math.nan  # school − reference
    sd: float = math.nan  # the school's own year-to-year spread the difference is measured against
    p: float = math.nan
    favourable: bool | None = None  # better than the reference in the indicator's direction?
    by_ministry: bool = False
    rank_below: int = 0  # schools in the data with a lower figure that year
    schools: int = 0
    short: str = ""  # `text` without repeating the school's figure, for after a development sentence

    @property
    def after_development(self) -> str:
        return self.short or self.text


@dataclass(frozen=True)
class Development:
    """How the school's figure moved over its comparable years, set against the reference."""

    code: str
    text: str
    years: tuple[str, ...] = ()
    change: float = math.nan  # the school's own fitted change over `years`
    relative_change: float = math.nan  # fitted change of school − reference
    reference_change: float = math.nan
    se: float = math.nan  # of relative_change
    p: float = math.nan
    robust: bool = False
    unusual_latest: bool = False
    break_note: str = ""


@dataclass(frozen=True)
class Finding:
    """Everything the kit says about one school × indicator × group."""

    school_id: str
    indicator: Indicator
    group: str
    level: Level
    development: Development
    latest_year: str = ""
    value: float = math.nan
    n: float = math.nan
    kommune: float = math.nan
    land: float = math.nan
    year_sd: float = math.nan  # the school's normal spread around its own level (figure bands)
    band_quantile: float = 1.96  # t quantile for a 95 % band with the noise estimate's degrees of freedom
    noise_factor: float = 1.0  # how much more this school's figures vary than a typical school's
    hidden_years: tuple[str, ...] = ()
    too_few_years: tuple[str, ...] = ()  # hidden because fewer than the minimum answered
    nowhere_years: tuple[str, ...] = ()  # not out for the kommune or the country either (not published yet)

    @property
    def label(self) -> str:
        return self.indicator.label(self.group)

    @property
    def sentences(self) -> str:
        """What the kit says about this figure, in one place: the development, then the level (said
        once, without repeating the figure). Figure captions, merged summary statements and the
        consultants' overview all use this."""
        development, level = self.development, self.level
        if level.code == development.code == IKKE_OFFENTLIGGJORT or not level.text:
            return development.text
        if not (self.indicator.is_judged or level.by_ministry):
            return development.text
        return f"{development.text} {level.after_development}"

    @property
    def band_half_width(self) -> float:
        """Half the 95 % band of the school's normal year-to-year spread (NaN for unjudged figures)."""
        return self.band_quantile * self.year_sd if self.indicator.is_judged else math.nan


@dataclass(frozen=True)
class BaselineChange:
    """A school's change since a baseline year, set against the reference over the same years.

    `change`: the mean of the published years after the baseline minus the baseline year's figure;
    `relative_change` the same for school − reference; `se` and two-sided `p` from the noise.
    `code`: "" when measured, else for_faa_aar (no comparable figure in or after the baseline year)
    or brud (a break lies between them).
    """

    code: str
    years_after: tuple[str, ...] = ()
    change: float = math.nan
    relative_change: float = math.nan
    reference_change: float = math.nan
    se: float = math.nan
    p: float = math.nan
    break_note: str = ""
    against_reference: bool = True
    robust: bool = True  # still beyond noise (p ≤ 5 %, same direction) when any year after the baseline is left out
    reference_kind: str = ""  # what the change is set against: "kommune", "land", "median" (or "" for nothing)  # False: the kommune's figure is missing, so the school's own change


@dataclass
class Verdicts:
    """All findings of a table, by (school, indicator, group), and the noise of each indicator."""

    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)
    noise: dict[tuple[str, str], Noise] = field(default_factory=dict)

    def get(self, school_id: str, indicator_id: str, group: str = "") -> Finding | None:
        return self.findings.get((school_id, indicator_id, group))

    def for_school(self, school_id: str) -> list[Finding]:
        """The school's findings in catalogue order (the order they were computed in)."""
        return [f for (school, _, _), f in self.findings.items() if school == school_id]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.findings.values())


def level_word(level: Level) -> str:
    """The level verdict for a table cell: "Over (bedre)", "Under (dårligere)", "På niveau" …"""
    word = LEVEL_WORDS[level.code]
    if level.code in (OVER, UNDER) and level.favourable is not None:
        return f"{word} ({'bedre' if level.favourable else 'dårligere'})"
    return word


def development_word(development: Development) -> str:
    """The development verdict for a table cell; an out-of-pattern latest year is said as such."""
    if development.code == NORMAL and development.unusual_latest:
        return "Usædvanligt seneste år"
    return DEVELOPMENT_WORDS[development.code]
