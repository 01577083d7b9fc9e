//! The UI's languages and its string table.
//!
//! Every string a page shows comes from [`tr`], in English, French, Spanish
//! or Arabic (right-to-left). The language is the `lang` cookie (set by the
//! switcher), else the best match in `Accept-Language`, else English.
//! Submissions' own text is shown as it is; taxonomy titles come from the
//! taxonomy document; validation problems are worded by the protocol's
//! message table (`convene_protocol::problem_words`), in the same languages.

use axum::http::HeaderMap;

/// A language of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Arabic (right-to-left).
    Ar,
}

impl Lang {
    /// Every UI language, in switcher order.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Fr, Lang::Es, Lang::Ar];

    /// Its BCP 47 tag.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::Es => "es",
            Lang::Ar => "ar",
        }
    }

    /// Its name, in itself.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
            Lang::Es => "Español",
            Lang::Ar => "العربية",
        }
    }

    /// `rtl` for Arabic, else `ltr`.
    pub fn dir(self) -> &'static str {
        if self == Lang::Ar { "rtl" } else { "ltr" }
    }

    /// The UI language for a tag such as `fr-CA`, if there is one.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == primary)
    }

    /// The language of a request: the `lang` cookie, else `Accept-Language`
    /// (by its q-values), else English.
    pub fn from_headers(headers: &HeaderMap) -> Lang {
        if let Some(lang) = crate::web::cookie(headers, "lang").and_then(|value| Lang::parse(&value)) {
            return lang;
        }
        let accept = headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|value| value.to_str().ok());
        accept.and_then(best_accepted).unwrap_or(Lang::En)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The UI language with the highest q-value in an `Accept-Language` header.
