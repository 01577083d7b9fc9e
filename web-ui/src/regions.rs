//! The UN M49 region and sub-region of a country, for the dashboard's
//! counts by region: CLDR's territory containment, which is M49's grouping
//! (`web-ui/data/country-regions.tsv`, made by `scripts/m49-regions.py`;
//! the regions' names are in [`crate::names::region_name`]).

use std::collections::HashMap;
use std::sync::LazyLock;

/// Where a country lies: M49 codes such as `002` (Africa) and `014`
/// (Eastern Africa).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    /// The region: `002`, `019`, `142`, `150` or `009`.
    pub region: &'static str,
    /// The sub-region within it, e.g. `014`.
    pub subregion: &'static str,
}

static REGIONS: LazyLock<HashMap<&'static str, Region>> = LazyLock::new(|| {
    include_str!("../data/country-regions.tsv")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let mut parts = line.split('\t');
            let mut next = || parts.next().expect("country, region, sub-region (a test checks)");
            (next(), Region { region: next(), subregion: next() })
        })
        .collect()
});

/// The M49 regions, by code.
pub const REGION_CODES: [&str; 5] = ["002", "009", "019", "142", "150"];

/// The countries of region `code` (ISO codes, sorted).
pub fn countries_of(code: &str) -> Vec<String> {
    let mut countries: Vec<String> =
        REGIONS.iter().filter(|(_, region)| region.region == code).map(|(country, _)| (*country).to_owned()).collect();
    countries.sort();
    countries
}

/// The region of country `code` (ISO 3166-1 alpha-2, any case); `None` for
/// a code M49 places nowhere (Antarctica) or that is no country.
pub fn of_country(code: &str) -> Option<Region> {
    REGIONS.get(code.to_ascii_uppercase().as_str()).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::names::region_name;

    #[test]
    fn countries_lie_in_their_m49_sub_region_and_region() {
        assert_eq!(of_country("KE"), Some(Region { region: "002", subregion: "014" }));
        assert_eq!(of_country("ke"), of_country("KE"));
        assert_eq!(of_country("BR"), Some(Region { region: "019", subregion: "005" }));
        assert_eq!(of_country("FR"), Some(Region { region: "150", subregion: "155" }));
        assert_eq!(of_country("IN"), Some(Region { region: "142", subregion: "034" }));
        assert_eq!(of_country("PG"), Some(Region { region: "009", subregion: "054" }));
        assert_eq!(of_country("AQ"), None, "M49 places Antarctica in no region");
        assert_eq!(of_country("XX"), None);
        assert_eq!(region_name(Lang::En, "014"), Some("Eastern Africa"));
        assert_eq!(region_name(Lang::Fr, "002"), Some("Afrique"));
        assert_eq!(region_name(Lang::Ar, "002"), Some("أفريقيا"));
    }

    #[test]
    fn every_country_but_antarctica_has_a_region_and_every_region_a_name_in_each_language() {
        assert_eq!(REGIONS.len(), 248);
        let mut regions = std::collections::BTreeSet::new();
        for region in REGIONS.values() {
            regions.insert(region.region);
            for code in [region.region, region.subregion] {
                for lang in Lang::ALL {
                    assert!(region_name(lang, code).is_some_and(|name| !name.is_empty()), "{code} in {lang:?}");
                }
            }
        }
        assert_eq!(regions.into_iter().collect::<Vec<_>>(), REGION_CODES);
        let listed: usize = REGION_CODES.iter().map(|code| countries_of(code).len()).sum();
        assert_eq!(listed, REGIONS.len(), "every country in one region's list");
        assert!(countries_of("002").contains(&"KE".to_owned()));
    }
}
