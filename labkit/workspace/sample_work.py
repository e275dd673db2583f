"""A finished Læringslab 1 for one sample school (Hedelundskolen), so the demo renders a whole handout:
the summary discussed, two focus areas chosen with reasons, a full indsatsteori for each with signs
whose baselines come from the school's own figures, and the school placed on the PLF levels.

Written by `scripts/generate_sample_data.py` into `sample_data/arbejde/061006.json` in the workspace
format (docs/arbejdsfil.md), at a fixed time, so it gives the same bytes every time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from labkit.data.indsatsteori import (
    GOAL_ID,
    IMPLEMENTATION,
    OUTCOME,
    OWN_OBSERVATION,
    PRACTICE,
    PUPILS,
    Aktivitet,
    Evaluering,
    FocusArea,
    Indsatsteori,
    Resultat,
    Tegn,
    default_level,
    indicator_source,
    prefill_baseline,
)
from labkit.files import write_atomically
from labkit.workspace.document import FORMAT, FORMAT_VERSION, document_text
from labkit.workspace.store import WORKSPACE_FOLDER

SAMPLE_TEAM_SCHOOL = "061006"
SAVED_AT = "2026-01-05T14:30:00+01:00"  # the afternoon of Læringslab 1

# The team's view of summary statements (ids as labkit.analysis.summary gives them for this school).
AGREEMENT = {
    "niveau-under-faglig_trivsel-Mellemtrin": {"enig": "enig", "kommentar": "Vi genkender det fra elevsamtalerne "
                                                                          "i 5. og 6. klasse."},
    "niveau-under-karaktergennemsnit-alle": {"enig": "enig", "kommentar": "Især i matematik."},
    "kapacitet-forskel-ledelse": {"enig": "uenig", "kommentar": "Pædagogerne var kun fire; vi vil spørge "
                                                               "hele personalet."},
}
RATINGS = {
    "faglig_progression": {"vigtighed": 5, "data": 5, "indflydelse": 4},
    "inkluderende_laeringsmiljoer": {"vigtighed": 4, "data": 3, "indflydelse": 4},
    "overgange": {"vigtighed": 3, "data": 2, "indflydelse": 2},
    "elevperspektiv": {"vigtighed": 4, "data": 3, "indflydelse": 3},
}
REASONS = {
    "faglig_progression": "Karaktergennemsnittet og den faglige trivsel ligger under kommunens, og lærerne "
                          "efterlyser et fælles blik på elevernes udvikling i matematik.",
    "inkluderende_laeringsmiljoer": "Flere elever i mellemtrinnet siger, at de ikke får hjælp, når de går i "
                                    "stå; vi vil have støtten ind i klassen.",
}


def _sign(description: str, source: str, target: str, when: str, kind: str, belongs_to: str,
          kvalitet: pd.DataFrame, number: int) -> dict[str, Any]:
    sign = Tegn(beskrivelse=description, kilde=source, maal=target, hvornaar=when, art=kind,
                knyttet_til=belongs_to, resultat_niveau=default_level(source), id=f"eksempel-{number}")
    if source == OWN_OBSERVATION:
        sign.baseline, sign.baseline_aar = OWN_BASELINES.get(number, ("", ""))
    else:
        sign, _ = prefill_baseline(sign, kvalitet, SAMPLE_TEAM_SCHOOL)
    return sign.to_dict()


# What the team counted itself before the lab (own observations need a baseline too).
OWN_BASELINES = {3: ("3 af 10 timer", "2025/2026"), 5: ("Ca. 12 elever pr. uge", "2025/2026"),
                 6: ("Ingen faste møder", "2025/2026")}


def _theories(kvalitet: pd.DataFrame) -> dict[str, Any]:
    progression = Indsatsteori(
        focus_area=FocusArea("faglig_progression", "Faglig progression for alle elever"),
        problem="Eleverne i mellemtrinnet trives fagligt dårligere end i kommunen (3,5 mod 3,9), og "
                "karaktergennemsnittet ligger 1,7 point under kommunens.",
        data_grundlag=["Faglig trivsel (mellemtrin)", "Karaktergennemsnit", "Brug af data"],
        maalgruppe="Elever og lærere i 4.–6. klasse, først i matematik.",
        langsigtet_maal="Alle elever oplever, at de bliver dygtigere, og flere når et godt fagligt niveau "
                        "ved afgangsprøven.",
        resultater=[
            Resultat("Lærerne bruger fælles læringsmål og feedback i matematik", "kortsigtede", PRACTICE, "r3",
                     "tydelige mål og feedback viser eleverne, hvad de skal gøre for at komme videre", "r1"),
            Resultat("Årgangsteamene følger op på hver elevs progression", "kortsigtede", PRACTICE, "r4",
                     "elever, der går i stå, bliver set tidligt", "r2"),
            Resultat("Eleverne kan sige, hvad de skal lære, og hvordan de kommer videre", "mellemlange", PUPILS, "r5",
                     "elever, der kan se deres fremskridt, trives bedre fagligt", "r3"),
            Resultat("Færre elever går i stå uden hjælp", "mellemlange", PUPILS, "r6",
                     "hjælpen kommer, mens det stadig er let at indhente", "r4"),
            Resultat("Højere faglig trivsel i mellemtrinnet", "langsigtede", PUPILS, GOAL_ID, "", "r5"),
            Resultat("Højere karaktergennemsnit", "langsigtede", PUPILS, GOAL_ID, "", "r6"),
        ],
        aktiviteter=[
            Aktivitet("Fælles læringsmål og elevfeedback i alle matematiktimer i 4.–6. klasse",
                      "Matematiklærerne i 4.–6. klasse", "Uge 6, 2026", "Juni 2027", "r1",
                      "fælles mål gør det let at give feedback, eleverne kan bruge", "a1"),
            Aktivitet("Datamøde i årgangsteamet hver 6. uge om elevernes progression", "Pædagogisk leder",
                      "Februar 2026", "Juni 2027", "r2", "faste møder med data gør opfølgningen til en vane", "a2"),
            Aktivitet("Matematikvejlederen observerer og giver sparring to gange pr. lærer pr. halvår",
                      "Matematikvejlederen", "Marts 2026", "Juni 2027", "r1",
                      "sparring på egen undervisning ændrer praksis mere end et kursus", "a3"),
        ],
        ressourcer=["Matematikvejlederen 4 timer om ugen", "Årgangsteamenes mødetid", "Skolens testdata"],
        kontekst="Ny matematikvejleder fra august; to nye lærere i mellemtrinnet.",
        risici=["Datamøderne bliver aflyst, når der mangler vikarer",
                "Feedback bliver en ekstra opgave i stedet for en del af timen"],
        justeringer=["Er under halvdelen af datamøderne holdt ved Læringslab 2, finder vi en anden mødeform",
                     "Viser observationerne ingen ændring efter første halvår, ændrer vi sparringen"],
        evaluering=Evaluering("Datamøderne og trivselsmålingen; observationer fra vejlederen",
                              "Ved Læringslab 2 og igen efter trivselsmålingen 2026/2027",
                              "Pædagogisk leder og matematikvejlederen"),
    ).to_dict()
    progression["indikatorer"] = [
        _sign("Faglig trivsel i mellemtrinnet", indicator_source("faglig_trivsel", "Mellemtrin"), "3,8",
              "Trivselsmålingen 2026/2027", OUTCOME, "r5", kvalitet, 1),
        _sign("Karaktergennemsnit ved afgangsprøven", indicator_source("karaktergennemsnit"), "6,5",
              "Sommeren 2028", OUTCOME, "r6", kvalitet, 2),
        _sign("Matematiktimer i 4.–6. klasse med et synligt læringsmål", OWN_OBSERVATION, "9 af 10 timer",
              "Efter vejlederens observationer i foråret", OUTCOME, "r1", kvalitet, 3),
        _sign("Datamøder holdt som planlagt", OWN_OBSERVATION, "Mindst 5 af 6", "Ved Læringslab 2",
              IMPLEMENTATION, "a2", kvalitet, 6),
    ]
    inclusion = Indsatsteori(
        focus_area=FocusArea("inkluderende_laeringsmiljoer", "Inkluderende læringsmiljøer"),
        problem="Elever, der går i stå, får hjælp uden for klassen i stedet for i den; lærere og pædagoger "
                "planlægger sjældent sammen.",
        data_grundlag=["Social trivsel (mellemtrin)", "Inkluderende læringsmiljøer"],
        maalgruppe="Elever i 4.–6. klasse, der ofte går i stå, og deres lærere og pædagoger.",
        langsigtet_maal="Flere elever får den støtte, de har brug for, i klassens fællesskab.",
        resultater=[
            Resultat("Lærer og pædagog planlægger sammen i alle klasser i 4.–6. klasse", "kortsigtede", PRACTICE,
                     "r2", "planlagt støtte kan gives i klassen", "r1"),
            Resultat("Færre elever tages ud af klassen", "mellemlange", PUPILS, "r3",
                     "elever, der bliver i fællesskabet, føler sig som en del af det", "r2"),
            Resultat("Højere social trivsel i mellemtrinnet", "langsigtede", PUPILS, GOAL_ID, "", "r3"),
        ],
        aktiviteter=[
            Aktivitet("Lærer og pædagog planlægger to timer om ugen sammen i hver klasse", "Afdelingslederen",
                      "Februar 2026", "Juni 2027", "r1", "fast tid i skemaet gør samarbejdet til en vane", "a1"),
            Aktivitet("Fast »hjælp i klassen« i stedet for at tage elever ud", "AKT-vejlederen", "Marts 2026",
                      "Juni 2027", "r2", "", "a2"),
        ],
        ressourcer=["Pædagogtimer i mellemtrinnet", "AKT-vejlederen"],
        kontekst="Skolen har flyttet ressourcer fra specialtilbud ind i klasserne.",
        risici=["Pædagogtimerne bliver brugt til vikardækning"],
        justeringer=["Tages flere elever ud af klassen i marts end i januar, ser vi på planlægningen igen"],
        evaluering=Evaluering("Tælling af elever taget ud af klassen og trivselsmålingen",
                              "Hver måned og ved Læringslab 2", "Afdelingslederen"),
    ).to_dict()
    inclusion["indikatorer"] = [
        _sign("Social trivsel i mellemtrinnet", indicator_source("social_trivsel", "Mellemtrin"), "4,3",
              "Trivselsmålingen 2026/2027", OUTCOME, "r3", kvalitet, 4),
        _sign("Elever taget ud af klassen pr. uge", OWN_OBSERVATION, "Halvdelen af i dag", "Ved Læringslab 2",
              OUTCOME, "r2", kvalitet, 5),
    ]
    return {"faglig_progression": progression, "inkluderende_laeringsmiljoer": inclusion}


def sample_workspace(kvalitet: pd.DataFrame, lab_name: str) -> dict[str, Any]:
    """The workspace document of the sample team (revision 1, saved at a fixed time)."""
    data = {
        "datasummary": AGREEMENT,
        "indsatsomraader": {"vurderinger": RATINGS, "valgte": list(REASONS), "begrundelser": REASONS},
        "indsatsteorier": _theories(kvalitet),
        # The PLF levels describe teams: the school's teams placed one by one.
        "plf_modenhed": {"teams": [{"team": "Indskolingen", "niveau": "erfaringsdeling"},
                                   {"team": "Mellemtrinnet", "niveau": "undersoegende"},
                                   {"team": "Udskolingen", "niveau": "erfaringsdeling"}],
                         "begrundelse": "Vi deler materialer og erfaringer i årgangsteamene; kun mellemtrinnets "
                                        "matematikteam undersøger sammen, hvad der virker for eleverne."},
    }
    return {"format": FORMAT, "formatversion": FORMAT_VERSION, "school_id": SAMPLE_TEAM_SCHOOL, "lab": lab_name,
            "revision": 1, "saved_at": SAVED_AT, "data": data, "conflicts": []}


def write_sample_workspace(folder: Path, kvalitet: pd.DataFrame, lab_name: str) -> Path:
    """Write the sample team's workspace into `<folder>/arbejde/` (as the workspace store writes it)."""
    path = folder / WORKSPACE_FOLDER / f"{SAMPLE_TEAM_SCHOOL}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, document_text(sample_workspace(kvalitet, lab_name)))
    return path
