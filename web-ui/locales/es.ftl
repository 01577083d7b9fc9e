action-add_peer = Añadir par
action-create = Crear
action-discard = Descartar
action-edit = Editar
action-filter = Buscar
action-login = Iniciar sesión
action-logout = Cerrar sesión
action-remove_peer = Quitar el par
action-resume = Reanudar
action-reveal = Mostrar contacto
action-save_draft = Guardar borrador
action-save_edit = Firmar y guardar el cambio
action-submit = Firmar y enviar
action-use = Firmar con esta
action-withdraw = Retirar
action-withdraw_confirm = Sí, retirarla en todas partes
attachment-not_here = El original aún no ha llegado: las vistas previas viajan primero.
attachment-original = Descargar el original
attachment-pdf_note = { $name }: un PDF puede llevar el nombre de su autor y otros metadatos; no se quitó nada.
attachment-preview_of = Vista previa de { $name }
attachment-removed = Se quitaron los datos de ubicación y de cámara ({ $what }) de { $name }.
browse-all = Todos
browse-empty = Nada coincide. Pruebe con menos filtros.
browse-filters = Filtros
browse-from = Desde
browse-last_page = Ir a la última página
browse-next = Página siguiente
browse-page = Página { $page } de { $pages }
browse-pages = Páginas
browse-past_end = Esta página está más allá del final: los resultados ocupan { $pages } páginas.
browse-prev = Página anterior
browse-results =
    { $n ->
        [one] { $n } envío coincide
       *[other] { $n } envíos coinciden
    }
browse-text = Palabras que buscar (títulos, resúmenes, ideas y lecciones)
browse-to = Hasta
common-author = Autor
common-colon = :{" "}
common-date = Fecha
common-kind = Tipo
common-language = Idioma
common-list_separator = ,{" "}
common-no = No
common-none = Ninguno
common-title = Título
common-yes = Sí
common-you = usted ({ $name })
drafts-empty = No hay borradores.
drafts-intro = Los borradores se guardan en este nodo mientras escribe: un corte de luz o una pestaña cerrada no pierde nada.
drafts-saved = Borrador guardado.
drafts-untitled = (sin título)
drafts-updated = Guardado por última vez
edit-back = Volver al envío, sin guardar
edit-title = Editar «{ $title }»
error-ambiguous = Varios envíos empiezan por ese identificador; escriba más caracteres.
error-bad_form = No se pudo leer el formulario: envíelo de nuevo.
error-bad_identity_name = «{ $name }» no puede ser un nombre de identidad: escriba un nombre de 1 a 64 caracteres, en una línea.
error-csrf = Este formulario ha caducado. Vuelva atrás, recargue la página y envíelo de nuevo.
error-disk_full = El disco está lleno: { $free } MB libres, se necesitan unos { $needed } MB. No se guardó nada de este formulario y no se perdió nada de lo guardado antes. Pida a quien administra este nodo que libere espacio en su disco y vuelva a enviar el formulario.
error-draft_too_large = El borrador supera 512 KiB: acórtelo, o envíe lo que contiene.
error-identity_exists = Ya existe una identidad llamada «{ $name }»; elija otro nombre.
error-internal = Algo falló en este nodo; su registro indica qué.
error-kind_changed = Una edición no puede cambiar el tipo de este envío.
error-not_author = Solo el autor de este envío puede cambiarlo.
error-not_found = No encontrado.
error-not_secretariat = Los datos de contacto solo se abren en el nodo de la secretaría.
error-summary = Corrija estos campos:
error-title = Algo está mal
error-too_many_drafts = Ya hay 500 borradores guardados: descarte algunos primero en la página Borradores.
error-unsealable = La clave de la secretaría de este nodo no puede abrir estos datos de contacto.
error-withdrawn = Su autor retiró este envío; su contenido se borró.
field-attachments = Fotos y documentos
field-challenges = Desafíos
field-consent_to_publish = Consentimiento para publicar
field-consent_to_publish-no = No, solo para uso interno de la secretaría.
field-consent_to_publish-yes = Sí: la secretaría puede revisarlo y mostrarlo públicamente, sin nombrarme a mí, a mi organización ni a nadie que haya hablado.
field-contact = Persona de contacto
field-contact_email = Correo electrónico
field-contact_name = Nombre
field-context = Contexto
field-convened_on = Fecha de la reunión
field-country = País (escriba su nombre, p. ej. Kenia)
field-date = Fecha prevista
field-description = Descripción
field-dpi_types = Tipos de infraestructura pública digital
field-format = Formato
field-host_organizations = Organizaciones anfitrionas (una por línea)
field-identity = Firmar como
field-implementer = Implementador
field-insights = Ideas clave y recomendaciones (una por línea)
field-language = Idioma del texto (escriba su nombre, p. ej. español)
field-lessons = Lecciones aprendidas (una por línea)
field-lifecycle_stages = Etapas del ciclo de vida
field-locality = Ciudad o lugar (puede quedar vacío en línea)
field-location = Lugar
field-participants = Participantes
field-participants_count = Número de participantes
field-participation = Quién puede participar
field-participation-curated_list = Por invitación (lista seleccionada)
field-participation-open_call = Abierto a todos (convocatoria abierta)
field-principles = Principios
field-purposes = Propósitos de la reunión
field-quotes = Citas (hasta tres, sin decir nunca quién las dijo)
field-quotes-item = Cita
field-responsible_authority = Autoridad responsable
field-risks = Riesgos
field-stakeholder_groups = Grupos de interés presentes
field-successes = Éxitos
field-summary = Resumen de la discusión
field-title = Título
field-topics = Temas (uno por línea)
form-attachment_add = Añadir fotos (JPEG, PNG, WebP) o documentos PDF
form-attachment_hint =
    { $files ->
        [one] { $files } archivo de { $file_mb } MB como máximo
       *[other] Hasta { $files } archivos de { $file_mb } MB como máximo cada uno
    }, { $total_mb } MB en total. Los datos de ubicación y de cámara se quitan de las fotos antes de guardarlas; un PDF se guarda tal cual y puede llevar el nombre de su autor.
