#!/usr/bin/python3
"""herald test lab: a scriptable SMTP sink on a loopback address.

Run it with Debian's /usr/bin/python3 (python3-aiosmtpd); a pyenv or venv
python on PATH does not see Debian's modules.  tests/lab/lab.sh starts it;
it can also be run by hand:

    /usr/bin/python3 tests/lab/smtpd.py --listen 127.0.0.10 --port 2525 \
        --spool /tmp/spool --cert server.crt --key server.key

Every message is saved into --spool before the DATA reply is sent (so a
client that saw "250" finds the files already there), as three files that
share one stem:

    STEM.wire  the bytes after "354" up to and including the final ".\r\n",
               exactly as they came off the wire (dot-stuffing, CRLF and any
               bare CR/LF intact): the input of wire-hygiene checks
    STEM.eml   the message as aiosmtpd understood it (dot-unstuffed,
               without the terminating dot line): the input of content
               checks such as DKIM verification
    STEM.json  the envelope and session facts; written last, by rename, so
               its presence means the other two are complete

Stems sort in arrival order.  A DATA that aiosmtpd itself refuses (a line
of 1,000 bytes or more, or over the size limit) is saved too, with the
reply it got, because that is exactly what wire-hygiene tests look for.

Fault injection is by options, so a test states the server's behaviour on
its command line; see --help.  AUTH is not offered unless --auth-file names
a file of USER:PASSWORD lines (a relay that wants AUTH, after STARTTLS,
before MAIL); herald's other lab traffic is MX delivery, where an offered
AUTH would only invite clients to misuse it.  A message's facts then name
the user it was sent as ("auth_user").
"""

import argparse
import asyncio
import fnmatch
import ipaddress
import json
import logging
import os
import signal
import ssl
import sys
import time

from aiosmtpd.smtp import SMTP, AuthResult

log = logging.getLogger("lab.smtpd")


# -- replies ------------------------------------------------------------------

def format_reply(text):
    """Turn an option value into the status string aiosmtpd pushes.

    "451" alone gets a text so the line is well-formed.  A literal "\\n"
    separates lines of a multi-line reply ("451 a\\nb" becomes
    "451-a" CRLF "451 b"), so tests can exercise multi-line reply parsing.
    """
    text = text.strip()
    code = text[:3]
    if len(code) != 3 or not code.isdigit() or code[0] not in "2345":
        raise argparse.ArgumentTypeError("a reply starts with a 3-digit code: %r" % text)
    if len(text) == 3:
        text += " lab: injected reply"
    lines = [line.strip() for line in text[4:].split("\\n")]
    out = ["%s-%s" % (code, line) for line in lines[:-1]]
    out.append("%s %s" % (code, lines[-1]))
    return "\r\n".join(out)


class Rules:
    """First matching (glob on the lower-cased address, reply) pair wins."""

    def __init__(self, pairs, default):
        self.pairs = [(glob.lower(), format_reply(reply)) for glob, reply in pairs]
        self.default = default

    def reply_for(self, address):
        address = (address or "").lower()
        for glob, reply in self.pairs:
            if fnmatch.fnmatchcase(address, glob):
                return reply
        return self.default


# -- the spool ----------------------------------------------------------------

class Spool:
    """One stem per message; files appear atomically (write + rename)."""

    def __init__(self, directory):
        self.directory = directory
        self.seq = 0
        os.makedirs(directory, exist_ok=True)

    def _put(self, name, data):
        path = os.path.join(self.directory, name)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, path)
        return path

    def save(self, wire, content, facts):
        self.seq += 1
        stem = "%019d-%d-%d" % (time.time_ns(), os.getpid(), self.seq)
        facts = dict(facts, stem=stem,
                     wire_file=self._put(stem + ".wire", bytes(wire)),
                     eml_file=self._put(stem + ".eml", bytes(content or b"")),
                     wire_bytes=len(wire))
        self._put(stem + ".json", (json.dumps(facts, indent=1) + "\n").encode())
        log.info("saved %s (%d bytes on the wire)", stem, len(wire))
        return stem


def session_facts(session, envelope):
    tls = None
    if session.ssl:
        obj = session.ssl.get("ssl_object")
        cipher = session.ssl.get("cipher") or (None, None, None)
        tls = {"version": obj.version() if obj else cipher[1], "cipher": cipher[0]}
    peer = session.peer if isinstance(session.peer, (tuple, list)) else [str(session.peer)]
    return {
        "peer": list(peer)[:2],
        "helo": session.host_name,
        "esmtp": bool(session.extended_smtp),
        "tls": tls,
        "mail_from": envelope.mail_from,
        "mail_options": list(envelope.mail_options or []),
        "rcpt_tos": list(envelope.rcpt_tos or []),
        "rcpt_options": [list(o) for o in (envelope.rcpt_options or [])],
        "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "auth_user": (session.login_data.decode("utf-8", "replace")
                      if session.authenticated and session.login_data else None),
    }


