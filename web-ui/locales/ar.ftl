action-add_peer = إضافة نظير
action-create = إنشاء
action-discard = تجاهل
action-edit = تعديل
action-filter = بحث
action-login = تسجيل الدخول
action-logout = تسجيل الخروج
action-remove_peer = إزالة النظير
action-resume = متابعة
action-reveal = إظهار جهة الاتصال
action-save_draft = حفظ المسودة
action-save_edit = توقيع التعديل وحفظه
action-submit = توقيع وإرسال
action-use = التوقيع بهذه الهوية
action-withdraw = سحب
action-withdraw_confirm = نعم، اسحبها من كل مكان
attachment-not_here = لم يصل الأصل بعد: تنتقل المعاينات أولًا.
attachment-original = تنزيل الأصل
attachment-pdf_note = { $name }: قد يحمل ملف PDF اسم كاتبه وبيانات وصفية أخرى؛ لم يُزل منه شيء.
attachment-preview_of = معاينة { $name }
attachment-removed = أُزيلت بيانات الموقع والكاميرا ({ $what }) من { $name }.
browse-all = الكل
browse-empty = لا توجد نتائج. جرّب عوامل تصفية أقل.
browse-filters = عوامل التصفية
browse-from = من تاريخ
browse-last_page = الانتقال إلى الصفحة الأخيرة
browse-next = الصفحة التالية
browse-page = الصفحة { $page } من { $pages }
browse-pages = الصفحات
browse-past_end =
    { $pages ->
        [two] هذه الصفحة بعد نهاية النتائج: تملأ النتائج صفحتين.
        [few] هذه الصفحة بعد نهاية النتائج: تملأ النتائج { $pages } صفحات.
       *[other] هذه الصفحة بعد نهاية النتائج: تملأ النتائج { $pages } صفحة.
    }
browse-prev = الصفحة السابقة
browse-results =
    { $n ->
        [zero] لا توجد مساهمات مطابقة
        [one] مساهمة واحدة مطابقة
        [two] مساهمتان مطابقتان
        [few] { $n } مساهمات مطابقة
        [many] { $n } مساهمة مطابقة
       *[other] { $n } مساهمة مطابقة
    }