form-attachment_remove = Quitar
form-choose_identity = Elija una de las identidades de este nodo para firmar.
form-edit_sealed_note = El contacto registrado está sellado y no se puede mostrar aquí. Deje estas casillas vacías para conservarlo, o rellene ambas para sustituirlo.
form-item = Elemento
form-lines_hint = Un elemento por línea.
form-no_identity = Cree primero una identidad: firma lo que envía.
form-optional = opcional
form-required = obligatorio
form-required_unless_online = obligatorio salvo si la reunión es en línea
form-sealed_note = Datos personales: sellados en este equipo para que solo la secretaría pueda leerlos. Ningún hub en el camino puede hacerlo.
form-whole = El envío en su conjunto
home-welcome = Convene guarda los informes y estudios de caso de una red de organizadores, firmados por sus autores y compartidos entre nodos, incluso sin internet durante días. Lea abajo lo que otros aprendieron, o escriba el suyo.
home-write = Escribir un informe o estudio de caso
ident-did = Identidad pública (did:key)
ident-empty = Todavía no hay identidades.
ident-intro = Una identidad firma lo que envía, para que todos comprueben que viene de usted. Su secreto queda en este nodo y nunca se muestra.
ident-name = Su nombre, tal como lo verán los demás (p. ej., Amina Okafor)
ident-new = Nueva identidad
ident-signing = firma por defecto
kind-case_study = Estudio de caso
kind-convening_announcement = Anuncio de reunión
kind-convening_report = Informe de reunión
login-intro = Este nodo es accesible desde otros equipos. Introduzca el token de operador que mostró `convene node run` para escribir o ver datos personales.
login-token = Token de operador
login-wrong = Ese token no es correcto.
nav-browse = Explorar
nav-drafts = Borradores
nav-identities = Identidades
nav-language = Idioma
nav-network = Red
nav-new = Escribir
nav-skip = Ir al contenido
net-add_hint = Una multiaddr, p. ej. /ip4/192.0.2.7/tcp/4701
net-added = Par añadido; el nodo lo contactará.
net-addrs = Direcciones
net-awaiting_receipt = { $n } pendientes de acuse de recibo
net-bad_addr = Esta no es una dirección de par. Tiene la forma /ip4/192.0.2.7/tcp/4701.
net-bundle = Llevar entradas en una memoria USB
net-bundle_bad_date = Esto no es una fecha. Elija una, o déjelo vacío para todo.
net-bundle_blobs = Con las fotos y archivos (adjuntos a las contribuciones que lleva)
net-bundle_damaged = Este paquete está dañado. Se guardó lo verificado antes del daño; el resto necesita otra copia.
net-bundle_download = Descargar un paquete
net-bundle_file = Archivo de paquete (o una de sus partes)
net-bundle_files = Fotos y archivos: { $completed } completados; partes: { $stored } guardadas, { $refused } rechazadas (no coincidían con la huella del archivo).
net-bundle_foreign = Rechazado: este paquete es de otra red:
net-bundle_held = ya estaban aquí
net-bundle_hint = ¿Sin enlace? Un paquete es un archivo con las entradas firmadas de este nodo y las fotos y archivos adjuntos a ellas. Descárguelo, llévelo en una memoria USB e impórtelo en el otro nodo: allí se comprueba cada entrada y cada parte de un archivo como lo hace la sincronización. Desde la línea de órdenes, ejecute primero convene bundle want ARCHIVO en el nodo que recibe, y el nodo que exporta escribe solo lo que le falta.
net-bundle_imported = Paquete importado:
net-bundle_new = nuevas
net-bundle_newer = Este paquete lo escribió una versión más reciente de Convene; actualice este nodo para leerlo.
net-bundle_refused = rechazadas
net-bundle_since = Solo las entradas desde (vacío para todo)
net-bundle_too_large = Este archivo supera 1 GiB. Impórtelo desde la línea de órdenes: convene bundle import ARCHIVO.
net-bundle_unreadable = Este archivo no es un paquete de Convene, o no se puede leer.
net-bundle_upload = Importar un paquete
net-bundle_waiting = esperando aquello en lo que se basan
net-bytes = Bytes recibidos / enviados
net-connected = conectado
net-did_you_mean = ¿Quiso decir { $addr }?
net-disconnected = no conectado
net-entries = Entradas recibidas / enviadas
net-entries_signed =
    { $n ->
        [one] { $n } entrada firmada
       *[other] { $n } entradas firmadas
    }
