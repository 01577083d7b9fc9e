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
"""

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


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # Every request of every phase passes here just before it is sent.
    if case.operation.path == "/peers" and isinstance(case.body, dict):
        addr = case.body.get("addr")
        if isinstance(addr, str):
            case.body = dict(case.body, addr=loopback(addr))