browse-text = كلمات للبحث (في العناوين والملخصات والرؤى والدروس)
browse-to = إلى تاريخ
common-author = المؤلف
common-colon = :{" "}
common-date = التاريخ
common-kind = النوع
common-language = اللغة
common-list_separator = ،{" "}
common-no = لا
common-none = لا شيء
common-title = العنوان
common-yes = نعم
common-you = أنت ({ $name })
drafts-empty = لا توجد مسودات.
drafts-intro = تُحفظ المسودات على هذه العقدة أثناء الكتابة، فلا يضيع شيء عند انقطاع الكهرباء أو إغلاق الصفحة.
drafts-saved = تم حفظ المسودة.
drafts-untitled = (بلا عنوان)
drafts-updated = آخر حفظ
edit-back = العودة إلى المساهمة دون حفظ
edit-title = تعديل «{ $title }»
error-ambiguous = عدة مساهمات تبدأ بهذا المعرّف؛ اكتب جزءًا أطول منه.
error-bad_form = تعذّرت قراءة النموذج: أرسله مرة أخرى.
error-bad_identity_name = لا يصلح «{ $name }» اسمًا لهوية: اكتب اسمًا من 1 إلى 64 حرفًا في سطر واحد.
error-csrf = انتهت صلاحية هذا النموذج. ارجع وأعد تحميل الصفحة ثم أرسله مجددًا.
error-disk_full = القرص ممتلئ: { $free } ميغابايت متاحة، والمطلوب نحو { $needed } ميغابايت. لم يُحفظ شيء من هذا النموذج، ولم يُفقد شيء مما حُفظ من قبل. اطلب ممن يدير هذه العقدة إفراغ مساحة على قرصها، ثم أرسل النموذج مجددًا.
error-draft_too_large = المسودة أكبر من 512 كيلوبايت: اختصرها، أو أرسل ما فيها.
error-identity_exists = توجد هوية باسم «{ $name }» بالفعل؛ اختر اسمًا آخر.
error-internal = حدث خطأ في هذه العقدة؛ سجلها يوضح السبب.
error-kind_changed = لا يمكن للتعديل أن يغيّر نوع هذه المساهمة.
error-not_author = لا يمكن تعديل هذه المساهمة إلا لمؤلفها.
error-not_found = غير موجود.
error-not_secretariat = لا تُفتح بيانات الاتصال إلا على عقدة الأمانة.
error-summary = يرجى تصحيح هذه الحقول:
error-title = هناك مشكلة
error-too_many_drafts = حُفظت 500 مسودة بالفعل: احذف بعضها أولًا من صفحة المسودات.
error-unsealable = لا يستطيع مفتاح الأمانة في هذه العقدة فتح بيانات الاتصال هذه.
error-withdrawn = سحب المؤلف هذه المساهمة؛ وحُذف محتواها.
field-attachments = الصور والمستندات
field-challenges = التحديات
field-consent_to_publish = الموافقة على النشر
field-consent_to_publish-no = لا، للاستخدام الداخلي للأمانة فقط.
field-consent_to_publish-yes = نعم: يجوز للأمانة مراجعتها وعرضها علنًا دون ذكر اسمي أو اسم مؤسستي أو أي متحدث.
field-contact = جهة الاتصال
field-contact_email = البريد الإلكتروني
field-contact_name = الاسم
field-context = السياق
field-convened_on = تاريخ اللقاء
field-country = البلد (اكتب اسمه، مثل كينيا)
field-date = التاريخ المقرر
field-description = الوصف
field-dpi_types = أنواع البنية التحتية الرقمية العامة
field-format = الشكل
field-host_organizations = الجهات المستضيفة (واحدة في كل سطر)
field-identity = التوقيع باسم
field-implementer = الجهة المنفذة
field-insights = الأفكار والتوصيات الرئيسية (واحدة في كل سطر)
field-language = لغة النص (اكتب اسمها، مثل العربية)
field-lessons = الدروس المستفادة (واحدة في كل سطر)
field-lifecycle_stages = مراحل دورة الحياة
field-locality = المدينة أو المكان (يمكن تركه فارغًا عبر الإنترنت)
field-location = المكان
field-participants = المشاركون
field-participants_count = عدد المشاركين
field-participation = من يمكنه المشاركة
field-participation-curated_list = بالدعوة (قائمة مختارة)
field-participation-open_call = مفتوح للجميع (دعوة عامة)
field-principles = المبادئ
field-purposes = أغراض اللقاء
field-quotes = اقتباسات (حتى ثلاثة، دون ذكر قائلها)
field-quotes-item = اقتباس
field-responsible_authority = الجهة المسؤولة
field-risks = المخاطر
field-stakeholder_groups = فئات أصحاب المصلحة الحاضرة
field-successes = النجاحات
field-summary = ملخص النقاش
field-title = العنوان
field-topics = المواضيع (واحد في كل سطر)
form-attachment_add = أضف صورًا (JPEG أو PNG أو WebP) أو مستندات PDF
form-attachment_hint =
    { $files ->
        [one] ملف واحد لا يزيد على { $file_mb } ميغابايت
        [two] حتى ملفين، لا يزيد كل منهما على { $file_mb } ميغابايت
        [few] حتى { $files } ملفات، لا يزيد كل منها على { $file_mb } ميغابايت
        [many] حتى { $files } ملفًا، لا يزيد كل منها على { $file_mb } ميغابايت
       *[other] حتى { $files } ملف، لا يزيد كل منها على { $file_mb } ميغابايت
    }، و{ $total_mb } ميغابايت للمجموع. تُزال بيانات الموقع والكاميرا من الصور قبل حفظها؛ ويُحفظ ملف PDF كما هو وقد يحمل اسم كاتبه.
