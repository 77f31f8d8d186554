#!/usr/bin/python3
"""A tiny IMAP server over TLS for herald's feedback-fetch suite: it serves
a fixed set of messages and drops the connection halfway through the
literal of one of them (--drop-uid), to see that a fetch stops with a clear
error naming that message and loses nothing. With --no-starttls it listens
in clear text and offers no STARTTLS (herald must refuse to log in).

Usage: imapdrop.py --listen ADDR --port P --cert CHAIN --key KEY
                   --ready FILE [--drop-uid N] [--no-starttls] MSGFILE...
Message i (from 1) has UID i. Only what libcurl sends is understood.
"""
import argparse
import re
import socket
import ssl
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--listen", required=True)
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--ready", required=True)
ap.add_argument("--drop-uid", type=int, default=0)
ap.add_argument("--no-starttls", action="store_true")
ap.add_argument("msgs", nargs="*")
a = ap.parse_args()
msgs = [open(m, "rb").read() for m in a.msgs]

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((a.listen, a.port))
srv.listen(4)
ctx = None
if not a.no_starttls:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
with open(a.ready, "w") as f:
    f.write("ready\n")


def serve(c):
    f = c.makefile("rwb")

    def out(s):
        f.write(s if isinstance(s, bytes) else s.encode())
        f.flush()

    out("* OK [CAPABILITY IMAP4rev1] lab imapdrop ready\r\n")
    while True:
        line = f.readline()
        if not line:
            return
        m = re.match(rb"(\S+) (.*?)\r?\n$", line)
        if not m:
            return
        tag, cmd = m.group(1).decode(), m.group(2).decode()
        up = cmd.upper()
        if up == "CAPABILITY":
            out("* CAPABILITY IMAP4rev1\r\n%s OK done\r\n" % tag)
        elif up.startswith("LOGIN"):
            out("%s OK logged in\r\n" % tag)
        elif up.startswith("SELECT") or up.startswith("EXAMINE"):
            out("* %d EXISTS\r\n* OK [UIDVALIDITY 1] ok\r\n"
                "%s OK [READ-WRITE] selected\r\n" % (len(msgs), tag))
        elif up.startswith("UID SEARCH"):
            out("* SEARCH %s\r\n%s OK done\r\n" % (
                " ".join(str(i + 1) for i in range(len(msgs))), tag))
        elif up.startswith("UID FETCH") and "RFC822.SIZE" in up:
            for i, m_ in enumerate(msgs):
                out("* %d FETCH (UID %d RFC822.SIZE %d)\r\n" % (i + 1, i + 1, len(m_)))
            out("%s OK done\r\n" % tag)
        elif up.startswith("UID FETCH"):
            uid = int(up.split()[2])
            body = msgs[uid - 1]
            out("* %d FETCH (UID %d BODY[] {%d}\r\n" % (uid, uid, len(body)))
            if uid == a.drop_uid:
                out(body[:len(body) // 2])
                return
            out(body)
            out(")\r\n%s OK done\r\n" % tag)
        elif up.startswith("UID STORE"):
            out("%s OK done\r\n" % tag)
        elif up == "LOGOUT":
            out("* BYE bye\r\n%s OK done\r\n" % tag)
            return
        else:
            out("%s BAD not here\r\n" % tag)


while True:
    c, _ = srv.accept()
    try:
        if ctx is not None:
            c = ctx.wrap_socket(c, server_side=True)
        serve(c)
    except (OSError, ssl.SSLError):
        pass
    finally:
        try:
            c.close()
        except OSError:
            pass
