"""The verdict engine: developments over several years against the kommune, levels, the ministry's
own verdicts, breaks, many comparisons — and a small version of the simulation study."""

from __future__ import annotations

import dataclasses
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from labkit.analysis.findings import (
    BEDRE,
    BRUD,
    DAARLIGERE,
    FOR_FAA_AAR,
    IKKE_OFFENTLIGGJORT,
    INGEN_VURDERING,
    NORMAL,
    OVER,
    PAA_NIVEAU,
    UNDER,
)
from labkit.analysis.simulation import Planted, municipality, null_study, power_study
from labkit.analysis.statistics import contrast_variance, holm, slope_weights, trends, variogram
from labkit.analysis.verdicts import compute_verdicts
from labkit.data.catalogue import Break, Catalogue, parse_catalogue
from labkit.data.lab import Lab
from labkit.problems import LabkitError

ENGSKOLEN, KIRKEBAKKE, HEDELUND = "061001", "061004", "061006"
OWN = "100001"


def _table(values: list[float], school: str = OWN, indicator: str = "karaktergennemsnit",
           first: int = 2019) -> pd.DataFrame:
    """A school's published figures from `first` on, in the data layer's tidy shape."""
    years = [f"{y}/{y + 1}" for y in range(first, first + len(values))]
    return pd.DataFrame({"school_id": school, "school_name": "", "level": "skole", "school_year": years,
                         "indicator": indicator, "group": "", "value": values,
                         "n": pd.array([pd.NA] * len(values), dtype="Int64"), "status": "offentliggjort",
                         "source": "", "row": 0, "column": ""})


def _kommune(values: list[float], indicator: str = "karaktergennemsnit", first: int = 2019) -> pd.DataFrame:
    frame = _table(values, "", indicator, first)
    frame["level"] = "kommune"
    return frame


def _with_neighbours(own: pd.DataFrame, sd: float = 0.25, schools: int = 14, drift: float = 0.0) -> pd.DataFrame:
    """Other schools whose figures wobble around their own level by about `sd` a year, and a kommune."""
    rng = np.random.default_rng(7)
    years = len(own)
    others = [_table(list(np.round(7 + rng.normal(0, 0.5) + drift * np.arange(years)
                                   + rng.normal(0, sd, years), 1)), f"10010{i:02d}",
                     str(own["indicator"].iloc[0]), int(own["school_year"].iloc[0][:4]))
              for i in range(schools)]
    kommune = _kommune(list(np.round(7 + drift * np.arange(years), 1)), str(own["indicator"].iloc[0]),
                       int(own["school_year"].iloc[0][:4]))
    return pd.concat([own, *others, kommune], ignore_index=True)


def _no_breaks(catalogue: Catalogue) -> Catalogue:
    return dataclasses.replace(catalogue, breaks=())


# ---------------------------------------------------------------- the sample lab


def test_engskolens_falling_absence_is_an_improvement_against_the_kommune(sample: Lab) -> None:
    verdicts = compute_verdicts(sample.kvalitet, sample.catalogue)
    absence = verdicts.get(ENGSKOLEN, "fravaer")
    assert absence is not None and absence.development.code == BEDRE  # absence: lower is better
    assert absence.latest_year == "2024/2025" and absence.development.years[0] == "2021/2022"
    assert absence.development.relative_change < 0 and absence.development.robust
    assert absence.development.text.startswith("Samlet elevfravær er faldet fra 9,2 % i 2021/2022 til 5,4 % i "
                                               "2024/2025, mere end kommunen (4 år med tal).")
    assert "Kommunen gik i samme periode fra 7,8 % til 7,2 %." in absence.development.text
    assert absence.development.text.endswith("Tallet for 2025/2026 er ikke offentliggjort.")


