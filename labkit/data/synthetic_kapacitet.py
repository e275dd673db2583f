"""Invented kapacitetsinterview ratings and notes for the sample lab (seeded, repeatable)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from labkit.data.instrument import Instrument

# Respondents per group; a leadership team with afdelingsledere is often just at the minimum.
_GROUP_SIZES = {"ledelse": (5, 7), "laerere": (8, 15), "paedagoger": (4, 8), "ressourcepersoner": (5, 7)}


# The small school's groups: its three leaders and four pædagoger are below the minimum of 5.
_SMALL_SCHOOL_SIZES = {"ledelse": 3, "laerere": 8, "paedagoger": 4, "ressourcepersoner": 5}


_DIMENSION_LEVEL = {
    "kompetencer": 3.5,
    "motivation": 3.6,
    "vaerdier": 3.3,
    "plf": 2.9,
    "data": 2.7,
    "ledelse": 3.2,
    "inklusion": 3.1,
}


# Leaders rate their own work more kindly than staff do (points, before the school's own factor).
_LEADER_GAP = {"ledelse": 0.9, "data": 0.7, "plf": 0.6, "vaerdier": 0.5}


# The school interviewed twice: a year of PLF work on data shows most in »data«, a little in »plf«
# (points, added to every group's ratings in round 2).
_SECOND_ROUND_SHIFT = {"data": 0.9, "plf": 0.4, "ledelse": 0.1}
_SECOND_ROUND_NOTES = [
    ("data", "Note", "alle", "Teamene viser eksempler på, at trivselsmålingen er brugt til at ændre en indsats."),
    ("data", "Citat", "laerere", "Nu tager vi elevernes svar med på PLF-mødet og aftaler, hvad vi prøver af."),
    ("plf", "Citat", "laerere", "Vi har været inde og se hinandens timer to gange. Det var mindre farligt end ventet."),
    ("ledelse", "Note", "skole", "Ledelsen og medarbejderne ser mere ens på ledelsen end ved første runde."),
]


_GROUP_SHIFT = {
    ("paedagoger", "kompetencer"): -0.3,
    ("ressourcepersoner", "data"): 0.3,
    ("ressourcepersoner", "inklusion"): -0.3,
    ("paedagoger", "inklusion"): 0.2,
}


# One note a line: dimension, kind, who (a group id, personale = any staff group, alle, or skole = the
# interviewers' note on the whole school) | text.
_NOTES = [
    (*head.split(), text)
    for head, text in (
        line.split(" | ")
        for line in """
kompetencer Citat personale | Vi mangler redskaber til de elever, der ikke kan rummes i den almindelige undervisning.
kompetencer Citat personale | Differentiering bliver tit til ekstra opgaver til de hurtige, ikke til en anden undervisning.
kompetencer Note alle | Flere nævner kurset i klasseledelse som det, der har gjort størst forskel de seneste år.
kompetencer Citat ledelse | Vi har sendt mange på efteruddannelse, men vi ved ikke, om det bliver brugt i klasserne.
kompetencer Note paedagoger | Pædagogerne oplever, at deres faglighed sjældent bliver brugt i selve undervisningen.
motivation Citat personale | Der kommer hele tiden nye projekter, og man når aldrig at gøre det gamle færdigt.
motivation Citat personale | Når vi selv har valgt fokus, så giver det mening, og så gør vi det også.
motivation Note alle | Gruppen beskriver stort engagement, men også træthed efter flere år med mange forandringer.
motivation Citat ledelse | Medarbejderne er engagerede; vi skal blive bedre til at fejre det, der lykkes.
vaerdier Citat personale | Vi siger alle sammen »alle skal med«, men vi mener ikke det samme med det.
vaerdier Note alle | Stor enighed om værdierne, men uenighed om, hvad de betyder for de mest udfordrede elever.
vaerdier Citat ledelse | Vi har et fælles sprog i ledelsen, men jeg er ikke sikker på, at det er nået ud i alle teams.
vaerdier Citat personale | Læringsmiljø er blevet et ord, vi bruger, uden at vi har talt om, hvordan det ser ud i en time.
plf Citat personale | Teammøderne går med praktiske ting: ture, vikarer og forældrehenvendelser.
plf Note alle | Et par årgangsteams arbejder systematisk med observationer; det gælder ikke udskolingen.
plf Citat personale | Vi har aldrig set hinanden undervise. Det ville være grænseoverskridende, men nok lærerigt.
plf Citat ledelse | PLF står i skemaet hver uge, men vi ved ikke rigtig, hvad der sker på møderne.
data Citat personale | Vi taler meget om data, men det bliver sjældent til ændret praksis.
data Citat personale | Testresultaterne kommer, når klassen er gået videre, så vi bruger dem ikke til så meget.
data Note alle | Trivselsmålingen gennemgås i teamene, men der følges sjældent op på aftalerne.
data Citat ledelse | Vi har masser af data. Udfordringen er at gøre dem til noget, teamene kan handle på.
data Note ressourcepersoner | Ressourcepersonerne efterspørger et fast forum, hvor data kobles til konkrete indsatser.
ledelse Citat personale | Ledelsen er synlig på gangene, men ikke i undervisningen.
ledelse Citat ledelse | Vi vil gerne være mere i klasserne, men driften æder tiden.
ledelse Note alle | Der er uklarhed om, hvem der beslutter, hvilken støtte den enkelte elev får.
ledelse Citat personale | Når ledelsen har været med på teammødet, bliver tingene faktisk til noget.
inklusion Citat personale | Vi når først at tale med AKT-vejlederen, når situationen er eskaleret.
inklusion Note alle | Lærere og pædagoger samarbejder godt i indskolingen, men næsten ikke i udskolingen.
inklusion Citat personale | Vi spørger sjældent eleverne, hvad der skal til, for at de har det godt i timerne.
inklusion Citat ledelse | Vi har flyttet ressourcer fra specialtilbud ind i klasserne, og det kan mærkes, på godt og ondt.
vaerdier Note skole | På tværs af grupperne blev »alle skal med« brugt om meget forskellige ting.
plf Note skole | Stor forskel mellem afdelingerne: indskolingen har faste PLF-møder, udskolingen har ikke.
data Note skole | Ingen gruppe kunne give et eksempel på, at trivselsmålingen har ført til en ændret indsats.
ledelse Note skole | Ledelsen vurderer sig selv klart højere end medarbejderne; det bør tages op på laboratoriet.
""".strip().splitlines()
    )
]


def _group_ratings(rng: np.random.Generator, instrument: Instrument, school: tuple[str, int], group: str,
                   size: int, school_effects: tuple[float, float, dict[str, float]],
                   shift: dict[str, float]) -> list[tuple[str, int, str, int, str, int]]:
    """One group's invented ratings in one round: (school_id, round, group, respondent, statement, rating)."""
    school_id, round_ = school
    level, gap, by_dimension = school_effects
    low, high = instrument.scale.min, instrument.scale.max
    rows = []
    for respondent in range(1, size + 1):
        person = rng.normal(0, 0.35)
        for st in instrument.statements:
            mean = (
                _DIMENSION_LEVEL.get(st.dimension, 3.2)
                + level
                + by_dimension[st.dimension]
                + person
                + _GROUP_SHIFT.get((group, st.dimension), 0.0)
                + shift.get(st.dimension, 0.0)
            )
            if group == "ledelse":
                mean += gap * _LEADER_GAP.get(st.dimension, 0.2) * (0.5 if round_ > 1 else 1.0)
            on_scale = low + (mean + rng.normal(0, 0.6) - 1) / 4 * (high - low)
            rows.append((school_id, round_, group, respondent, st.id, int(np.clip(np.round(on_scale), low, high))))
    return rows


