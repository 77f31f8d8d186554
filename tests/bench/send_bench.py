#!/usr/bin/python3
"""Send benchmark: herald send beside Postfix, loopback sinks, one run.

    send_bench.py N [SMALL]        (default 10000 and 2000)

Sets up the lab's NSD (tests/lab/lab.sh) with a zone whose domains have
their MX on loopback sinks, a fresh herald database with lists of N and
SMALL generated members spread over five domains, an issue with a
~2,000-byte body and merge fields, and an rsa-2048 DKIM key. Then, all in
this run:

  RSA-2048 limit   `openssl speed -seconds 2 rsa2048`: signatures/s, one core
  plaintext        Postfix's smtp-sink on 127.0.0.20 (one process):
                   smtp-source -4 -d -s 20 -m N -l SIZE (SIZE: herald's
                   signed message), then herald unsigned and signed to the
                   same sink, 20 sessions (5 domains x --per-domain 4)
  STARTTLS         tests/bench/tls_sink (C, epoll, OpenSSL) on 127.0.0.21:
                   herald signed and unsigned (--tls may), then a private
                   Postfix instance relaying the same signed messages to it
                   (smtp_tls_security_level = encrypt, TLS connection reuse
                   through tlsproxy, 20 sessions, queue on tmpfs): messages
                   injected on hold first, released, and the queue run timed
  peak RSS         of the engine, with SMALL and with N recipients

Each figure is the median of BENCH_TRIALS runs (default 3; the machine is
shared, so the spread is printed too), each run with a fresh issue.

Timing: from the command (`herald send`, which queues the recipients
first; smtp-source; Postfix's release of its held queue) to the moment
the sink has counted the last message: smtp-sink's running counter (-c)
read as it goes, tls_sink's counter polled every 5 ms. herald's engine is
detached (double fork); this process makes itself a child subreaper
around `herald send`, so the engine becomes its child and wait4() gives
its exit, CPU time (all threads) and peak RSS (ru_maxrss). Postfix's CPU
is its master's own and reaped children's time plus its live processes',
before and after the queue run; the sinks' from /proc. Every run is
checked: herald's status must say N delivered, the sink must have counted
N more messages, Postfix's queue must be empty afterwards.
"""
import ctypes
import os
import re
import resource
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERALD = os.environ.get("HERALD", os.path.join(TOP, "herald"))
LAB_SH = os.path.join(TOP, "tests", "lab", "lab.sh")
TLS_SINK = os.environ.get("TLS_SINK", os.path.join(TOP, "build", "bench", "tls_sink"))
PLAIN_ADDR, TLS_ADDR, RELAY_ADDR = "127.0.0.20", "127.0.0.21", "127.0.0.22"
DOMAINS = 5
PER_DOMAIN = 4
SESSIONS = DOMAINS * PER_DOMAIN       # 20, as smtp-source -s 20
TICK = os.sysconf("SC_CLK_TCK")
PR_SET_CHILD_SUBREAPER = 36
libc = ctypes.CDLL(None, use_errno=True)


class BenchError(Exception):
    pass


def subreaper(on):
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1 if on else 0, 0, 0, 0) != 0:
        raise BenchError("prctl(PR_SET_CHILD_SUBREAPER) failed")


def run(cmd, env=None, check=True, **kw):
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, **kw)
    if check and p.returncode != 0:
        raise BenchError("%s: exit %d\n%s%s" % (" ".join(cmd[:4]), p.returncode,
                                                 p.stdout[-2000:], p.stderr[-2000:]))
    return p


def lab(script, labdir):
    """Run bash lines with lab.sh sourced and LAB_DIR's lab.env read."""
    pre = '. "%s" || exit 1\n' % LAB_SH
    if os.path.exists(os.path.join(labdir, "lab.env")):
        pre += '. "%s/lab.env"\n' % labdir
    return run(["bash", "-c", pre + script, "bench", labdir]).stdout