def test_kirkebakkens_ro_og_orden_is_a_decline_not_the_kommunes(sample: Lab) -> None:
    found = compute_verdicts(sample.kvalitet, sample.catalogue).get(KIRKEBAKKE, "ro_orden", "Udskoling")
    assert found is not None and found.development.code == DAARLIGERE
    assert found.development.text.startswith("Ro og orden (udskoling) er faldet fra 3,8 i 2021/2022 til 3,2 i "
                                             "2025/2026 (5 år med tal).")  # no "mere end kommunen": it stood still
    assert "Kommunens tal lå på 3,7 både i 2021/2022 og 2025/2026." in found.development.text  # not the kommune
    assert "skolen lå 0,5 point lavere" in found.level.text and found.level.short.startswith(
        "I 2025/2026 lå skolen 0,5 point lavere end kommunen")
    assert found.sentences == f"{found.development.text} {found.level.short}"  # the figure said once


def test_context_figures_are_described_never_judged(sample: Lab) -> None:
    verdicts = compute_verdicts(sample.kvalitet, sample.catalogue)
    for indicator in ("elevtal", "klassekvotient", "socref_reference"):
        found = verdicts.get(ENGSKOLEN, indicator)
        assert found is not None
        assert (found.development.code, found.level.code) == (INGEN_VURDERING, INGEN_VURDERING)
        assert found.development.text.endswith("Tallet vises til orientering og vurderes ikke.")


# ---------------------------------------------------------------- constructed series


def test_a_one_year_jump_alone_is_never_a_development(sample: Lab) -> None:
    catalogue = _no_breaks(sample.catalogue)
    for size in (0.5, 3.0):
        for years in (3, 5, 7):
            for direction in (1, -1):
                own = _table([7.0] * (years - 1) + [7.0 + direction * size])
                found = compute_verdicts(_with_neighbours(own), catalogue).get(OWN, "karaktergennemsnit")
                assert found is not None and found.development.code not in (BEDRE, DAARLIGERE), (size, years)
    big = compute_verdicts(_with_neighbours(_table([7.0, 7.1, 6.9, 7.0, 9.5])), catalogue).get(
        OWN, "karaktergennemsnit")
    assert big is not None and big.development.unusual_latest
    assert "usædvanligt højt i forhold til skolens egne tal de foregående år – se, om det holder næste år" \
        in big.development.text


def test_a_steady_trend_is_found_and_too_few_years_are_said(sample: Lab) -> None:
    catalogue = _no_breaks(sample.catalogue)
    rising = compute_verdicts(_with_neighbours(_table([6.0, 6.5, 7.0, 7.4, 8.0, 8.4])), catalogue).get(
        OWN, "karaktergennemsnit")
    assert rising is not None and rising.development.code == BEDRE
    assert "steget fra 6,0 i 2019/2020 til 8,4 i 2024/2025" in rising.development.text
    two = compute_verdicts(_with_neighbours(_table([7.0, 9.0])), catalogue).get(OWN, "karaktergennemsnit")
    assert two is not None and two.development.code == FOR_FAA_AAR and "kun tal for 2 år" in two.development.text
    alone = compute_verdicts(_table([6.0, 6.5, 7.0, 7.4, 8.0]), catalogue).get(OWN, "karaktergennemsnit")
    assert alone is not None and alone.development.code == FOR_FAA_AAR  # nobody to learn the noise from
    assert "normalt svinger" in alone.development.text and alone.level.code == INGEN_VURDERING


def test_a_kommune_wide_drift_is_not_one_schools_problem(sample: Lab) -> None:
    catalogue = _no_breaks(sample.catalogue)
    table = _with_neighbours(_table(list(np.round(7 - 0.3 * np.arange(6), 1))), drift=-0.3)
    verdicts = compute_verdicts(table, catalogue)
    codes = {f.school_id: f.development.code for f in verdicts}
    assert not [school for school, code in codes.items() if code in (BEDRE, DAARLIGERE)]
    own = verdicts.get(OWN, "karaktergennemsnit")
    assert own is not None and "men kommunen er gået samme vej" in own.development.text


def test_hidden_figures_get_their_own_verdict(sample: Lab) -> None:
    hidden = _table([7.0, 7.2, 7.1])
    hidden["value"], hidden["status"] = math.nan, "for få besvarelser"
    found = compute_verdicts(_with_neighbours(hidden), sample.catalogue).get(OWN, "karaktergennemsnit")
    assert found is not None and found.development.code == found.level.code == IKKE_OFFENTLIGGJORT
    assert "tallet bygger på for få elever" in found.development.text
    assert "7,0" not in found.development.text + found.level.text