def read_auth_file(path):
    """USER:PASSWORD lines into a dict (the passwords never reach argv)."""
    users = {}
    with open(path, "rb") as f:
        for line in f.read().splitlines():
            if b":" in line:
                user, password = line.split(b":", 1)
                users[user] = password
    return users


def authenticator(users):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (auth_data is not None and hasattr(auth_data, "login") and
              users.get(auth_data.login) == auth_data.password)
        log.info("AUTH %s as %r: %s", mechanism,
                 getattr(auth_data, "login", b"?").decode("utf-8", "replace"),
                 "accepted" if ok else "refused")
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


# -- the handler: what the server answers -------------------------------------

class Handler:
    def __init__(self, opts, spool):
        self.opts = opts
        self.spool = spool
        self.mail_rules = Rules(opts.mail_rule, opts.reply_mail)
        self.rcpt_rules = Rules(opts.rcpt_rule, opts.reply_rcpt)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # aiosmtpd always advertises AUTH once TLS is up; the lab does only
        # with --auth-file.
        session.host_name = hostname
        if self.opts.no_8bitmime:
            responses = [r for r in responses if r[4:].upper() != "8BITMIME"]
        if self.opts.auth_file:
            return responses
        return [r for r in responses if not r[4:].upper().startswith("AUTH")]

    # An injected 2xx reply still accepts, so a rule can single out the one
    # good address among refused ones.

    async def handle_MAIL(self, server, session, envelope, address, options):
        reply = self.mail_rules.reply_for(address) or "250 2.1.0 OK"
        if reply.startswith("2"):
            envelope.mail_from = address
            envelope.mail_options.extend(options)
        return reply

    async def handle_RCPT(self, server, session, envelope, address, options):
        if self.opts.rcpt_delay:
            # A client killed while it waits here has sent MAIL and RCPT
            # (and DATA, if it pipelines) but none of its message.
            log.info("holding the reply to RCPT TO:<%s> for %g s", address,
                     self.opts.rcpt_delay)
            await asyncio.sleep(self.opts.rcpt_delay)
        reply = self.rcpt_rules.reply_for(address) or "250 2.1.5 OK"
        if reply.startswith("2"):
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.append(options)
        return reply

    async def handle_DATA(self, server, session, envelope):
        reply = self.opts.reply_data or "250 2.0.0 OK: saved by the herald lab"
        drop = self.opts.drop_after_data
        facts = session_facts(session, envelope)
        facts.update(reply=None if drop else reply, dropped=drop)
        self.spool.save(envelope.lab_wire, envelope.original_content, facts)
        server.lab_saved = True
        if self.opts.data_delay:
            await asyncio.sleep(self.opts.data_delay)
        if drop:
            # The final dot was read, the reply never comes: the client's
            # "unknown" case.  abort() discards anything still buffered;
            # connection_lost() then cancels this coroutine, so the reply
            # aiosmtpd would push after us is never written.
            server.transport.abort()
            await asyncio.get_running_loop().create_future()
        return reply


# -- the protocol: wire capture and session-level faults ----------------------

class LabSMTP(SMTP):
    """aiosmtpd's SMTP plus a raw tap on DATA and a configurable greeting."""

    def __init__(self, handler, opts, spool, **kw):
        super().__init__(handler, **kw)
        self.lab_opts = opts
        self.lab_spool = spool
        self.lab_saved = False
        self.lab_last_reply = None

    async def _handle_client(self):
        opts = self.lab_opts
        if opts.greeting_delay:
            await asyncio.sleep(opts.greeting_delay)
        if opts.greeting:
            # A refusing server: say so and hang up (RFC 5321 4.3.1 allows
            # a 554 greeting; 421 is the usual "busy").
            await self.push(opts.greeting)
            self.transport.close()
            return
        await super()._handle_client()

    async def push(self, status):
        self.lab_last_reply = status if isinstance(status, str) else status.decode("utf-8", "replace")
        await super().push(status)

    async def smtp_DATA(self, arg):
        # aiosmtpd reads the DATA section with readuntil() (and read() for
        # over-long lines) and unstuffs it; record those reads verbatim for
        # the duration of this command.
        reader = self._reader
        wire = bytearray()
        real_readuntil, real_read = reader.readuntil, reader.read

        async def readuntil(separator=b"\n"):
            chunk = await real_readuntil(separator)
            wire.extend(chunk)
            return chunk

        async def read(n=-1):
            chunk = await real_read(n)
            wire.extend(chunk)
            return chunk

        self.envelope.lab_wire = wire
        self.lab_saved = False
        envelope = self.envelope
        reader.readuntil, reader.read = readuntil, read
        try:
            await super().smtp_DATA(arg)
        finally:
            del reader.readuntil, reader.read
        if wire and not self.lab_saved:
            # aiosmtpd refused the data itself (line or size limit).
            facts = session_facts(self.session, envelope)
            facts.update(reply=self.lab_last_reply, dropped=False)
            self.lab_spool.save(wire, b"", facts)