form-attachment_remove = إزالة
form-choose_identity = اختر إحدى هويات هذه العقدة للتوقيع بها.
form-edit_sealed_note = جهة الاتصال المسجلة مختومة ولا يمكن عرضها هنا. اترك هذين الحقلين فارغين للإبقاء عليها، أو املأهما معًا لاستبدالها.
form-item = العنصر
form-lines_hint = عنصر واحد في كل سطر.
form-no_identity = أنشئ هوية أولًا: فهي توقّع ما ترسله.
form-optional = اختياري
form-required = مطلوب
form-required_unless_online = مطلوب ما لم يكن اللقاء عبر الإنترنت
form-sealed_note = بيانات شخصية: تُختم على هذا الحاسوب فلا تقرؤها إلا الأمانة، ولا يستطيع أي مركز وسيط قراءتها.
form-whole = المساهمة بأكملها
home-welcome = يحفظ Convene تقارير ودراسات حالة لشبكة من المنظِّمين، موقّعة من كتّابها ومتبادلة بين المراكز، حتى دون إنترنت لأيام. اقرأ أدناه ما تعلّمه الآخرون، أو اكتب تقريرك.
home-write = اكتب تقريرًا أو دراسة حالة
ident-did = الهوية العامة (did:key)
ident-empty = لا توجد هوية بعد.
ident-intro = الهوية توقّع ما ترسله ليتحقق الجميع أنه منك. يبقى سرها على هذه العقدة ولا يُعرض أبدًا.
ident-name = اسمك كما سيراه الآخرون (مثل أمينة أوكافور)
ident-new = هوية جديدة
ident-signing = توقّع افتراضيًا
kind-case_study = دراسة حالة
kind-convening_announcement = إعلان عن لقاء
kind-convening_report = تقرير لقاء
login-intro = يمكن الوصول إلى هذه العقدة من حواسيب أخرى. أدخل رمز المشغّل الذي طبعه `convene node run` للكتابة أو رؤية البيانات الشخصية.
login-token = رمز المشغّل
login-wrong = هذا الرمز غير صحيح.
nav-browse = تصفح
nav-drafts = المسودات
nav-identities = الهويات
nav-language = اللغة
nav-network = الشبكة
nav-new = كتابة
nav-skip = انتقل إلى المحتوى
net-add_hint = عنوان multiaddr، مثل ‎/ip4/192.0.2.7/tcp/4701
net-added = أضيف النظير؛ ستتصل به العقدة.
net-addrs = العناوين
net-awaiting_receipt = { $n } بانتظار إقرار الاستلام
net-bad_addr = هذا ليس عنوان نظير. يبدو العنوان هكذا: /ip4/192.0.2.7/tcp/4701.
net-bundle = نقل المدخلات على ذاكرة USB
net-bundle_bad_date = هذا ليس تاريخًا. اختر تاريخًا، أو اتركه فارغًا للحصول على كل شيء.
net-bundle_blobs = مع الصور والملفات (المرفقة بالمساهمات التي تحملها)
net-bundle_damaged = هذه الحزمة تالفة. حُفظ ما تم التحقق منه قبل التلف؛ ويحتاج الباقي إلى نسخة أخرى.
net-bundle_download = تنزيل حزمة
net-bundle_file = ملف الحزمة (أو جزء منه)
net-bundle_files = الصور والملفات: اكتمل { $completed }؛ الأجزاء: حُفظ { $stored }، ورُفض { $refused } (لم تطابق بصمة الملف).
net-bundle_foreign = مرفوض: هذه الحزمة لشبكة أخرى:
net-bundle_held = موجودة هنا مسبقًا
net-bundle_hint = لا يوجد اتصال؟ الحزمة ملف يضم المدخلات الموقّعة لهذه العقدة والصور والملفات المرفقة بها. نزّلها، وانقلها على ذاكرة USB، واستوردها في العقدة الأخرى: يُتحقق هناك من كل مدخل ومن كل جزء من كل ملف كما تتحقق منهما المزامنة. من سطر الأوامر، شغّل أولًا convene bundle want FILE في العقدة المستقبِلة، فلا تكتب العقدة المصدِّرة إلا ما ينقصها.
net-bundle_imported = استُوردت الحزمة:
net-bundle_new = جديدة
net-bundle_newer = كُتبت هذه الحزمة بإصدار أحدث من Convene؛ حدّث هذه العقدة لقراءتها.
net-bundle_refused = مرفوضة
net-bundle_since = المدخلات منذ هذا التاريخ فقط (اتركه فارغًا للكل)
net-bundle_too_large = هذا الملف أكبر من 1 غيبيبايت. استورده من سطر الأوامر: convene bundle import FILE.
net-bundle_unreadable = هذا الملف ليس حزمة Convene، أو تتعذر قراءته.
net-bundle_upload = استيراد حزمة
net-bundle_waiting = بانتظار ما تُبنى عليه
net-bytes = البايتات الواردة / الصادرة
net-connected = متصل
net-did_you_mean = هل تقصد { $addr }؟
net-disconnected = غير متصل
net-entries = المدخلات المستلمة / المرسلة
net-entries_signed =
    { $n ->
        [zero] لا مدخلات موقّعة
        [one] مُدخل واحد موقّع
        [two] مُدخلان موقّعان
        [few] { $n } مدخلات موقّعة
        [many] { $n } مُدخلًا موقّعًا
       *[other] { $n } مُدخل موقّع
    }
