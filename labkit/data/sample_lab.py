"""Writing the bundled sample lab (Bøgekilde Kommune): lab.yaml, the data files and the interview
workbook, byte for byte the same for the same seed (`scripts/generate_sample_data.py`)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from labkit.data.instrument import DEFAULT_INSTRUMENT, load_instrument
from labkit.data.kapacitet_workbook import write_entry_workbook
from labkit.data.synthetic import FIXED_TIME, KOMMUNE, SAMPLE_SCHOOLS, SAMPLE_YEARS, SMALL, sample_tables

# The sample school interviewed twice (rounds 1 and 2), so the notebook and handout show the comparison.
REPEAT_INTERVIEW = "061001"
from labkit.data.synthetic_kapacitet import synthetic_kapacitet
from labkit.files import write_atomically


def _lab_yaml() -> str:
    note = "    # altid 6 cifre i anførselstegn, så et 0 forrest bevares"
    schools = "".join(
        f'  - institutionsnummer: "{s.nr}"{note if i == 0 else ""}\n    navn: {s.navn}\n'
        for i, s in enumerate(SAMPLE_SCHOOLS)
    )
    return (
        "# Indstillinger for ét læringslaboratorium. labkit finder filen i lab-mappen.\n"
        "# Alt efter # er kommentarer. Alle tal og skoler her er opdigtede eksempeldata.\n\n"
        f"kommune: {KOMMUNE}          # kommunens navn (kommunen er opdigtet)\n"
        "laboratorium: Læringslab 1          # laboratoriets navn på forsider og udskrifter\n"
        f'skoleår: "{SAMPLE_YEARS[-1]}"                # det aktuelle skoleår, i anførselstegn\n'
        "mindste_gruppe: 5                   # mindste antal svar, før et tal eller en figur vises\n"
        "vis_skolenavne: false               # må skolerne se hinandens navne i facilitatorvisningen?\n"
        "skoler:                             # de deltagende skoler\n"
        f"{schools}"
        "datamappe: data                     # mappen med datafilerne, set fra denne fil\n"
    )


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Semicolons, UTF-8 with BOM, CRLF, empty cell for a missing value: like the published files."""
    lines = [";".join(frame.columns)]
    lines += [";".join("" if pd.isna(v) else str(v) for v in row) for row in frame.itertuples(index=False)]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def _stabilise_workbook(path: Path) -> None:
    """Rewrite an .xlsx with fixed entry times and document dates, so its bytes depend on content only."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_TIME).encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.external_attr = 0o600 << 16
            target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def generate_sample_lab(folder: Path, seed: int = 2026) -> None:
    """Write the sample lab (lab.yaml, data/*.csv, data/kapacitetsinterview.xlsx) into `folder`."""
    data = Path(folder) / "data"
    data.mkdir(parents=True, exist_ok=True)
    write_atomically(Path(folder) / "lab.yaml", _lab_yaml())
    overblik, trivsel, supplement = sample_tables(seed)
    _write_csv(overblik, data / "skoleoverblik.csv")
    _write_csv(trivsel, data / "trivsel.csv")
    _write_csv(supplement, data / "kvalitet_supplement.csv")
    instrument = load_instrument(DEFAULT_INSTRUMENT)
    schools = [(s.nr, s.navn) for s in SAMPLE_SCHOOLS]
    ratings, notes = synthetic_kapacitet(instrument, schools, seed, SMALL, REPEAT_INTERVIEW)
    workbook = data / "kapacitetsinterview.xlsx"
    write_entry_workbook(workbook, instrument, schools, ratings, notes)
    _stabilise_workbook(workbook)
