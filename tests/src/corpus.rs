//! Realistic generated submissions, for tests, benchmarks and the demo.
//!
//! Deterministic: the same `n` and `seed` always give the same lines, so two
//! builds can be measured on exactly the same corpus. Each line is one
//! submission in the interchange format `convene submit` and `convene
//! import` read (`../shared/DOMAIN.md`): a convening report (three in four)
//! or a case study, in English, French, Spanish or Arabic, with codes drawn
//! from the shipped taxonomy, so a generated corpus is valid by
//! construction whatever the taxonomy holds.

use std::io::Write;
use std::path::Path;

use convene_protocol::taxonomy::{Taxonomy, Term};
use serde_json::{Map, Value, json};

use crate::XorShift;

/// Places conveners meet in: (ISO country code, city).
const PLACES: [(&str, &str); 24] = [
    ("KE", "Mombasa"),
    ("KE", "Nakuru"),
    ("NG", "Abuja"),
    ("GH", "Kumasi"),
    ("TZ", "Arusha"),
    ("SN", "Saint-Louis"),
    ("CM", "Douala"),
    ("UG", "Gulu"),
    ("IN", "Chennai"),
    ("BD", "Khulna"),
    ("NP", "Pokhara"),
    ("PH", "Cebu"),
    ("ID", "Surabaya"),
    ("KH", "Phnom Penh"),
    ("BR", "Belém"),
    ("CO", "Medellín"),
    ("BO", "La Paz"),
    ("MX", "Puebla"),
    ("EG", "Alexandria"),
    ("MA", "Fès"),
    ("JO", "Irbid"),
    ("TN", "Sfax"),
    ("FR", "Lyon"),
    ("PG", "Lae"),
];
/// Languages, weighted: English most, Arabic least.
const LANGUAGES: [&str; 10] = ["en", "en", "en", "en", "en", "fr", "fr", "es", "es", "ar"];
const GIVEN: [&str; 14] = [
    "Wanjiru", "Kofi", "Ananya", "Mateo", "Salma", "Ngozi", "Dawit", "Camille", "Rina", "Tariq", "Lucía", "Ismail",
    "Mele", "Ousmane",
];
const FAMILY: [&str; 14] = [
    "Mwangi", "Boateng", "Iyer", "Rojas", "Khalil", "Eze", "Tesfaye", "Laurent", "Santos", "Aziz", "Herrera", "Sow",
    "Fifita", "Njoroge",
];
const ORG_FIRST: [&str; 8] = [
    "Open Society",
    "Data Justice",
    "Digital Inclusion",
    "Citizens' Tech",
    "Rural Voices",
    "Privacy",
    "Civic Futures",
    "Access",
];
const ORG_SECOND: [&str; 7] = ["Trust", "Initiative", "Coalition", "Observatory", "Foundation", "Studio", "Council"];

/// Sentences of reports, by language.
fn sentences(language: &str) -> &'static [&'static str] {
    match language {
        "fr" => &[
            "Les participants ont demandé qu'aucun service de base ne soit refusé faute de carte d'identité numérique.",
            "Des agents de santé ont raconté des patients renvoyés parce que leurs empreintes n'étaient pas reconnues.",
            "L'autorité de protection des données a présenté ses lignes directrices et recueilli des remarques.",
            "Plusieurs associations veulent un contrôle indépendant avant que le registre social soit relié aux paiements.",
            "Les zones sans réseau mobile restent mal servies tant qu'aucun guichet hors ligne n'existe.",
            "Le groupe souhaite des voies de recours expliquées dans les langues parlées dans chaque district.",
        ],
        "es" => &[
            "Las participantes pidieron que ningún servicio básico se niegue por falta de una identidad digital.",
            "Personal de salud relató casos de pacientes rechazados porque sus huellas no fueron reconocidas.",
            "La autoridad de protección de datos presentó sus directrices y recogió observaciones del público.",
            "Varias asociaciones exigen una revisión independiente antes de conectar el registro social con los pagos.",
            "Las zonas sin señal móvil siguen desatendidas mientras no exista una ventanilla fuera de línea.",
            "El grupo quiere vías de reclamo explicadas en las lenguas que se hablan en cada distrito.",
        ],
        "ar" => &[
            "طالب المشاركون بألا تُرفض أي خدمة أساسية بسبب غياب بطاقة الهوية الرقمية.",
            "روى العاملون الصحيون حالات مرضى أُعيدوا لأن بصماتهم لم يتم التعرف عليها.",
            "عرضت هيئة حماية البيانات إرشاداتها واستمعت إلى ملاحظات الحاضرين.",
            "تطالب عدة جمعيات بمراجعة مستقلة قبل ربط السجل الاجتماعي بنظام المدفوعات.",
        ],
        _ => &[
            "Participants asked that no basic service be refused to someone who lacks a digital identity card.",
            "Health workers told of patients sent home because the fingerprint reader did not recognise them.",
            "The data protection authority presented its draft guidance and took comments from the room.",
            "Several associations want an independent review before the social registry is linked to payments.",
            "Districts without mobile coverage stay underserved for as long as there is no offline counter.",
            "The group wants complaint channels explained in the languages actually spoken in each district.",
            "Market traders described paying agents to fix spelling errors in their records that they could not fix themselves.",
            "A disability rights group showed how the enrolment kiosks could not be used from a wheelchair.",
            "Officials agreed that consent screens written in legal English are not consent for most residents.",
            "Youth groups proposed publishing monthly figures on failed authentications, broken down by district.",
            "Farmers' cooperatives asked who can see their payment histories and for how long they are kept.",
            "Several speakers warned that a single identifier makes it easy to follow people across every service they use.",
        ],
    }
}

