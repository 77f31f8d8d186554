#!/usr/bin/env python3
"""A forging DNS proxy for the lab: the on-path attacker of the DNSSEC tests.

It forwards every query (UDP and TCP) to the lab's NSD and passes the answer
back, except for the queries a rule names, which it answers with NSD's
answer to another question (the question section rewritten to the one
asked), with record types stripped from sections and the rcode changed as
the rule says.  Only the standard library; loopback only.

    dnsproxy.py --listen ADDR --upstream ADDR:PORT --rules FILE --ready FILE

The port is chosen here (free for UDP and TCP on ADDR) and written to the
ready file once both sockets listen.  Rules are JSON, a list of objects:

    name, type     the question to forge (type a mnemonic: "TLSA", "DS")
    ask            [name, type] asked of NSD instead (default: the same)
    strip          {"answer": ["RRSIG"], "authority": ["NSEC", ...]}
    rename         true: the answer's records of the name asked are given
                   the name of the question (a wildcard's expansion moved)
    drop           true: no answer at all (a timeout)
    id, after      a rule with "after" fires only once the rule whose "id"
                   it names has fired, once for each time that one did
"""
import argparse
import json
import os
import random
import socket
import socketserver
import struct
import sys
import threading

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "DNAME": 39, "OPT": 41, "DS": 43,
         "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "NSEC3": 50, "TLSA": 52}
SECTIONS = ("answer", "authority", "additional")


def read_name(msg, off):
    """The labels of the name at off (pointers followed), and the offset
    after it in place."""
    labels, end, hops = [], None, 0
    while True:
        n = msg[off]
        if n & 0xC0 == 0xC0:
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            hops += 1
            if hops > 64:
                raise ValueError("pointer loop")
            continue
        off += 1
        if n == 0:
            break
        labels.append(bytes(msg[off:off + n]))
        off += n
    return labels, (end if end is not None else off)


def wire_name(labels):
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"


def text_name(labels):
    return ".".join(l.decode("ascii", "replace") for l in labels).lower()


def name_labels(text):
    return [l.encode() for l in text.strip(".").split(".") if l]


def read_rdata(msg, off, rtype, rdlen):
    """RDATA with the names that may be compressed written out in full."""
    end = off + rdlen
    if rtype in (2, 5, 12, 39):
        labels, _ = read_name(msg, off)
        return wire_name(labels)
    if rtype == 15:
        labels, _ = read_name(msg, off + 2)
        return bytes(msg[off:off + 2]) + wire_name(labels)
    if rtype == 6:
        m, o = read_name(msg, off)
        r, o = read_name(msg, o)
        return wire_name(m) + wire_name(r) + bytes(msg[o:o + 20])
    return bytes(msg[off:end])


def parse(msg):
    """(header fields, question, {section: [rr]}) of a message; an rr is
    [labels, type, class, ttl, rdata]."""
    qid, flags, qd, an, ns, ar = struct.unpack("!6H", msg[:12])
    off = 12
    question = []
    for _ in range(qd):
        labels, off = read_name(msg, off)
        qtype, qclass = struct.unpack("!2H", msg[off:off + 4])
        off += 4
        question.append((labels, qtype, qclass))
    secs = {}
    for sec, count in zip(SECTIONS, (an, ns, ar)):
        rrs = []
        for _ in range(count):
            labels, off = read_name(msg, off)
            rtype, rclass, ttl, rdlen = struct.unpack("!2HIH", msg[off:off + 10])
            off += 10
            rrs.append([labels, rtype, rclass, ttl,
                        read_rdata(msg, off, rtype, rdlen)])
            off += rdlen
        secs[sec] = rrs
    return qid, flags, question, secs


def build(qid, flags, question, secs):
    out = [struct.pack("!6H", qid, flags, len(question),
                       *(len(secs[s]) for s in SECTIONS))]
    for labels, qtype, qclass in question:
        out.append(wire_name(labels) + struct.pack("!2H", qtype, qclass))
    for sec in SECTIONS:
        for labels, rtype, rclass, ttl, rdata in secs[sec]:
            out.append(wire_name(labels) +
                       struct.pack("!2HIH", rtype, rclass, ttl, len(rdata)) +
                       rdata)
    return b"".join(out)