def synthetic_kapacitet(
    instrument: Instrument, schools: list[tuple[str, str]], seed: int, small_school: str = "",
    repeat_school: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Invented interview ratings and notes for `schools` ((id, name) pairs); `small_school` has the
    small groups (a group under the privacy limit among them); `repeat_school` is interviewed twice
    (round 2 with higher ratings on data and PLF, and a smaller leadership gap).

    Ratings: school_id, round, group, respondent, statement, rating. Notes: school_id, round, group,
    dimension, kind, text. Leaders rate some dimensions higher than staff, by a gap that varies by school.
    """
    rng = np.random.default_rng(seed)
    repeat_rng = np.random.default_rng(seed + 1)  # round 2 draws its own numbers: round 1 stays as it was
    dimensions = [d.id for d in instrument.dimensions]
    ratings: list[tuple[str, int, str, int, str, int]] = []
    notes: list[tuple[str, int, str, str, str, str]] = []
    for school_id, _ in schools:
        level, gap = rng.normal(0, 0.3), rng.uniform(0.4, 1.4)
        by_dimension = {d: rng.normal(0, 0.25) for d in dimensions}
        sizes = {}
        for group in instrument.groups:
            fewest, most = _GROUP_SIZES.get(group.id, (5, 8))
            size = (_SMALL_SCHOOL_SIZES.get(group.id, fewest) if school_id == small_school
                    else int(rng.integers(fewest, most + 1)))
            sizes[group.id] = size
            ratings += _group_ratings(rng, instrument, (school_id, 1), group.id, size, (level, gap, by_dimension), {})
        if school_id == repeat_school:
            for group in instrument.groups:
                ratings += _group_ratings(repeat_rng, instrument, (school_id, 2), group.id, sizes[group.id],
                                          (level, gap, by_dimension), _SECOND_ROUND_SHIFT)
            notes += [(school_id, 2, "" if who in ("alle", "skole") else who, dimension, kind, text)
                      for dimension, kind, who, text in _SECOND_ROUND_NOTES if dimension in dimensions]
        used: set[str] = set()
        for group_id in [*(g.id for g in instrument.groups), ""]:  # "": the interviewers' note on the school
            staff = "personale" if group_id != "ledelse" else ""
            who = (group_id, "alle", staff) if group_id else ("skole",)
            pool = [n for n in _NOTES if n[0] in dimensions and n[2] in who and n[3] not in used]
            if not pool and group_id:  # an instrument with other dimensions: a plain note per dimension
                pool = [
                    (d.id, "Note", "alle", f"Gruppen drøftede »{d.name}« længe; synspunkterne var delte.")
                    for d in instrument.dimensions
                ]
            count = 1 if not group_id else int(rng.integers(2, 5))
            for i in rng.choice(len(pool), min(len(pool), count), replace=False):
                used.add(pool[i][3])
                notes.append((school_id, 1, group_id, pool[i][0], pool[i][1], pool[i][3]))
    return (
        pd.DataFrame(ratings, columns=["school_id", "round", "group", "respondent", "statement", "rating"]),
        pd.DataFrame(notes, columns=["school_id", "round", "group", "dimension", "kind", "text"]),
    )
