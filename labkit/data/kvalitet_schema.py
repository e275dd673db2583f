"""The kvalitetsrapport's tidy table: its columns, levels and statuses, and the header names every
layout (`labkit.data.kvalitet_layouts`) is recognised by."""

# Column names of the tidy table every later step uses.
KVALITET_COLUMNS = [
    "school_id",
    "school_name",
    "level",
    "school_year",
    "indicator",
    "group",
    "value",
    "n",
    "status",
    "source",
    "row",
    "column",
]
LEVEL_SCHOOL, LEVEL_KOMMUNE, LEVEL_LAND = "skole", "kommune", "land"
STATUS_PUBLISHED = "offentliggjort"
STATUS_NOT_PUBLISHED = "ikke offentliggjort"
STATUS_TOO_FEW = "for få besvarelser"

ID_COLUMN, NAME_COLUMN, YEAR_COLUMN = "Institutionsnummer", "Institution", "Skoleår"
LEVEL_SUFFIXES = {" kommune": LEVEL_KOMMUNE, " land": LEVEL_LAND}
LEVEL_WORDS = {"skole": LEVEL_SCHOOL, "kommune": LEVEL_KOMMUNE, "land": LEVEL_LAND, "": LEVEL_SCHOOL}
HEADER_MARKERS = (ID_COLUMN, "Skoleår", "Indikator", "Trivselsindikator")
NUMBER_EXAMPLE = "et tal som 7,3 eller 2.351, eller tomt/»-« hvis tallet ikke er offentliggjort"
