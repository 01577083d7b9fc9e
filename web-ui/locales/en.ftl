action-add_peer = Add peer
action-create = Create
action-discard = Discard
action-edit = Edit
action-filter = Search
action-login = Sign in
action-logout = Sign out
action-remove_peer = Remove peer
action-resume = Resume
action-reveal = Show contact
action-save_draft = Save draft
action-save_edit = Sign and save the change
action-submit = Sign and submit
action-use = Sign with this one
action-withdraw = Withdraw
action-withdraw_confirm = Yes, withdraw it everywhere
attachment-not_here = Original not here yet: previews travel first.
attachment-original = Download the original
attachment-pdf_note = { $name }: a PDF may carry its author's name and other metadata; nothing was removed from it.
attachment-preview_of = Preview of { $name }
attachment-removed = Removed location and camera data ({ $what }) from { $name }.
browse-all = All
browse-empty = Nothing matches. Try fewer filters.
browse-filters = Filters
browse-from = From date
browse-last_page = Go to the last page
browse-next = Next page
browse-page = Page { $page } of { $pages }
browse-pages = Pages
browse-past_end = This page is past the end: the results fill { $pages } pages.
browse-prev = Previous page
browse-results =
    { $n ->
        [one] { $n } submission matches
       *[other] { $n } submissions match
    }
browse-text = Words to find (in titles, summaries, insights and lessons)
browse-to = To date
common-author = Author
common-colon = :{" "}
common-date = Date
common-kind = Kind
common-language = Language
common-list_separator = ,{" "}
common-no = No
common-none = None
common-title = Title
common-yes = Yes
common-you = you ({ $name })
drafts-empty = No drafts.
drafts-intro = Drafts are kept on this node as you type, so a power cut or a closed tab loses nothing.
drafts-saved = Draft saved.
drafts-untitled = (untitled)
drafts-updated = Last saved
edit-back = Back to the submission, without saving
edit-title = Edit “{ $title }”
error-ambiguous = Several submissions start with that id; give more of it.
error-bad_form = The form could not be read: send it again.
error-bad_identity_name = “{ $name }” cannot be an identity name: give a name of 1 to 64 characters, on one line.
error-csrf = This form has expired. Go back, reload the page and send it again.
error-disk_full = The disk is full: { $free } MB free, about { $needed } MB needed. Nothing was saved from this form, and nothing saved before is lost. Ask the person who runs this node to free space on its disk, then send the form again.
error-draft_too_large = The draft is larger than 512 KiB: shorten it, or submit what is there.
error-identity_exists = An identity named “{ $name }” already exists; choose another name.
error-internal = Something went wrong on this node; the node's log says what.
error-kind_changed = An edit cannot change what kind of submission this is.
error-not_author = Only the author of this submission can change it.
error-not_found = Not found.
error-not_secretariat = Contact details open only on the secretariat's node.
error-summary = Please correct these fields:
error-title = Something is wrong
error-too_many_drafts = 500 drafts are saved already: discard some on the Drafts page first.
error-unsealable = This node's secretariat key cannot open these contact details.
error-withdrawn = This submission was withdrawn by its author; its content was purged.
field-attachments = Photos and documents
field-challenges = Challenges
field-consent_to_publish = Consent to publish
field-consent_to_publish-no = No, keep it for the secretariat's internal use only.
field-consent_to_publish-yes = Yes: the secretariat may review it and show it publicly, without naming me, my organisation or anyone who spoke.
field-contact = Contact person
field-contact_email = Email
field-contact_name = Name
field-context = Context
field-convened_on = Date of the convening
field-country = Country (type its name, e.g. Kenya)
field-date = Planned date
field-description = Description
field-dpi_types = Kinds of digital public infrastructure
field-format = Format
field-host_organizations = Host organisations (one per line)
field-identity = Sign as
field-implementer = Implementer
field-insights = Key insights and recommendations (one per line)
field-language = Language of the text (type its name, e.g. English)
field-lessons = Lessons learned (one per line)
field-lifecycle_stages = Life cycle stages
field-locality = Town or place (may be empty online)
field-location = Place
field-participants = Participants
field-participants_count = Number of participants
field-participation = Who can take part
field-participation-curated_list = By invitation (curated list)
field-participation-open_call = Anyone may join (open call)
field-principles = Principles
field-purposes = Purposes of the convening
field-quotes = Quotes (up to three, never say who said them)
field-quotes-item = Quote
field-responsible_authority = Responsible authority
field-risks = Risks
field-stakeholder_groups = Stakeholder groups present
field-successes = Successes
field-summary = Summary of the discussion
field-title = Title
field-topics = Topics (one per line)
form-attachment_add = Add photos (JPEG, PNG, WebP) or PDF documents
form-attachment_hint =
    { $files ->
        [one] { $files } file of at most { $file_mb } MB
       *[other] Up to { $files } files of at most { $file_mb } MB each
    }, { $total_mb } MB in all. Location and camera data are removed from photos before they are stored; a PDF is kept as it is and may carry its author's name.
