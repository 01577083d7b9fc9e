//! The words of each validation [`Problem`], in English, French, Spanish
//! and Arabic: one message table, the only place a problem is worded.
//! The web UI shows them in the visitor's language; the CLI and the node's
//! messages in English.

use crate::problem::{DateFlaw, EmailFlaw, Expected, JsonType, Problem};

/// The languages problems are worded in, in table order.
pub const LANGUAGES: [&str; 4] = ["en", "fr", "es", "ar"];
/// English, the language of the CLI and of logs.
pub const ENGLISH: &str = "en";

/// The words for `problem` in `lang` (one of [`LANGUAGES`]; English for any
/// other). Values and codes are quoted as given; everything else is in `lang`.
pub fn words(lang: &str, problem: &Problem) -> String {
    let column = LANGUAGES.iter().position(|have| *have == lang).unwrap_or(0);
    let t = |key: &str| message(column, key);
    let suggest = |text: String, suggestion: &Option<String>| match suggestion {
        Some(suggestion) => format!("{text} {}", fill(t("problem.did_you_mean"), &[("suggestion", suggestion)])),
        None => text,
    };
    match problem {
        Problem::Missing => t("problem.missing").to_owned(),
        Problem::Empty => t("problem.empty").to_owned(),
        Problem::WrongType { expected, found } => {
            fill(t("problem.wrong_type"), &[("expected", t(expected_key(*expected))), ("found", t(type_key(*found)))])
        }
        Problem::TooLong { length, max } => {
            fill(t("problem.too_long"), &[("length", &length.to_string()), ("max", &max.to_string())])
        }
        Problem::ControlCharacters => t("problem.control_characters").to_owned(),
        Problem::TooFew { count: 0, min } => fill(t("problem.too_few_none"), &[("min", &min.to_string())]),
        Problem::TooFew { count, min } => {
            fill(t("problem.too_few"), &[("count", &count.to_string()), ("min", &min.to_string())])
        }
        Problem::TooMany { count, max } => {
            fill(t("problem.too_many"), &[("count", &count.to_string()), ("max", &max.to_string())])
        }
        Problem::NotOneOf { value, allowed, suggestion } => {
            let text = fill(t("problem.not_one_of"), &[("value", value)]);
            let text = suggest(text, suggestion);
            // The codes are Latin; the comma between them is the language's.
            let separator = if lang == "ar" { "، " } else { ", " };
            format!("{text} {}", fill(t("problem.allowed"), &[("allowed", &allowed.join(separator))]))
        }
        Problem::BadLanguageTag { value } => fill(t("problem.bad_language_tag"), &[("value", value)]),
        Problem::BadDate { value, flaw } => {
            let key = match flaw {
                DateFlaw::NotYyyyMmDd => "problem.date.not_yyyy_mm_dd",
                DateFlaw::NoSuchMonth => "problem.date.no_such_month",
                DateFlaw::NoSuchDay => "problem.date.no_such_day",
                DateFlaw::YearOutOfRange => "problem.date.year_out_of_range",
            };
            fill(t(key), &[("value", value)])
        }
        Problem::BadCountry { value, suggestion } => {
            suggest(fill(t("problem.bad_country"), &[("value", value)]), suggestion)
        }
        Problem::BadEmail { flaw } => t(match flaw {
            EmailFlaw::TooLong => "problem.email.too_long",
            EmailFlaw::Space => "problem.email.space",
            EmailFlaw::NoAt => "problem.email.no_at",
            EmailFlaw::SeveralAts => "problem.email.several_ats",
            EmailFlaw::NothingBeforeAt => "problem.email.nothing_before_at",
            EmailFlaw::BadDomain => "problem.email.bad_domain",
        })
        .to_owned(),
        Problem::NotWholeNumber { value } => fill(t("problem.not_whole_number"), &[("value", value)]),
        Problem::OutOfRange { value, min, max } => fill(
            t("problem.out_of_range"),
            &[("value", &value.to_string()), ("min", &min.to_string()), ("max", &max.to_string())],
        ),
        Problem::PlaceNeeded { .. } => t("problem.place_needed").to_owned(),
        Problem::UnknownField { suggestion } => suggest(t("problem.unknown_field").to_owned(), suggestion),
        Problem::ClearContact => t("problem.clear_contact").to_owned(),
        Problem::TooLarge { kib, max_kib } => {
            fill(t("problem.too_large"), &[("kib", &kib.to_string()), ("max_kib", &max_kib.to_string())])
        }
        Problem::BadHash { value } => fill(t("problem.bad_hash"), &[("value", value)]),
        Problem::NotAFileName { value } => fill(t("problem.not_a_file_name"), &[("value", value)]),
        Problem::FilesTooLarge { mb, max_mb } => {
            fill(t("problem.files_too_large"), &[("mb", &mb.to_string()), ("max_mb", &max_mb.to_string())])
        }
    }
}

