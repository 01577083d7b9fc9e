#!/usr/bin/env python3
"""Writes the UN M49 region of every country the web UI knows, and the
regions' names in its four languages, from the Unicode CLDR:

    web-ui/data/country-regions.tsv   country (ISO 3166-1 alpha-2), region, sub-region (M49 codes)
    web-ui/data/regions.tsv           M49 code, then the name in en, fr, es, ar

CLDR's territory containment is the UN M49 grouping: the world (001) holds
five regions (002 Africa, 019 Americas, 142 Asia, 150 Europe, 009 Oceania),
each of those its sub-regions, and those the countries. Where M49 has a
further level, CLDR names its finest one (Africa holds 014 Eastern Africa,
not 202 Sub-Saharan Africa; the Americas hold 005 South America, not 419
Latin America and the Caribbean): only the plain containment is read, never
CLDR's extra groupings (EU, UN, 202, 419). CLDR's 'QO' (Outlying Oceania) is
not an M49 area: Antarctica, which M49 places in no region, is left without
one, as is any country CLDR does not place.

The containment comes from the `cldr-core` npm package of the CLDR release
Babel 2.16 carries (45), the names from Babel (as scripts/cldr-names.py):

    npm install --prefix /tmp/cldr cldr-core@45.0.0
    pip install babel==2.16.0
    python3 scripts/m49-regions.py /tmp/cldr/node_modules/cldr-core
"""
import json
import sys
from pathlib import Path

from babel import Locale

ROOT = Path(__file__).resolve().parent.parent
LANGS = ["en", "fr", "es", "ar"]
WORLD = "001"
NOT_M49 = {"QO"}


def codes_of_countries():
    text = (ROOT / "protocol/data/iso3166-1-alpha2.txt").read_text()
    return [code for line in text.splitlines() if not line.startswith("#") for code in line.split()]


def containment(cldr_core):
    path = Path(cldr_core) / "supplemental/territoryContainment.json"
    table = json.loads(path.read_text())["supplemental"]["territoryContainment"]
    # Keys such as "002-status-grouping" hold the extra groupings; a key
    # with "_grouping" is one too. The plain keys are M49's tree.
    return {code: entry["_contains"] for code, entry in table.items()
            if "-" not in code and "_grouping" not in entry}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    tree = containment(sys.argv[1])
    regions = tree[WORLD]
    placed = {}
    for region in regions:
        for sub in tree[region]:
            if sub in NOT_M49:
                continue
            for country in tree[sub]:
                placed[country] = (region, sub)
    countries = codes_of_countries()
    rows = [[code, *placed[code]] for code in countries if code in placed]
    unplaced = [code for code in countries if code not in placed]
    header = "# {what}\n# From the Unicode CLDR 45 (Unicode License v3); made by scripts/m49-regions.py.\n"
    lines = [header.format(what="Countries (ISO 3166-1 alpha-2) by UN M49 region and sub-region (tab-separated).")]
    lines += ["\t".join(row) + "\n" for row in rows]
    (ROOT / "web-ui/data/country-regions.tsv").write_text("".join(lines))
    locales = [Locale(lang) for lang in LANGS]
    areas = sorted(set(regions) | {sub for _, sub in placed.values()})
    lines = [header.format(what="UN M49 regions and sub-regions: code, then its name in en, fr, es, ar (tab-separated).")]
    lines += ["\t".join([code] + [locale.territories[code] for locale in locales]) + "\n" for code in areas]
    (ROOT / "web-ui/data/regions.tsv").write_text("".join(lines))
    print(f"{len(rows)} countries placed; in no region: {' '.join(unplaced)}")


if __name__ == "__main__":
    main()