net-errors = Errores
net-file_bytes = archivos: { $in } / { $out } KB
net-files = Fotos y archivos
net-files_here = todos aquí
net-files_waiting = { $n } por llegar ({ $mb } MB)
net-hub_name = Nombre del hub
net-hub_name_none = Sin definir: los pares ven el identificador corto de este nodo. Defínalo con
net-is_secretariat = el nodo de la secretaría
net-listen = Escuchando en
net-nat = Accesible desde fuera
net-nat_private = No: detrás de NAT; los pares llegan a este nodo por su relé
net-nat_private_no_relay = No: detrás de NAT y sin relé configurado: los pares no pueden conectarse a este nodo, solo él a ellos
net-nat_public = Sí: los pares pueden conectarse directamente a este nodo
net-nat_unknown = Aún no se sabe (se pide a los pares que llamen de vuelta a este nodo)
net-network = Red
net-no_peers = Aún no hay pares. Añada uno abajo o lleve un paquete en una memoria USB.
net-no_sync = Este nodo no está sincronizando.
net-node_id = Identificador de este nodo
net-peer = Par
net-peer_id = Identificador del par
net-peers = Pares
net-problem_banned = Bloqueado aquí durante 10 minutos: envió datos no válidos. Si se repite, avise a su operador.
net-problem_closed = { $addr } cerró la conexión enseguida: quizá no sea un nodo Convene. Compruebe la dirección y el puerto.
net-problem_invalid_data = Envió datos no válidos, que se descartaron. Si se repite, avise a su operador.
net-problem_itself = { $addr } es este mismo nodo: quite este par.
net-problem_link = El enlace falló. Se vuelve a intentar solo; el registro del nodo da más detalles.
net-problem_not_dialable = No se puede llegar a esta dirección: escríbala como /ip4/DIRECCIÓN/tcp/PUERTO, quite este par y añádalo de nuevo.
net-problem_not_relay = Ese nodo no retransmite: pida a su operador que lo ejecute con --relay-server.
net-problem_offline = Este equipo no está conectado a ninguna red: compruebe el cable o el wifi.
net-problem_other_network = Este nodo está en otra red: no se intercambia nada con él. Compruebe que ambos usan el mismo genesis.json.
net-problem_refused = Nada responde en { $addr }. ¿Está funcionando el nodo allí, y en ese puerto? Compruebe la dirección con su operador.
net-problem_relay_failed = El relé no pudo llegar a ese hub. Se vuelve a intentar solo.
net-problem_relay_no_slot = El relé no reserva lugar para ese hub: ¿está funcionando el hub, con este relé en su --relay?
net-problem_relay_refused = El relé se negó: solo retransmite para su propia red, y a unos pocos a la vez.
net-problem_silent = El enlace dejó de responder. El nodo se reconecta solo cuando vuelva a responder.
net-problem_timed_out = Sin respuesta de { $addr } a tiempo: el enlace puede estar caído o ser muy lento. Se vuelve a intentar solo.
net-problem_unreachable = No hay ruta hacia { $addr }: el enlace está caído o la dirección es errónea. Compruebe el cable o el wifi, y la dirección.
net-problem_wrong_peer = Otro nodo respondió en { $addr }: puede que el hub tenga una clave nueva. Quite este par y añádalo de nuevo con la dirección que dé su operador.
net-reach_direct = conexión directa
net-reach_hole_punched = conexión directa, abierta a través de NAT (perforación)
net-reach_relayed = a través del relé { $relay }
net-receiving = recibiendo a { $rate } KB/s; quedan unos { $eta } s
net-reconnecting = reconectando; próximo intento a las { $time }
net-relay_reserved = reserva un hueco: los pares añaden este nodo como
net-relay_server = Este nodo hace de relé para los nodos de su red detrás de NAT.
net-relay_waiting = aún sin hueco (conectando, o el relé lo rechazó)
net-relays = Relés
net-removed = Par quitado.
net-rtt = ida y vuelta { $ms } ms
net-secretariat = Este es el nodo de la secretaría.
net-stored = Guardado aquí
net-text_only = Solo texto y vistas previas (enlace de pago por uso): las fotos y archivos originales no se descargan ni se envían.
net-waiting = { $n } por llegar aquí
page-browse = Lo que contiene la red
page-drafts = Borradores
page-edit = Editar
page-identities = Identidades
page-login = Iniciar sesión
page-network = Red
page-new = ¿Qué desea escribir?
page-withdraw = ¿Retirar este envío?
sub-changes = Historial de cambios
sub-contact_sealed = Sellado: solo la secretaría puede leerlo.
sub-created = Creado
sub-earlier = Entradas anteriores no listadas: { $n }
sub-entry-change = modificado
sub-entry-create = creado
sub-entry-grant = coautor añadido
sub-entry-withdraw = retirado
sub-held_by = Qué hubs lo tienen
sub-held_by_hint = Según la última sincronización con cada par.
sub-held_here = Guardado en este nodo.
sub-held_here_secretariat = Este es el nodo de la secretaría: lo tiene.
sub-held_no = aún no lo tiene
sub-held_none = Ningún par se ha sincronizado aún con este nodo.
sub-held_secretariat_no = El nodo de la secretaría aún no lo tiene.
sub-held_secretariat_unknown = Aún no se sabe si el nodo de la secretaría lo tiene: no se ha sincronizado con este nodo.
sub-held_secretariat_yes = El nodo de la secretaría lo tiene.
sub-held_yes = lo tiene
sub-saved = Firmado y guardado en este nodo. Viajará a la secretaría en cuanto haya un enlace.
sub-unverified = Firmas NO verificadas
sub-verified = Firmas verificadas
sub-where = Dónde está
sub-withdrawn = Retirado. Cada nodo que sigue las reglas de la red lo borra.
sync-entries_waiting =
    { $n ->
        [one] { $n } entrada en espera
       *[other] { $n } entradas en espera
    }