/// Short recommendations, by language.
fn recommendations(language: &str) -> &'static [&'static str] {
    match language {
        "fr" => &[
            "Garder un guichet papier pour chaque service essentiel.",
            "Informer les personnes avant tout partage de leurs données.",
            "Publier chaque trimestre les taux d'échec d'authentification.",
        ],
        "es" => &[
            "Mantener una ventanilla en papel para cada servicio esencial.",
            "Informar a las personas antes de compartir sus datos.",
            "Publicar cada trimestre las tasas de fallos de autenticación.",
        ],
        "ar" => &["الإبقاء على نافذة ورقية لكل خدمة أساسية.", "إبلاغ الأشخاص قبل أي مشاركة لبياناتهم."],
        _ => &[
            "Keep a paper counter open for every essential service.",
            "Tell people before their data is shared, in words they use.",
            "Publish authentication failure rates every quarter.",
            "Let community paralegals file complaints on residents' behalf.",
            "Review every new use of the identifier in public before it starts.",
            "Fund local radio to explain how to correct a record.",
        ],
    }
}

/// Things people said, by language.
fn sayings(language: &str) -> &'static [&'static str] {
    match language {
        "fr" => &[
            "Sans empreinte reconnue, je n'existe plus au guichet.",
            "On nous demande notre avis quand tout est décidé.",
        ],
        "es" => &["Si la máquina no me reconoce, el Estado tampoco.", "Nos preguntan cuando ya todo está decidido."],
        "ar" => &["إذا لم تتعرف علي الآلة فلن تتعرف علي الدولة."],
        _ => &[
            "If the machine does not know me, neither does the state.",
            "They ask our opinion once everything is decided.",
            "I walked four hours to be told the system was down.",
            "My daughter reads the screen for me, so she knows everything.",
        ],
    }
}

/// Writes `n` submissions generated from `seed` to `out`, one JSON object
/// per line.
pub fn write(out: &Path, n: usize, seed: u64) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(out)?);
    for line in lines(n, seed) {
        writeln!(file, "{line}")?;
    }
    file.flush()
}

/// `n` submissions generated from `seed`, as JSON lines.
pub fn lines(n: usize, seed: u64) -> impl Iterator<Item = String> {
    // Any seed, 0 included, gives a non-zero xorshift state.
    let mut random = Random(XorShift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1));
    (0..n).map(move |i| {
        let submission = if random.below(4) == 0 { case_study(&mut random, i) } else { report(&mut random, i) };
        Value::Object(submission).to_string()
    })
}

struct Random(XorShift);

