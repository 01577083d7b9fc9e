#!/usr/bin/env python3
"""Writes the names of countries and languages the web UI offers, in its four
languages, from the Unicode CLDR data that Babel ships:

    web-ui/data/countries.tsv   code, then the name in en, fr, es, ar
    web-ui/data/languages.tsv   ISO 639-1 code, then the name in en, fr, es, ar

Run it again only to refresh the names (needs `pip install babel==2.16.0`):

    python3 scripts/cldr-names.py
"""
from pathlib import Path

from babel import Locale

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "fr", "es", "ar"]
HEADER = "# {what}: code, then its name in en, fr, es, ar (tab-separated).\n" \
         "# From the Unicode CLDR (Unicode License v3) through Babel 2.16; made by scripts/cldr-names.py.\n"


def codes_of_countries():
    text = (ROOT / "protocol/data/iso3166-1-alpha2.txt").read_text()
    return [code for line in text.splitlines() if not line.startswith("#") for code in line.split()]


def write(path, what, rows):
    lines = [HEADER.format(what=what)] + ["\t".join(row) + "\n" for row in rows]
    path.write_text("".join(lines))


def main():
    locales = [Locale(lang) for lang in LANGS]
    countries = [[code] + [locale.territories[code] for locale in locales] for code in codes_of_countries()]
    write(ROOT / "web-ui/data/countries.tsv", "Countries (ISO 3166-1 alpha-2)", countries)
    two_letter = sorted(code for code in locales[0].languages if len(code) == 2 and code.isalpha())
    languages = [[code] + [locale.languages[code] for locale in locales]
                 for code in two_letter if all(code in locale.languages for locale in locales)]
    write(ROOT / "web-ui/data/languages.tsv", "Languages (ISO 639-1)", languages)


if __name__ == "__main__":
    main()