net-errors = الأخطاء
net-file_bytes = الملفات: { $in } / { $out } كيلوبايت
net-files = الصور والملفات
net-files_here = كلها هنا
net-files_waiting = { $n } بانتظار الوصول ({ $mb } ميغابايت)
net-hub_name = اسم المركز
net-hub_name_none = غير محدد: يرى النظراء المعرّف المختصر لهذه العقدة. حدّده بالأمر
net-is_secretariat = عقدة الأمانة
net-listen = يستمع على
net-nat = قابلية الوصول من الخارج
net-nat_private = لا: خلف NAT؛ يصل النظراء إلى هذه العقدة عبر مُرحِّلها
net-nat_private_no_relay = لا: خلف NAT دون مُرحِّل مُعَدّ: لا يستطيع النظراء الاتصال بهذه العقدة، بل هي وحدها تتصل بهم
net-nat_public = نعم: يستطيع النظراء الاتصال بهذه العقدة مباشرة
net-nat_unknown = غير معروف بعد (يُطلب من النظراء معاودة الاتصال بهذه العقدة)
net-network = الشبكة
net-no_peers = لا يوجد نظراء بعد. أضف نظيرًا أدناه، أو انقل حزمة على ذاكرة USB.
net-no_sync = هذه العقدة لا تشغّل المزامنة.
net-node_id = معرّف هذه العقدة
net-peer = النظير
net-peer_id = معرّف النظير
net-peers = النظراء
net-problem_banned = محظور هنا لمدة 10 دقائق: أرسل بيانات غير صالحة. إذا تكرر ذلك، أبلغ مشغّله.
net-problem_closed = أغلق { $addr } الاتصال فورًا: قد لا تكون عقدة Convene. تحقّق من العنوان والمنفذ.
net-problem_invalid_data = أرسل بيانات غير صالحة فأُهملت. إذا تكرر ذلك، أبلغ مشغّله.
net-problem_itself = { $addr } هو هذه العقدة نفسها: أزِل هذا النظير.
net-problem_link = فشل الاتصال. ستُعاد المحاولة تلقائيًا؛ وفي سجل العقدة مزيد من التفاصيل.
net-problem_not_dialable = لا يمكن الوصول إلى هذا العنوان: اكتبه بالشكل ‎/ip4/العنوان/tcp/المنفذ‎ ثم أزِل هذا النظير وأضِفه من جديد.
net-problem_not_relay = تلك العقدة لا تعمل مُرحِّلًا: اطلب من مشغّلها تشغيلها مع ‎--relay-server‎.
net-problem_offline = هذا الجهاز غير متصل بأي شبكة: تحقّق من الكابل أو شبكة Wi-Fi.
net-problem_other_network = هذه العقدة على شبكة أخرى: لا يُتبادل معها شيء. تحقّق من أن كليهما يستخدم ملف genesis.json نفسه.
net-problem_refused = لا شيء يجيب على { $addr }. هل العقدة هناك تعمل، وعلى هذا المنفذ؟ تحقّق من العنوان مع مشغّلها.
net-problem_relay_failed = تعذّر على المُرحِّل الوصول إلى ذلك المركز. ستُعاد المحاولة تلقائيًا.
net-problem_relay_no_slot = لا يحجز المُرحِّل مكانًا لذلك المركز: هل المركز يعمل، وهذا المُرحِّل في خيار ‎--relay‎ لديه؟
net-problem_relay_refused = رفض المُرحِّل: لا يُرحِّل إلا لشبكته، ولعدد محدود في كل مرة.
net-problem_silent = انقطع الرد على الاتصال. ستعيد العقدة الاتصال تلقائيًا عندما يعود الرد.
net-problem_timed_out = لم يصل رد من { $addr } في الوقت المحدد: قد يكون الاتصال مقطوعًا أو بطيئًا جدًا. ستُعاد المحاولة تلقائيًا.
net-problem_unreachable = لا يوجد مسار إلى { $addr }: الاتصال مقطوع أو العنوان خاطئ. تحقّق من الكابل أو شبكة Wi-Fi، ومن العنوان.
net-problem_wrong_peer = أجابت عقدة أخرى على { $addr }: ربما للمركز مفتاح جديد. أزِل هذا النظير وأضِفه من جديد بالعنوان الذي يعطيه مشغّله.
net-reach_direct = اتصال مباشر
net-reach_hole_punched = اتصال مباشر، فُتح عبر NAT (ثقب NAT)
net-reach_relayed = عبر المُرحِّل { $relay }
net-receiving = الاستلام بمعدل { $rate } كيلوبايت/ث؛ يتبقى نحو { $eta } ث
net-reconnecting = إعادة الاتصال؛ المحاولة التالية عند { $time }
net-relay_reserved = يحجز مكانًا: يضيف النظراء هذه العقدة بالعنوان
net-relay_server = تقوم هذه العقدة بالترحيل لمراكز شبكتها الواقعة خلف NAT.
net-relay_waiting = لا مكان بعد (جارٍ الاتصال، أو رفض المُرحِّل)
net-relays = المُرحِّلات
net-removed = أُزيل النظير.
net-rtt = زمن الذهاب والإياب { $ms } مللي ثانية
net-secretariat = هذه عقدة الأمانة.
net-stored = مخزّن هنا
net-text_only = النص والمعاينات فقط (اتصال محسوب بالحجم): لا تُجلب الصور والملفات الأصلية ولا تُرسل.
net-waiting = { $n } بانتظار الوصول إلى هنا
page-browse = ما تحمله الشبكة
page-drafts = المسودات
page-edit = تعديل
page-identities = الهويات
page-login = تسجيل الدخول
page-network = الشبكة
page-new = ماذا تريد أن تكتب؟
page-withdraw = سحب هذه المساهمة؟
sub-changes = سجل التعديلات
sub-contact_sealed = مختوم: لا تقرؤه إلا الأمانة.
sub-created = أُنشئ
sub-earlier = إدخالات سابقة غير معروضة: { $n }
sub-entry-change = عُدّل
sub-entry-create = أُنشئ
sub-entry-grant = أضيف مؤلف مشارك
sub-entry-withdraw = سُحب
sub-held_by = المراكز التي لديها
sub-held_by_hint = بحسب آخر مزامنة مع كل نظير.
sub-held_here = مخزنة على هذه العقدة.
sub-held_here_secretariat = هذه عقدة الأمانة: وهي لديها.
sub-held_no = ليست لديه بعد
sub-held_none = لم يتزامن أي نظير مع هذه العقدة بعد.
sub-held_secretariat_no = ليست لدى عقدة الأمانة بعد.
sub-held_secretariat_unknown = لا يُعرف بعد إن كانت لدى عقدة الأمانة: لم تتزامن مع هذه العقدة.
sub-held_secretariat_yes = هي لدى عقدة الأمانة.
sub-held_yes = لديه
sub-saved = تم التوقيع والتخزين على هذه العقدة. ستنتقل إلى الأمانة متى توفر اتصال.
sub-unverified = التوقيعات غير متحقق منها
sub-verified = تم التحقق من التوقيعات
sub-where = أين توجد
sub-withdrawn = سُحبت. كل عقدة تتبع قواعد الشبكة تحذفها.
sync-entries_waiting =
    { $n ->
        [zero] لا مدخلات بانتظار الجلب
        [one] مُدخل واحد بانتظار الجلب
        [two] مُدخلان بانتظار الجلب
        [few] { $n } مدخلات بانتظار الجلب
        [many] { $n } مُدخلًا بانتظار الجلب
       *[other] { $n } مُدخل بانتظار الجلب
    }