fn best_accepted(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("");
        let quality = parts
            .find_map(|part| part.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if let Some(lang) = Lang::parse(tag)
            && quality > 0.0
            && best.is_none_or(|(have, _)| quality > have)
        {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// The UI string `key` in `lang`; the key itself if it is unknown (a test
/// checks that every key used exists).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    match STRINGS.binary_search_by(|(have, _)| (*have).cmp(key)) {
        Ok(index) => STRINGS[index].1[lang.index()],
        Err(_) => {
            tracing::warn!("missing UI string {key}");
            "?"
        }
    }
}

/// Whether `key` is in the table.
pub fn has(key: &str) -> bool {
    STRINGS.binary_search_by(|(have, _)| (*have).cmp(key)).is_ok()
}

/// `template` with each `{name}` replaced by its value.
pub(crate) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

/// Every UI string: key, then English, French, Spanish, Arabic. Sorted by
/// key (a test checks), so lookups are a binary search.
pub static STRINGS: &[(&str, [&str; 4])] = &[
    ("action.add_peer", ["Add peer", "Ajouter le pair", "Añadir par", "إضافة نظير"]),
    ("action.create", ["Create", "Créer", "Crear", "إنشاء"]),
    ("action.discard", ["Discard", "Supprimer", "Descartar", "تجاهل"]),
    ("action.edit", ["Edit", "Modifier", "Editar", "تعديل"]),
    ("action.filter", ["Search", "Rechercher", "Buscar", "بحث"]),
    ("action.login", ["Sign in", "Se connecter", "Iniciar sesión", "تسجيل الدخول"]),
    ("action.logout", ["Sign out", "Se déconnecter", "Cerrar sesión", "تسجيل الخروج"]),
    ("action.remove_peer", ["Remove peer", "Retirer le pair", "Quitar el par", "إزالة النظير"]),
    ("action.resume", ["Resume", "Reprendre", "Reanudar", "متابعة"]),
    ("action.reveal", ["Show contact", "Afficher le contact", "Mostrar contacto", "إظهار جهة الاتصال"]),
    ("action.save_draft", ["Save draft", "Enregistrer le brouillon", "Guardar borrador", "حفظ المسودة"]),
    (
        "action.save_edit",
        [
            "Sign and save the change",
            "Signer et enregistrer la modification",
            "Firmar y guardar el cambio",
            "توقيع التعديل وحفظه",
        ],
    ),
    ("action.submit", ["Sign and submit", "Signer et soumettre", "Firmar y enviar", "توقيع وإرسال"]),
    ("action.use", ["Sign with this one", "Signer avec celle-ci", "Firmar con esta", "التوقيع بهذه الهوية"]),
    ("action.withdraw", ["Withdraw", "Retirer", "Retirar", "سحب"]),
    (
        "action.withdraw_confirm",
        [
            "Yes, withdraw it everywhere",
            "Oui, la retirer partout",
            "Sí, retirarla en todas partes",
            "نعم، اسحبها من كل مكان",
        ],
    ),
    (
        "attachment.not_here",
        [
            "Original not here yet: previews travel first.",
            "L'original n'est pas encore arrivé : les aperçus voyagent d'abord.",
            "El original aún no ha llegado: las vistas previas viajan primero.",
            "لم يصل الأصل بعد: تنتقل المعاينات أولًا.",
        ],
    ),
    ("attachment.original", ["Download the original", "Télécharger l'original", "Descargar el original", "تنزيل الأصل"]),
    (
        "attachment.pdf_note",
        [
            "{name}: a PDF may carry its author's name and other metadata; nothing was removed from it.",
            "{name} : un PDF peut porter le nom de son auteur et d'autres métadonnées ; rien n'en a été retiré.",
            "{name}: un PDF puede llevar el nombre de su autor y otros metadatos; no se quitó nada.",
            "{name}: قد يحمل ملف PDF اسم كاتبه وبيانات وصفية أخرى؛ لم يُزل منه شيء.",
        ],
    ),
    ("attachment.preview_of", ["Preview of {name}", "Aperçu de {name}", "Vista previa de {name}", "معاينة {name}"]),
    (
        "attachment.removed",
        [
            "Removed location and camera data ({what}) from {name}.",
            "Données de lieu et d'appareil retirées ({what}) de {name}.",
            "Se quitaron los datos de ubicación y de cámara ({what}) de {name}.",
            "أُزيلت بيانات الموقع والكاميرا ({what}) من {name}.",
        ],
    ),
    ("browse.all", ["All", "Tous", "Todos", "الكل"]),
    (
        "browse.empty",
        [
            "Nothing matches. Try fewer filters.",
            "Aucun résultat. Essayez moins de filtres.",
            "Nada coincide. Pruebe con menos filtros.",
            "لا توجد نتائج. جرّب عوامل تصفية أقل.",
        ],
    ),
    ("browse.from", ["From date", "Depuis le", "Desde", "من تاريخ"]),
    ("browse.next", ["Next page", "Page suivante", "Página siguiente", "الصفحة التالية"]),
    ("browse.pages", ["Pages", "Pages", "Páginas", "الصفحات"]),
    ("browse.prev", ["Previous page", "Page précédente", "Página anterior", "الصفحة السابقة"]),
    ("browse.results", ["submissions match", "soumissions correspondent", "envíos coinciden", "مساهمة مطابقة"]),
    ("browse.text", ["Words in the title", "Mots du titre", "Palabras del título", "كلمات في العنوان"]),
    ("browse.to", ["To date", "Jusqu'au", "Hasta", "إلى تاريخ"]),
    ("common.author", ["Author", "Auteur", "Autor", "المؤلف"]),
    ("common.colon", [": ", " : ", ": ", ": "]),
    ("common.date", ["Date", "Date", "Fecha", "التاريخ"]),
    ("common.kind", ["Kind", "Type", "Tipo", "النوع"]),
    ("common.language", ["Language", "Langue", "Idioma", "اللغة"]),
    ("common.no", ["No", "Non", "No", "لا"]),
    ("common.none", ["None", "Aucun", "Ninguno", "لا شيء"]),
    ("common.title", ["Title", "Titre", "Título", "العنوان"]),
    ("common.yes", ["Yes", "Oui", "Sí", "نعم"]),
    ("common.you", ["you ({name})", "vous ({name})", "usted ({name})", "أنت ({name})"]),
    ("drafts.empty", ["No drafts.", "Aucun brouillon.", "No hay borradores.", "لا توجد مسودات."]),
    (
        "drafts.intro",
        [
            "Drafts are kept on this node as you type, so a power cut or a closed tab loses nothing.",
            "Les brouillons sont gardés sur ce nœud pendant la saisie : une coupure de courant ou un onglet fermé ne fait rien perdre.",
            "Los borradores se guardan en este nodo mientras escribe: un corte de luz o una pestaña cerrada no pierde nada.",
            "تُحفظ المسودات على هذه العقدة أثناء الكتابة، فلا يضيع شيء عند انقطاع الكهرباء أو إغلاق الصفحة.",
        ],
    ),
    ("drafts.saved", ["Draft saved.", "Brouillon enregistré.", "Borrador guardado.", "تم حفظ المسودة."]),
    ("drafts.untitled", ["(untitled)", "(sans titre)", "(sin título)", "(بلا عنوان)"]),
    ("drafts.updated", ["Last saved", "Dernier enregistrement", "Guardado por última vez", "آخر حفظ"]),
    (
        "edit.back",
        [
            "Back to the submission, without saving",
            "Retour à la soumission, sans enregistrer",
            "Volver al envío, sin guardar",
            "العودة إلى المساهمة دون حفظ",
        ],
    ),
    ("edit.title", ["Edit “{title}”", "Modifier « {title} »", "Editar «{title}»", "تعديل «{title}»"]),
    (
        "error.ambiguous",
        [
            "Several submissions start with that id; give more of it.",
            "Plusieurs soumissions commencent par cet identifiant ; donnez-en davantage.",
            "Varios envíos empiezan por ese identificador; escriba más caracteres.",
            "عدة مساهمات تبدأ بهذا المعرّف؛ اكتب جزءًا أطول منه.",
        ],
    ),
    (
        "error.bad_form",
        [
            "The form could not be read: send it again.",
            "Le formulaire n'a pas pu être lu : envoyez-le à nouveau.",
            "No se pudo leer el formulario: envíelo de nuevo.",
            "تعذّرت قراءة النموذج: أرسله مرة أخرى.",
        ],
    ),
    (
        "error.bad_identity_name",
        [
            "“{name}” cannot be an identity name: give a name of 1 to 64 characters, on one line.",
            "« {name} » ne peut pas être un nom d'identité : donnez un nom de 1 à 64 caractères, sur une ligne.",
            "«{name}» no puede ser un nombre de identidad: escriba un nombre de 1 a 64 caracteres, en una línea.",
            "لا يصلح «{name}» اسمًا لهوية: اكتب اسمًا من 1 إلى 64 حرفًا في سطر واحد.",
        ],
    ),
    (
        "error.csrf",
        [
            "This form has expired. Go back, reload the page and send it again.",
            "Ce formulaire a expiré. Revenez en arrière, rechargez la page et renvoyez-le.",
            "Este formulario ha caducado. Vuelva atrás, recargue la página y envíelo de nuevo.",
            "انتهت صلاحية هذا النموذج. ارجع وأعد تحميل الصفحة ثم أرسله مجددًا.",
        ],
    ),
    (
        "error.disk_full",
        [
            "The disk is full: {free} MB free, about {needed} MB needed. Nothing was saved from this form, and nothing saved before is lost. Ask the person who runs this node to free space on its disk, then send the form again.",
            "Le disque est plein : {free} Mo libres, environ {needed} Mo nécessaires. Rien de ce formulaire n'a été enregistré, et rien de ce qui l'était n'est perdu. Demandez à la personne qui gère ce nœud de libérer de la place sur son disque, puis renvoyez le formulaire.",
            "El disco está lleno: {free} MB libres, se necesitan unos {needed} MB. No se guardó nada de este formulario y no se perdió nada de lo guardado antes. Pida a quien administra este nodo que libere espacio en su disco y vuelva a enviar el formulario.",
            "القرص ممتلئ: {free} ميغابايت متاحة، والمطلوب نحو {needed} ميغابايت. لم يُحفظ شيء من هذا النموذج، ولم يُفقد شيء مما حُفظ من قبل. اطلب ممن يدير هذه العقدة إفراغ مساحة على قرصها، ثم أرسل النموذج مجددًا.",
        ],
    ),
    (
        "error.draft_too_large",
        [
            "The draft is larger than 512 KiB: shorten it, or submit what is there.",
            "Le brouillon dépasse 512 Kio : raccourcissez-le, ou soumettez ce qu’il contient.",
            "El borrador supera 512 KiB: acórtelo, o envíe lo que contiene.",
            "المسودة أكبر من 512 كيلوبايت: اختصرها، أو أرسل ما فيها.",
        ],
    ),
    (
        "error.identity_exists",
        [
            "An identity named “{name}” already exists; choose another name.",
            "Une identité nommée « {name} » existe déjà ; choisissez un autre nom.",
            "Ya existe una identidad llamada «{name}»; elija otro nombre.",
            "توجد هوية باسم «{name}» بالفعل؛ اختر اسمًا آخر.",
        ],
    ),
    (
        "error.internal",
        [
            "Something went wrong on this node; the node's log says what.",
            "Un problème est survenu sur ce nœud ; son journal indique lequel.",
            "Algo falló en este nodo; su registro indica qué.",
            "حدث خطأ في هذه العقدة؛ سجلها يوضح السبب.",
        ],
    ),
    (
        "error.kind_changed",
        [
            "An edit cannot change what kind of submission this is.",
            "Une modification ne peut pas changer le type de cette soumission.",
            "Una edición no puede cambiar el tipo de este envío.",
            "لا يمكن للتعديل أن يغيّر نوع هذه المساهمة.",
        ],
    ),
    (
        "error.not_author",
        [
            "Only the author of this submission can change it.",
            "Seul l'auteur de cette soumission peut la modifier.",
            "Solo el autor de este envío puede cambiarlo.",
            "لا يمكن تعديل هذه المساهمة إلا لمؤلفها.",
        ],
    ),
    ("error.not_found", ["Not found.", "Introuvable.", "No encontrado.", "غير موجود."]),
    (
        "error.not_secretariat",
        [
            "Contact details open only on the secretariat's node.",
            "Les coordonnées ne s'ouvrent que sur le nœud du secrétariat.",
            "Los datos de contacto solo se abren en el nodo de la secretaría.",
            "لا تُفتح بيانات الاتصال إلا على عقدة الأمانة.",
        ],
    ),
    (
        "error.summary",
        [
            "Please correct these fields:",
            "Veuillez corriger ces champs :",
            "Corrija estos campos:",
            "يرجى تصحيح هذه الحقول:",
        ],
    ),
    ("error.title", ["Something is wrong", "Un problème", "Algo está mal", "هناك مشكلة"]),
    (
        "error.too_many_drafts",
        [
            "500 drafts are saved already: discard some on the Drafts page first.",
            "500 brouillons sont déjà enregistrés : supprimez-en d’abord sur la page Brouillons.",
            "Ya hay 500 borradores guardados: descarte algunos primero en la página Borradores.",
            "حُفظت 500 مسودة بالفعل: احذف بعضها أولًا من صفحة المسودات.",
        ],
    ),
    (
        "error.unsealable",
        [
            "This node's secretariat key cannot open these contact details.",
            "La clé du secrétariat de ce nœud ne peut pas ouvrir ces coordonnées.",
            "La clave de la secretaría de este nodo no puede abrir estos datos de contacto.",
            "لا يستطيع مفتاح الأمانة في هذه العقدة فتح بيانات الاتصال هذه.",
        ],
    ),
    (
        "error.withdrawn",
        [
            "This submission was withdrawn by its author; its content was purged.",
            "Cette soumission a été retirée par son auteur ; son contenu a été effacé.",
            "Su autor retiró este envío; su contenido se borró.",
            "سحب المؤلف هذه المساهمة؛ وحُذف محتواها.",
        ],
    ),
    ("field.attachments", ["Photos and documents", "Photos et documents", "Fotos y documentos", "الصور والمستندات"]),
    ("field.challenges", ["Challenges", "Difficultés", "Desafíos", "التحديات"]),
    (
        "field.consent_to_publish",
        ["Consent to publish", "Consentement à la publication", "Consentimiento para publicar", "الموافقة على النشر"],
    ),
    (
        "field.consent_to_publish.no",
        [
            "No, keep it for the secretariat's internal use only.",
            "Non, à usage interne du secrétariat seulement.",
            "No, solo para uso interno de la secretaría.",
            "لا، للاستخدام الداخلي للأمانة فقط.",
        ],
    ),
    (
        "field.consent_to_publish.yes",
        [
            "Yes: the secretariat may review it and show it publicly, without naming me, my organisation or anyone who spoke.",
            "Oui : le secrétariat peut l'examiner et la montrer publiquement, sans me nommer, ni mon organisation, ni personne qui a parlé.",
            "Sí: la secretaría puede revisarlo y mostrarlo públicamente, sin nombrarme a mí, a mi organización ni a nadie que haya hablado.",
            "نعم: يجوز للأمانة مراجعتها وعرضها علنًا دون ذكر اسمي أو اسم مؤسستي أو أي متحدث.",
        ],
    ),
    ("field.contact", ["Contact person", "Personne à contacter", "Persona de contacto", "جهة الاتصال"]),
    ("field.contact_email", ["Email", "Courriel", "Correo electrónico", "البريد الإلكتروني"]),
    ("field.contact_name", ["Name", "Nom", "Nombre", "الاسم"]),
    ("field.context", ["Context", "Contexte", "Contexto", "السياق"]),
    ("field.convened_on", ["Date of the convening", "Date de la réunion", "Fecha de la reunión", "تاريخ اللقاء"]),
    (
        "field.country",
        [
            "Country (type its name, e.g. Kenya)",
            "Pays (tapez son nom, ex. Kenya)",
            "País (escriba su nombre, p. ej. Kenia)",
            "البلد (اكتب اسمه، مثل كينيا)",
        ],
    ),
    ("field.date", ["Planned date", "Date prévue", "Fecha prevista", "التاريخ المقرر"]),
    ("field.description", ["Description", "Description", "Descripción", "الوصف"]),
    (
        "field.dpi_types",
        [
            "Kinds of digital public infrastructure",
            "Types d'infrastructure publique numérique",
            "Tipos de infraestructura pública digital",
            "أنواع البنية التحتية الرقمية العامة",
        ],
    ),
    ("field.format", ["Format", "Format", "Formato", "الشكل"]),
    (
        "field.host_organizations",
        [
            "Host organisations (one per line)",
            "Organisations hôtes (une par ligne)",
            "Organizaciones anfitrionas (una por línea)",
            "الجهات المستضيفة (واحدة في كل سطر)",
        ],
    ),
    ("field.identity", ["Sign as", "Signer en tant que", "Firmar como", "التوقيع باسم"]),
    ("field.implementer", ["Implementer", "Responsable de la mise en œuvre", "Implementador", "الجهة المنفذة"]),
    (
        "field.insights",
        [
            "Key insights and recommendations (one per line)",
            "Idées clés et recommandations (une par ligne)",
            "Ideas clave y recomendaciones (una por línea)",
            "الأفكار والتوصيات الرئيسية (واحدة في كل سطر)",
        ],
    ),
    (
        "field.language",
        [
            "Language of the text (type its name, e.g. English)",
            "Langue du texte (tapez son nom, ex. français)",
            "Idioma del texto (escriba su nombre, p. ej. español)",
            "لغة النص (اكتب اسمها، مثل العربية)",
        ],
    ),
    (
        "field.lessons",
        [
            "Lessons learned (one per line)",
            "Leçons apprises (une par ligne)",
            "Lecciones aprendidas (una por línea)",
            "الدروس المستفادة (واحدة في كل سطر)",
        ],
    ),
    (
        "field.lifecycle_stages",
        ["Life cycle stages", "Étapes du cycle de vie", "Etapas del ciclo de vida", "مراحل دورة الحياة"],
    ),
    (
        "field.locality",
        [
            "Town or place (may be empty online)",
            "Ville ou lieu (peut rester vide en ligne)",
            "Ciudad o lugar (puede quedar vacío en línea)",
            "المدينة أو المكان (يمكن تركه فارغًا عبر الإنترنت)",
        ],
    ),
    ("field.location", ["Place", "Lieu", "Lugar", "المكان"]),
    ("field.participants", ["Participants", "Participants", "Participantes", "المشاركون"]),
    (
        "field.participants_count",
        ["Number of participants", "Nombre de participants", "Número de participantes", "عدد المشاركين"],
    ),
    (
        "field.participation",
        ["Who can take part", "Qui peut participer", "Quién puede participar", "من يمكنه المشاركة"],
    ),
    (
        "field.participation.curated_list",
        [
            "By invitation (curated list)",
            "Sur invitation (liste choisie)",
            "Por invitación (lista seleccionada)",
            "بالدعوة (قائمة مختارة)",
        ],
    ),
    (
        "field.participation.open_call",
        [
            "Anyone may join (open call)",
            "Ouvert à tous (appel ouvert)",
            "Abierto a todos (convocatoria abierta)",
            "مفتوح للجميع (دعوة عامة)",
        ],
    ),
    ("field.principles", ["Principles", "Principes", "Principios", "المبادئ"]),
    (
        "field.purposes",
        ["Purposes of the convening", "Objectifs de la réunion", "Propósitos de la reunión", "أغراض اللقاء"],
    ),
    (
        "field.quotes",
        [
            "Quotes (up to three, never say who said them)",
            "Citations (trois au plus, sans jamais dire qui les a dites)",
            "Citas (hasta tres, sin decir nunca quién las dijo)",
            "اقتباسات (حتى ثلاثة، دون ذكر قائلها)",
        ],
    ),
    ("field.quotes.item", ["Quote", "Citation", "Cita", "اقتباس"]),
    (
        "field.responsible_authority",
        ["Responsible authority", "Autorité responsable", "Autoridad responsable", "الجهة المسؤولة"],
    ),
    ("field.risks", ["Risks", "Risques", "Riesgos", "المخاطر"]),
    (
        "field.stakeholder_groups",
        [
            "Stakeholder groups present",
            "Groupes de parties prenantes présents",
            "Grupos de interés presentes",
            "فئات أصحاب المصلحة الحاضرة",
        ],
    ),
    ("field.successes", ["Successes", "Réussites", "Éxitos", "النجاحات"]),
    (
        "field.summary",
        ["Summary of the discussion", "Résumé de la discussion", "Resumen de la discusión", "ملخص النقاش"],
    ),
    ("field.title", ["Title", "Titre", "Título", "العنوان"]),
    (
        "field.topics",
        ["Topics (one per line)", "Thèmes (un par ligne)", "Temas (uno por línea)", "المواضيع (واحد في كل سطر)"],
    ),
    (
        "form.attachment_add",
        [
            "Add photos (JPEG, PNG, WebP) or PDF documents",
            "Ajouter des photos (JPEG, PNG, WebP) ou des documents PDF",
            "Añadir fotos (JPEG, PNG, WebP) o documentos PDF",
            "أضف صورًا (JPEG أو PNG أو WebP) أو مستندات PDF",
        ],
    ),
    (
        "form.attachment_hint",
        [
            "Up to {files} files of at most {file_mb} MB each, {total_mb} MB in all. Location and camera data are removed from photos before they are stored; a PDF is kept as it is and may carry its author's name.",
            "Jusqu'à {files} fichiers d'au plus {file_mb} Mo chacun, {total_mb} Mo en tout. Les données de lieu et d'appareil sont retirées des photos avant leur enregistrement ; un PDF est gardé tel quel et peut porter le nom de son auteur.",
            "Hasta {files} archivos de {file_mb} MB como máximo cada uno, {total_mb} MB en total. Los datos de ubicación y de cámara se quitan de las fotos antes de guardarlas; un PDF se guarda tal cual y puede llevar el nombre de su autor.",
            "حتى {files} ملفًا، لا يزيد كل منها على {file_mb} ميغابايت، و{total_mb} ميغابايت للمجموع. تُزال بيانات الموقع والكاميرا من الصور قبل حفظها؛ ويُحفظ ملف PDF كما هو وقد يحمل اسم كاتبه.",
        ],
    ),
    ("form.attachment_remove", ["Remove", "Retirer", "Quitar", "إزالة"]),
    (
        "form.choose_identity",
        [
            "Choose one of this node's identities to sign with.",
            "Choisissez l'une des identités de ce nœud pour signer.",
            "Elija una de las identidades de este nodo para firmar.",
            "اختر إحدى هويات هذه العقدة للتوقيع بها.",
        ],
    ),
    (
        "form.edit_sealed_note",
        [
            "The contact on record is sealed and cannot be shown here. Leave these boxes empty to keep it, or fill both to replace it.",
            "Le contact enregistré est scellé et ne peut pas être affiché ici. Laissez ces cases vides pour le garder, ou remplissez-les toutes deux pour le remplacer.",
            "El contacto registrado está sellado y no se puede mostrar aquí. Deje estas casillas vacías para conservarlo, o rellene ambas para sustituirlo.",
            "جهة الاتصال المسجلة مختومة ولا يمكن عرضها هنا. اترك هذين الحقلين فارغين للإبقاء عليها، أو املأهما معًا لاستبدالها.",
        ],
    ),
    ("form.item", ["Item", "Élément", "Elemento", "العنصر"]),
    (
        "form.lines_hint",
        ["One item per line.", "Un élément par ligne.", "Un elemento por línea.", "عنصر واحد في كل سطر."],
    ),
    (
        "form.no_identity",
        [
            "Create an identity first: it signs what you submit.",
            "Créez d'abord une identité : elle signe ce que vous soumettez.",
            "Cree primero una identidad: firma lo que envía.",
            "أنشئ هوية أولًا: فهي توقّع ما ترسله.",
        ],
    ),
    ("form.optional", ["optional", "facultatif", "opcional", "اختياري"]),
    ("form.required", ["required", "obligatoire", "obligatorio", "مطلوب"]),
    (
        "form.required_unless_online",
        [
            "required unless the convening is online",
            "obligatoire sauf si la réunion est en ligne",
            "obligatorio salvo si la reunión es en línea",
            "مطلوب ما لم يكن اللقاء عبر الإنترنت",
        ],
    ),
    (
        "form.sealed_note",
        [
            "Personal data: sealed on this computer so that only the secretariat can read it. No hub on the way can.",
            "Données personnelles : scellées sur cet ordinateur pour que seul le secrétariat puisse les lire. Aucun relais ne le peut.",
            "Datos personales: sellados en este equipo para que solo la secretaría pueda leerlos. Ningún nodo intermedio puede.",
            "بيانات شخصية: تُختم على هذا الحاسوب فلا تقرؤها إلا الأمانة، ولا يستطيع أي مركز وسيط قراءتها.",
        ],
    ),
    (
        "form.whole",
        ["The submission as a whole", "La soumission dans son ensemble", "El envío en su conjunto", "المساهمة بأكملها"],
    ),
    (
        "ident.did",
        [
            "Public identity (did:key)",
            "Identité publique (did:key)",
            "Identidad pública (did:key)",
            "الهوية العامة (did:key)",
        ],
    ),
    (
        "ident.empty",
        ["No identity yet.", "Aucune identité pour l'instant.", "Todavía no hay identidades.", "لا توجد هوية بعد."],
    ),
    (
        "ident.intro",
        [
            "An identity signs what you submit, so everyone can check it came from you. Its secret stays on this node and is never shown.",
            "Une identité signe ce que vous soumettez : chacun peut vérifier que cela vient de vous. Son secret reste sur ce nœud et n'est jamais affiché.",
            "Una identidad firma lo que envía, para que todos comprueben que viene de usted. Su secreto queda en este nodo y nunca se muestra.",
            "الهوية توقّع ما ترسله ليتحقق الجميع أنه منك. يبقى سرها على هذه العقدة ولا يُعرض أبدًا.",
        ],
    ),
    (
        "ident.name",
        [
            "Your name, as others should see it (e.g. Amina Okafor)",
            "Votre nom, tel que les autres le verront (p. ex. Amina Okafor)",
            "Su nombre, tal como lo verán los demás (p. ej., Amina Okafor)",
            "اسمك كما سيراه الآخرون (مثل أمينة أوكافور)",
        ],
    ),
    ("ident.new", ["New identity", "Nouvelle identité", "Nueva identidad", "هوية جديدة"]),
    ("ident.signing", ["signs by default", "signe par défaut", "firma por defecto", "توقّع افتراضيًا"]),
    ("kind.case_study", ["Case study", "Étude de cas", "Estudio de caso", "دراسة حالة"]),
    (
        "kind.convening_announcement",
        ["Convening announcement", "Annonce de réunion", "Anuncio de reunión", "إعلان عن لقاء"],
    ),
    ("kind.convening_report", ["Convening report", "Compte rendu de réunion", "Informe de reunión", "تقرير لقاء"]),
    (
        "login.intro",
        [
            "This node is reachable from other computers. Enter the operator token that `convene node run` printed to write or see personal data.",
            "Ce nœud est joignable depuis d'autres ordinateurs. Saisissez le jeton d'opérateur affiché par `convene node run` pour écrire ou voir des données personnelles.",
            "Este nodo es accesible desde otros equipos. Introduzca el token de operador que mostró `convene node run` para escribir o ver datos personales.",
            "يمكن الوصول إلى هذه العقدة من حواسيب أخرى. أدخل رمز المشغّل الذي طبعه `convene node run` للكتابة أو رؤية البيانات الشخصية.",
        ],
    ),
    ("login.token", ["Operator token", "Jeton d'opérateur", "Token de operador", "رمز المشغّل"]),
    (
        "login.wrong",
        ["That token is not right.", "Ce jeton n'est pas le bon.", "Ese token no es correcto.", "هذا الرمز غير صحيح."],
    ),
    ("nav.browse", ["Browse", "Parcourir", "Explorar", "تصفح"]),
    ("nav.drafts", ["Drafts", "Brouillons", "Borradores", "المسودات"]),
    ("nav.identities", ["Identities", "Identités", "Identidades", "الهويات"]),
    ("nav.language", ["Language", "Langue", "Idioma", "اللغة"]),
    ("nav.network", ["Network", "Réseau", "Red", "الشبكة"]),
    ("nav.new", ["Write", "Écrire", "Escribir", "كتابة"]),
    ("nav.skip", ["Skip to content", "Aller au contenu", "Ir al contenido", "انتقل إلى المحتوى"]),
    (
        "net.add_hint",
        [
            "A multiaddr, e.g. /ip4/192.0.2.7/tcp/4701",
            "Une multiaddr, ex. /ip4/192.0.2.7/tcp/4701",
            "Una multiaddr, p. ej. /ip4/192.0.2.7/tcp/4701",
            "عنوان multiaddr، مثل ‎/ip4/192.0.2.7/tcp/4701",
        ],
    ),
    (
        "net.added",
        [
            "Peer added; the node will dial it.",
            "Pair ajouté ; le nœud va le contacter.",
            "Par añadido; el nodo lo contactará.",
            "أضيف النظير؛ ستتصل به العقدة.",
        ],
    ),
    ("net.addrs", ["Addresses", "Adresses", "Direcciones", "العناوين"]),
    (
        "net.awaiting_receipt",
        [
            "{n} awaiting receipt",
            "{n} en attente d'accusé de réception",
            "{n} pendientes de acuse de recibo",
            "{n} بانتظار إقرار الاستلام",
        ],
    ),
    (
        "net.bad_addr",
        [
            "This is not a peer address. It looks like /ip4/192.0.2.7/tcp/4701.",
            "Ce n'est pas une adresse de pair. Elle ressemble à /ip4/192.0.2.7/tcp/4701.",
            "Esta no es una dirección de par. Tiene la forma /ip4/192.0.2.7/tcp/4701.",
            "هذا ليس عنوان نظير. يبدو العنوان هكذا: /ip4/192.0.2.7/tcp/4701.",
        ],
    ),
    (
        "net.bundle",
        [
            "Carry entries on a USB stick",
            "Transporter des entrées sur une clé USB",
            "Llevar entradas en una memoria USB",
            "نقل المدخلات على ذاكرة USB",
        ],
    ),
    (
        "net.bundle_bad_date",
        [
            "This is not a date. Choose one, or leave it empty for everything.",
            "Ce n'est pas une date. Choisissez-en une, ou laissez vide pour tout.",
            "Esto no es una fecha. Elija una, o déjelo vacío para todo.",
            "هذا ليس تاريخًا. اختر تاريخًا، أو اتركه فارغًا للحصول على كل شيء.",
        ],
    ),
    (
        "net.bundle_blobs",
        [
            "With photos and files (attached to the submissions it carries)",
            "Avec les photos et fichiers (joints aux contributions qu'il contient)",
            "Con las fotos y archivos (adjuntos a las contribuciones que lleva)",
            "مع الصور والملفات (المرفقة بالمساهمات التي تحملها)",
        ],
    ),
    (
        "net.bundle_damaged",
        [
            "This bundle is damaged. What verified before the damage was kept; the rest needs another copy.",
            "Ce paquet est endommagé. Ce qui a été vérifié avant le dommage a été gardé ; le reste demande une autre copie.",
            "Este paquete está dañado. Se guardó lo verificado antes del daño; el resto necesita otra copia.",
            "هذه الحزمة تالفة. حُفظ ما تم التحقق منه قبل التلف؛ ويحتاج الباقي إلى نسخة أخرى.",
        ],
    ),
    ("net.bundle_download", ["Download a bundle", "Télécharger un paquet", "Descargar un paquete", "تنزيل حزمة"]),
    (
        "net.bundle_file",
        [
            "Bundle file (or one part of it)",
            "Fichier de paquet (ou une de ses parties)",
            "Archivo de paquete (o una de sus partes)",
            "ملف الحزمة (أو جزء منه)",
        ],
    ),
    (
        "net.bundle_files",
        [
            "Photos and files: {completed} completed; pieces: {stored} stored, {refused} refused (they did not match the file's hash).",
            "Photos et fichiers : {completed} complétés ; morceaux : {stored} enregistrés, {refused} refusés (ils ne correspondaient pas à l'empreinte du fichier).",
            "Fotos y archivos: {completed} completados; partes: {stored} guardadas, {refused} rechazadas (no coincidían con la huella del archivo).",
            "الصور والملفات: اكتمل {completed}؛ الأجزاء: حُفظ {stored}، ورُفض {refused} (لم تطابق بصمة الملف).",
        ],
    ),
    (
        "net.bundle_foreign",
        [
            "Refused: this bundle is for another network:",
            "Refusé : ce paquet est destiné à un autre réseau :",
            "Rechazado: este paquete es de otra red:",
            "مرفوض: هذه الحزمة لشبكة أخرى:",
        ],
    ),
    ("net.bundle_held", ["already here", "déjà ici", "ya estaban aquí", "موجودة هنا مسبقًا"]),
    (
        "net.bundle_hint",
        [
            "No link? A bundle is a file of this node's signed entries and the photos and files attached to them. Download one, carry it on a USB stick, and import it at the other node: every entry and every piece of a file is checked there as sync checks it. From the command line, run convene bundle want FILE at the receiving node first, and the exporting node writes only what it lacks.",
            "Pas de liaison ? Un paquet est un fichier des entrées signées de ce nœud et des photos et fichiers qui y sont joints. Téléchargez-le, transportez-le sur une clé USB et importez-le sur l'autre nœud : chaque entrée et chaque morceau de fichier y sont vérifiés comme la synchronisation les vérifie. En ligne de commande, lancez d'abord convene bundle want FICHIER sur le nœud qui reçoit, et le nœud qui exporte n'écrit que ce qui lui manque.",
            "¿Sin enlace? Un paquete es un archivo con las entradas firmadas de este nodo y las fotos y archivos adjuntos a ellas. Descárguelo, llévelo en una memoria USB e impórtelo en el otro nodo: allí se comprueba cada entrada y cada parte de un archivo como lo hace la sincronización. Desde la línea de órdenes, ejecute primero convene bundle want ARCHIVO en el nodo que recibe, y el nodo que exporta escribe solo lo que le falta.",
            "لا يوجد اتصال؟ الحزمة ملف يضم المدخلات الموقّعة لهذه العقدة والصور والملفات المرفقة بها. نزّلها، وانقلها على ذاكرة USB، واستوردها في العقدة الأخرى: يُتحقق هناك من كل مدخل ومن كل جزء من كل ملف كما تتحقق منهما المزامنة. من سطر الأوامر، شغّل أولًا convene bundle want FILE في العقدة المستقبِلة، فلا تكتب العقدة المصدِّرة إلا ما ينقصها.",
        ],
    ),
    ("net.bundle_imported", ["Bundle imported:", "Paquet importé :", "Paquete importado:", "استُوردت الحزمة:"]),
    ("net.bundle_new", ["new", "nouvelles", "nuevas", "جديدة"]),
    (
        "net.bundle_newer",
        [
            "This bundle was written by a newer version of Convene; update this node to read it.",
            "Ce paquet a été écrit par une version plus récente de Convene ; mettez ce nœud à jour pour le lire.",
            "Este paquete lo escribió una versión más reciente de Convene; actualice este nodo para leerlo.",
            "كُتبت هذه الحزمة بإصدار أحدث من Convene؛ حدّث هذه العقدة لقراءتها.",
        ],
    ),
    ("net.bundle_refused", ["refused", "refusées", "rechazadas", "مرفوضة"]),
    (
        "net.bundle_since",
        [
            "Only entries since (leave empty for everything)",
            "Seulement les entrées depuis (vide pour tout)",
            "Solo las entradas desde (vacío para todo)",
            "المدخلات منذ هذا التاريخ فقط (اتركه فارغًا للكل)",
        ],
    ),
    (
        "net.bundle_too_large",
        [
            "This file is larger than 1 GiB. Import it from the command line: convene bundle import FILE.",
            "Ce fichier dépasse 1 Gio. Importez-le en ligne de commande : convene bundle import FICHIER.",
            "Este archivo supera 1 GiB. Impórtelo desde la línea de órdenes: convene bundle import ARCHIVO.",
            "هذا الملف أكبر من 1 غيبيبايت. استورده من سطر الأوامر: convene bundle import FILE.",
        ],
    ),
    (
        "net.bundle_unreadable",
        [
            "This file is not a Convene bundle, or it cannot be read.",
            "Ce fichier n'est pas un paquet Convene, ou il est illisible.",
            "Este archivo no es un paquete de Convene, o no se puede leer.",
            "هذا الملف ليس حزمة Convene، أو تتعذر قراءته.",
        ],
    ),
    ("net.bundle_upload", ["Import a bundle", "Importer un paquet", "Importar un paquete", "استيراد حزمة"]),
    (
        "net.bundle_waiting",
        [
            "waiting for what they build on",
            "en attente de ce sur quoi elles reposent",
            "esperando aquello en lo que se basan",
            "بانتظار ما تُبنى عليه",
        ],
    ),
    (
        "net.bytes",
        ["Bytes in / out", "Octets reçus / envoyés", "Bytes recibidos / enviados", "البايتات الواردة / الصادرة"],
    ),
    ("net.connected", ["connected", "connecté", "conectado", "متصل"]),
    (
        "net.did_you_mean",
        ["Did you mean {addr}?", "Vouliez-vous dire {addr} ?", "¿Quiso decir {addr}?", "هل تقصد {addr}؟"],
    ),
    ("net.disconnected", ["not connected", "non connecté", "no conectado", "غير متصل"]),
    (
        "net.entries",
        [
            "Entries received / sent",
            "Entrées reçues / envoyées",
            "Entradas recibidas / enviadas",
            "المدخلات المستلمة / المرسلة",
        ],
    ),
    ("net.entries_signed", ["signed entries", "entrées signées", "entradas firmadas", "مدخلات موقّعة"]),
    ("net.errors", ["Errors", "Erreurs", "Errores", "الأخطاء"]),
    (
        "net.file_bytes",
        [
            "files: {in} / {out} KB",
            "fichiers : {in} / {out} Ko",
            "archivos: {in} / {out} KB",
            "الملفات: {in} / {out} كيلوبايت",
        ],
    ),
    ("net.files", ["Photos and files", "Photos et fichiers", "Fotos y archivos", "الصور والملفات"]),
    ("net.files_here", ["all here", "tous ici", "todos aquí", "كلها هنا"]),
    (
        "net.files_waiting",
        [
            "{n} waiting to arrive ({mb} MB)",
            "{n} en attente ({mb} Mo)",
            "{n} por llegar ({mb} MB)",
            "{n} بانتظار الوصول ({mb} ميغابايت)",
        ],
    ),
    ("net.hub_name", ["Hub name", "Nom du hub", "Nombre del hub", "اسم المركز"]),
    (
        "net.hub_name_none",
        [
            "Not set: peers see this node's short id. Set one with",
            "Pas encore défini : les pairs voient l'identifiant court de ce nœud. Définissez-le avec",
            "Sin definir: los pares ven el identificador corto de este nodo. Defínalo con",
            "غير محدد: يرى النظراء المعرّف المختصر لهذه العقدة. حدّده بالأمر",
        ],
    ),
    (
        "net.is_secretariat",
        ["the secretariat's node", "le nœud du secrétariat", "el nodo de la secretaría", "عقدة الأمانة"],
    ),
    ("net.listen", ["Listening on", "À l'écoute sur", "Escuchando en", "يستمع على"]),
    (
        "net.nat",
        ["Reachable from outside", "Joignable de l'extérieur", "Accesible desde fuera", "قابلية الوصول من الخارج"],
    ),
    (
        "net.nat_private",
        [
            "No: behind NAT; peers reach this node through its relay",
            "Non : derrière un NAT ; les pairs joignent ce nœud par son relais",
            "No: detrás de NAT; los pares llegan a este nodo por su relé",
            "لا: خلف NAT؛ يصل النظراء إلى هذه العقدة عبر مُرحِّلها",
        ],
    ),
    (
        "net.nat_private_no_relay",
        [
            "No: behind NAT, and no relay is configured: peers cannot connect to this node, only it to them",
            "Non : derrière un NAT, sans relais configuré : les pairs ne peuvent pas se connecter à ce nœud, seul lui peut se connecter à eux",
            "No: detrás de NAT y sin relé configurado: los pares no pueden conectarse a este nodo, solo él a ellos",
            "لا: خلف NAT دون مُرحِّل مُعَدّ: لا يستطيع النظراء الاتصال بهذه العقدة، بل هي وحدها تتصل بهم",
        ],
    ),
    (
        "net.nat_public",
        [
            "Yes: peers can connect to this node directly",
            "Oui : les pairs peuvent se connecter directement à ce nœud",
            "Sí: los pares pueden conectarse directamente a este nodo",
            "نعم: يستطيع النظراء الاتصال بهذه العقدة مباشرة",
        ],
    ),
    (
        "net.nat_unknown",
        [
            "Not known yet (peers are asked to dial this node back)",
            "Pas encore connu (des pairs sont invités à rappeler ce nœud)",
            "Aún no se sabe (se pide a los pares que llamen de vuelta a este nodo)",
            "غير معروف بعد (يُطلب من النظراء معاودة الاتصال بهذه العقدة)",
        ],
    ),
    ("net.network", ["Network", "Réseau", "Red", "الشبكة"]),
    (
        "net.no_peers",
        [
            "No peers yet. Add one below, or carry a bundle on a USB stick.",
            "Aucun pair pour l'instant. Ajoutez-en un ci-dessous, ou transportez un paquet sur clé USB.",
            "Aún no hay pares. Añada uno abajo o lleve un paquete en una memoria USB.",
            "لا يوجد نظراء بعد. أضف نظيرًا أدناه، أو انقل حزمة على ذاكرة USB.",
        ],
    ),
    (
        "net.no_sync",
        [
            "This node is not running sync.",
            "Ce nœud n'exécute pas la synchronisation.",
            "Este nodo no está sincronizando.",
            "هذه العقدة لا تشغّل المزامنة.",
        ],
    ),
    ("net.node_id", ["This node's id", "Identifiant de ce nœud", "Identificador de este nodo", "معرّف هذه العقدة"]),
    ("net.peer", ["Peer", "Pair", "Par", "النظير"]),
    ("net.peer_id", ["Peer id", "Identifiant du pair", "Identificador del par", "معرّف النظير"]),
    ("net.peers", ["Peers", "Pairs", "Pares", "النظراء"]),
    (
        "net.problem_banned",
        [
            "Banned here for 10 minutes: it sent invalid data. If it keeps happening, tell its operator.",
            "Banni ici pour 10 minutes : il a envoyé des données invalides. Si cela se répète, prévenez son opérateur.",
            "Bloqueado aquí durante 10 minutos: envió datos no válidos. Si se repite, avise a su operador.",
            "محظور هنا لمدة 10 دقائق: أرسل بيانات غير صالحة. إذا تكرر ذلك، أبلغ مشغّله.",
        ],
    ),
    (
        "net.problem_closed",
        [
            "{addr} closed the connection at once: it may not be a Convene node. Check the address and the port.",
            "{addr} a fermé la connexion aussitôt : ce n'est peut-être pas un nœud Convene. Vérifiez l'adresse et le port.",
            "{addr} cerró la conexión enseguida: quizá no sea un nodo Convene. Compruebe la dirección y el puerto.",
            "أغلق {addr} الاتصال فورًا: قد لا تكون عقدة Convene. تحقّق من العنوان والمنفذ.",
        ],
    ),
    (
        "net.problem_invalid_data",
        [
            "It sent invalid data, which was dropped. If it keeps happening, tell its operator.",
            "Il a envoyé des données invalides, qui ont été écartées. Si cela se répète, prévenez son opérateur.",
            "Envió datos no válidos, que se descartaron. Si se repite, avise a su operador.",
            "أرسل بيانات غير صالحة فأُهملت. إذا تكرر ذلك، أبلغ مشغّله.",
        ],
    ),
    (
        "net.problem_itself",
        [
            "{addr} is this node itself: remove this peer.",
            "{addr} est ce nœud lui-même : retirez ce pair.",
            "{addr} es este mismo nodo: quite este par.",
            "{addr} هو هذه العقدة نفسها: أزِل هذا النظير.",
        ],
    ),
    (
        "net.problem_link",
        [
            "The link failed. It is tried again by itself; the node's log says more.",
            "La liaison a échoué. Une nouvelle tentative se fait d'elle-même ; le journal du nœud en dit plus.",
            "El enlace falló. Se vuelve a intentar solo; el registro del nodo da más detalles.",
            "فشل الاتصال. ستُعاد المحاولة تلقائيًا؛ وفي سجل العقدة مزيد من التفاصيل.",
        ],
    ),
    (
        "net.problem_not_dialable",
        [
            "This address cannot be reached: write it as /ip4/ADDRESS/tcp/PORT, remove this peer and add it again.",
            "Cette adresse ne peut pas être jointe : écrivez-la sous la forme /ip4/ADRESSE/tcp/PORT, retirez ce pair et ajoutez-le à nouveau.",
            "No se puede llegar a esta dirección: escríbala como /ip4/DIRECCIÓN/tcp/PUERTO, quite este par y añádalo de nuevo.",
            "لا يمكن الوصول إلى هذا العنوان: اكتبه بالشكل \u{200e}/ip4/العنوان/tcp/المنفذ\u{200e} ثم أزِل هذا النظير وأضِفه من جديد.",
        ],
    ),
    (
        "net.problem_not_relay",
        [
            "That node does not relay: ask its operator to run it with --relay-server.",
            "Ce nœud ne relaie pas : demandez à son opérateur de le lancer avec --relay-server.",
            "Ese nodo no retransmite: pida a su operador que lo ejecute con --relay-server.",
            "تلك العقدة لا تعمل مُرحِّلًا: اطلب من مشغّلها تشغيلها مع \u{200e}--relay-server\u{200e}.",
        ],
    ),
    (
        "net.problem_offline",
        [
            "This machine is not connected to any network: check its cable or Wi-Fi.",
            "Cette machine n'est connectée à aucun réseau : vérifiez son câble ou son Wi-Fi.",
            "Este equipo no está conectado a ninguna red: compruebe el cable o el wifi.",
            "هذا الجهاز غير متصل بأي شبكة: تحقّق من الكابل أو شبكة Wi-Fi.",
        ],
    ),
    (
        "net.problem_other_network",
        [
            "This node is on another network: nothing is exchanged with it. Check that both use the same genesis.json.",
            "Ce nœud est sur un autre réseau : rien n'est échangé avec lui. Vérifiez que les deux utilisent le même genesis.json.",
            "Este nodo está en otra red: no se intercambia nada con él. Compruebe que ambos usan el mismo genesis.json.",
            "هذه العقدة على شبكة أخرى: لا يُتبادل معها شيء. تحقّق من أن كليهما يستخدم ملف genesis.json نفسه.",
        ],
    ),
    (
        "net.problem_refused",
        [
            "Nothing answers at {addr}. Is the node there running, and on that port? Check the address with its operator.",
            "Rien ne répond à {addr}. Le nœud y tourne-t-il, et sur ce port ? Vérifiez l'adresse avec son opérateur.",
            "Nada responde en {addr}. ¿Está funcionando el nodo allí, y en ese puerto? Compruebe la dirección con su operador.",
            "لا شيء يجيب على {addr}. هل العقدة هناك تعمل، وعلى هذا المنفذ؟ تحقّق من العنوان مع مشغّلها.",
        ],
    ),
    (
        "net.problem_relay_failed",
        [
            "The relay could not reach that hub. It is tried again by itself.",
            "Le relais n'a pas pu joindre ce hub. Une nouvelle tentative se fait d'elle-même.",
            "El relé no pudo llegar a ese hub. Se vuelve a intentar solo.",
            "تعذّر على المُرحِّل الوصول إلى ذلك المركز. ستُعاد المحاولة تلقائيًا.",
        ],
    ),
    (
        "net.problem_relay_no_slot",
        [
            "The relay holds no place for that hub: is the hub running, with this relay in its --relay?",
            "Le relais ne réserve aucune place pour ce hub : le hub tourne-t-il, avec ce relais dans son --relay ?",
            "El relé no reserva lugar para ese hub: ¿está funcionando el hub, con este relé en su --relay?",
            "لا يحجز المُرحِّل مكانًا لذلك المركز: هل المركز يعمل، وهذا المُرحِّل في خيار \u{200e}--relay\u{200e} لديه؟",
        ],
    ),
    (
        "net.problem_relay_refused",
        [
            "The relay refused: it relays only for its own network, and only so many at a time.",
            "Le relais a refusé : il ne relaie que pour son propre réseau, et pour un nombre limité à la fois.",
            "El relé se negó: solo retransmite para su propia red, y a unos pocos a la vez.",
            "رفض المُرحِّل: لا يُرحِّل إلا لشبكته، ولعدد محدود في كل مرة.",
        ],
    ),
    (
        "net.problem_silent",
        [
            "The link went silent. The node reconnects by itself when it answers again.",
            "La liaison est devenue muette. Le nœud se reconnecte de lui-même dès qu'elle répond à nouveau.",
            "El enlace dejó de responder. El nodo se reconecta solo cuando vuelva a responder.",
            "انقطع الرد على الاتصال. ستعيد العقدة الاتصال تلقائيًا عندما يعود الرد.",
        ],
    ),
    (
        "net.problem_timed_out",
        [
            "No answer from {addr} in time: the link may be down or very slow. It is tried again by itself.",
            "Pas de réponse de {addr} à temps : la liaison est peut-être coupée ou très lente. Une nouvelle tentative se fait d'elle-même.",
            "Sin respuesta de {addr} a tiempo: el enlace puede estar caído o ser muy lento. Se vuelve a intentar solo.",
            "لم يصل رد من {addr} في الوقت المحدد: قد يكون الاتصال مقطوعًا أو بطيئًا جدًا. ستُعاد المحاولة تلقائيًا.",
        ],
    ),
    (
        "net.problem_unreachable",
        [
            "No route to {addr}: the link is down or the address is wrong. Check the cable or Wi-Fi, and the address.",
            "Aucune route vers {addr} : la liaison est coupée ou l'adresse est fausse. Vérifiez le câble ou le Wi-Fi, et l'adresse.",
            "No hay ruta hacia {addr}: el enlace está caído o la dirección es errónea. Compruebe el cable o el wifi, y la dirección.",
            "لا يوجد مسار إلى {addr}: الاتصال مقطوع أو العنوان خاطئ. تحقّق من الكابل أو شبكة Wi-Fi، ومن العنوان.",
        ],
    ),
    (
        "net.problem_wrong_peer",
        [
            "Another node answered at {addr}: the hub may have a new key. Remove this peer and add it again with the address its operator gives.",
            "Un autre nœud a répondu à {addr} : le hub a peut-être une nouvelle clé. Retirez ce pair et ajoutez-le à nouveau avec l'adresse que donne son opérateur.",
            "Otro nodo respondió en {addr}: puede que el hub tenga una clave nueva. Quite este par y añádalo de nuevo con la dirección que dé su operador.",
            "أجابت عقدة أخرى على {addr}: ربما للمركز مفتاح جديد. أزِل هذا النظير وأضِفه من جديد بالعنوان الذي يعطيه مشغّله.",
        ],
    ),
    ("net.reach_direct", ["direct connection", "connexion directe", "conexión directa", "اتصال مباشر"]),
    (
        "net.reach_hole_punched",
        [
            "direct connection, opened through NAT (hole punching)",
            "connexion directe, ouverte à travers le NAT (perçage)",
            "conexión directa, abierta a través de NAT (perforación)",
            "اتصال مباشر، فُتح عبر NAT (ثقب NAT)",
        ],
    ),
    (
        "net.reach_relayed",
        ["through relay {relay}", "par le relais {relay}", "a través del relé {relay}", "عبر المُرحِّل {relay}"],
    ),
    (
        "net.receiving",
        [
            "receiving {rate} KB/s; about {eta} s left",
            "réception à {rate} Ko/s ; environ {eta} s restantes",
            "recibiendo a {rate} KB/s; quedan unos {eta} s",
            "الاستلام بمعدل {rate} كيلوبايت/ث؛ يتبقى نحو {eta} ث",
        ],
    ),
    (
        "net.reconnecting",
        [
            "reconnecting; next try at {time}",
            "reconnexion ; prochain essai à {time}",
            "reconectando; próximo intento a las {time}",
            "إعادة الاتصال؛ المحاولة التالية عند {time}",
        ],
    ),
    (
        "net.relay_reserved",
        [
            "holds a slot: peers add this node as",
            "réserve une place : les pairs ajoutent ce nœud comme",
            "reserva un hueco: los pares añaden este nodo como",
            "يحجز مكانًا: يضيف النظراء هذه العقدة بالعنوان",
        ],
    ),
    (
        "net.relay_server",
        [
            "This node relays for hubs of its network behind NAT.",
            "Ce nœud relaie pour les pôles de son réseau derrière un NAT.",
            "Este nodo hace de relé para los nodos de su red detrás de NAT.",
            "تقوم هذه العقدة بالترحيل لمراكز شبكتها الواقعة خلف NAT.",
        ],
    ),
    (
        "net.relay_waiting",
        [
            "no slot yet (connecting, or the relay refused)",
            "pas encore de place (connexion en cours, ou refus du relais)",
            "aún sin hueco (conectando, o el relé lo rechazó)",
            "لا مكان بعد (جارٍ الاتصال، أو رفض المُرحِّل)",
        ],
    ),
    ("net.relays", ["Relays", "Relais", "Relés", "المُرحِّلات"]),
    ("net.removed", ["Peer removed.", "Pair retiré.", "Par quitado.", "أُزيل النظير."]),
    (
        "net.rtt",
        ["round trip {ms} ms", "aller-retour {ms} ms", "ida y vuelta {ms} ms", "زمن الذهاب والإياب {ms} مللي ثانية"],
    ),
    (
        "net.secretariat",
        [
            "This is the secretariat's node.",
            "Ceci est le nœud du secrétariat.",
            "Este es el nodo de la secretaría.",
            "هذه عقدة الأمانة.",
        ],
    ),
    ("net.stored", ["Stored here", "Stocké ici", "Guardado aquí", "مخزّن هنا"]),
    (
        "net.text_only",
        [
            "Text and previews only (a metered link): original photos and files are neither fetched nor sent.",
            "Texte et aperçus seulement (liaison facturée au volume) : les photos et fichiers originaux ne sont ni récupérés ni envoyés.",
            "Solo texto y vistas previas (enlace de pago por uso): las fotos y archivos originales no se descargan ni se envían.",
            "النص والمعاينات فقط (اتصال محسوب بالحجم): لا تُجلب الصور والملفات الأصلية ولا تُرسل.",
        ],
    ),
    (
        "net.waiting",
        [
            "{n} waiting to arrive here",
            "{n} en attente d'arriver ici",
            "{n} por llegar aquí",
            "{n} بانتظار الوصول إلى هنا",
        ],
    ),
    (
        "page.browse",
        ["What the network holds", "Ce que contient le réseau", "Lo que contiene la red", "ما تحمله الشبكة"],
    ),
    ("page.drafts", ["Drafts", "Brouillons", "Borradores", "المسودات"]),
    ("page.edit", ["Edit", "Modifier", "Editar", "تعديل"]),
    ("page.identities", ["Identities", "Identités", "Identidades", "الهويات"]),
    ("page.login", ["Sign in", "Connexion", "Iniciar sesión", "تسجيل الدخول"]),
    ("page.network", ["Network", "Réseau", "Red", "الشبكة"]),
    (
        "page.new",
        ["What would you like to write?", "Que voulez-vous écrire ?", "¿Qué desea escribir?", "ماذا تريد أن تكتب؟"],
    ),
    (
        "page.withdraw",
        ["Withdraw this submission?", "Retirer cette soumission ?", "¿Retirar este envío?", "سحب هذه المساهمة؟"],
    ),
    ("sub.changes", ["Edit history", "Historique des modifications", "Historial de cambios", "سجل التعديلات"]),
    (
        "sub.contact_sealed",
        [
            "Sealed: only the secretariat can read it.",
            "Scellé : seul le secrétariat peut le lire.",
            "Sellado: solo la secretaría puede leerlo.",
            "مختوم: لا تقرؤه إلا الأمانة.",
        ],
    ),
    ("sub.created", ["Created", "Créé", "Creado", "أُنشئ"]),
    (
        "sub.earlier",
        [
            "Earlier entries not listed: {n}",
            "Entrées antérieures non listées : {n}",
            "Entradas anteriores no listadas: {n}",
            "إدخالات سابقة غير معروضة: {n}",
        ],
    ),
    ("sub.entry.change", ["changed", "modifié", "modificado", "عُدّل"]),
    ("sub.entry.create", ["created", "créé", "creado", "أُنشئ"]),
    ("sub.entry.grant", ["co-author added", "co-auteur ajouté", "coautor añadido", "أضيف مؤلف مشارك"]),
    ("sub.entry.withdraw", ["withdrawn", "retiré", "retirado", "سُحب"]),
    ("sub.held_by", ["Which hubs have it", "Quels hubs l'ont", "Qué hubs lo tienen", "المراكز التي لديها"]),
    (
        "sub.held_by_hint",
        [
            "As of the last sync with each peer.",
            "D'après la dernière synchronisation avec chaque pair.",
            "Según la última sincronización con cada par.",
            "بحسب آخر مزامنة مع كل نظير.",
        ],
    ),
    (
        "sub.held_here",
        ["Stored on this node.", "Stockée sur ce nœud.", "Guardado en este nodo.", "مخزنة على هذه العقدة."],
    ),
    (
        "sub.held_here_secretariat",
        [
            "This is the secretariat's node: it has it.",
            "Ceci est le nœud du secrétariat : il l'a.",
            "Este es el nodo de la secretaría: lo tiene.",
            "هذه عقدة الأمانة: وهي لديها.",
        ],
    ),
    ("sub.held_no", ["does not have it yet", "ne l'a pas encore", "aún no lo tiene", "ليست لديه بعد"]),
    (
        "sub.held_none",
        [
            "No peer has synced with this node yet.",
            "Aucun pair ne s'est encore synchronisé avec ce nœud.",
            "Ningún par se ha sincronizado aún con este nodo.",
            "لم يتزامن أي نظير مع هذه العقدة بعد.",
        ],
    ),
    (
        "sub.held_secretariat_no",
        [
            "The secretariat's node does not have it yet.",
            "Le nœud du secrétariat ne l'a pas encore.",
            "El nodo de la secretaría aún no lo tiene.",
            "ليست لدى عقدة الأمانة بعد.",
        ],
    ),
    (
        "sub.held_secretariat_unknown",
        [
            "Not known yet whether the secretariat's node has it: it has not synced with this node.",
            "On ne sait pas encore si le nœud du secrétariat l'a : il ne s'est pas synchronisé avec ce nœud.",
            "Aún no se sabe si el nodo de la secretaría lo tiene: no se ha sincronizado con este nodo.",
            "لا يُعرف بعد إن كانت لدى عقدة الأمانة: لم تتزامن مع هذه العقدة.",
        ],
    ),
    (
        "sub.held_secretariat_yes",
        [
            "The secretariat's node has it.",
            "Le nœud du secrétariat l'a.",
            "El nodo de la secretaría lo tiene.",
            "هي لدى عقدة الأمانة.",
        ],
    ),
    ("sub.held_yes", ["has it", "l'a", "lo tiene", "لديه"]),
    (
        "sub.saved",
        [
            "Signed and stored on this node. It will travel to the secretariat whenever a link is up.",
            "Signé et stocké sur ce nœud. Il partira vers le secrétariat dès qu'un lien sera disponible.",
            "Firmado y guardado en este nodo. Viajará a la secretaría en cuanto haya un enlace.",
            "تم التوقيع والتخزين على هذه العقدة. ستنتقل إلى الأمانة متى توفر اتصال.",
        ],
    ),
    (
        "sub.unverified",
        ["Signatures NOT verified", "Signatures NON vérifiées", "Firmas NO verificadas", "التوقيعات غير متحقق منها"],
    ),
    ("sub.verified", ["Signatures verified", "Signatures vérifiées", "Firmas verificadas", "تم التحقق من التوقيعات"]),
    ("sub.where", ["Where it is", "Où elle se trouve", "Dónde está", "أين توجد"]),
    (
        "sub.withdrawn",
        [
            "Withdrawn. Every node that follows the network's rules purges it.",
            "Retirée. Chaque nœud qui suit les règles du réseau l'efface.",
            "Retirado. Cada nodo que sigue las reglas de la red lo borra.",
            "سُحبت. كل عقدة تتبع قواعد الشبكة تحذفها.",
        ],
    ),
    ("sync.entries_waiting", ["entries waiting", "entrées en attente", "entradas en espera", "مدخلات بانتظار الجلب"]),
    ("sync.last", ["last sync", "dernière synchro", "última sincronización", "آخر مزامنة"]),
    ("sync.never", ["never", "jamais", "nunca", "أبدًا"]),
    ("sync.offline", ["sync off", "synchro arrêtée", "sincronización apagada", "المزامنة متوقفة"]),
    (
        "sync.paused_disk_full",
        [
            "disk full: fetching paused",
            "disque plein : réception en pause",
            "disco lleno: recepción en pausa",
            "القرص ممتلئ: الجلب متوقف مؤقتًا",
        ],
    ),
    ("sync.peers_online", ["peers online", "pairs en ligne", "pares en línea", "نظراء متصلون"]),
    (
        "withdraw.explain",
        [
            "Withdrawing signs a message that tells every node to delete this submission's content. It will be purged from this node and from every node that receives the message, and it cannot be undone.",
            "Retirer signe un message demandant à chaque nœud d'effacer le contenu de cette soumission. Elle sera purgée de ce nœud et de tous ceux qui recevront le message, et c'est irréversible.",
            "Retirar firma un mensaje que pide a cada nodo borrar el contenido de este envío. Se purgará de este nodo y de todos los que reciban el mensaje, y no se puede deshacer.",
            "السحب يوقّع رسالة تطلب من كل عقدة حذف محتوى هذه المساهمة. ستُحذف من هذه العقدة ومن كل عقدة تتلقى الرسالة، ولا يمكن التراجع عن ذلك.",
        ],
    ),
    (
        "withdraw.reason",
        [
            "Reason (optional, public)",
            "Raison (facultative, publique)",
            "Motivo (opcional, público)",
            "السبب (اختياري، علني)",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sorted_unique_and_translated() {
        for pair in STRINGS.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} must come before {}", pair[1].0, pair[0].0);
        }
        for (key, texts) in STRINGS {
            assert!(texts.iter().all(|text| !text.trim().is_empty()), "{key} has an empty translation");
        }
    }

    #[test]
    fn accept_language_by_quality() {
        assert_eq!(best_accepted("de, fr;q=0.5, ar;q=0.8"), Some(Lang::Ar));
        assert_eq!(best_accepted("es-419"), Some(Lang::Es));
        assert_eq!(best_accepted("de"), None);
        assert_eq!(best_accepted("fr;q=0"), None);
    }
}