impl Random {
    fn below(&mut self, bound: usize) -> usize {
        self.0.below(bound as u64) as usize
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn one<'a, T: ?Sized>(&mut self, items: &'a [&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    /// Between `low` and `high` distinct codes of `terms`, in the list's order.
    fn codes(&mut self, terms: &[Term], low: usize, high: usize) -> Vec<String> {
        let mut chosen: Vec<usize> = (0..terms.len()).collect();
        let count = self.between(low, high.min(terms.len()));
        for i in 0..count {
            let j = i + self.below(chosen.len() - i);
            chosen.swap(i, j);
        }
        chosen.truncate(count);
        chosen.sort_unstable();
        chosen.into_iter().map(|index| terms[index].code.clone()).collect()
    }

    fn paragraph(&mut self, language: &str, low: usize, high: usize) -> String {
        let count = self.between(low, high);
        (0..count).map(|_| self.one(sentences(language))).collect::<Vec<_>>().join(" ")
    }

    fn several(&mut self, items: &[&str], low: usize, high: usize) -> Vec<String> {
        let count = self.between(low, high);
        (0..count).map(|_| self.one(items).to_owned()).collect()
    }

    fn contact(&mut self) -> Value {
        let (given, family) = (self.one(&GIVEN), self.one(&FAMILY));
        let email = format!("{}.{}@example.net", plain(given), plain(family));
        json!({ "name": format!("{given} {family}"), "email": email })
    }

    fn organisation(&mut self) -> String {
        format!("{} {}", self.one(&ORG_FIRST), self.one(&ORG_SECOND))
    }

    fn date(&mut self) -> String {
        format!("{}-{:02}-{:02}", 2024 + self.below(3), 1 + self.below(12), 1 + self.below(28))
    }

    fn consent(&mut self) -> bool {
        self.below(20) != 0
    }
}

/// A name as an e-mail's local part: lower case ASCII letters.
fn plain(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'á' => Some('a'),
            'é' => Some('e'),
            'í' => Some('i'),
            'ú' => Some('u'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn words(code: &str) -> String {
    code.replace('_', " ")
}

fn report(random: &mut Random, i: usize) -> Map<String, Value> {
    let taxonomy = Taxonomy::v1();
    let language = random.one(&LANGUAGES);
    let (country, city) = PLACES[random.below(PLACES.len())];
    let format = random.codes(&taxonomy.formats, 1, 1).remove(0);
    let dpi = random.codes(&taxonomy.dpi_types, 1, 2);
    let locality = if format == "online" { "" } else { city };
    let hosts: Vec<String> = (0..random.between(1, 3)).map(|_| random.organisation()).collect();
    let value = json!({
        "kind": "convening_report",
        "title": format!("Safeguards for {} in {city}: convening {i}", words(&dpi[0])),
        "language": language,
        "convened_on": random.date(),
        "format": format,
        "location": { "country": country, "locality": locality },
        "host_organizations": hosts,
        "contact": random.contact(),
        "purposes": random.codes(&taxonomy.purposes, 1, 2),
        "dpi_types": dpi,
        "participants": {
            "count": random.between(5, 150),
            "stakeholder_groups": random.codes(&taxonomy.stakeholder_groups, 2, 6),
        },
        "principles": random.codes(&taxonomy.principles, 1, 4),
        "risks": random.codes(&taxonomy.risks, 0, 3),
        "lifecycle_stages": random.codes(&taxonomy.lifecycle_stages, 1, 2),
        "summary": random.paragraph(language, 4, 10),
        "insights": random.several(recommendations(language), 2, 5),
        "quotes": random.several(sayings(language), 0, 3),
        "consent_to_publish": random.consent(),
    });
    into_map(value)
}

fn case_study(random: &mut Random, i: usize) -> Map<String, Value> {
    let taxonomy = Taxonomy::v1();
    let language = random.one(&LANGUAGES);
    let (country, _) = PLACES[random.below(PLACES.len())];
    let dpi = random.codes(&taxonomy.dpi_types, 1, 2);
    let value = json!({
        "kind": "case_study",
        "title": format!("How {} safeguards held up in practice: case {i}", words(&dpi[0])),
        "language": language,
        "country": country,
        "implementer": random.organisation(),
        "responsible_authority": random.codes(&taxonomy.responsible_authorities, 1, 1).remove(0),
        "contact": random.contact(),
        "dpi_types": dpi,
        "lifecycle_stages": random.codes(&taxonomy.lifecycle_stages, 1, 3),
        "principles": random.codes(&taxonomy.principles, 1, 5),
        "risks": random.codes(&taxonomy.risks, 1, 4),
        "context": random.paragraph(language, 2, 5),
        "challenges": random.paragraph(language, 2, 5),
        "successes": random.paragraph(language, 1, 4),
        "lessons": random.several(recommendations(language), 1, 4),
        "consent_to_publish": random.consent(),
    });
    into_map(value)
}

fn into_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("built as an object"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_valid_corpus_with_every_kind_and_language() {
        let first: Vec<String> = lines(400, 7).collect();
        assert_eq!(first, lines(400, 7).collect::<Vec<_>>());
        assert_ne!(first, lines(400, 8).collect::<Vec<_>>());
        let mut kinds = std::collections::BTreeSet::new();
        let mut languages = std::collections::BTreeSet::new();
        for line in &first {
            let value: Value = serde_json::from_str(line).unwrap();
            convene_protocol::schema::validate_submission(&value).unwrap_or_else(|errors| panic!("{line}\n{errors:?}"));
            kinds.insert(value["kind"].as_str().unwrap().to_owned());
            languages.insert(value["language"].as_str().unwrap().to_owned());
        }
        assert_eq!(kinds.len(), 2, "{kinds:?}");
        assert_eq!(languages.len(), 4, "{languages:?}");
    }
}