class Proxy:
    def __init__(self, upstream, rules):
        host, port = upstream.rsplit(":", 1)
        self.upstream = (host, int(port))
        self.rules = rules
        self.lock = threading.Lock()
        for r in rules:
            r["armed"] = 0 if "after" in r else -1	# -1: always
            r["fired"] = 0

    def rule_for(self, qname, qtype):
        with self.lock:
            for r in self.rules:
                if r["name"].strip(".").lower() != qname or \
                        TYPES[r["type"]] != qtype or r["armed"] == 0:
                    continue
                if r["armed"] > 0:
                    r["armed"] -= 1
                r["fired"] += 1
                for other in self.rules:
                    if r.get("id") and other.get("after") == r["id"]:
                        other["armed"] += 1
                return r
        return None

    def ask(self, query):
        """NSD's answer to a query (TCP if it truncates over UDP)."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(3)
        try:
            s.sendto(query, self.upstream)
            reply = s.recv(65535)
        finally:
            s.close()
        if struct.unpack("!H", reply[2:4])[0] & 0x0200:
            t = socket.create_connection(self.upstream, timeout=3)
            try:
                t.sendall(struct.pack("!H", len(query)) + query)
                n = struct.unpack("!H", recv_all(t, 2))[0]
                reply = recv_all(t, n)
            finally:
                t.close()
        return reply

    def handle(self, query):
        qid, flags, question, secs = parse(query)
        if len(question) != 1:
            return self.ask(query)
        labels, qtype, qclass = question[0]
        rule = self.rule_for(text_name(labels), qtype)
        if rule is None:
            return self.ask(query)
        sys.stderr.write("forging %s %s\n" % (rule["name"], rule["type"]))
        if rule.get("drop"):
            return None
        aname, atype = rule.get("ask", [rule["name"], rule["type"]])
        q2 = build(qid, flags, [(name_labels(aname), TYPES[atype], qclass)],
                   {"answer": [], "authority": [],
                    "additional": secs["additional"]})
        rid, rflags, _, rsecs = parse(self.ask(q2))
        if rule.get("rename"):
            asked = text_name(name_labels(aname))
            for rr in rsecs["answer"]:
                if text_name(rr[0]) == asked:
                    rr[0] = labels
        for sec, types in rule.get("strip", {}).items():
            drop = {TYPES[t] for t in types}
            rsecs[sec] = [rr for rr in rsecs[sec] if rr[1] not in drop]
        return build(qid, rflags & ~0x0200, question, rsecs)


def recv_all(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("short read")
        buf += chunk
    return buf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--ready", required=True)
    a = ap.parse_args()
    if not a.listen.startswith("127."):
        sys.exit("loopback only")
    with open(a.rules) as f:
        proxy = Proxy(a.upstream, json.load(f))

    class UDP(socketserver.BaseRequestHandler):
        def handle(self):
            data, sock = self.request
            try:
                reply = proxy.handle(data)
            except Exception as e:  # a test tool: say it and go on
                sys.stderr.write("udp: %r\n" % (e,))
                return
            if reply is None:
                return
            if len(reply) > 1232:	# herald's EDNS size: TC, ask over TCP
                qid, flags, question, _ = parse(reply)
                reply = build(qid, flags | 0x0200, question,
                              {s: [] for s in SECTIONS})
            sock.sendto(reply, self.client_address)

    class TCP(socketserver.BaseRequestHandler):
        def handle(self):
            try:
                n = struct.unpack("!H", recv_all(self.request, 2))[0]
                reply = proxy.handle(recv_all(self.request, n))
                if reply is None:
                    return
                self.request.sendall(struct.pack("!H", len(reply)) + reply)
            except Exception as e:
                sys.stderr.write("tcp: %r\n" % (e,))

    socketserver.ThreadingUDPServer.allow_reuse_address = True
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    for _ in range(200):
        port = random.randint(20000, 32767)
        try:
            u = socketserver.ThreadingUDPServer((a.listen, port), UDP)
        except OSError:
            continue
        try:
            t = socketserver.ThreadingTCPServer((a.listen, port), TCP)
        except OSError:
            u.server_close()
            continue
        break
    else:
        sys.exit("no free port")
    u.daemon_threads = t.daemon_threads = True
    threading.Thread(target=t.serve_forever, daemon=True).start()
    with open(a.ready + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(a.ready + ".tmp", a.ready)
    u.serve_forever()


if __name__ == "__main__":
    main()
