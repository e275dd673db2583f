"""click's own words in Danish: usage lines, option lists and error messages a facilitator sees.

click writes them through gettext (`from gettext import gettext as _` in each of its modules), so
giving those modules a Danish `_`/`ngettext` translates every message without touching click's code.
A text that is not here stays in click's English; `tests/test_cli.py` checks the ones a facilitator
meets (help, a missing argument, a misspelt command or option, a wrong value).
"""

from __future__ import annotations

import importlib

DANISH = {
    "Usage:": "Brug:",
    "Options": "Tilvalg",
    "Commands": "Kommandoer",
    "Positional arguments": "Argumenter",
    "Show this message and exit.": "Vis denne hjælp og afslut.",
    "Show the version and exit.": "Vis versionen og afslut.",
    "Error: {message}": "FEJL: {message}",
    "Try '{command} {option}' for help.": "Skriv »{command} {option}« for at se hjælpen.",
    "Missing argument": "Mangler argumentet",
    "Missing option": "Mangler tilvalget",
    "Missing parameter": "Mangler parameteren",
    "Missing {param_type}": "Mangler {param_type}",
    "Missing parameter: {param_name}": "Mangler parameteren: {param_name}",
    "Missing command.": "Mangler en kommando.",
    "No such option {name!r}.": "Tilvalget {name!r} findes ikke.",
    "No such command {name!r}.": "Kommandoen {name!r} findes ikke.",
    "No such option: {name}": "Tilvalget findes ikke: {name}",
    "Option {name!r} does not take a value.": "Tilvalget {name!r} tager ingen værdi.",
    "Option {name!r} requires an argument.": "Tilvalget {name!r} kræver en værdi.",
    "Got unexpected extra argument ({args})": "Uventet ekstra argument ({args})",
    "Got unexpected extra arguments ({args})": "Uventede ekstra argumenter ({args})",
    "Invalid value: {message}": "Ugyldig værdi: {message}",
    "Invalid value for {param_hint}: {message}": "Ugyldig værdi for {param_hint}: {message}",
    "{value!r} is not a valid {number_type}.": "{value!r} er ikke et gyldigt {number_type}.",
    "{value} is not in the range {range}.": "{value} ligger ikke i intervallet {range}.",
    "{value!r} is not one of {choices}.": "{value!r} er ikke en af {choices}.",
    "{value!r} is not {choice}.": "{value!r} er ikke {choice}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} findes ikke.",
    "{name} {filename!r} is a file.": "{name} {filename!r} er en fil.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} er en mappe.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} kan ikke læses.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} kan ikke skrives.",
    "file": "filen",
    "directory": "mappen",
    "path": "stien",
    "Did you mean {possibility}?": "Mente du {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Mente du en af: {possibilities}?)",
    "Aborted!": "Afbrudt.",
    "default: {default}": "standard: {default}",
    "Choose from:\n\t{choices}": "Vælg mellem:\n\t{choices}",
    "Could not open file {filename!r}: {message}": "Filen {filename!r} kunne ikke åbnes: {message}",
    "unknown error": "ukendt fejl",
}
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")
# Type names click puts into messages ("'ni' er ikke et gyldigt heltal") and metavars; not gettext'ed.
TYPE_NAMES = {"IntParamType": "heltal", "FloatParamType": "tal", "IntRange": "heltal", "FloatRange": "tal",
              "BoolParamType": "sandhedsværdi", "StringParamType": "tekst", "UUIDParameterType": "uuid"}


def _gettext(message: str) -> str:
    return DANISH.get(message, message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def use_danish() -> None:
    """Give click's modules the Danish texts (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
    types = importlib.import_module("click.types")
    for class_name, danish in TYPE_NAMES.items():
        getattr(types, class_name).name = danish