form-attachment_remove = Remove
form-choose_identity = Choose one of this node's identities to sign with.
form-edit_sealed_note = The contact on record is sealed and cannot be shown here. Leave these boxes empty to keep it, or fill both to replace it.
form-item = Item
form-lines_hint = One item per line.
form-no_identity = Create an identity first: it signs what you submit.
form-optional = optional
form-required = required
form-required_unless_online = required unless the convening is online
form-sealed_note = Personal data: sealed on this computer so that only the secretariat can read it. No hub on the way can.
form-whole = The submission as a whole
home-welcome = Convene keeps the reports and case studies of a network of conveners, signed by their authors and shared between hubs, even without internet for days. Read what others have learned below, or write your own.
home-write = Write a report or case study
ident-did = Public identity (did:key)
ident-empty = No identity yet.
ident-intro = An identity signs what you submit, so everyone can check it came from you. Its secret stays on this node and is never shown.
ident-name = Your name, as others should see it (e.g. Amina Okafor)
ident-new = New identity
ident-signing = signs by default
kind-case_study = Case study
kind-convening_announcement = Convening announcement
kind-convening_report = Convening report
login-intro = This node is reachable from other computers. Enter the operator token that `convene node run` printed to write or see personal data.
login-token = Operator token
login-wrong = That token is not right.
nav-browse = Browse
nav-drafts = Drafts
nav-identities = Identities
nav-language = Language
nav-network = Network
nav-new = Write
nav-skip = Skip to content
net-add_hint = A multiaddr, e.g. /ip4/192.0.2.7/tcp/4701
net-added = Peer added; the node will dial it.
net-addrs = Addresses
net-awaiting_receipt = { $n } awaiting receipt
net-bad_addr = This is not a peer address. It looks like /ip4/192.0.2.7/tcp/4701.
net-bundle = Carry entries on a USB stick
net-bundle_bad_date = This is not a date. Choose one, or leave it empty for everything.
net-bundle_blobs = With photos and files (attached to the submissions it carries)
net-bundle_damaged = This bundle is damaged. What verified before the damage was kept; the rest needs another copy.
net-bundle_download = Download a bundle
net-bundle_file = Bundle file (or one part of it)
net-bundle_files = Photos and files: { $completed } completed; pieces: { $stored } stored, { $refused } refused (they did not match the file's hash).
net-bundle_foreign = Refused: this bundle is for another network:
net-bundle_held = already here
net-bundle_hint = No link? A bundle is a file of this node's signed entries and the photos and files attached to them. Download one, carry it on a USB stick, and import it at the other node: every entry and every piece of a file is checked there as sync checks it. From the command line, run convene bundle want FILE at the receiving node first, and the exporting node writes only what it lacks.
net-bundle_imported = Bundle imported:
net-bundle_new = new
net-bundle_newer = This bundle was written by a newer version of Convene; update this node to read it.
net-bundle_refused = refused
net-bundle_since = Only entries since (leave empty for everything)
net-bundle_too_large = This file is larger than 1 GiB. Import it from the command line: convene bundle import FILE.
net-bundle_unreadable = This file is not a Convene bundle, or it cannot be read.
net-bundle_upload = Import a bundle
net-bundle_waiting = waiting for what they build on
net-bytes = Bytes in / out
net-connected = connected
net-did_you_mean = Did you mean { $addr }?
net-disconnected = not connected
net-entries = Entries received / sent
net-entries_signed =
    { $n ->
        [one] { $n } signed entry
       *[other] { $n } signed entries
    }
net-errors = Errors
net-file_bytes = files: { $in } / { $out } KB
net-files = Photos and files
net-files_here = all here
net-files_waiting = { $n } waiting to arrive ({ $mb } MB)
net-hub_name = Hub name
net-hub_name_none = Not set: peers see this node's short id. Set one with
net-is_secretariat = the secretariat's node
net-listen = Listening on
net-nat = Reachable from outside
net-nat_private = No: behind NAT; peers reach this node through its relay
net-nat_private_no_relay = No: behind NAT, and no relay is configured: peers cannot connect to this node, only it to them
net-nat_public = Yes: peers can connect to this node directly
net-nat_unknown = Not known yet (peers are asked to dial this node back)
net-network = Network
net-no_peers = No peers yet. Add one below, or carry a bundle on a USB stick.
net-no_sync = This node is not running sync.
net-node_id = This node's id
net-peer = Peer
net-peer_id = Peer id
net-peers = Peers
net-problem_banned = Banned here for 10 minutes: it sent invalid data. If it keeps happening, tell its operator.
net-problem_closed = { $addr } closed the connection at once: it may not be a Convene node. Check the address and the port.
net-problem_invalid_data = It sent invalid data, which was dropped. If it keeps happening, tell its operator.
net-problem_itself = { $addr } is this node itself: remove this peer.
net-problem_link = The link failed. It is tried again by itself; the node's log says more.
net-problem_not_dialable = This address cannot be reached: write it as /ip4/ADDRESS/tcp/PORT, remove this peer and add it again.
net-problem_not_relay = That node does not relay: ask its operator to run it with --relay-server.
net-problem_offline = This machine is not connected to any network: check its cable or Wi-Fi.
net-problem_other_network = This node is on another network: nothing is exchanged with it. Check that both use the same genesis.json.
net-problem_refused = Nothing answers at { $addr }. Is the node there running, and on that port? Check the address with its operator.
net-problem_relay_failed = The relay could not reach that hub. It is tried again by itself.
net-problem_relay_no_slot = The relay holds no place for that hub: is the hub running, with this relay in its --relay?
net-problem_relay_refused = The relay refused: it relays only for its own network, and only so many at a time.
net-problem_silent = The link went silent. The node reconnects by itself when it answers again.
net-problem_timed_out = No answer from { $addr } in time: the link may be down or very slow. It is tried again by itself.
net-problem_unreachable = No route to { $addr }: the link is down or the address is wrong. Check the cable or Wi-Fi, and the address.
net-problem_wrong_peer = Another node answered at { $addr }: the hub may have a new key. Remove this peer and add it again with the address its operator gives.
net-reach_direct = direct connection
net-reach_hole_punched = direct connection, opened through NAT (hole punching)
net-reach_relayed = through relay { $relay }
net-receiving = receiving { $rate } KB/s; about { $eta } s left
net-reconnecting = reconnecting; next try at { $time }
net-relay_reserved = holds a slot: peers add this node as
net-relay_server = This node relays for hubs of its network behind NAT.
net-relay_waiting = no slot yet (connecting, or the relay refused)
net-relays = Relays
net-removed = Peer removed.
net-rtt = round trip { $ms } ms
net-secretariat = This is the secretariat's node.
net-stored = Stored here
net-text_only = Text and previews only (a metered link): original photos and files are neither fetched nor sent.
net-waiting = { $n } waiting to arrive here
page-browse = What the network holds
page-drafts = Drafts
page-edit = Edit
page-identities = Identities
page-login = Sign in
page-network = Network
page-new = What would you like to write?
page-withdraw = Withdraw this submission?
sub-changes = Edit history
sub-contact_sealed = Sealed: only the secretariat can read it.
sub-created = Created
sub-earlier = Earlier entries not listed: { $n }
sub-entry-change = changed
sub-entry-create = created
sub-entry-grant = co-author added
sub-entry-withdraw = withdrawn
sub-held_by = Which hubs have it
sub-held_by_hint = As of the last sync with each peer.
sub-held_here = Stored on this node.
sub-held_here_secretariat = This is the secretariat's node: it has it.
sub-held_no = does not have it yet
sub-held_none = No peer has synced with this node yet.
sub-held_secretariat_no = The secretariat's node does not have it yet.
sub-held_secretariat_unknown = Not known yet whether the secretariat's node has it: it has not synced with this node.
sub-held_secretariat_yes = The secretariat's node has it.
sub-held_yes = has it
sub-saved = Signed and stored on this node. It will travel to the secretariat whenever a link is up.
sub-unverified = Signatures NOT verified
sub-verified = Signatures verified
sub-where = Where it is
sub-withdrawn = Withdrawn. Every node that follows the network's rules purges it.
sync-entries_waiting =
    { $n ->
        [one] { $n } entry waiting
       *[other] { $n } entries waiting
    }
sync-last = last sync
sync-never = never
sync-offline = sync off
sync-paused_disk_full = disk full: fetching paused
sync-peers_online =
    { $n ->
        [one] { $n } peer online
       *[other] { $n } peers online
    }
withdraw-explain = Withdrawing signs a message that tells every node to delete this submission's content. It will be purged from this node and from every node that receives the message, and it cannot be undone.
withdraw-reason = Reason (optional, public)

# desk
nav-inbox = Inbox
page-inbox = The secretariat's inbox
desk-title = The secretariat
desk-received = Received by the secretariat
desk-not_received = Not yet: it reaches the secretariat with the next sync toward it
desk-changes_waiting = { $n ->
    [one] ({ $n } later change not received yet)
   *[other] ({ $n } later changes not received yet)
}
desk-status = Status
desk-tags = Tags
desk-notes = Notes (the secretariat only)
desk-note = Add a note
desk-note_hint = Sealed to the secretariat: hubs carry it unread.
desk-save = Save
desk-unchanged = (unchanged)
desk-add_tag = Add a tag
desk-no_tags = No tags yet: add them with `convene tags add`.
desk-status-received = received
desk-status-in_review = in review
desk-status-incorporated = incorporated
desk-status-published = published
desk-status-declined = declined
desk-reason = Reason
desk-why = In words its author will read
desk-reason-spam = spam
desk-reason-abuse = abuse
desk-reason-unlawful = unlawful content
desk-reason-other = another reason
desk-hide = Hide on every node
desk-unhide = Show again on every node
desk-hidden_title = Hidden by the secretariat
desk-hidden = The secretariat hid this submission ({ $reason }).
desk-hidden_you = Hidden by the secretariat on every node ({ $reason }):
desk-show = Show
desk-all = all
desk-new = new (not curated yet)
desk-open = open
desk-pick = Pick
desk-bulk = Change the picked submissions
desk-apply = Apply
desk-inbox_empty = Nothing here.
desk-inbox_count = { $n ->
    [one] { $n } submission, newest first
   *[other] { $n } submissions, newest first
}
desk-done = { $n ->
    [one] { $n } submission changed; the change travels to every node.
   *[other] { $n } submissions changed; the change travels to every node.
}
# dashboard
nav-dashboard = Dashboard
page-dashboard = Dashboard
dashboard-intro = What this node holds, counted. The filters count only the submissions they match, as on the browse page; each chart is followed by a table of its numbers and a link to them as CSV.
dashboard-total =
    { $n ->
        [one] { $count } submission matches
       *[other] { $count } submissions match
    }
dashboard-contents = Charts
dashboard-chart = Bar chart: { $what }. The table below gives its numbers.
dashboard-submissions = Submissions
dashboard-csv = { $what }: the numbers as CSV
dashboard-others = Others
dashboard-earlier = Earlier months
dashboard-kinds = Kinds of submission
dashboard-regions = Regions
dashboard-subregions = Sub-regions
dashboard-countries = Countries
dashboard-languages = Languages
dashboard-principles = Principles
dashboard-risks = Risks
dashboard-stages = Life cycle stages
dashboard-stakeholder_groups = Stakeholder groups present
dashboard-months = Months
dashboard-column-kinds = Kind
dashboard-column-regions = Region
dashboard-column-subregions = Sub-region
dashboard-column-countries = Country
dashboard-column-languages = Language
dashboard-column-principles = Principle
dashboard-column-risks = Risk
dashboard-column-stages = Stage
dashboard-column-stakeholder_groups = Stakeholder group
dashboard-column-months = Month
dashboard-note-regions = UN M49 regions, from each submission's country.
dashboard-note-several = A submission with several of these counts once under each.
dashboard-note-months = By the month of the convening's date (of a report or an announcement); case studies have no date.
dashboard-none-codes = None given
dashboard-none-region = No region
dashboard-none-country = No country
dashboard-none-language = No language
dashboard-none-date = No date

# calendar
nav-calendar = Calendar
page-calendar = Calendar of convenings
calendar-intro = The convenings announced to the network, by their date.
calendar-ics = Download for a calendar program (.ics)
calendar-upcoming = Coming up
calendar-past = Past convenings
calendar-none = No convening is announced yet.

# custody receipts
sub-custody = Chain of custody
sub-custody_hint = Hubs that sign custody receipts say when they first held it, and from whom.
sub-custody_this = this node
sub-custody_here = written there
sub-custody_bundle = from a bundle (USB stick)
sub-custody_from = from { $peer }
sub-custody_more = { $n ->
    [one] and one more hub, later
   *[other] and { $n } more hubs, later
}
# Showcase
showcase-name = Convene showcase
showcase-title = Published submissions
showcase-intro = Reports and case studies their authors agreed to publish, as the secretariat published them. No author, organisation, contact or locality is named, quotes are not attributed, and dates are given to the month.
showcase-threshold = Every count under { $min } is shown as “fewer than { $min }”, and some places and months are shown more broadly, so that no small group can be picked out.
showcase-fewer = fewer than { $min }
showcase-total =
    { $count ->
        [one] { $count } submission
       *[other] { $count } submissions
    }
showcase-items = Submissions
showcase-figures = Figures
showcase-nothing = Nothing is published yet.
showcase-footer = Published by the secretariat with Convene. Nothing here names who wrote it.
showcase-chart_note = The chart draws the counts that are shown; the table lists every row.
showcase-kinds_note = A kind with fewer submissions than the threshold is left out of this showcase.
showcase-places = Regions and countries
showcase-place = Place
showcase-periods = Submitted, by year and month
showcase-period = Month submitted
showcase-other_countries = other countries
showcase-other_regions = Other regions
showcase-other_months = other months
showcase-other_years = Other years
showcase-held_back = includes counts held back so that smaller ones cannot be worked out
showcase-another_region = Another region
showcase-another_year = Another year
showcase-no_country = No country given
showcase-provenance = Signed entries
showcase-provenance_note = The secretariat's signed release lists these ids. A Convene node that holds them can check that the author signed them and consented to publication: convene release verify.
showcase-document = Submission
showcase-entries = Entries

# guide (publications and taxonomy versions)
nav-guide = Guide
page-guide = Guide
guide-intro = Guiding questions and toolkit pages the secretariat publishes to every node.
guide-none = The secretariat has not published a page yet.
guide-taxonomy = Taxonomy
guide-taxonomy_published = This node shows the framework's titles from taxonomy version { $version }, published by the secretariat.
guide-taxonomy_shipped = This node shows the framework's titles from taxonomy version { $version }, shipped with Convene.
guide-published = Published
guide-other_languages = Also in
guide-all = All pages of the guide
guide-read_first = Read the guiding questions first