fn expected_key(expected: Expected) -> &'static str {
    match expected {
        Expected::Fields => "expected.fields",
        Expected::Text => "expected.text",
        Expected::List => "expected.list",
        Expected::Number => "expected.number",
        Expected::Boolean => "expected.boolean",
        Expected::Code => "expected.code",
        Expected::Group => "expected.group",
    }
}

fn type_key(found: JsonType) -> &'static str {
    match found {
        JsonType::Null => "type.null",
        JsonType::Boolean => "type.boolean",
        JsonType::Number => "type.number",
        JsonType::Text => "type.text",
        JsonType::List => "type.list",
        JsonType::Object => "type.object",
    }
}

/// The message `key` in the table's `column` (every key used above is in it; a test checks).
fn message(column: usize, key: &str) -> &'static str {
    match MESSAGES.binary_search_by(|(have, _)| (*have).cmp(key)) {
        Ok(index) => MESSAGES[index].1[column],
        Err(_) => key_missing(key),
    }
}

#[cold]
fn key_missing(key: &str) -> &'static str {
    debug_assert!(false, "no message {key}");
    "?"
}

/// `template` with each `{name}` replaced by its value.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

/// Every message: key, then English, French, Spanish, Arabic. Sorted by key
/// (a test checks), so lookups are a binary search.
static MESSAGES: &[(&str, [&str; 4])] = &[
    ("expected.boolean", ["true or false", "vrai ou faux", "verdadero o falso", "صحيحًا أو خطأ"]),
    ("expected.code", ["a code", "un code", "un código", "رمزًا"]),
    ("expected.fields", ["a group of fields", "un groupe de champs", "un grupo de campos", "مجموعة من الحقول"]),
    (
        "expected.group",
        [
            "a group of named values",
            "un groupe de valeurs nommées",
            "un grupo de valores con nombre",
            "مجموعة من القيم المسماة",
        ],
    ),
    ("expected.list", ["a list", "une liste", "una lista", "قائمة"]),
    ("expected.number", ["a number", "un nombre", "un número", "عددًا"]),
    ("expected.text", ["text", "du texte", "texto", "نصًا"]),
    (
        "problem.allowed",
        [
            "Allowed: {allowed}.",
            "Valeurs possibles : {allowed}.",
            "Valores permitidos: {allowed}.",
            "القيم المسموح بها: {allowed}.",
        ],
    ),
    (
        "problem.bad_country",
        [
            "“{value}” is not a country: choose one by its name, or give its two-letter code (e.g. KE).",
            "« {value} » n'est pas un pays : choisissez-en un par son nom, ou indiquez son code à deux lettres (ex. KE).",
            "«{value}» no es un país: elija uno por su nombre, o indique su código de dos letras (p. ej. KE).",
            "«{value}» ليس بلدًا: اختر بلدًا باسمه، أو أدخل رمزه المكوّن من حرفين (مثل KE).",
        ],
    ),
    (
        "problem.bad_hash",
        [
            "“{value}” is not a file's hash: it must be 64 lowercase hex digits (BLAKE3).",
            "« {value} » n'est pas l'empreinte d'un fichier : il faut 64 chiffres hexadécimaux en minuscules (BLAKE3).",
            "«{value}» no es la huella de un archivo: deben ser 64 dígitos hexadecimales en minúsculas (BLAKE3).",
            "«{value}» ليس بصمة ملف: يجب أن تكون 64 رقمًا ست عشريًا بأحرف صغيرة (BLAKE3).",
        ],
    ),
    (
        "problem.bad_language_tag",
        [
            "“{value}” is not a language: choose one by its name, or give its code (e.g. en, fr, es, ar, pt-BR).",
            "« {value} » n'est pas une langue : choisissez-en une par son nom, ou indiquez son code (ex. en, fr, es, ar, pt-BR).",
            "«{value}» no es un idioma: elija uno por su nombre, o indique su código (p. ej. en, fr, es, ar, pt-BR).",
            "«{value}» ليس لغة: اختر لغة باسمها، أو أدخل رمزها (مثل en أو fr أو es أو ar أو pt-BR).",
        ],
    ),
    (
        "problem.clear_contact",
        [
            "Contact details must never be stored in clear: they are sealed so only the secretariat can read them.",
            "Les coordonnées ne doivent jamais être stockées en clair : elles sont scellées pour que seul le secrétariat puisse les lire.",
            "Los datos de contacto nunca deben guardarse sin cifrar: se sellan para que solo la secretaría pueda leerlos.",
            "يجب ألا تُخزَّن بيانات الاتصال مكشوفة أبدًا: فهي تُختم كي لا تقرأها إلا الأمانة.",
        ],
    ),
    (
        "problem.control_characters",
        [
            "Contains invisible control characters: use plain text.",
            "Contient des caractères de contrôle invisibles : utilisez du texte simple.",
            "Contiene caracteres de control invisibles: use texto sencillo.",
            "يحتوي على محارف تحكم غير مرئية: استخدم نصًا عاديًا.",
        ],
    ),
    (
        "problem.date.no_such_day",
        [
            "“{value}” is not a real date: that month has no such day.",
            "« {value} » n'est pas une vraie date : ce mois n'a pas ce jour.",
            "«{value}» no es una fecha real: ese mes no tiene ese día.",
            "«{value}» ليس تاريخًا حقيقيًا: لا يوجد هذا اليوم في ذلك الشهر.",
        ],
    ),
    (
        "problem.date.no_such_month",
        [
            "“{value}” is not a real date: the month must be 01 to 12.",
            "« {value} » n'est pas une vraie date : le mois va de 01 à 12.",
            "«{value}» no es una fecha real: el mes debe ser de 01 a 12.",
            "«{value}» ليس تاريخًا حقيقيًا: يجب أن يكون الشهر من 01 إلى 12.",
        ],
    ),
    (
        "problem.date.not_yyyy_mm_dd",
        [
            "“{value}” is not a date: write it as YYYY-MM-DD, e.g. 2025-03-14.",
            "« {value} » n'est pas une date : écrivez-la sous la forme AAAA-MM-JJ, ex. 2025-03-14.",
            "«{value}» no es una fecha: escríbala como AAAA-MM-DD, p. ej. 2025-03-14.",
            "«{value}» ليس تاريخًا: اكتبه بالشكل YYYY-MM-DD، مثل 2025-03-14.",
        ],
    ),
    (
        "problem.date.year_out_of_range",
        [
            "“{value}” is out of range: the year must be from 1900 to 2100.",
            "« {value} » est hors limites : l'année doit être comprise entre 1900 et 2100.",
            "«{value}» está fuera de rango: el año debe estar entre 1900 y 2100.",
            "«{value}» خارج النطاق: يجب أن تكون السنة من 1900 إلى 2100.",
        ],
    ),
    (
        "problem.did_you_mean",
        [
            "Did you mean {suggestion}?",
            "Vouliez-vous dire {suggestion} ?",
            "¿Quiso decir {suggestion}?",
            "هل تقصد {suggestion}؟",
        ],
    ),
    (
        "problem.email.bad_domain",
        [
            "The part after the @ must be a domain, such as example.org.",
            "La partie après le @ doit être un domaine, comme example.org.",
            "La parte después de la @ debe ser un dominio, como example.org.",
            "يجب أن يكون الجزء الذي بعد @ نطاقًا، مثل example.org.",
        ],
    ),
    (
        "problem.email.no_at",
        [
            "This email address has no @.",
            "Cette adresse électronique n'a pas de @.",
            "Esta dirección de correo no tiene @.",
            "لا يحتوي عنوان البريد الإلكتروني على @.",
        ],
    ),
    (
        "problem.email.nothing_before_at",
        [
            "Nothing comes before the @ in this email address.",
            "Rien ne précède le @ dans cette adresse électronique.",
            "No hay nada antes de la @ en esta dirección de correo.",
            "لا شيء قبل @ في عنوان البريد الإلكتروني هذا.",
        ],
    ),
    (
        "problem.email.several_ats",
        [
            "This email address has more than one @.",
            "Cette adresse électronique a plus d'un @.",
            "Esta dirección de correo tiene más de una @.",
            "يحتوي عنوان البريد الإلكتروني على أكثر من @ واحدة.",
        ],
    ),
    (
        "problem.email.space",
        [
            "This email address contains a space.",
            "Cette adresse électronique contient une espace.",
            "Esta dirección de correo contiene un espacio.",
            "يحتوي عنوان البريد الإلكتروني على مسافة.",
        ],
    ),
    (
        "problem.email.too_long",
        [
            "This email address is longer than 254 characters.",
            "Cette adresse électronique dépasse 254 caractères.",
            "Esta dirección de correo supera los 254 caracteres.",
            "عنوان البريد الإلكتروني هذا أطول من 254 حرفًا.",
        ],
    ),
    (
        "problem.empty",
        [
            "This is required: please fill it in.",
            "Ce champ est obligatoire : veuillez le remplir.",
            "Este campo es obligatorio: rellénelo, por favor.",
            "هذا الحقل مطلوب: يرجى ملؤه.",
        ],
    ),
    (
        "problem.files_too_large",
        [
            "The attached files are too large together: {mb} MB, at most {max_mb} MB allowed.",
            "Les fichiers joints sont trop volumineux au total : {mb} Mo, au plus {max_mb} Mo autorisés.",
            "Los archivos adjuntos son demasiado grandes en conjunto: {mb} MB; se permiten como máximo {max_mb} MB.",
            "الملفات المرفقة كبيرة جدًا معًا: {mb} ميغابايت، والحد الأقصى {max_mb} ميغابايت.",
        ],
    ),
    (
        "problem.missing",
        [
            "This is required: please fill it in.",
            "Ce champ est obligatoire : veuillez le remplir.",
            "Este campo es obligatorio: rellénelo, por favor.",
            "هذا الحقل مطلوب: يرجى ملؤه.",
        ],
    ),
    (
        "problem.not_a_file_name",
        [
            "“{value}” is not a file name: give the name only, without folders.",
            "« {value} » n'est pas un nom de fichier : indiquez le nom seul, sans dossiers.",
            "«{value}» no es un nombre de archivo: indique solo el nombre, sin carpetas.",
            "«{value}» ليس اسم ملف: اكتب الاسم وحده دون مجلدات.",
        ],
    ),
    (
        "problem.not_one_of",
        [
            "“{value}” is not one of the choices.",
            "« {value} » ne fait pas partie des choix possibles.",
            "«{value}» no es una de las opciones.",
            "«{value}» ليس من الخيارات المتاحة.",
        ],
    ),
    (
        "problem.not_whole_number",
        [
            "{value} is not a whole number.",
            "{value} n'est pas un nombre entier.",
            "{value} no es un número entero.",
            "{value} ليس عددًا صحيحًا.",
        ],
    ),
    (
        "problem.out_of_range",
        [
            "{value} is out of range: give a number from {min} to {max}.",
            "{value} est hors limites : indiquez un nombre de {min} à {max}.",
            "{value} está fuera de rango: indique un número de {min} a {max}.",
            "{value} خارج النطاق: أدخل عددًا من {min} إلى {max}.",
        ],
    ),
    (
        "problem.place_needed",
        [
            "Say where the convening takes place: only an online convening may leave this empty.",
            "Indiquez où se tient la réunion : seule une réunion en ligne peut laisser ce champ vide.",
            "Indique dónde tiene lugar la reunión: solo una reunión en línea puede dejarlo vacío.",
            "اذكر مكان انعقاد اللقاء: لا يجوز ترك هذا الحقل فارغًا إلا للقاء عبر الإنترنت.",
        ],
    ),
    (
        "problem.too_few",
        [
            "{count} given; at least {min} are needed.",
            "Nombre indiqué : {count} ; il en faut au moins {min}.",
            "Cantidad indicada: {count}; se necesitan al menos {min}.",
            "أُدخل {count}، والمطلوب {min} على الأقل.",
        ],
    ),
    (
        "problem.too_few_none",
        [
            "Nothing given: give or choose at least {min}.",
            "Rien d'indiqué : indiquez ou choisissez-en au moins {min}.",
            "No se indicó nada: indique o elija al menos {min}.",
            "لم يُدخَل شيء: أدخل أو اختر {min} على الأقل.",
        ],
    ),
    (
        "problem.too_large",
        [
            "The submission is too large as a whole: {kib} KiB, at most {max_kib} KiB allowed. Shorten the longest texts or lists.",
            "La soumission est trop volumineuse dans son ensemble : {kib} Kio, au plus {max_kib} Kio autorisés. Raccourcissez les textes ou listes les plus longs.",
            "El envío es demasiado grande en su conjunto: {kib} KiB; se permiten como máximo {max_kib} KiB. Acorte los textos o listas más largos.",
            "المساهمة كبيرة جدًا بمجملها: {kib} كيلوبايت، والحد الأقصى {max_kib} كيلوبايت. اختصر أطول النصوص أو القوائم.",
        ],
    ),
    (
        "problem.too_long",
        [
            "Too long: {length} characters, at most {max} allowed.",
            "Trop long : {length} caractères, au plus {max} autorisés.",
            "Demasiado largo: {length} caracteres; se permiten como máximo {max}.",
            "طويل جدًا: عدد الأحرف {length}، والحد الأقصى {max}.",
        ],
    ),
    (
        "problem.too_many",
        [
            "{count} given; at most {max} allowed.",
            "Nombre indiqué : {count} ; au plus {max} autorisés.",
            "Cantidad indicada: {count}; se permiten como máximo {max}.",
            "أُدخل {count}، والحد الأقصى {max}.",
        ],
    ),
    (
        "problem.unknown_field",
        [
            "This field is not part of this kind of submission.",
            "Ce champ ne fait pas partie de ce type de soumission.",
            "Este campo no forma parte de este tipo de envío.",
            "هذا الحقل ليس جزءًا من هذا النوع من المساهمات.",
        ],
    ),
    (
        "problem.wrong_type",
        [
            "Must be {expected}, not {found}.",
            "Doit être {expected}, pas {found}.",
            "Debe ser {expected}, no {found}.",
            "يجب أن يكون {expected}، لكنه {found}.",
        ],
    ),
    ("type.boolean", ["true/false", "vrai/faux", "verdadero/falso", "صحيح/خطأ"]),
    ("type.list", ["a list", "une liste", "una lista", "قائمة"]),
    ("type.null", ["nothing", "une valeur vide", "un valor vacío", "قيمة فارغة"]),
    ("type.number", ["a number", "un nombre", "un número", "عدد"]),
    ("type.object", ["a group of fields", "un groupe de champs", "un grupo de campos", "مجموعة من الحقول"]),
    ("type.text", ["text", "du texte", "texto", "نص"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_unique_and_translated() {
        for pair in MESSAGES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} must come before {}", pair[1].0, pair[0].0);
        }
        for (key, texts) in MESSAGES {
            assert!(texts.iter().all(|text| !text.trim().is_empty()), "{key} has an empty translation");
        }
    }

    /// One of every problem, with every date and email flaw and every
    /// expectation and type (the match below stops compiling when a variant
    /// is added and not listed).
    fn every_problem() -> Vec<Problem> {
        let listed = |problem: &Problem| match problem {
            Problem::Missing
            | Problem::Empty
            | Problem::WrongType { .. }
            | Problem::TooLong { .. }
            | Problem::ControlCharacters
            | Problem::TooFew { .. }
            | Problem::TooMany { .. }
            | Problem::NotOneOf { .. }
            | Problem::BadLanguageTag { .. }
            | Problem::BadDate { .. }
            | Problem::BadCountry { .. }
            | Problem::BadEmail { .. }
            | Problem::NotWholeNumber { .. }
            | Problem::OutOfRange { .. }
            | Problem::PlaceNeeded { .. }
            | Problem::UnknownField { .. }
            | Problem::ClearContact
            | Problem::TooLarge { .. }
            | Problem::BadHash { .. }
            | Problem::NotAFileName { .. }
            | Problem::FilesTooLarge { .. } => true,
        };
        let mut all = vec![
            Problem::Missing,
            Problem::Empty,
            Problem::TooLong { length: 301, max: 300 },
            Problem::ControlCharacters,
            Problem::TooFew { count: 0, min: 1 },
            Problem::TooFew { count: 1, min: 2 },
            Problem::TooMany { count: 4, max: 3 },
            Problem::NotOneOf { value: "F99".into(), allowed: vec!["F1".into(), "O9".into()], suggestion: None },
            Problem::NotOneOf { value: "f1".into(), allowed: vec!["F1".into()], suggestion: Some("F1".into()) },
            Problem::BadLanguageTag { value: "english".into() },
            Problem::BadCountry { value: "Kenya".into(), suggestion: None },
            Problem::BadCountry { value: "ke".into(), suggestion: Some("KE".into()) },
            Problem::NotWholeNumber { value: "2.5".into() },
            Problem::OutOfRange { value: 0, min: 1, max: 1_000_000 },
            Problem::PlaceNeeded { format: "in_person".into() },
            Problem::UnknownField { suggestion: None },
            Problem::UnknownField { suggestion: Some("insights".into()) },
            Problem::ClearContact,
            Problem::TooLarge { kib: 200, max_kib: 192 },
            Problem::BadHash { value: "9f86".into() },
            Problem::NotAFileName { value: "a/b.jpg".into() },
            Problem::FilesTooLarge { mb: 26, max_mb: 25 },
        ];
        all.extend(DateFlaw::ALL.map(|flaw| Problem::BadDate { value: "2025-02-30".into(), flaw }));
        all.extend(EmailFlaw::ALL.map(|flaw| Problem::BadEmail { flaw }));
        for expected in Expected::ALL {
            all.extend(JsonType::ALL.map(|found| Problem::WrongType { expected, found }));
        }
        assert!(all.iter().all(listed));
        all
    }

    /// The words of a text, in lower case (codes, numbers and addresses left out).
    fn words_of(text: &str) -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || ",;:()?!¿¡«»“”/".contains(c))
            .map(|word| word.trim_end_matches('.'))
            .filter(|word| word.len() >= 3 && word.chars().all(|c| c.is_ascii_alphabetic()))
            .filter(|word| word.chars().skip(1).all(|c| c.is_ascii_lowercase()))
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn every_problem_is_worded_in_every_language_without_english_in_the_others() {
        // Words that French or Spanish share with English.
        const SHARED: [&str; 5] = ["code", "control", "date", "real", "use"];
        for problem in every_problem() {
            let english = words(ENGLISH, &problem);
            assert!(!english.contains('{'), "{english}");
            let values = serde_json::to_string(&problem).unwrap().to_lowercase();
            let english_words: Vec<String> = words_of(&english)
                .into_iter()
                .filter(|word| !values.contains(word.as_str()) && !SHARED.contains(&word.as_str()))
                .collect();
            for lang in ["fr", "es", "ar"] {
                let text = words(lang, &problem);
                assert!(!text.trim().is_empty() && !text.contains('{'), "{lang} {problem:?}: {text}");
                assert_ne!(text, english, "{lang} {problem:?}");
                let theirs = words_of(&text);
                for word in &english_words {
                    assert!(!theirs.contains(word), "{lang} {problem:?}: English {word:?} in {text}");
                }
                if lang == "ar" {
                    assert!(text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "{problem:?}: {text}");
                }
            }
        }
    }

    /// The `{name}` placeholders of a message.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names: Vec<&str> =
            text.split('{').skip(1).filter_map(|rest| rest.split_once('}')).map(|(name, _)| name).collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn every_language_fills_the_same_placeholders_as_english() {
        for (key, texts) in MESSAGES {
            for (lang, text) in LANGUAGES.iter().zip(texts).skip(1) {
                assert_eq!(placeholders(text), placeholders(texts[0]), "{key} in {lang}: {text}");
            }
        }
    }

    /// French: a no-break space before `:` `;` `?` `!` `»` and after `«`,
    /// never a plain space that would let the mark start a line; Arabic:
    /// the Arabic comma, semicolon and question mark, not the Latin ones.
    #[test]
    fn french_and_arabic_punctuation() {
        for (key, [_, french, _, arabic]) in MESSAGES {
            for mark in [" :", " ;", " ?", " !", " »", "« "] {
                assert!(!french.contains(mark), "{key}: {mark:?} with a plain space in {french}");
            }
            for mark in [":", ";", "?", "!", "»"] {
                let unspaced = french.match_indices(mark).any(|(at, _)| !french[..at].ends_with('\u{a0}'));
                assert!(!unspaced, "{key}: no no-break space before {mark:?} in {french}");
            }
            assert!(!french.contains(['"', '“', '”']), "{key}: French quotes are « » in {french}");
            assert!(!arabic.contains([',', ';', '?']), "{key}: a Latin mark in {arabic}");
        }
        let problem =
            Problem::NotOneOf { value: "X".into(), allowed: vec!["F1".into(), "O9".into()], suggestion: None };
        assert!(words("ar", &problem).ends_with("F1، O9."), "{}", words("ar", &problem));
    }

    #[test]
    fn problems_quote_their_values_and_numbers() {
        let problem = Problem::TooLong { length: 301, max: 300 };
        for lang in LANGUAGES {
            let text = words(lang, &problem);
            assert!(text.contains("301") && text.contains("300"), "{text}");
        }
        let problem =
            Problem::NotOneOf { value: "f1".into(), allowed: vec!["F1".into()], suggestion: Some("F1".into()) };
        assert_eq!(
            words("fr", &problem),
            "«\u{a0}f1\u{a0}» ne fait pas partie des choix possibles. Vouliez-vous dire F1\u{a0}? Valeurs possibles\u{a0}: F1."
        );
    }
}