# -- start-up -----------------------------------------------------------------

def tls_context(opts):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(opts.cert, opts.key)
    ctx.verify_mode = ssl.CERT_NONE  # no client certificates in the lab
    if opts.tls12_only:
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def loopback(text):
    """The lab never listens beyond 127.0.0.0/8 (or ::1)."""
    try:
        ok = ipaddress.ip_address(text).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError("not a loopback address: %r" % text)
    return text


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--listen", required=True, type=loopback, help="loopback address to bind")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--spool", required=True, help="directory for saved messages")
    p.add_argument("--hostname", default="sink.lab.test",
                   help="name in the greeting and EHLO reply (never looked up)")
    p.add_argument("--ready", help="write our PID here once listening")
    p.add_argument("--size-limit", type=int, default=33554432)
    p.add_argument("--no-smtputf8", action="store_true", help="do not offer SMTPUTF8")
    p.add_argument("--no-8bitmime", action="store_true", help="do not offer 8BITMIME")

    t = p.add_argument_group("TLS")
    t.add_argument("--cert", help="certificate (chain) file for STARTTLS")
    t.add_argument("--key", help="private key for --cert")
    t.add_argument("--no-starttls", action="store_true", help="do not offer STARTTLS")
    t.add_argument("--require-starttls", action="store_true",
                   help="answer 530 to mail commands before STARTTLS")
    t.add_argument("--tls12-only", action="store_true", help="offer TLS 1.2 at most")
    t.add_argument("--auth-file", metavar="FILE",
                   help="offer AUTH PLAIN and LOGIN after STARTTLS and require it before "
                        "MAIL; FILE holds USER:PASSWORD lines")

    f = p.add_argument_group("fault injection (REPLY: '451', '550 5.1.1 text', "
                             "'451 4.3.0 one\\ntwo' for a multi-line reply)")
    f.add_argument("--greeting", type=format_reply,
                   help="send this instead of 220 and close (e.g. '421 busy', '554 no')")
    f.add_argument("--greeting-delay", type=float, default=0, metavar="SEC")
    f.add_argument("--reply-mail", type=format_reply, metavar="REPLY", help="answer every MAIL")
    f.add_argument("--reply-rcpt", type=format_reply, metavar="REPLY", help="answer every RCPT")
    f.add_argument("--reply-data", type=format_reply, metavar="REPLY",
                   help="answer the end of DATA (the message is saved anyway)")
    f.add_argument("--mail-rule", nargs=2, action="append", default=[], metavar=("GLOB", "REPLY"),
                   help="answer MAIL FROM matching GLOB (repeatable, first match wins)")
    f.add_argument("--rcpt-rule", nargs=2, action="append", default=[], metavar=("GLOB", "REPLY"),
                   help="answer RCPT TO matching GLOB (repeatable, first match wins)")
    f.add_argument("--rcpt-delay", type=float, default=0, metavar="SEC",
                   help="wait before each reply to RCPT (logged as 'holding the reply to RCPT')")
    f.add_argument("--data-delay", type=float, default=0, metavar="SEC",
                   help="wait before the reply to the final dot")
    f.add_argument("--drop-after-data", action="store_true",
                   help="read the final dot, save the message, close without a reply")
    opts = p.parse_args(argv)
    if not opts.no_starttls and not (opts.cert and opts.key):
        p.error("--cert and --key are needed unless --no-starttls")
    if opts.require_starttls and opts.no_starttls:
        p.error("--require-starttls contradicts --no-starttls")
    if opts.auth_file and opts.no_starttls:
        p.error("--auth-file needs STARTTLS (AUTH is only offered over TLS)")
    return opts


def write_ready(path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, path)


def main(argv):
    opts = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    spool = Spool(opts.spool)
    handler = Handler(opts, spool)
    ctx = None if opts.no_starttls else tls_context(opts)
    if opts.auth_file:
        auth = dict(authenticator=authenticator(read_auth_file(opts.auth_file)),
                    auth_required=True)
    else:
        auth = dict(auth_exclude_mechanism=["LOGIN", "PLAIN"])
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    def factory():
        return LabSMTP(handler, opts, spool, loop=loop, hostname=opts.hostname,
                       ident="herald-lab", tls_context=ctx,
                       require_starttls=opts.require_starttls,
                       data_size_limit=opts.size_limit,
                       enable_SMTPUTF8=not opts.no_smtputf8,
                       decode_data=False, auth_require_tls=True, **auth)

    server = loop.run_until_complete(
        loop.create_server(factory, host=opts.listen, port=opts.port, reuse_address=True))
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    log.info("listening on %s port %d", opts.listen, opts.port)
    if opts.ready:
        write_ready(opts.ready)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