sync-last = آخر مزامنة
sync-never = أبدًا
sync-offline = المزامنة متوقفة
sync-paused_disk_full = القرص ممتلئ: الجلب متوقف مؤقتًا
sync-peers_online =
    { $n ->
        [zero] لا نظراء متصلون
        [one] نظير واحد متصل
        [two] نظيران متصلان
        [few] { $n } نظراء متصلون
        [many] { $n } نظيرًا متصلًا
       *[other] { $n } نظير متصل
    }
withdraw-explain = السحب يوقّع رسالة تطلب من كل عقدة حذف محتوى هذه المساهمة. ستُحذف من هذه العقدة ومن كل عقدة تتلقى الرسالة، ولا يمكن التراجع عن ذلك.
withdraw-reason = السبب (اختياري، علني)

# desk
nav-inbox = صندوق الوارد
page-inbox = صندوق وارد الأمانة
desk-title = الأمانة
desk-received = استلمته الأمانة
desk-not_received = ليس بعد: سيصل إلى الأمانة مع المزامنة التالية نحوها
desk-changes_waiting = { $n ->
    [zero] (لا تعديلات لاحقة بانتظار الاستلام)
    [one] (تعديل لاحق واحد لم يُستلم بعد)
    [two] (تعديلان لاحقان لم يُستلما بعد)
    [few] ({ $n } تعديلات لاحقة لم تُستلم بعد)
    [many] ({ $n } تعديلًا لاحقًا لم يُستلم بعد)
   *[other] ({ $n } تعديل لاحق لم يُستلم بعد)
}
desk-status = الحالة
desk-tags = الوسوم
desk-notes = ملاحظات (للأمانة فقط)
desk-note = إضافة ملاحظة
desk-note_hint = مختومة للأمانة: تنقلها المراكز دون أن تقرأها.
desk-save = حفظ
desk-unchanged = (دون تغيير)
desk-add_tag = إضافة وسم
desk-no_tags = لا وسوم بعد: أضفها بالأمر `convene tags add`.
desk-status-received = مستلَم
desk-status-in_review = قيد المراجعة
desk-status-incorporated = مُدمَج
desk-status-published = منشور
desk-status-declined = مرفوض
desk-reason = السبب
desk-why = بكلمات سيقرؤها صاحبها
desk-reason-spam = رسائل مزعجة
desk-reason-abuse = إساءة
desk-reason-unlawful = محتوى غير قانوني
desk-reason-other = سبب آخر
desk-hide = إخفاء على كل العُقد
desk-unhide = إظهار من جديد على كل العُقد
desk-hidden_title = أخفته الأمانة
desk-hidden = أخفت الأمانة هذه المساهمة ({ $reason }).
desk-hidden_you = أخفته الأمانة على كل العُقد ({ $reason }):
desk-show = عرض
desk-all = الكل
desk-new = جديدة (لم تُراجَع بعد)
desk-open = فتح
desk-pick = اختيار
desk-bulk = تغيير المساهمات المختارة
desk-apply = تطبيق
desk-inbox_empty = لا شيء هنا.
desk-inbox_count = { $n ->
    [zero] لا مساهمات
    [one] مساهمة واحدة، الأحدث أولًا
    [two] مساهمتان، الأحدث أولًا
    [few] { $n } مساهمات، الأحدث أولًا
    [many] { $n } مساهمة، الأحدث أولًا
   *[other] { $n } مساهمة، الأحدث أولًا
}
desk-done = { $n ->
    [zero] لم تتغير أي مساهمة.
    [one] تغيّرت مساهمة واحدة؛ يصل التغيير إلى كل عقدة.
    [two] تغيّرت مساهمتان؛ يصل التغيير إلى كل عقدة.
    [few] تغيّرت { $n } مساهمات؛ يصل التغيير إلى كل عقدة.
    [many] تغيّرت { $n } مساهمة؛ يصل التغيير إلى كل عقدة.
   *[other] تغيّرت { $n } مساهمة؛ يصل التغيير إلى كل عقدة.
}
# dashboard
nav-dashboard = لوحة المعلومات
page-dashboard = لوحة المعلومات
dashboard-intro = ما تحفظه هذه العقدة، بالأرقام. لا تعدّ عوامل التصفية إلا المساهمات المطابقة لها، كما في صفحة التصفح؛ ويلي كل رسم بياني جدول بأرقامه ورابط لتنزيلها بصيغة CSV.
dashboard-total =
    { $n ->
        [zero] لا توجد مساهمات مطابقة
        [one] مساهمة واحدة مطابقة
        [two] مساهمتان مطابقتان
        [few] { $count } مساهمات مطابقة
        [many] { $count } مساهمة مطابقة
       *[other] { $count } مساهمة مطابقة
    }