def test_no_development_across_a_break(sample: Lab) -> None:
    """Grades 2019/2020–2020/2021 (corona) are cut out and the series starts anew in 2021/2022."""
    own = _table([6.0, 6.4, 7.6, 7.9, 8.2, 8.6], first=2018)  # a climb that is mostly the corona years
    verdicts = compute_verdicts(_with_neighbours(own), sample.catalogue)
    found = verdicts.get(OWN, "karaktergennemsnit")
    assert found is not None and found.development.years == ("2021/2022", "2022/2023", "2023/2024")
    short = _table([6.0, 6.4, 7.6, 7.9, 8.2], first=2018)
    cut = compute_verdicts(_with_neighbours(short), sample.catalogue).get(OWN, "karaktergennemsnit")
    assert cut is not None and cut.development.code == BRUD
    assert "prøverne blev aflyst" in cut.development.text and "Siden 2021/2022 er der tal for 2 år" in \
        cut.development.text


def test_the_ministrys_verdict_is_shown_not_tested_again(kbh: Lab) -> None:
    verdicts = compute_verdicts(kbh.kvalitet, kbh.catalogue)
    bellahoej = verdicts.get("101011", "socref_forskel")
    assert bellahoej is not None and bellahoej.level.code == UNDER and bellahoej.level.by_ministry
    assert "»Under niveau«" in bellahoej.level.text and "Året før: »På niveau«." in bellahoej.level.text
    assert math.isnan(bellahoej.level.p)  # not re-tested
    classenske = verdicts.get("101001", "socref_forskel")
    assert classenske is not None and classenske.level.code == OVER


def test_real_developments_do_not_rest_on_the_latest_year(kbh: Lab) -> None:
    """The five "reel forbedring/forværring" of the first version all rested on 2025/2026 alone. Now the
    real extract has no development verdict at all, so none can disappear when that year is left out,
    and the jumps are said for what they are."""
    full = compute_verdicts(kbh.kvalitet, kbh.catalogue)
    assert not [f.label for f in full if f.development.code in (BEDRE, DAARLIGERE)]
    blaagaard = full.get("101008", "kompetencedaekning")
    assert blaagaard is not None and blaagaard.development.code == NORMAL
    assert "har tallet ikke ændret sig mere i forhold til kommunen" in blaagaard.development.text
    grades = full.get("101011", "karaktergennemsnit")
    assert grades is not None and grades.development.code == NORMAL
    assert grades.level.code == PAA_NIVEAU and "kan være reel, men den er ikke sikker" in grades.level.text


def test_a_development_survives_leaving_out_its_latest_year(sample: Lab) -> None:
    """Every development in the sample still points the same way, beyond noise, without its latest year."""
    verdicts = compute_verdicts(sample.kvalitet, sample.catalogue)
    developments = [f for f in verdicts if f.development.code in (BEDRE, DAARLIGERE)]
    assert len(developments) >= 2
    for finding in developments:
        noise = verdicts.noise[(finding.indicator.id, finding.group)]
        years = np.array([int(y[:4]) for y in finding.development.years], dtype=float)
        rows = sample.kvalitet
        own = rows.loc[(rows["school_id"] == finding.school_id) & (rows["indicator"] == finding.indicator.id)
                       & (rows["group"] == finding.group) & (rows["level"] == "skole")]
        value = dict(zip(own["school_year"].str[:4].astype(int), own["value"].astype(float)))
        relative = np.array([value[int(y)] - noise.reference[int(y)] for y in years])
        without = trends(years[:-1], relative[None, :-1], noise.vario, np.array([finding.noise_factor]))
        assert without.slope[0] * finding.development.relative_change > 0 and without.p[0] <= 0.05, finding.label


def test_many_statements_are_held_together_per_school(sample: Lab) -> None:
    """A raw p-value below 5 % is not enough: Holm's correction over the school's statements decides."""
    verdicts = compute_verdicts(sample.kvalitet, sample.catalogue)
    hinted = [f for f in verdicts if f.level.code == PAA_NIVEAU and f.level.p <= 0.05]
    assert hinted and all("kan være reel, men den er ikke sikker" in f.level.text for f in hinted)
    assert holm([0.01, 0.04, 0.03], 0.05).tolist() == [True, False, False]
    assert holm([0.001, 0.04, 0.03, float("nan")], 0.05).tolist() == [True, False, False, False]


