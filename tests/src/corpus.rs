//! Realistic generated submissions, for tests, benchmarks and the demo.
//!
//! Deterministic: the same `n` and `seed` always give the same lines, so two
//! builds can be measured on exactly the same corpus. Each line is one
//! submission in the interchange format `convene submit` and `convene
//! import` read (`../shared/DOMAIN.md`): a convening report (three in four)
//! or a case study, in English, French, Spanish or Arabic.
//!
//! Each submission is built from its kind's description in the table of
//! kinds (`convene_protocol::kinds`): every field, by its shape and within
//! its limits, with codes drawn from the field's own list (but no file
//! references: optional lists of short texts are left out). So a generated corpus is valid by construction
//! whatever the table and the taxonomy hold, and a new field needs nothing
//! here. Only the words are chosen here: by a field's shape and slot, and
//! for lists of organisations by name ([`ORGANISATION_LISTS`]).

use std::io::Write;
use std::path::Path;

use convene_protocol::kinds::{CASE_STUDY, CONVENING_REPORT, Field, Kind, MAX_SHORT_CHARS, Need, Shape, Slot};
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
/// What titles are about.
const THEMES: [&str; 6] = [
    "Safeguards for digital ID",
    "Consent in social protection",
    "Who sees payment data",
    "Offline access to health records",
    "Redress for civil registration errors",
    "Data exchange between ministries",
];
/// Short topics, for short texts in a list.
const TOPICS: [&str; 6] =
    ["grievance redress", "consent", "offline access", "data minimisation", "independent oversight", "inclusion"];
/// Lists of text that hold names of organisations (other lists hold
/// recommendations or, when short, topics).
const ORGANISATION_LISTS: [&str; 1] = ["host_organizations"];
/// The kinds generated, each as often as it is listed: three reports to a case study.
const KINDS: [&Kind; 4] = [&CONVENING_REPORT, &CONVENING_REPORT, &CONVENING_REPORT, &CASE_STUDY];

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
    let mut random = Random::new(seed);
    (0..n).map(move |i| {
        let kind = KINDS[random.below(KINDS.len())];
        Value::Object(submission(&mut random, kind, i)).to_string()
    })
}

/// `n` submissions of `kind` alone (any kind of the table, announcements
/// included) generated from `seed`, as JSON lines.
pub fn lines_of(kind: &Kind, n: usize, seed: u64) -> impl Iterator<Item = String> + '_ {
    let mut random = Random::new(seed);
    (0..n).map(move |i| Value::Object(submission(&mut random, kind, i)).to_string())
}

struct Random(XorShift);

impl Random {
    fn new(seed: u64) -> Self {
        // Any seed, 0 included, gives a non-zero xorshift state.
        Self(XorShift(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1))
    }

