#!/usr/bin/python3
"""A real SMTP server for the e-mail integration test (tests/integration/itest_mail.c), on
Debian's python3-aiosmtpd (scripts/deps.sh installs it for `make test`).

It listens on 127.0.0.1 on a port the system picks and writes that port to --port-file once it
accepts connections. With --cert/--key it offers STARTTLS (RFC 3207) and refuses MAIL before
it; with --user/--password it requires AUTH (over TLS only) with exactly those credentials.
Each accepted message is written, whole, to --out as NNNNNN.eml (the DATA as received, CRLF
line ends) with NNNNNN.json beside it ({"mail_from", "rcpt_tos", "tls", "auth"}), the .json
written last and atomically (rename), so a reader that sees it sees both complete.

The .json also has the message as Python's e-mail parser reads it — "subject" (RFC 2047
decoded), "body" (transfer encoding and charset decoded), "message_id", "content_type", "cte"
— so the test checks what a mail client would show, not our own encoder's idea of it.

Refusals on demand: while the file --out/../refuse holds a positive number N, the next DATA is
answered "451 4.3.0" and N is decreased (a relay that is briefly unavailable). Each refusal
is recorded in --out/../refused.log (one line: the Message-ID). While --out/../hang exists, a
DATA is held (its Message-ID written to --out/../holding) and answered "451 4.3.0" once the
file is removed: a relay that never accepted the message the client was cut off sending.

Stops on SIGTERM or SIGINT.
"""
import argparse
import asyncio
import email
import email.policy
import json
import os
import re
import signal
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Handler:
    def __init__(self, out, control):
        self.out = out
        self.control = control
        self.count = 0

    def refuse_now(self):
        path = os.path.join(self.control, "refuse")
        try:
            with open(path) as f:
                n = int(f.read().strip() or "0")
        except (OSError, ValueError):
            return False
        if n <= 0:
            return False
        with open(path + ".tmp", "w") as f:
            f.write(str(n - 1))
        os.replace(path + ".tmp", path)
        return True

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        m = re.search(rb"^Message-ID:\s*(\S+)", content, re.M | re.I)
        mid = m.group(1) if m else b"?"
        hang = os.path.join(self.control, "hang")
        if os.path.exists(hang):
            with open(os.path.join(self.control, "holding.tmp"), "wb") as f:
                f.write(mid + b"\n")
            os.replace(os.path.join(self.control, "holding.tmp"),
                       os.path.join(self.control, "holding"))
            while os.path.exists(hang):
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"
        if self.refuse_now():
            with open(os.path.join(self.control, "refused.log"), "ab") as f:
                f.write(mid + b"\n")
            return "451 4.3.0 Try again later"
        self.count += 1
        base = os.path.join(self.out, "%06d" % self.count)
        with open(base + ".eml", "wb") as f:
            f.write(content)
        msg = email.message_from_bytes(content, policy=email.policy.default)
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": session.ssl is not None,
            "auth": session.authenticated,
            "subject": str(msg["subject"]),
            "body": msg.get_content(),
            "message_id": str(msg["message-id"]),
            "content_type": msg["content-type"],
            "cte": str(msg["content-transfer-encoding"]),
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return check


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--user")
    ap.add_argument("--password")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    handler = Handler(a.out, os.path.dirname(os.path.abspath(a.out)))
    tls = None
    if a.cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(a.cert, a.key)
    kw = {}
    if a.user:
        kw = {"authenticator": authenticator(a.user, a.password or ""),
              "auth_required": True, "auth_require_tls": tls is not None}

    def factory():
        return SMTP(handler, hostname="smtp.test", tls_context=tls,
                    require_starttls=tls is not None, **kw)

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.replace(a.port_file + ".tmp", a.port_file)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.close()
    await server.wait_closed()


if __name__ == "__main__":
    asyncio.run(main())