# ---------------------------------------------------------------- the statistics underneath


def test_the_variogram_measures_noise_and_levels_off() -> None:
    rng = np.random.default_rng(1)
    white = rng.normal(0, 0.5, (400, 8))
    vario = variogram(white, np.arange(2018, 2026))
    assert vario.values[1:] == pytest.approx(2 * 0.25, rel=0.1)  # white noise: V(k) = 2σ² at every lag
    ar = np.zeros((400, 8))
    ar[:, 0] = rng.normal(0, 1, 400)
    for t in range(1, 8):
        ar[:, t] = 0.7 * ar[:, t - 1] + rng.normal(0, math.sqrt(1 - 0.49), 400)
    fitted = variogram(ar, np.arange(2018, 2026))
    assert fitted.values[1] == pytest.approx(2 * (1 - 0.7), rel=0.15)
    assert fitted.values[7] == pytest.approx(2 * (1 - 0.7**7), rel=0.15) and fitted.sill < 1.1
    # The slope's variance from the variogram is the AR(1) variance of the least-squares slope.
    years = np.arange(6, dtype=float)
    weights = slope_weights(years)
    exact = weights @ (0.7 ** np.abs(years[:, None] - years[None, :])) @ weights
    assert contrast_variance(years, weights, fitted) == pytest.approx(exact, rel=0.2)


def test_leaving_out_a_year_that_carries_the_trend_is_not_robust() -> None:
    vario = variogram(np.random.default_rng(2).normal(0, 0.2, (60, 6)), np.arange(6))
    steady = trends(np.arange(6), np.array([[0.0, 0.3, 0.6, 0.9, 1.2, 1.5]]), vario, np.ones(1))
    jump = trends(np.arange(6), np.array([[0.0, 0.0, 0.0, 0.0, 0.0, 1.5]]), vario, np.ones(1))
    assert steady.loo_p[0] < 0.01
    assert jump.loo_p[0] > 0.05 and jump.weakest[0] == 5


# ---------------------------------------------------------------- the simulation study, small


def test_simulated_municipalities_without_change_give_few_false_developments(sample: Lab) -> None:
    result = null_study(sample.catalogue, seed=5, municipalities=4)
    assert result.schools == 160 and result.false_rate <= 0.05  # the target is 10 %; it sits near 2 %


def test_simulated_sustained_changes_are_found_in_the_right_direction(sample: Lab) -> None:
    found, wrong = power_study(sample.catalogue, Planted("generel_trivsel", 0.1, 5, "Mellemtrin"), seed=6,
                               municipalities=8)
    assert found >= 0.75 and wrong == 0


def test_the_simulated_table_looks_like_the_data_layers(sample: Lab) -> None:
    table = municipality(np.random.default_rng(1), schools=5, years=6, lag1=0.6)
    assert list(table.columns) == list(sample.kvalitet.columns)
    trivsel = table.loc[(table["indicator"] == "ro_orden") & (table["level"] == "skole")]
    assert trivsel["value"].between(2, 5).all() and (trivsel["value"] * 10 % 1 == 0).all()  # one decimal
    assert set(trivsel["group"]) == {"Mellemtrin", "Udskoling"} and trivsel["n"].notna().all()


def test_breaks_are_read_from_the_catalogue(sample: Lab) -> None:
    corona = [b for b in sample.catalogue.breaks_of("karaktergennemsnit") if b.last]
    assert corona and corona[0].restart == 2021 and corona[0].covers(2020) and not corona[0].covers(2021)
    assert Break(("fravaer",), "2019/2020", "", "nye regler").restart == 2019


CATALOGUE_ENTRY = {"id": "x", "navn": "X", "område": "trivsel", "enhed": "%", "skala": [0, 100], "bedre": "højere",
                   "kolonner": ["X"]}