sync-last = última sincronización
sync-never = nunca
sync-offline = sincronización apagada
sync-paused_disk_full = disco lleno: recepción en pausa
sync-peers_online =
    { $n ->
        [one] { $n } par en línea
       *[other] { $n } pares en línea
    }
withdraw-explain = Retirar firma un mensaje que pide a cada nodo borrar el contenido de este envío. Se purgará de este nodo y de todos los que reciban el mensaje, y no se puede deshacer.
withdraw-reason = Motivo (opcional, público)

# desk
nav-inbox = Bandeja de entrada
page-inbox = La bandeja de entrada de la secretaría
desk-title = La secretaría
desk-received = Recibido por la secretaría
desk-not_received = Todavía no: llegará a la secretaría con la próxima sincronización hacia ella
desk-changes_waiting = { $n ->
    [one] ({ $n } cambio posterior aún no recibido)
   *[other] ({ $n } cambios posteriores aún no recibidos)
}
desk-status = Estado
desk-tags = Etiquetas
desk-notes = Notas (solo la secretaría)
desk-note = Añadir una nota
desk-note_hint = Sellada para la secretaría: los hubs la transmiten sin poder leerla.
desk-save = Guardar
desk-unchanged = (sin cambios)
desk-add_tag = Añadir una etiqueta
desk-no_tags = Aún no hay etiquetas: añádalas con `convene tags add`.
desk-status-received = recibido
desk-status-in_review = en revisión
desk-status-incorporated = incorporado
desk-status-published = publicado
desk-status-declined = descartado
desk-reason = Motivo
desk-why = En palabras que su autor leerá
desk-reason-spam = spam
desk-reason-abuse = abuso
desk-reason-unlawful = contenido ilícito
desk-reason-other = otro motivo
desk-hide = Ocultar en todos los nodos
desk-unhide = Mostrar de nuevo en todos los nodos
desk-hidden_title = Ocultado por la secretaría
desk-hidden = La secretaría ocultó esta contribución ({ $reason }).
desk-hidden_you = Ocultado por la secretaría en todos los nodos ({ $reason }):
desk-show = Mostrar
desk-all = todas
desk-new = nuevas (aún sin revisar)
desk-open = abrir
desk-pick = Elegir
desk-bulk = Cambiar las contribuciones elegidas
desk-apply = Aplicar
desk-inbox_empty = Nada aquí.
desk-inbox_count = { $n ->
    [one] { $n } contribución, la más reciente primero
   *[other] { $n } contribuciones, las más recientes primero
}
desk-done = { $n ->
    [one] { $n } contribución cambiada; el cambio llega a cada nodo.
   *[other] { $n } contribuciones cambiadas; el cambio llega a cada nodo.
}
# dashboard
nav-dashboard = Panel
page-dashboard = Panel
dashboard-intro = Lo que guarda este nodo, en cifras. Los filtros cuentan solo los envíos que coinciden, como en la página de consulta; cada gráfico va seguido de una tabla con sus cifras y de un enlace para obtenerlas en CSV.
dashboard-total =
    { $n ->
        [one] { $count } envío coincide
       *[other] { $count } envíos coinciden
    }