dashboard-contents = الرسوم البيانية
dashboard-chart = رسم بياني بالأعمدة: { $what }. يعرض الجدول التالي أرقامه.
dashboard-submissions = المساهمات
dashboard-csv = { $what }: الأرقام بصيغة CSV
dashboard-others = أخرى
dashboard-earlier = الأشهر السابقة
dashboard-kinds = أنواع المساهمات
dashboard-regions = المناطق
dashboard-subregions = المناطق الفرعية
dashboard-countries = البلدان
dashboard-languages = اللغات
dashboard-principles = المبادئ
dashboard-risks = المخاطر
dashboard-stages = مراحل دورة الحياة
dashboard-stakeholder_groups = فئات أصحاب المصلحة الحاضرة
dashboard-months = الأشهر
dashboard-column-kinds = النوع
dashboard-column-regions = المنطقة
dashboard-column-subregions = المنطقة الفرعية
dashboard-column-countries = البلد
dashboard-column-languages = اللغة
dashboard-column-principles = المبدأ
dashboard-column-risks = الخطر
dashboard-column-stages = المرحلة
dashboard-column-stakeholder_groups = فئة أصحاب المصلحة
dashboard-column-months = الشهر
dashboard-note-regions = مناطق الأمم المتحدة وفق تصنيف M49، بحسب بلد كل مساهمة.
dashboard-note-several = تُحسب المساهمة التي تحمل أكثر من واحد مرة تحت كل منها.
dashboard-note-months = بحسب شهر تاريخ اللقاء (في التقرير أو الإعلان)؛ لا تاريخ لدراسات الحالة.
dashboard-none-codes = لم يُذكر شيء
dashboard-none-region = بلا منطقة
dashboard-none-country = بلا بلد
dashboard-none-language = بلا لغة
dashboard-none-date = بلا تاريخ