def proc_cpu(pid, children=False):
    """utime+stime of pid (and its reaped children's) in seconds."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return 0.0
    fields = st[st.rindex(")") + 2:].split()
    t = int(fields[11]) + int(fields[12])
    if children:
        t += int(fields[13]) + int(fields[14])
    return t / TICK


def machine_busy():
    """CPU seconds every process has used so far (all CPUs), and ours."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ((sum(v) - v[3] - v[4]) / TICK, me.ru_utime + me.ru_stime,
            kids.ru_utime + kids.ru_stime)


class Meter:
    """What other processes (not the sender, not the sink, not this script)
    used of the machine while a run was timed: the box is shared."""

    def __init__(self):
        self.busy0, self.me0, self.kids0 = machine_busy()

    def others(self, extra=0.0, sink=0.0):
        busy, me, kids = machine_busy()
        return max(0.0, (busy - self.busy0) - (me - self.me0) - (kids - self.kids0)
                   - extra - sink)


def children_of(ppid):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % p) as f:
                st = f.read()
        except OSError:
            continue
        if int(st[st.rindex(")") + 2:].split()[1]) == ppid:
            out.append(int(p))
    return out


def tree_cpu(master):
    """CPU of a Postfix instance: master (with reaped children) + live children."""
    return proc_cpu(master, children=True) + sum(proc_cpu(c) for c in children_of(master))


