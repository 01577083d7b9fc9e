"""Schemathesis hooks for tests/tests/schemathesis.rs.

Generated peer addresses are valid multiaddrs of random hosts, and the node
dials every peer it is given. Tests never reach beyond 127.0.0.1, so every
generated address the node would accept (it matches the `PeerBody.addr`
pattern of web-ui/openapi.json, copied below) is replaced with
/ip4/127.0.0.1/tcp/9 (nothing listens there) before it is sent; any other
text that names a host is replaced with /ip4/127.0.0.1/udp/9, which the
node refuses as it refuses every address outside the pattern (no /tcp). So
nothing beyond 127.0.0.1 is ever dialed or looked up, and what each check
expects is unchanged.

A file sent to `/blobs` must be a JPEG, PNG, WebP or PDF by its first bytes,
which no schema can say of a binary body: every generated body is replaced
with a small PDF, so the checks exercise the rest of the operation (its
name, token and answers). web-ui/tests/openapi.rs sends the refused kinds.

Files are attached to a submission that exists: the id of every report or
case study a submit stores is kept, and `/submissions/{id}/attachments` is
sent to the latest one (any
string is a valid id, so what each check expects is unchanged; random ids
only ever reach "no such submission").

The desk (`POST /desk`) is the secretariat's: the test node holds its key,
which signs when no curator is named, so `as` is left out; what a
curation or moderation names is the latest submission stored, else the
one the test stored first (random ids only ever reach "no such
submission"); and a moderation never purges (a purge is for good, and
every later request about it would reach "no such submission" only).

A submission's attached files may come to at most 25 MB together, which a
schema cannot say either: when every generated file is valid on its own but
together they come to more, their sizes are cut so they fit (a file that is
invalid on its own is left as it is, so refusals are still checked).
"""

import os
import re

import schemathesis

# The `PeerBody.addr` pattern of web-ui/openapi.json (tests/tests/schemathesis.rs checks they agree).
ACCEPTED = re.compile(r"^(?:/ip4/(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}|/dns[46]?/[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)/tcp/(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)$")


NAMES_HOST = re.compile(r"/(?:ip4|ip6|dns|dns4|dns6|dnsaddr)/")


def loopback(addr):
    if ACCEPTED.search(addr):
        return "/ip4/127.0.0.1/tcp/9"
    if NAMES_HOST.search(addr):
        return "/ip4/127.0.0.1/udp/9"
    return addr


# The test network's attachment limits: Limits::DEFAULT in protocol/src/attachment.rs
# (tests/tests/schemathesis.rs checks they agree).
MAX_FILE_BYTES = 10_000_000
MAX_SUBMISSION_BYTES = 25_000_000


def within_total(submission):
    files = submission.get("attachments") if isinstance(submission, dict) else None
    if not isinstance(files, list) or not files or not all(isinstance(file, dict) for file in files):
        return
    sizes = [file.get("size") for file in files]
    valid = all(isinstance(size, (int, float)) and 1 <= size <= MAX_FILE_BYTES for size in sizes)
    if valid and sum(sizes) > MAX_SUBMISSION_BYTES:
        each = MAX_SUBMISSION_BYTES // len(files)
        for file in files:
            file["size"] = min(file["size"], each)


# Ids of the reports and case studies (the kinds with attachments) stored so far, the latest last.
STORED = []
WITH_ATTACHMENTS = ("convening_report", "case_study")


@schemathesis.hook
def after_call(ctx, case, response):
    if (
        case.operation.path == "/submissions"
        and case.method.upper() == "POST"
        and response.status_code == 201
        and isinstance(case.body, dict)
        and case.body.get("kind") in WITH_ATTACHMENTS
    ):
        try:
            STORED.append(response.json()["id"])
        except (ValueError, KeyError, TypeError):
            pass


# What every generated file sent to `/blobs` becomes.
A_PDF = b"%PDF-1.4\n%%EOF\n"


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Every request of every phase passes here just before it is sent.
    if case.operation.path == "/blobs":
        case.body = A_PDF
    if case.operation.path == "/submissions/{id}/attachments" and STORED:
        case.path_parameters = dict(case.path_parameters or {}, id=STORED[-1])
    for submission in case.body if isinstance(case.body, list) else [case.body]:
        within_total(submission)
    if case.operation.path == "/desk" and case.method.upper() == "POST":
        case.query = {key: value for key, value in (case.query or {}).items() if key != "as"}
        known = STORED[-1] if STORED else os.environ.get("CONVENE_SUBMISSION")
        if isinstance(case.body, dict) and known:
            if isinstance(case.body.get("ids"), list):
                case.body = dict(case.body, ids=[known])
            if isinstance(case.body.get("subject"), str):
                case.body = dict(case.body, subject=known)
        if isinstance(case.body, dict) and case.body.get("purge") is True:
            case.body = dict(case.body, purge=False)
    if case.operation.path == "/peers" and isinstance(case.body, dict):
        addr = case.body.get("addr")
        if isinstance(addr, str):
            case.body = dict(case.body, addr=loopback(addr))