# calendar
nav-calendar = التقويم
page-calendar = تقويم اللقاءات
calendar-intro = اللقاءات المعلنة للشبكة، حسب تاريخها.
calendar-ics = تنزيل لبرنامج تقويم (.ics)
calendar-upcoming = القادمة
calendar-past = اللقاءات السابقة
calendar-none = لم يُعلن عن أي لقاء بعد.

# custody receipts
sub-custody = سلسلة الحيازة
sub-custody_hint = المراكز التي توقّع إيصالات الحيازة تذكر متى حازتها أول مرة، وممن.
sub-custody_this = هذه العقدة
sub-custody_here = كُتبت هناك
sub-custody_bundle = من حزمة (ذاكرة USB)
sub-custody_from = من { $peer }
sub-custody_more = { $n ->
    [zero] ولا مراكز أخرى
    [one] ومركز آخر لاحقًا
    [two] ومركزان آخران لاحقًا
    [few] و{ $n } مراكز أخرى لاحقًا
    [many] و{ $n } مركزًا آخر لاحقًا
   *[other] و{ $n } مركز آخر لاحقًا
}
# Showcase
showcase-name = واجهة Convene
showcase-title = المساهمات المنشورة
showcase-intro = تقارير ودراسات حالة وافق مؤلفوها على نشرها، كما نشرتها الأمانة. لا يُذكر أي مؤلف أو منظمة أو جهة اتصال أو موقع محلي، ولا تُنسب الاقتباسات، وتُعطى التواريخ بالشهر.
showcase-threshold = يُعرض كل عدد أقل من { $min } على أنه «أقل من { $min }»، وتُعرض بعض الأماكن والأشهر بصورة أعم، حتى لا يمكن تمييز أي مجموعة صغيرة.
showcase-fewer = أقل من { $min }
showcase-total =
    { $count ->
        [zero] لا مساهمات
        [one] مساهمة واحدة
        [two] مساهمتان
        [few] { $count } مساهمات
       *[other] { $count } مساهمة
    }