def wait_port(addr, port, timeout=10):
    """Return once something accepts connections on addr:port."""
    end = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((addr, port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > end:
                raise BenchError("nothing listens on %s:%d" % (addr, port))
            time.sleep(0.05)


def openssl_rsa2048():
    p = run(["openssl", "speed", "-seconds", "2", "rsa2048"])
    m = re.search(r"^rsa 2048 bits\s+\S+s\s+\S+s\s+([\d.]+)", p.stdout, re.M)
    if not m:
        raise BenchError("cannot read openssl speed's output:\n" + p.stdout)
    return float(m.group(1))


class TlsSink:
    """tests/bench/tls_sink: counts messages, asked with SIGUSR1."""

    def __init__(self, addr, port, cert, key):
        self.p = subprocess.Popen([TLS_SINK, "%s:%d" % (addr, port), cert, key],
                                  stdout=subprocess.PIPE, text=True)
        if self.p.stdout.readline().strip() != "ready":
            raise BenchError("tls_sink did not start")
        self.lock = threading.Lock()

    def counts(self):
        with self.lock:
            self.p.send_signal(signal.SIGUSR1)
            line = self.p.stdout.readline().split()
        return dict(zip(line[0::2], map(int, line[1::2])))

    def wait_for(self, target, timeout=120):
        """When the count reached target (polled every 5 ms), or None."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.counts()["messages"] >= target:
                return time.monotonic()
            time.sleep(0.005)
        return None

    def cpu(self):
        return proc_cpu(self.p.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait()


class PlainSink:
    """Postfix's smtp-sink with -c: its running counter, read as it goes."""

    def __init__(self, addr, port):
        self.p = subprocess.Popen(["smtp-sink", "-4", "-c", "-u", "nobody",
                                   "%s:%d" % (addr, port), "1024"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.count, self.at = 0, 0.0
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        wait_port(addr, port)

    def _read(self):
        fd, rest = self.p.stdout.fileno(), b""
        while True:
            time.sleep(0.005)       # read in batches: at most 200 reads/s
            data = os.read(fd, 1 << 20)
            if not data:
                return
            now = time.monotonic()
            rest += data
            m = re.findall(rb"mesg=(\d+)", rest)
            rest = rest[-64:]
            if m:
                with self.cond:
                    self.count, self.at = int(m[-1]), now
                    self.cond.notify_all()

    def counts(self):
        with self.cond:
            return {"messages": self.count}

    def wait_for(self, target, timeout=120):
        """When the counter reached target (monotonic time), or None."""
        end = time.monotonic() + timeout
        with self.cond:
            while self.count < target:
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return self.at

    def cpu(self):
        return proc_cpu(self.p.pid)

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            self.p.wait()


class Herald:
    def __init__(self, d, resolver, port):
        self.env = dict(os.environ, HERALD_DB=os.path.join(d, "h", "herald.db"),
                        HERALD_CONFIG=os.path.join(d, "h", "herald.conf"))
        self.resolver, self.port = resolver, port
        os.makedirs(os.path.join(d, "h"), mode=0o700)

    def __call__(self, *args, check=True):
        return run([HERALD] + list(args), env=self.env, check=check)

    def send(self, issue, n, sink):
        """herald send ID to sink: a Run (the last message's arrival at the
        sink, the engine's exit, its CPU and peak RSS)."""
        cmd = [HERALD, "--json", "send", str(issue), "--concurrency", str(SESSIONS),
               "--per-domain", str(PER_DOMAIN), "--smtp-port", str(self.port),
               "--resolver", self.resolver]
        base = sink.counts()["messages"]
        c0, meter = sink.cpu(), Meter()
        subreaper(True)
        try:
            t0 = time.monotonic()
            p = run(cmd, env=self.env)
            queued = time.monotonic() - t0
        finally:
            subreaper(False)
        m = re.search(r'"pid":(\d+)', p.stdout)
        if not m:
            raise BenchError("herald send printed no engine pid: " + p.stdout)
        pid = int(m.group(1))
        last = sink.wait_for(base + n)
        try:
            _, status, ru = os.wait4(pid, 0)
        except ChildProcessError:
            raise BenchError("the engine (pid %d) did not become our child" % pid)
        r = Run(n, (last or time.monotonic()) - t0, ru.ru_utime + ru.ru_stime,
                ru.ru_maxrss / 1024.0, sink.cpu() - c0)
        r.exit = time.monotonic() - t0
        r.queued = queued
        r.others = meter.others(sink=r.sink_cpu) / r.exit
        st = self("--json", "status", str(issue)).stdout
        c = re.search(r'"counts":\{([^}]*)\}', st)
        counts = dict((k, int(v)) for k, v in re.findall(r'"([a-z-]+)":(\d+)', c.group(1)))
        if counts.get("delivered") != n or last is None:
            raise BenchError("send %s: %s (engine exit status %d); log: %s" % (
                issue, counts, status, self.env["HERALD_DB"] + ".send-%s.log" % issue))
        return r


class Run:
    def __init__(self, n, secs, cpu, rss, sink_cpu):
        self.n, self.secs, self.cpu, self.rss, self.sink_cpu = n, secs, cpu, rss, sink_cpu
        self.exit = self.queued = None
        self.others = 0.0       # CPUs other processes kept busy meanwhile
        self.rates = [n / secs]
        self.rate = n / secs


def smtp_source(n, size, addr, port, sink):
    cmd = ["smtp-source", "-4", "-d", "-s", str(SESSIONS), "-m", str(n), "-l", str(size),
           "-f", "news@bench.test", "-t", "user@p1.bench.test", "%s:%d" % (addr, port)]
    base, c0, meter = sink.counts()["messages"], sink.cpu(), Meter()
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    last = sink.wait_for(base + n, timeout=10)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if status != 0 or last is None:
        raise BenchError("smtp-source failed: %s (the sink counted %d of %d)" % (
            err, sink.counts()["messages"] - base, n))
    r = Run(n, last - t0, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, sink.cpu() - c0)
    r.exit = time.monotonic() - t0
    r.others = meter.others(sink=r.sink_cpu) / r.exit
    return r


class PostfixRelay:
    """A private Postfix that relays everything to the TLS sink over STARTTLS."""

    def __init__(self, d, qdir, addr, port, sink_addr, sink_port):
        self.conf = os.path.join(d, "conf")
        self.qdir = qdir
        self.addr, self.port = addr, port
        os.makedirs(self.conf)
        os.makedirs(os.path.join(qdir, "queue"))
        self.log = os.path.join(d, "maillog")
        with open(os.path.join(self.conf, "main.cf"), "w") as f:
            f.write(f"""# Postfix relay for herald's send benchmark (send_bench.py)
compatibility_level = 3.6
queue_directory = {qdir}/queue
data_directory = {qdir}/data
meta_directory = /etc/postfix
maillog_file = {self.log}
maillog_file_prefixes = {d}
myhostname = relay.bench.test
mydomain = bench.test
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
local_transport = error:5.1.1 no local delivery
relayhost = [{sink_addr}]:{sink_port}
smtpd_relay_restrictions = permit_mynetworks, reject
# injected messages wait on hold until the timed queue run
smtpd_client_restrictions = check_client_access static:HOLD
in_flow_delay = 0
smtp_tls_security_level = encrypt
smtp_tls_loglevel = 0
smtp_tls_connection_reuse = yes
smtp_connection_cache_destinations = $relayhost
smtp_tls_session_cache_database = btree:${{data_directory}}/smtp_scache
default_destination_concurrency_limit = {SESSIONS}
smtp_destination_concurrency_limit = {SESSIONS}
""")
        with open(os.path.join(self.conf, "master.cf"), "w") as f:
            f.write(f"""{addr}:{port} inet n - n - - smtpd
pickup     unix  n - n 60   1 pickup
cleanup    unix  n - n -    0 cleanup
qmgr       unix  n - n 300  1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -    - trivial-rewrite
bounce     unix  - - n -    0 bounce
defer      unix  - - n -    0 bounce
trace      unix  - - n -    0 bounce
verify     unix  - - n -    1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -    - proxymap
showq      unix  n - n -    - showq
smtp       unix  - - n -    - smtp
relay      unix  - - n -    - smtp
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
tlsproxy   unix  - - n -    0 tlsproxy
postlog    unix-dgram n - n - 1 postlogd
""")
        # Postfix ignores a main.cf younger than a second or two (lab.sh).
        old = time.time() - 60
        for f in ("main.cf", "master.cf"):
            os.utime(os.path.join(self.conf, f), (old, old))
        run(["postfix", "-c", self.conf, "start"])
        with open(os.path.join(qdir, "queue", "pid", "master.pid")) as f:
            self.master = int(f.read().split()[0])
        wait_port(addr, port)

    def queued(self, *queues):
        n = 0
        for q in queues:
            for _, _, files in os.walk(os.path.join(self.qdir, "queue", q)):
                n += len(files)
        return n

    def inject(self, files, sender, threads=4):
        """Send each file's message (recipient from its name) over SMTP."""
        errors = []

        def worker(part):
            try:
                s = smtplib.SMTP(self.addr, self.port, local_hostname="bench.test")
                for path in part:
                    rcpt = os.path.basename(path)[:-4].split("-", 1)[1]
                    with open(path, "rb") as f:
                        s.sendmail(sender, [rcpt], f.read())
                s.quit()
            except Exception as e:   # noqa: BLE001 -- reported below
                errors.append(repr(e))

        ts = [threading.Thread(target=worker, args=(files[i::threads],))
              for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise BenchError("injecting into Postfix: " + errors[0])

    def timed_run(self, files, sender, sink):
        """Inject files on hold, release them, time the queue run to sink."""
        for q in ("incoming", "active", "deferred", "hold"):
            if self.queued(q):
                raise BenchError("Postfix's %s queue is not empty" % q)
        ti = time.monotonic()
        self.inject(files, sender)
        self.inject_secs = time.monotonic() - ti
        n = len(files)
        held = self.queued("hold")
        if held != n:
            raise BenchError("Postfix holds %d messages, not %d" % (held, n))
        base, hs = sink.counts()["messages"], sink.counts()["tls"]
        c0, k0, meter = tree_cpu(self.master), sink.cpu(), Meter()
        t0 = time.monotonic()
        self.release()
        last = sink.wait_for(base + n)
        if last is None:
            raise BenchError("Postfix did not deliver %d messages in 120 s (%d left in its "
                             "queue)" % (n, self.queued("incoming", "active", "deferred")))
        r = Run(n, last - t0, tree_cpu(self.master) - c0, None, sink.cpu() - k0)
        r.others = meter.others(extra=r.cpu, sink=r.sink_cpu) / r.secs
        r.handshakes = sink.counts()["tls"] - hs
        for _ in range(200):    # the last "queue" removals
            if not self.queued("incoming", "active", "deferred", "hold"):
                break
            time.sleep(0.01)
        else:
            raise BenchError("Postfix's queue is not empty after the run")
        return r

    def release(self):
        run(["postsuper", "-c", self.conf, "-H", "ALL"])
        run(["postqueue", "-c", self.conf, "-f"])

    def stop(self):
        run(["postfix", "-c", self.conf, "stop"], check=False)
        for _ in range(100):
            if not os.path.exists("/proc/%d" % self.master):
                break
            time.sleep(0.05)


def generate_list(path, n, sub):
    with open(path, "w") as f:
        f.write("email,name,city\n")
        cities = ["Paris", "Lyon", "Leeds", "Berlin", "Porto"]
        for i in range(n):
            f.write(f"user{i}@{sub}{i % DOMAINS + 1}.bench.test,User {i},{cities[i % 5]}\n")


BODY = ("Dear {{name}},\n\n"
        "This is the announcement for {{email}}, sent to our readers in {{city}}.\n\n"
        + "".join(f"Line {i:02d} of the announcement, the same for every reader of the list.\n"
                  for i in range(26))
        + "\nIf {{city}} is not where you are, tell us: reply to this message.\n"
        "Regards,\nThe bench team\n")


def median(runs):
    """The run of median rate; it carries every run's rate (spread) and the
    largest peak RSS of them."""
    runs = sorted(runs, key=lambda r: r.rate)
    m = runs[len(runs) // 2]
    m.rates = [r.rate for r in runs]
    if m.rss is not None:
        m.rss = max(r.rss for r in runs)
    m.others = max(r.others for r in runs)
    return m


def show(label, r, extra=""):
    s = (f"    {label:<33}{r.secs:5.2f} s {r.rate:7,.0f} msg/s  cpu {r.cpu / r.n * 1e6:3.0f} us/msg"
         f" [sink {r.sink_cpu / r.n * 1e6:2.0f}]")
    if r.rss is not None:
        s += f"  RSS {r.rss:4.1f} MB"
    if len(r.rates) > 1:
        s += f"  ({min(r.rates):,.0f}-{max(r.rates):,.0f})"
    print(s + extra, flush=True)


def ceiling(r, ncpu):
    """msg/s if sender and sink kept every CPU busy at this run's cost."""
    return ncpu / ((r.cpu + r.sink_cpu) / r.n)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    small = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    trials = int(os.environ.get("BENCH_TRIALS", "3"))
    ncpu = os.cpu_count()
    d = tempfile.mkdtemp(prefix="herald-bench-send-")
    qdir = tempfile.mkdtemp(prefix="herald-bench-pfq-", dir="/dev/shm")
    os.chmod(d, 0o711)
    os.chmod(qdir, 0o755)
    labdir = os.path.join(d, "lab")
    sinks, relay, started, everything = [], None, False, []
    try:
        rsa = openssl_rsa2048()
        # The lab: NSD with a zone whose p*/t* domains have MX on the sinks.
        zone = "plain IN A %s\ntls IN A %s\n" % (PLAIN_ADDR, TLS_ADDR)
        for i in range(1, DOMAINS + 1):
            zone += f"p{i} IN MX 10 plain.bench.test.\nt{i} IN MX 10 tls.bench.test.\n"
        started = True      # lab_stop is harmless if lab_start failed
        out = lab('lab_start "$1" >&2 || exit 1\n'
                  '. "$1/lab.env"\n'
                  'lab_zone bench.test <<EOF || exit 1\n' + zone + 'EOF\n'
                  'echo "$LAB_RESOLVER $LAB_CERT $LAB_KEY"\n'
                  'lab_freeport %s %s\nlab_freeport %s\n' % (PLAIN_ADDR, TLS_ADDR, RELAY_ADDR),
                  labdir)
        resolver, cert, key, port, rport = out.split()
        port, rport = int(port), int(rport)

        h = Herald(d, resolver, port)
        for name, count, sub in (("plain", n, "p"), ("plainsmall", small, "p"), ("tls", n, "t")):
            path = os.path.join(d, name + ".csv")
            generate_list(path, count, sub)
            h("list", "import", name, path)
        body = os.path.join(d, "body.txt")
        with open(body, "w") as f:
            f.write(BODY)
        h("dkim", "keygen", "signed.bench.test", "sel", "--algo", "rsa-2048")
        # A new key waits for its record; the bench signs at once.
        h("dkim", "activate", "signed.bench.test", "sel")

        def issue(lst, signed):
            """A new issue (each is sent once)."""
            frm = "Bench <news@%s.bench.test>" % ("signed" if signed else "unsigned")
            out = h("issue", "new", "--list", lst, "--from", frm, "--subject",
                    "News for {{name}} in {{city}}", "--body-file", body).stdout
            return int(out.split()[-1])

        def size_of(iss):
            m = h("issue", "preview", str(iss), "--to", "user1@p2.bench.test").stdout
            return len(m.replace("\r\n", "\n").replace("\n", "\r\n").encode())

        def sends(lst, signed, count, sink):
            runs = [h.send(issue(lst, signed), count, sink) for _ in range(trials)]
            everything.extend(runs)
            return median(runs)

        size, usize = size_of(issue("plain", True)), size_of(issue("plain", False))
        print(f"send benchmark: {n:,} personalised messages ({size:,} bytes signed, "
              f"{usize:,} unsigned: a {len(BODY):,}-byte body with merge fields), "
              f"{SESSIONS} sessions, loopback, {ncpu} CPUs shared by sender and sink")
        print(f"  Each figure is the median of {trials} runs (range of msg/s in brackets). msg/s: from the"
              f" command\n  to the last message's arrival at the sink; cpu: the sender's (all "
              f"threads), [sink]: the\n  sink's, per message; RSS: the sender's peak "
              f"(ru_maxrss of herald's engine, the largest of the runs)")
        print(f"  RSA-2048 signing limit (openssl speed -seconds 2 rsa2048, this run): "
              f"{rsa:,.0f} signatures/s per core, {rsa * ncpu:,.0f}/s on {ncpu} cores",
              flush=True)

        # ---- plaintext: smtp-sink -------------------------------------
        plain = PlainSink(PLAIN_ADDR, port)
        sinks.append(plain)
        print(f"  plaintext, to Postfix's smtp-sink on {PLAIN_ADDR} (one process):")
        runs = [smtp_source(n, size, PLAIN_ADDR, port, plain) for _ in range(trials)]
        everything.extend(runs)
        src = median(runs)
        show(f"smtp-source -d -s {SESSIONS} -l {size}", src)
        res = {}
        for key_, label, count in ((("plain", False), "herald, unsigned", n),
                                   (("plain", True), "herald, signed rsa-2048", n),
                                   (("plainsmall", False), "herald, unsigned", small),
                                   (("plainsmall", True), "herald, signed rsa-2048", small)):
            r = res[key_] = sends(key_[0], key_[1], count, plain)
            show(f"{label} ({count:,})", r)
        print(f"      (herald: queueing the recipients takes {res[('plain', True)].queued:.2f} s "
              f"of that for {n:,}; the engine exits\n       {res[('plain', True)].exit - res[('plain', True)].secs:.1f} s "
              f"after the last signed message arrives, {res[('plain', False)].exit - res[('plain', False)].secs:.1f} s "
              f"after the last unsigned one)")

        # ---- STARTTLS: tls_sink ----------------------------------------
        sink = TlsSink(TLS_ADDR, port, cert, key)
        sinks.append(sink)
        print(f"  STARTTLS, to tests/bench/tls_sink on {TLS_ADDR} (C, epoll, OpenSSL, one process):")
        for key_, label in ((("tls", True), "herald, signed rsa-2048"),
                            (("tls", False), "herald, unsigned")):
            hs = sink.counts()["tls"]
            r = res[key_] = sends(key_[0], key_[1], n, sink)
            show(f"{label} ({n:,})", r, f"  {(sink.counts()['tls'] - hs) // trials} TLS sessions")

        # Postfix relays the same signed messages (herald's dry run of a
        # signed issue: each recipient's exact message) to the same sink.
        dry = os.path.join(d, "dry")
        os.makedirs(dry)
        h("send", str(issue("tls", True)), "--dry-run", dry)
        files = sorted(os.path.join(dry, f) for f in os.listdir(dry))
        if len(files) != n:
            raise BenchError("the dry run wrote %d messages, not %d" % (len(files), n))
        relay = PostfixRelay(os.path.join(d, "postfix"), qdir, RELAY_ADDR, rport,
                             TLS_ADDR, port)
        runs = [relay.timed_run(files, "news@signed.bench.test", sink) for _ in range(trials)]
        everything.extend(runs)
        pf = median(runs)
        show("Postfix relay, TLS reuse", pf, f"  {pf.handshakes} TLS sessions")
        print(f"      (Postfix relays herald's signed messages: injected on hold "
              f"({relay.inject_secs:.1f} s), released, timed;\n       queue on tmpfs, cpu: all "
              f"its processes, smtp_tls_connection_reuse through tlsproxy)")

        # ---- verdicts ----------------------------------------------------
        u, s = res[("plain", False)], res[("plain", True)]
        ts = res[("tls", True)]
        sig_cpu = s.cpu / s.n - u.cpu / u.n
        print("  against the targets (ratios of the medians, this run):")
        print(f"    herald unsigned / smtp-source      {u.rate / src.rate:5.2f}  "
              f"(target >= 1.0: {'met' if u.rate >= src.rate else 'NOT met'}); "
              f"its cpu per message {u.cpu / u.n / (src.cpu / src.n):.1f}x smtp-source's")
        print(f"    herald signed / smtp-source        {s.rate / src.rate:5.2f}  "
              f"(target >= 1.0: {'met' if s.rate >= src.rate else 'NOT met'}; no rsa-2048-signed "
              f"send can pass {rsa * ncpu:,.0f}/s here)")
        print(f"    herald signed / RSA-2048 limit     {s.rate / rsa:5.2f} of one core's, "
              f"{s.rate / (rsa * ncpu):4.2f} of {ncpu} cores'  (signing adds {sig_cpu * 1e6:.0f} us "
              f"cpu per message;\n                                       "
              f"openssl speed's signature alone takes {1e6 / rsa:.0f} us)")
        print(f"    STARTTLS signed, herald / Postfix  {ts.rate / pf.rate:5.2f}  "
              f"(Postfix only relays; herald renders and signs as well)")
        print(f"    STARTTLS signed with reuse         {ts.rate:5,.0f} msg/s  "
              f"(target >= 1,000: {'met' if ts.rate >= 1000 else 'NOT met'})")
        a, b = res[("plainsmall", True)].rss, s.rss
        ua, ub = res[("plainsmall", False)].rss, u.rss
        grow = max(b - a, ub - ua)
        print(f"    engine peak RSS, {small:,} -> {n:,} recipients: signed {a:.1f} -> {b:.1f} MB, "
              f"unsigned {ua:.1f} -> {ub:.1f} MB  (flat: {'met' if grow < 4 else 'NOT met'})")
        print(f"  how busy the {ncpu} CPUs were: rate / ({ncpu} / (sender + sink cpu per message)): "
              f"herald signed {s.rate / ceiling(s, ncpu):.0%},\n    unsigned "
              f"{u.rate / ceiling(u, ncpu):.0%}, STARTTLS signed {ts.rate / ceiling(ts, ncpu):.0%}, "
              f"smtp-source {src.rate / ceiling(src, ncpu):.0%}, Postfix relay "
              f"{pf.rate / ceiling(pf, ncpu):.0%}; other processes on this shared machine kept "
              f"up to {max(r.others for r in everything):.2f} CPUs busy during a timed run")
        return 0
    except BenchError as e:
        print("send benchmark failed:", e, file=sys.stderr)
        return 1
    finally:
        if relay is not None:
            relay.stop()
        for sk in sinks:
            sk.stop()
        if started:
            try:
                lab('lab_stop "$1"', labdir)
            except BenchError as e:
                print("lab_stop:", e, file=sys.stderr)
        if os.environ.get("BENCH_KEEP"):
            print("kept", d, qdir, file=sys.stderr)
        else:
            shutil.rmtree(d, ignore_errors=True)
            shutil.rmtree(qdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