    fn below(&mut self, bound: usize) -> usize {
        self.0.below(bound as u64) as usize
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn one<'a, T: ?Sized>(&mut self, items: &'a [&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    /// Between `low` and `high` distinct codes of `codes`, in the list's order.
    fn codes(&mut self, codes: &[&str], low: usize, high: usize) -> Vec<String> {
        let mut chosen: Vec<usize> = (0..codes.len()).collect();
        let count = self.between(low, high.min(codes.len()));
        for i in 0..count {
            let j = i + self.below(chosen.len() - i);
            chosen.swap(i, j);
        }
        chosen.truncate(count);
        chosen.sort_unstable();
        chosen.into_iter().map(|index| codes[index].to_owned()).collect()
    }

    fn paragraph(&mut self, language: &str, low: usize, high: usize) -> String {
        let count = self.between(low, high);
        (0..count).map(|_| self.one(sentences(language))).collect::<Vec<_>>().join(" ")
    }

    fn several(&mut self, items: &[&str], low: usize, high: usize) -> Vec<String> {
        let count = self.between(low, high);
        (0..count).map(|_| self.one(items).to_owned()).collect()
    }

    fn organisation(&mut self) -> String {
        format!("{} {}", self.one(&ORG_FIRST), self.one(&ORG_SECOND))
    }

    fn date(&mut self) -> String {
        format!("{}-{:02}-{:02}", 2024 + self.below(3), 1 + self.below(12), 1 + self.below(28))
    }

    /// Mostly `true`.
    fn flag(&mut self) -> bool {
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

/// Who and where a submission is from: what its fields' words draw on.
struct Setting {
    language: &'static str,
    country: &'static str,
    city: &'static str,
    /// The contact person: given and family name.
    person: (&'static str, &'static str),
    /// The submission's number in the corpus.
    number: usize,
}

/// A submission of `kind`: every required field of the table, in its order.
fn submission(random: &mut Random, kind: &Kind, number: usize) -> Map<String, Value> {
    let (country, city) = PLACES[random.below(PLACES.len())];
    let setting = Setting {
        language: random.one(&LANGUAGES),
        country,
        city,
        person: (random.one(&GIVEN), random.one(&FAMILY)),
        number,
    };
    let mut out = Map::new();
    out.insert("kind".into(), json!(kind.name));
    for field in kind.fields.iter().filter(|field| generated(field)) {
        let value = value(random, &setting, (kind, field, field.sealed), &out);
        out.insert(field.name.into(), value);
    }
    out
}

/// Whether a field is given: all are but attachments (a generated corpus
/// has no files).
fn generated(field: &Field) -> bool {
    !matches!(field.shape, Shape::Attachments)
}

/// A value of `field` of `kind`, given the fields generated so far
/// (`before`); `sealed` inside a sealed group (the contact person's).
fn value(
    random: &mut Random,
    setting: &Setting,
    (kind, field, sealed): (&Kind, &Field, bool),
    before: &Map<String, Value>,
) -> Value {
    let language = setting.language;
    match &field.shape {
        Shape::Text { .. } if field.slot == Some(Slot::Title) => {
            json!(format!(
                "{} in {}: {} {}",
                random.one(&THEMES),
                setting.city,
                kind.name.replace('_', " "),
                setting.number
            ))
        }
        Shape::Text { .. } if field.need == Need::UnlessOnline => {
            let online = before.get("format").is_some_and(|format| format == "online");
            json!(if online { "" } else { setting.city })
        }
        Shape::Text { .. } if sealed => json!(format!("{} {}", setting.person.0, setting.person.1)),
        Shape::Text { .. } => json!(random.organisation()),
        Shape::LongText { .. } => json!(random.paragraph(language, 2, 8)),
        Shape::TextList { min, max, paragraphs: true, .. } => {
            json!(random.several(sayings(language), *min, (*max).min(3)))
        }
        Shape::TextList { min, max, max_chars, .. } => {
            let (low, high) = ((*min).max(1), (*max).min(5));
            if ORGANISATION_LISTS.contains(&field.name) {
                let count = random.between(low, high.min(3));
                json!((0..count).map(|_| random.organisation()).collect::<Vec<_>>())
            } else if *max_chars <= MAX_SHORT_CHARS {
                json!(random.several(&TOPICS, low, high))
            } else {
                json!(random.several(recommendations(language), low, high))
            }
        }
        Shape::Code(codes) => json!(random.codes(&codes.codes(), 1, 1).remove(0)),
        Shape::CodeList { codes, min } => json!(random.codes(&codes.codes(), (*min).max(1), 4)),
        Shape::Date => json!(random.date()),
        Shape::Count { min, max } => json!(random.between(*min as usize, (*max as usize).min(150))),
        Shape::Country => json!(setting.country),
        Shape::Language => json!(language),
        Shape::Email => json!(format!("{}.{}@example.net", plain(setting.person.0), plain(setting.person.1))),
        Shape::Flag => json!(random.flag()),
        Shape::Attachments => json!([]),
        Shape::Group(members) => {
            let mut group = Map::new();
            for member in members.iter().filter(|member| generated(member)) {
                group
                    .insert(member.name.into(), value(random, setting, (kind, member, sealed || field.sealed), before));
            }
            Value::Object(group)
        }
    }
}

#[cfg(test)]
mod tests {
    use convene_protocol::attachment::Limits;

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
            convene_protocol::schema::validate_submission(&value, &Limits::DEFAULT)
                .unwrap_or_else(|errors| panic!("{line}\n{errors:?}"));
            kinds.insert(value["kind"].as_str().unwrap().to_owned());
            languages.insert(value["language"].as_str().unwrap().to_owned());
        }
        assert_eq!(kinds.len(), 2, "{kinds:?}");
        assert_eq!(languages.len(), 4, "{languages:?}");
    }
}