showcase-items = المساهمات
showcase-figures = الأرقام
showcase-nothing = لم يُنشر شيء بعد.
showcase-footer = نشرته الأمانة باستخدام Convene. لا شيء هنا يسمّي من كتبه.
showcase-chart_note = يرسم المخطط الأعداد المعروضة؛ ويسرد الجدول كل الصفوف.
showcase-kinds_note = يُستبعد من هذه الواجهة كل نوع عدد مساهماته أقل من الحد.
showcase-places = المناطق والبلدان
showcase-place = المكان
showcase-periods = الإرسال حسب السنة والشهر
showcase-period = شهر الإرسال
showcase-other_countries = بلدان أخرى
showcase-other_regions = مناطق أخرى
showcase-other_months = أشهر أخرى
showcase-other_years = سنوات أخرى
showcase-held_back = تشمل أعدادًا محجوبة حتى لا يمكن استنتاج الأصغر منها
showcase-another_region = منطقة أخرى
showcase-another_year = سنة أخرى
showcase-no_country = لم يُذكر البلد
showcase-provenance = الإدخالات الموقّعة
showcase-provenance_note = يسرد الإصدار الموقّع من الأمانة هذه المعرّفات. ويمكن لعقدة Convene تحملها أن تتحقق من أن المؤلف وقّعها ووافق على نشرها: convene release verify.
showcase-document = المساهمة
showcase-entries = الإدخالات

# guide (publications and taxonomy versions)
nav-guide = الدليل
page-guide = الدليل
guide-intro = أسئلة توجيهية وصفحات مجموعة الأدوات التي تنشرها الأمانة على كل عقدة.
guide-none = لم تنشر الأمانة أي صفحة بعد.
guide-taxonomy = التصنيف
guide-taxonomy_published = تعرض هذه العقدة عناوين الإطار من الإصدار { $version } من التصنيف، الذي نشرته الأمانة.
guide-taxonomy_shipped = تعرض هذه العقدة عناوين الإطار من الإصدار { $version } من التصنيف، المرفق مع Convene.
guide-published = نُشرت في
guide-other_languages = متوفرة أيضًا بـ
guide-all = كل صفحات الدليل
guide-read_first = اقرأ الأسئلة التوجيهية أولًا
