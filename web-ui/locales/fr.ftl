action-add_peer = Ajouter le pair
action-create = Créer
action-discard = Supprimer
action-edit = Modifier
action-filter = Rechercher
action-login = Se connecter
action-logout = Se déconnecter
action-remove_peer = Retirer le pair
action-resume = Reprendre
action-reveal = Afficher le contact
action-save_draft = Enregistrer le brouillon
action-save_edit = Signer et enregistrer la modification
action-submit = Signer et soumettre
action-use = Signer avec celle-ci
action-withdraw = Retirer
action-withdraw_confirm = Oui, la retirer partout
attachment-not_here = L'original n'est pas encore arrivé : les aperçus voyagent d'abord.
attachment-original = Télécharger l'original
attachment-pdf_note = { $name } : un PDF peut porter le nom de son auteur et d'autres métadonnées ; rien n'en a été retiré.
attachment-preview_of = Aperçu de { $name }
attachment-removed = Données de lieu et d'appareil retirées ({ $what }) de { $name }.
browse-all = Tous
browse-empty = Aucun résultat. Essayez moins de filtres.
browse-filters = Filtres
browse-from = Depuis le
browse-last_page = Aller à la dernière page
browse-next = Page suivante
browse-page = Page { $page } sur { $pages }
browse-pages = Pages
browse-past_end = Cette page est au-delà de la fin : les résultats tiennent en { $pages } pages.
browse-prev = Page précédente
browse-results =
    { $n ->
        [one] { $n } soumission correspond
       *[other] { $n } soumissions correspondent
    }
browse-text = Mots à chercher (titres, résumés, enseignements et leçons)
browse-to = Jusqu'au
common-author = Auteur
common-colon = {"\u00A0"}:{" "}
common-date = Date
common-kind = Type
common-language = Langue
common-list_separator = ,{" "}
common-no = Non
common-none = Aucun
common-title = Titre
common-yes = Oui
common-you = vous ({ $name })
drafts-empty = Aucun brouillon.
drafts-intro = Les brouillons sont gardés sur ce nœud pendant la saisie : une coupure de courant ou un onglet fermé ne fait rien perdre.
drafts-saved = Brouillon enregistré.
drafts-untitled = (sans titre)
drafts-updated = Dernier enregistrement
edit-back = Retour à la soumission, sans enregistrer
edit-title = Modifier « { $title } »
error-ambiguous = Plusieurs soumissions commencent par cet identifiant ; donnez-en davantage.
error-bad_form = Le formulaire n'a pas pu être lu : envoyez-le à nouveau.
error-bad_identity_name = « { $name } » ne peut pas être un nom d'identité : donnez un nom de 1 à 64 caractères, sur une ligne.
error-csrf = Ce formulaire a expiré. Revenez en arrière, rechargez la page et renvoyez-le.
error-disk_full = Le disque est plein : { $free } Mo libres, environ { $needed } Mo nécessaires. Rien de ce formulaire n'a été enregistré, et rien de ce qui l'était n'est perdu. Demandez à la personne qui gère ce nœud de libérer de la place sur son disque, puis renvoyez le formulaire.
error-draft_too_large = Le brouillon dépasse 512 Kio : raccourcissez-le, ou soumettez ce qu'il contient.
error-identity_exists = Une identité nommée « { $name } » existe déjà ; choisissez un autre nom.
error-internal = Un problème est survenu sur ce nœud ; son journal indique lequel.
error-kind_changed = Une modification ne peut pas changer le type de cette soumission.
error-not_author = Seul l'auteur de cette soumission peut la modifier.
error-not_found = Introuvable.
error-not_secretariat = Les coordonnées ne s'ouvrent que sur le nœud du secrétariat.
error-summary = Veuillez corriger ces champs :
error-title = Un problème
error-too_many_drafts = 500 brouillons sont déjà enregistrés : supprimez-en d'abord sur la page Brouillons.
error-unsealable = La clé du secrétariat de ce nœud ne peut pas ouvrir ces coordonnées.
error-withdrawn = Cette soumission a été retirée par son auteur ; son contenu a été effacé.
field-attachments = Photos et documents
field-challenges = Difficultés
field-consent_to_publish = Consentement à la publication
field-consent_to_publish-no = Non, à usage interne du secrétariat seulement.
field-consent_to_publish-yes = Oui : le secrétariat peut l'examiner et la montrer publiquement, sans me nommer, ni mon organisation, ni personne qui a parlé.
field-contact = Personne à contacter
field-contact_email = Courriel
field-contact_name = Nom
field-context = Contexte
field-convened_on = Date de la réunion
field-country = Pays (tapez son nom, ex. Kenya)
field-date = Date prévue
field-description = Description
field-dpi_types = Types d'infrastructure publique numérique
field-format = Format
field-host_organizations = Organisations hôtes (une par ligne)
field-identity = Signer en tant que
field-implementer = Responsable de la mise en œuvre
field-insights = Idées clés et recommandations (une par ligne)
field-language = Langue du texte (tapez son nom, ex. français)
field-lessons = Leçons apprises (une par ligne)
field-lifecycle_stages = Étapes du cycle de vie
field-locality = Ville ou lieu (peut rester vide en ligne)
field-location = Lieu
field-participants = Participants
field-participants_count = Nombre de participants
field-participation = Qui peut participer
field-participation-curated_list = Sur invitation (liste choisie)
field-participation-open_call = Ouvert à tous (appel ouvert)
field-principles = Principes
field-purposes = Objectifs de la réunion
field-quotes = Citations (trois au plus, sans jamais dire qui les a dites)
field-quotes-item = Citation
field-responsible_authority = Autorité responsable
field-risks = Risques
field-stakeholder_groups = Groupes de parties prenantes présents
field-successes = Réussites
field-summary = Résumé de la discussion
field-title = Titre
field-topics = Thèmes (un par ligne)
form-attachment_add = Ajouter des photos (JPEG, PNG, WebP) ou des documents PDF
form-attachment_hint =
    { $files ->
        [one] { $files } fichier d'au plus { $file_mb } Mo
       *[other] Jusqu'à { $files } fichiers d'au plus { $file_mb } Mo chacun
    }, { $total_mb } Mo en tout. Les données de lieu et d'appareil sont retirées des photos avant leur enregistrement ; un PDF est gardé tel quel et peut porter le nom de son auteur.