dashboard-contents = Gráficos
dashboard-chart = Gráfico de barras: { $what }. La tabla siguiente da sus cifras.
dashboard-submissions = Envíos
dashboard-csv = { $what }: las cifras en CSV
dashboard-others = Otros
dashboard-earlier = Meses anteriores
dashboard-kinds = Tipos de envío
dashboard-regions = Regiones
dashboard-subregions = Subregiones
dashboard-countries = Países
dashboard-languages = Idiomas
dashboard-principles = Principios
dashboard-risks = Riesgos
dashboard-stages = Etapas del ciclo de vida
dashboard-stakeholder_groups = Grupos de partes interesadas presentes
dashboard-months = Meses
dashboard-column-kinds = Tipo
dashboard-column-regions = Región
dashboard-column-subregions = Subregión
dashboard-column-countries = País
dashboard-column-languages = Idioma
dashboard-column-principles = Principio
dashboard-column-risks = Riesgo
dashboard-column-stages = Etapa
dashboard-column-stakeholder_groups = Grupo de partes interesadas
dashboard-column-months = Mes
dashboard-note-regions = Regiones M49 de las Naciones Unidas, según el país de cada envío.
dashboard-note-several = Un envío que lleva varios cuenta una vez en cada uno.
dashboard-note-months = Según el mes de la fecha de la reunión (de un informe o un anuncio); los estudios de caso no tienen fecha.
dashboard-none-codes = Ninguno indicado
dashboard-none-region = Sin región
dashboard-none-country = Sin país
dashboard-none-language = Sin idioma
dashboard-none-date = Sin fecha