@pytest.mark.parametrize(("change", "message"), [
    ({"usikkerhed": "procent"}, "»usikkerhed« skal være et af elevgennemsnit, elevandel, skoletal"),
    ({"usikkerhed": "elevgennemsnit"}, "et elevgennemsnit skal have »elevspredning«"),
    ({"usikkerhed": "elevgennemsnit", "elevspredning": "stor"}, "»elevspredning« skal være et positivt tal"),
    ({"vurdering": "findes_ikke"}, "»vurdering« peger på »findes_ikke«, som ikke findes i kataloget"),
    ({"se_ogsaa": "y"}, "»se_ogsaa« peger på »y«, som ikke findes i kataloget"),
])
def test_a_wrong_uncertainty_is_refused_in_danish(change: dict, message: str) -> None:
    data = {"områder": [{"id": "trivsel", "navn": "Trivsel"}], "indikatorer": [{**CATALOGUE_ENTRY, **change}]}
    with pytest.raises(LabkitError, match=re.escape(message)):
        parse_catalogue(data, "skabeloner/indikatorer.yaml")


@pytest.mark.parametrize(("entry", "message"), [
    ({"indikatorer": ["y"], "fra": "2019/2020", "beskrivelse": "b"}, "brud nr. 1: indikatoren »y« findes ikke"),
    ({"indikatorer": ["x"], "fra": "2019", "beskrivelse": "b"}, "»2019« er ikke et skoleår som »2020/2021«"),
    ({"indikatorer": ["x"], "fra": "2021/2022", "til": "2019/2020", "beskrivelse": "b"}, "»til« (2019/2020) ligger før"),
    ({"indikatorer": ["x"], "fra": "2019/2020"}, "brud nr. 1: mangler nøglen »beskrivelse«"),
])
def test_a_wrong_break_is_refused_in_danish(entry: dict, message: str) -> None:
    data = {"områder": [{"id": "trivsel", "navn": "Trivsel"}], "indikatorer": [CATALOGUE_ENTRY], "brud": [entry]}
    with pytest.raises(LabkitError, match=re.escape(message)):
        parse_catalogue(data, "skabeloner/indikatorer.yaml")


def test_an_old_catalogue_without_kinds_still_works() -> None:
    """A lab made before `usikkerhed` existed: its indicators count as school rates, never as shares,
    and the catalogue says so (`labkit check` shows it)."""
    catalogue = parse_catalogue({"områder": [{"id": "trivsel", "navn": "Trivsel"}],
                                 "indikatorer": [CATALOGUE_ENTRY, {**CATALOGUE_ENTRY, "id": "k", "navn": "K", "kolonner": ["K"],
                                                                   "bedre": "kontekst"}]}, "gammel.yaml")
    assert catalogue["x"].uncertainty == "skoletal" and catalogue["x"].is_judged
    assert catalogue["k"].uncertainty == "kontekst" and not catalogue["k"].is_judged
    assert catalogue.breaks == () and "»x«" not in catalogue.notes[0] and "(x)" in catalogue.notes[0]


def test_an_unusual_year_is_rare_by_chance_and_a_steady_trend_is_not_unusual(sample: Lab) -> None:
    catalogue = _no_breaks(sample.catalogue)
    rng = np.random.default_rng(11)
    flagged = total = 0
    for _ in range(3):
        verdicts = compute_verdicts(municipality(rng, 40, 7, 0.65), catalogue)
        flagged += len({f.school_id for f in verdicts if f.development.unusual_latest})
        total += 40
    assert flagged / total <= 0.10  # a family of its own per school, with Holm's correction
    steady = compute_verdicts(_with_neighbours(_table([6.0, 6.3, 6.6, 6.9, 7.2, 7.5])), catalogue).get(
        OWN, "karaktergennemsnit")
    assert steady is not None and not steady.development.unusual_latest


def test_following_the_kommune_is_said_only_when_the_kommune_moved(sample: Lab) -> None:
    catalogue = _no_breaks(sample.catalogue)
    rising = _table([7.5, 7.7, 8.0, 8.1, 8.4, 8.7])
    table = _with_neighbours(rising, sd=0.45)
    found = compute_verdicts(table, catalogue).get(OWN, "karaktergennemsnit")
    assert found is not None and "gået samme vej" not in found.development.text