form-attachment_remove = Retirer
form-choose_identity = Choisissez l'une des identités de ce nœud pour signer.
form-edit_sealed_note = Le contact enregistré est scellé et ne peut pas être affiché ici. Laissez ces cases vides pour le garder, ou remplissez-les toutes deux pour le remplacer.
form-item = Élément
form-lines_hint = Un élément par ligne.
form-no_identity = Créez d'abord une identité : elle signe ce que vous soumettez.
form-optional = facultatif
form-required = obligatoire
form-required_unless_online = obligatoire sauf si la réunion est en ligne
form-sealed_note = Données personnelles : scellées sur cet ordinateur pour que seul le secrétariat puisse les lire. Aucun hub en chemin ne le peut.
form-whole = La soumission dans son ensemble
home-welcome = Convene conserve les rapports et études de cas d'un réseau d'organisateurs, signés par leurs auteurs et partagés entre les pôles, même sans internet pendant des jours. Lisez ci-dessous ce que d'autres ont appris, ou écrivez le vôtre.
home-write = Écrire un rapport ou une étude de cas
ident-did = Identité publique (did:key)
ident-empty = Aucune identité pour l'instant.
ident-intro = Une identité signe ce que vous soumettez : chacun peut vérifier que cela vient de vous. Son secret reste sur ce nœud et n'est jamais affiché.
ident-name = Votre nom, tel que les autres le verront (p. ex. Amina Okafor)
ident-new = Nouvelle identité
ident-signing = signe par défaut
kind-case_study = Étude de cas
kind-convening_announcement = Annonce de réunion
kind-convening_report = Compte rendu de réunion
login-intro = Ce nœud est joignable depuis d'autres ordinateurs. Saisissez le jeton d'opérateur affiché par `convene node run` pour écrire ou voir des données personnelles.
login-token = Jeton d'opérateur
login-wrong = Ce jeton n'est pas le bon.
nav-browse = Parcourir
nav-drafts = Brouillons
nav-identities = Identités
nav-language = Langue
nav-network = Réseau
nav-new = Écrire
nav-skip = Aller au contenu
net-add_hint = Une multiaddr, ex. /ip4/192.0.2.7/tcp/4701
net-added = Pair ajouté ; le nœud va le contacter.
net-addrs = Adresses
net-awaiting_receipt = { $n } en attente d'accusé de réception
net-bad_addr = Ce n'est pas une adresse de pair. Elle ressemble à /ip4/192.0.2.7/tcp/4701.
net-bundle = Transporter des entrées sur une clé USB
net-bundle_bad_date = Ce n'est pas une date. Choisissez-en une, ou laissez vide pour tout.
net-bundle_blobs = Avec les photos et fichiers (joints aux contributions qu'il contient)
net-bundle_damaged = Ce paquet est endommagé. Ce qui a été vérifié avant le dommage a été gardé ; le reste demande une autre copie.
net-bundle_download = Télécharger un paquet
net-bundle_file = Fichier de paquet (ou une de ses parties)
net-bundle_files = Photos et fichiers : { $completed } complétés ; morceaux : { $stored } enregistrés, { $refused } refusés (ils ne correspondaient pas à l'empreinte du fichier).
net-bundle_foreign = Refusé : ce paquet est destiné à un autre réseau :
net-bundle_held = déjà ici
net-bundle_hint = Pas de liaison ? Un paquet est un fichier des entrées signées de ce nœud et des photos et fichiers qui y sont joints. Téléchargez-le, transportez-le sur une clé USB et importez-le sur l'autre nœud : chaque entrée et chaque morceau de fichier y sont vérifiés comme la synchronisation les vérifie. En ligne de commande, lancez d'abord convene bundle want FICHIER sur le nœud qui reçoit, et le nœud qui exporte n'écrit que ce qui lui manque.
net-bundle_imported = Paquet importé :
net-bundle_new = nouvelles
net-bundle_newer = Ce paquet a été écrit par une version plus récente de Convene ; mettez ce nœud à jour pour le lire.
net-bundle_refused = refusées
net-bundle_since = Seulement les entrées depuis (vide pour tout)
net-bundle_too_large = Ce fichier dépasse 1 Gio. Importez-le en ligne de commande : convene bundle import FICHIER.
net-bundle_unreadable = Ce fichier n'est pas un paquet Convene, ou il est illisible.
net-bundle_upload = Importer un paquet
net-bundle_waiting = en attente de ce sur quoi elles reposent
net-bytes = Octets reçus / envoyés
net-connected = connecté
net-did_you_mean = Vouliez-vous dire { $addr } ?
net-disconnected = non connecté
net-entries = Entrées reçues / envoyées
net-entries_signed =
    { $n ->
        [one] { $n } entrée signée
       *[other] { $n } entrées signées
    }
net-errors = Erreurs
net-file_bytes = fichiers : { $in } / { $out } Ko
net-files = Photos et fichiers
net-files_here = tous ici
net-files_waiting = { $n } en attente ({ $mb } Mo)
net-hub_name = Nom du hub
net-hub_name_none = Pas encore défini : les pairs voient l'identifiant court de ce nœud. Définissez-le avec
net-is_secretariat = le nœud du secrétariat
net-listen = À l'écoute sur
net-nat = Joignable de l'extérieur
net-nat_private = Non : derrière un NAT ; les pairs joignent ce nœud par son relais
net-nat_private_no_relay = Non : derrière un NAT, sans relais configuré : les pairs ne peuvent pas se connecter à ce nœud, seul lui peut se connecter à eux
net-nat_public = Oui : les pairs peuvent se connecter directement à ce nœud
net-nat_unknown = Pas encore connu (des pairs sont invités à rappeler ce nœud)
net-network = Réseau
net-no_peers = Aucun pair pour l'instant. Ajoutez-en un ci-dessous, ou transportez un paquet sur clé USB.
net-no_sync = Ce nœud n'exécute pas la synchronisation.
net-node_id = Identifiant de ce nœud
net-peer = Pair
net-peer_id = Identifiant du pair
net-peers = Pairs
net-problem_banned = Banni ici pendant 10 minutes : il a envoyé des données invalides. Si cela se répète, prévenez son opérateur.
net-problem_closed = { $addr } a fermé la connexion aussitôt : ce n'est peut-être pas un nœud Convene. Vérifiez l'adresse et le port.
net-problem_invalid_data = Il a envoyé des données invalides, qui ont été écartées. Si cela se répète, prévenez son opérateur.
net-problem_itself = { $addr } est ce nœud lui-même : retirez ce pair.
net-problem_link = La liaison a échoué. Une nouvelle tentative se fait d'elle-même ; le journal du nœud en dit plus.
net-problem_not_dialable = Cette adresse ne peut pas être jointe : écrivez-la sous la forme /ip4/ADRESSE/tcp/PORT, retirez ce pair et ajoutez-le à nouveau.
net-problem_not_relay = Ce nœud ne relaie pas : demandez à son opérateur de le lancer avec --relay-server.
net-problem_offline = Cette machine n'est connectée à aucun réseau : vérifiez son câble ou son Wi-Fi.
net-problem_other_network = Ce nœud est sur un autre réseau : rien n'est échangé avec lui. Vérifiez que les deux utilisent le même genesis.json.
net-problem_refused = Rien ne répond à { $addr }. Le nœud y tourne-t-il, et sur ce port ? Vérifiez l'adresse avec son opérateur.
net-problem_relay_failed = Le relais n'a pas pu joindre ce hub. Une nouvelle tentative se fait d'elle-même.
net-problem_relay_no_slot = Le relais ne réserve aucune place pour ce hub : le hub tourne-t-il, avec ce relais dans son --relay ?
net-problem_relay_refused = Le relais a refusé : il ne relaie que pour son propre réseau, et pour un nombre limité à la fois.
net-problem_silent = La liaison est devenue muette. Le nœud se reconnecte de lui-même dès qu'elle répond à nouveau.
net-problem_timed_out = Pas de réponse de { $addr } à temps : la liaison est peut-être coupée ou très lente. Une nouvelle tentative se fait d'elle-même.
net-problem_unreachable = Aucune route vers { $addr } : la liaison est coupée ou l'adresse est fausse. Vérifiez le câble ou le Wi-Fi, et l'adresse.
net-problem_wrong_peer = Un autre nœud a répondu à { $addr } : le hub a peut-être une nouvelle clé. Retirez ce pair et ajoutez-le à nouveau avec l'adresse que donne son opérateur.
net-reach_direct = connexion directe
net-reach_hole_punched = connexion directe, ouverte à travers le NAT (perçage)
net-reach_relayed = par le relais { $relay }
net-receiving = réception à { $rate } Ko/s ; environ { $eta } s restantes
net-reconnecting = reconnexion ; prochain essai à { $time }
net-relay_reserved = réserve une place : les pairs ajoutent ce nœud comme
net-relay_server = Ce nœud relaie pour les pôles de son réseau derrière un NAT.
net-relay_waiting = pas encore de place (connexion en cours, ou refus du relais)
net-relays = Relais
net-removed = Pair retiré.
net-rtt = aller-retour { $ms } ms
net-secretariat = Ceci est le nœud du secrétariat.
net-stored = Stocké ici
net-text_only = Texte et aperçus seulement (liaison facturée au volume) : les photos et fichiers originaux ne sont ni récupérés ni envoyés.
net-waiting = { $n } en attente d'arriver ici
page-browse = Ce que contient le réseau
page-drafts = Brouillons
page-edit = Modifier
page-identities = Identités
page-login = Connexion
page-network = Réseau
page-new = Que voulez-vous écrire ?
page-withdraw = Retirer cette soumission ?
sub-changes = Historique des modifications
sub-contact_sealed = Scellé : seul le secrétariat peut le lire.
sub-created = Créé
sub-earlier = Entrées antérieures non listées : { $n }
sub-entry-change = modifié
sub-entry-create = créé
sub-entry-grant = co-auteur ajouté
sub-entry-withdraw = retiré
sub-held_by = Quels hubs l'ont
sub-held_by_hint = D'après la dernière synchronisation avec chaque pair.
sub-held_here = Stockée sur ce nœud.
sub-held_here_secretariat = Ceci est le nœud du secrétariat : il l'a.
sub-held_no = ne l'a pas encore
sub-held_none = Aucun pair ne s'est encore synchronisé avec ce nœud.
sub-held_secretariat_no = Le nœud du secrétariat ne l'a pas encore.
sub-held_secretariat_unknown = On ne sait pas encore si le nœud du secrétariat l'a : il ne s'est pas synchronisé avec ce nœud.
sub-held_secretariat_yes = Le nœud du secrétariat l'a.
sub-held_yes = l'a
sub-saved = Signé et stocké sur ce nœud. Il partira vers le secrétariat dès qu'un lien sera disponible.
sub-unverified = Signatures NON vérifiées
sub-verified = Signatures vérifiées
sub-where = Où elle se trouve
sub-withdrawn = Retirée. Chaque nœud qui suit les règles du réseau l'efface.
sync-entries_waiting =
    { $n ->
        [one] { $n } entrée en attente
       *[other] { $n } entrées en attente
    }
sync-last = dernière synchro
sync-never = jamais
sync-offline = synchro arrêtée
sync-paused_disk_full = disque plein : réception en pause
sync-peers_online =
    { $n ->
        [one] { $n } pair en ligne
       *[other] { $n } pairs en ligne
    }
withdraw-explain = Retirer signe un message demandant à chaque nœud d'effacer le contenu de cette soumission. Elle sera purgée de ce nœud et de tous ceux qui recevront le message, et c'est irréversible.
withdraw-reason = Raison (facultative, publique)

# desk
nav-inbox = Boîte de réception
page-inbox = La boîte de réception du secrétariat
desk-title = Le secrétariat
desk-received = Reçu par le secrétariat
desk-not_received = Pas encore : il parviendra au secrétariat à la prochaine synchronisation vers lui
desk-changes_waiting = { $n ->
    [one] ({ $n } modification ultérieure pas encore reçue)
   *[other] ({ $n } modifications ultérieures pas encore reçues)
}
desk-status = Statut
desk-tags = Étiquettes
desk-notes = Notes (secrétariat uniquement)
desk-note = Ajouter une note
desk-note_hint = Scellée pour le secrétariat : les hubs la transmettent sans pouvoir la lire.
desk-save = Enregistrer
desk-unchanged = (inchangé)
desk-add_tag = Ajouter une étiquette
desk-no_tags = Aucune étiquette pour l'instant : ajoutez-en avec `convene tags add`.
desk-status-received = reçu
desk-status-in_review = en examen
desk-status-incorporated = intégré
desk-status-published = publié
desk-status-declined = décliné
desk-reason = Motif
desk-why = En mots que son auteur lira
desk-reason-spam = spam
desk-reason-abuse = abus
desk-reason-unlawful = contenu illicite
desk-reason-other = autre motif
desk-hide = Masquer sur tous les nœuds
desk-unhide = Afficher à nouveau sur tous les nœuds
desk-hidden_title = Masqué par le secrétariat
desk-hidden = Le secrétariat a masqué cette contribution ({ $reason }).
desk-hidden_you = Masqué par le secrétariat sur tous les nœuds ({ $reason }) :
desk-show = Afficher
desk-all = toutes
desk-new = nouvelles (pas encore examinées)
desk-open = ouvrir
desk-pick = Choisir
desk-bulk = Modifier les contributions choisies
desk-apply = Appliquer
desk-inbox_empty = Rien ici.
desk-inbox_count = { $n ->
    [one] { $n } contribution, la plus récente d'abord
   *[other] { $n } contributions, les plus récentes d'abord
}
desk-done = { $n ->
    [one] { $n } contribution modifiée ; la modification parvient à chaque nœud.
   *[other] { $n } contributions modifiées ; la modification parvient à chaque nœud.
}
# dashboard
nav-dashboard = Tableau de bord
page-dashboard = Tableau de bord
dashboard-intro = Ce que ce nœud contient, en chiffres. Les filtres ne comptent que les soumissions qui leur correspondent, comme sur la page de consultation ; chaque graphique est suivi d'un tableau de ses chiffres et d'un lien pour les obtenir en CSV.
dashboard-total =
    { $n ->
        [one] { $count } soumission correspond
       *[other] { $count } soumissions correspondent
    }
dashboard-contents = Graphiques
dashboard-chart = Graphique à barres : { $what }. Le tableau qui suit en donne les chiffres.
dashboard-submissions = Soumissions
dashboard-csv = { $what } : les chiffres en CSV
dashboard-others = Autres
dashboard-earlier = Mois précédents
dashboard-kinds = Types de soumission
dashboard-regions = Régions
dashboard-subregions = Sous-régions
dashboard-countries = Pays
dashboard-languages = Langues
dashboard-principles = Principes
dashboard-risks = Risques
dashboard-stages = Étapes du cycle de vie
dashboard-stakeholder_groups = Groupes de parties prenantes présents
dashboard-months = Mois
dashboard-column-kinds = Type
dashboard-column-regions = Région
dashboard-column-subregions = Sous-région
dashboard-column-countries = Pays
dashboard-column-languages = Langue
dashboard-column-principles = Principe
dashboard-column-risks = Risque
dashboard-column-stages = Étape
dashboard-column-stakeholder_groups = Groupe de parties prenantes
dashboard-column-months = Mois
dashboard-note-regions = Régions M49 des Nations unies, d'après le pays de chaque soumission.
dashboard-note-several = Une soumission qui en porte plusieurs compte une fois pour chacun.
dashboard-note-months = Selon le mois de la date de la réunion (d'un compte rendu ou d'une annonce) ; les études de cas n'ont pas de date.
dashboard-none-codes = Aucun indiqué
dashboard-none-region = Aucune région
dashboard-none-country = Aucun pays
dashboard-none-language = Aucune langue
dashboard-none-date = Sans date

# calendar
nav-calendar = Calendrier
page-calendar = Calendrier des réunions
calendar-intro = Les réunions annoncées au réseau, par date.
calendar-ics = Télécharger pour un agenda (.ics)
calendar-upcoming = À venir
calendar-past = Réunions passées
calendar-none = Aucune réunion n'est encore annoncée.

# custody receipts
sub-custody = Chaîne de conservation
sub-custody_hint = Les hubs qui signent des reçus de conservation disent quand ils l'ont reçue pour la première fois, et de qui.
sub-custody_this = ce nœud
sub-custody_here = rédigée là
sub-custody_bundle = depuis un paquet (clé USB)
sub-custody_from = depuis { $peer }
sub-custody_more = { $n ->
    [one] et un autre hub, plus tard
   *[other] et { $n } autres hubs, plus tard
}
# Showcase
showcase-name = Vitrine Convene
showcase-title = Contributions publiées
showcase-intro = Des rapports et études de cas que leurs auteurs ont accepté de publier, tels que le secrétariat les a publiés. Aucun auteur, organisation, contact ni localité n'est nommé, les citations ne sont pas attribuées et les dates sont données au mois.
showcase-threshold = Tout effectif inférieur à { $min } est affiché « moins de { $min } », et certains lieux et mois sont indiqués plus largement, afin qu'aucun petit groupe ne puisse être distingué.
showcase-fewer = moins de { $min }
showcase-total =
    { $count ->
        [one] { $count } contribution
       *[other] { $count } contributions
    }
showcase-items = Contributions
showcase-figures = Chiffres
showcase-nothing = Rien n'est encore publié.
showcase-footer = Publié par le secrétariat avec Convene. Rien ici ne nomme qui l'a écrit.
showcase-chart_note = Le graphique montre les effectifs affichés ; le tableau donne toutes les lignes.
showcase-kinds_note = Un type comptant moins de contributions que le seuil est laissé hors de cette vitrine.
showcase-places = Régions et pays
showcase-place = Lieu
showcase-periods = Soumissions par année et par mois
showcase-period = Mois de soumission
showcase-other_countries = autres pays
showcase-other_regions = Autres régions
showcase-other_months = autres mois
showcase-other_years = Autres années
showcase-held_back = inclut des effectifs retenus pour que les plus petits ne puissent être déduits
showcase-another_region = Une autre région
showcase-another_year = Une autre année
showcase-no_country = Pays non indiqué
showcase-provenance = Entrées signées
showcase-provenance_note = La publication signée du secrétariat liste ces identifiants. Un nœud Convene qui les détient peut vérifier que l'auteur les a signées et a consenti à leur publication : convene release verify.
showcase-document = Contribution
showcase-entries = Entrées

# guide (publications and taxonomy versions)
nav-guide = Guide
page-guide = Guide
guide-intro = Questions directrices et pages de la boîte à outils que le secrétariat publie sur chaque nœud.
guide-none = Le secrétariat n'a encore publié aucune page.
guide-taxonomy = Taxonomie
guide-taxonomy_published = Ce nœud affiche les titres du cadre selon la version { $version } de la taxonomie, publiée par le secrétariat.
guide-taxonomy_shipped = Ce nœud affiche les titres du cadre selon la version { $version } de la taxonomie, livrée avec Convene.
guide-published = Publié le
guide-other_languages = Aussi en
guide-all = Toutes les pages du guide
guide-read_first = Lisez d'abord les questions directrices