# calendar
nav-calendar = Calendario
page-calendar = Calendario de reuniones
calendar-intro = Las reuniones anunciadas a la red, por fecha.
calendar-ics = Descargar para una agenda (.ics)
calendar-upcoming = Próximas
calendar-past = Reuniones pasadas
calendar-none = Aún no se ha anunciado ninguna reunión.

# custody receipts
sub-custody = Cadena de custodia
sub-custody_hint = Los hubs que firman recibos de custodia dicen cuándo la tuvieron por primera vez y de quién.
sub-custody_this = este nodo
sub-custody_here = escrita allí
sub-custody_bundle = desde un paquete (memoria USB)
sub-custody_from = desde { $peer }
sub-custody_more = { $n ->
    [one] y un hub más, después
   *[other] y { $n } hubs más, después
}
# Showcase
showcase-name = Escaparate de Convene
showcase-title = Contribuciones publicadas
showcase-intro = Informes y estudios de caso que sus autores aceptaron publicar, tal como los publicó la secretaría. No se nombra a ningún autor, organización, contacto ni localidad, las citas no se atribuyen y las fechas se dan por mes.
showcase-threshold = Todo recuento inferior a { $min } se muestra como «menos de { $min }», y algunos lugares y meses se indican de forma más amplia, para que no se pueda distinguir ningún grupo pequeño.
showcase-fewer = menos de { $min }
showcase-total =
    { $count ->
        [one] { $count } contribución
       *[other] { $count } contribuciones
    }
showcase-items = Contribuciones
showcase-figures = Cifras
showcase-nothing = Todavía no hay nada publicado.
showcase-footer = Publicado por la secretaría con Convene. Nada aquí nombra a quien lo escribió.
showcase-chart_note = El gráfico muestra los recuentos visibles; la tabla da todas las filas.
showcase-kinds_note = Un tipo con menos contribuciones que el umbral queda fuera de este escaparate.
showcase-places = Regiones y países
showcase-place = Lugar
showcase-periods = Envíos por año y mes
showcase-period = Mes de envío
showcase-other_countries = otros países
showcase-other_regions = Otras regiones
showcase-other_months = otros meses
showcase-other_years = Otros años
showcase-held_back = incluye recuentos retenidos para que no se puedan deducir los más pequeños
showcase-another_region = Otra región
showcase-another_year = Otro año
showcase-no_country = País no indicado
showcase-provenance = Entradas firmadas
showcase-provenance_note = La publicación firmada de la secretaría enumera estos identificadores. Un nodo de Convene que los tenga puede comprobar que el autor los firmó y consintió en su publicación: convene release verify.
showcase-document = Contribución
showcase-entries = Entradas

# guide (publications and taxonomy versions)
nav-guide = Guía
page-guide = Guía
guide-intro = Preguntas orientadoras y páginas de la caja de herramientas que la secretaría publica en cada nodo.
guide-none = La secretaría aún no ha publicado ninguna página.
guide-taxonomy = Taxonomía
guide-taxonomy_published = Este nodo muestra los títulos del marco según la versión { $version } de la taxonomía, publicada por la secretaría.
guide-taxonomy_shipped = Este nodo muestra los títulos del marco según la versión { $version } de la taxonomía, incluida en Convene.
guide-published = Publicada el
guide-other_languages = También en
guide-all = Todas las páginas de la guía
guide-read_first = Lea primero las preguntas orientadoras