def test_too_few_schools_give_no_verdict(sample: Lab) -> None:
    catalogue = _no_breaks(sample.catalogue)
    few = _with_neighbours(_table([6.0, 6.5, 7.0, 7.4, 8.0, 8.4]), schools=3)
    found = compute_verdicts(few, catalogue).get(OWN, "karaktergennemsnit")
    assert found is not None and (found.development.code, found.level.code) == (FOR_FAA_AAR, FOR_FAA_AAR)
    assert "for få tal fra kommunens skoler" in found.development.text


def test_a_misspelt_key_is_refused_and_an_older_copy_is_named(sample: Lab, tmp_path: Path) -> None:
    data = {"områder": [{"id": "trivsel", "navn": "Trivsel"}],
            "indikatorer": [{**CATALOGUE_ENTRY, "usikkerhd": "elevandel"}]}
    with pytest.raises(LabkitError, match="nøglen »usikkerhd« kendes ikke. Mente du »usikkerhed«?"):
        parse_catalogue(data, "skabeloner/indikatorer.yaml")
    old = {"områder": [{"id": "trivsel", "navn": "Trivsel"}], "indikatorer": [CATALOGUE_ENTRY]}
    notes = parse_catalogue(old, "skabeloner/indikatorer.yaml").notes
    assert len(notes) == 2 and "ingen »usikkerhed« (x)" in notes[0] and "ingen »brud«" in notes[1]
    assert parse_catalogue({"områder": old["områder"], "indikatorer": [CATALOGUE_ENTRY], "brud": []},
                           "x.yaml").notes[1:] == ()  # an empty »brud« is a choice, not an older copy


def test_the_data_report_says_when_too_few_schools_allow_no_verdict(sample: Lab) -> None:
    from labkit.check import check_report

    few = sample.kvalitet.loc[sample.kvalitet["school_id"].isin(["", "061001", "061002", "061003"])]
    report = check_report(dataclasses.replace(sample, kvalitet=few))
    assert "Bemærk: der er kun tal for 3 skoler. Med færre end 5" in report
    assert "Bemærk: der er kun tal" not in check_report(sample)


def test_a_labs_own_catalogue_is_used_by_every_verdict(lab: Path) -> None:
    """The lab's skabeloner/ copy decides: here karaktergennemsnit with two decimals and no breaks, and
    the figure band, the summary and the follow-up all follow it (the first version mixed catalogues)."""
    from labkit.analysis.opfoelgning import follow_up_sign
    from labkit.data.indsatsteori import Tegn, indicator_source
    from labkit.data.lab import load_lab
    from labkit.data.templates import BUNDLED_TEMPLATES

    shutil.copytree(BUNDLED_TEMPLATES, lab / "skabeloner")
    text = (BUNDLED_TEMPLATES / "indikatorer.yaml").read_text(encoding="utf-8")
    text = text.replace("    kolonner: [Karaktergennemsnit]", "    kolonner: [Karaktergennemsnit]\n    decimaler: 2", 1)
    text = text.replace("    skala: [-3, 12]\n    bedre: højere\n    decimaler: 1\n    kolonner: [Karaktergennemsnit]",
                        "    skala: [-3, 12]\n    bedre: højere\n    kolonner: [Karaktergennemsnit]", 1)
    (lab / "skabeloner" / "indikatorer.yaml").write_text(text, encoding="utf-8")
    with (lab / "lab.yaml").open("a", encoding="utf-8") as config:
        config.write("skabeloner: skabeloner\n")
    own = load_lab(lab)
    assert own.catalogue["karaktergennemsnit"].decimals == 2
    finding = compute_verdicts(own.kvalitet, own.catalogue).get(ENGSKOLEN, "karaktergennemsnit")
    assert finding is not None and re.search(r"\d,\d\d i 2025/2026", finding.development.text)
    sign = Tegn("Karakterer", indicator_source("karaktergennemsnit"), baseline_aar="2023/2024")
    item = follow_up_sign(0, sign, own.kvalitet, own.catalogue, ENGSKOLEN)
    assert re.search(r"\d,\d\d i 2023/2024 \(baseline\)", item.text), item.text
