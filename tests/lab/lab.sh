#!/usr/bin/env bash
# herald test lab: real DNS and SMTP servers on loopback, in one directory.
#
#   tests/lab/lab.sh start DIR    start (or restart) a lab in DIR, write DIR/lab.env
#   tests/lab/lab.sh stop DIR     stop everything that lab started
#
# or, from a test script:
#
#   . tests/lab/lab.sh
#   lab_start "$dir" || exit 1
#   trap 'lab_stop' EXIT          # stop runs even when the test fails
#   . "$dir/lab.env"
#
# What runs (all on 127.0.0.0/8, nothing else is ever contacted):
#
#   NSD      $LAB_DNS_ADDR:$LAB_DNS_PORT, authoritative for "test." (so any
#            unknown name below it is a real NXDOMAIN) and for
#            0.0.127.in-addr.arpa (PTRs of the lab addresses).  lab_zone
#            adds or replaces a zone while it runs.
#   aiosmtpd "sink" on $LAB_SMTPD_ADDR:$LAB_SMTP_PORT (tests/lab/smtpd.py):
#            STARTTLS, no AUTH, keeps each message's raw DATA bytes.
#            lab_smtpd_start starts more, or restarts one with faults.
#   Postfix  $LAB_POSTFIX_ADDR:$LAB_SMTP_PORT, a private instance (own config,
#            queue and data directories) delivering every recipient of every
#            domain to one Maildir, $LAB_MAILDIR.  A strict peer: bare LF and
#            unauthorised pipelining are rejected where Postfix supports it.
#
# Every SMTP server listens on the same port on its own address, because
# herald's --smtp-port is one number for every MX it connects to.
#
# Functions (all return non-zero and say why on stderr when they fail):
#   lab_start DIR / lab_stop [DIR]       the whole lab
#   lab_cert [opts] NAME CN [SAN...]     mint a certificate (see lab_cert)
#   lab_zone ZONE < RECORDS              add/replace a zone, wait until served
#   lab_zone_rm ZONE                     remove a zone added by lab_zone
#   lab_txt STRING                       a TXT value as zone-file strings
#   lab_dig NAME [TYPE]                  the answer records NSD serves
#   lab_rcode NAME [TYPE]                NOERROR, NXDOMAIN, ...
#   lab_smtpd_start NAME ADDR [OPT...]   (re)start an aiosmtpd on ADDR
#   lab_smtpd_stop NAME
#   lab_spool NAME                       where that server saves messages
#   lab_pids                             PIDs of every live lab process
#
# The lab needs root: Postfix's master runs as root, and its virtual(8)
# delivery agent writes the Maildir as "nobody", so DIR and its parents must
# be searchable by nobody (lab_start says so if they are not).
#
# Debian packages used: nsd, ldnsutils (drill), postfix, python3-aiosmtpd,
# openssl, util-linux (setpriv).  Tests also use swaks.

# The LAB_* variables are this library's interface: its callers read them.
# shellcheck disable=SC2034

LAB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Debian's python: the one on PATH may be a pyenv/venv without python3-aiosmtpd.
LAB_PY=${LAB_PY:-/usr/bin/python3}
LAB_TIMEOUT=${LAB_TIMEOUT:-15}        # seconds any one server may take to come up
LAB_KEY_TYPE=${LAB_KEY_TYPE:-ec}      # ec (P-256, instant) or rsa (2048)

# The address plan.  Each server has its own loopback address; Linux routes
# all of 127/8 on lo with no configuration.
LAB_DNS_ADDR=${LAB_DNS_ADDR:-127.0.0.1}
LAB_SMTPD_ADDR=${LAB_SMTPD_ADDR:-127.0.0.10}
LAB_POSTFIX_ADDR=${LAB_POSTFIX_ADDR:-127.0.0.11}
LAB_SMTPD_HOST=sink.lab.test          # A -> LAB_SMTPD_ADDR, MX of sink.test
LAB_POSTFIX_HOST=mx.lab.test          # A -> LAB_POSTFIX_ADDR, MX of lab.test
LAB_SMTPD_DOMAIN=sink.test
LAB_POSTFIX_DOMAIN=lab.test

# ---------------------------------------------------------------------------
# small helpers

lab__err() { echo "lab: $*" >&2; return 1; }

lab__now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# lab__wait SECONDS CMD...: run CMD every 50 ms until it succeeds (1 on timeout).
# The same contract as tests/lib.sh's wait_for, which lab.sh cannot rely on
# because it also runs on its own.
lab__wait() {
	local end=$(( $(lab__now_ms) + $1 * 1000 )); shift
	until "$@" >/dev/null 2>&1; do
		[ "$(lab__now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# lab__alive PID: PID is a running process (a zombie is not: a reaped-late
# child of init must not count as "still running").
lab__alive() {
	local stat
	[ -n "$1" ] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat:0:1}" != Z ] && [ "${stat:0:1}" != X ]
}

# lab__wait_up PID SECONDS CMD...: like lab__wait, but gives up at once when
# PID has died, so a server that fails to start is reported in milliseconds.
lab__wait_up() {
	local pid=$1 end=$(( $(lab__now_ms) + $2 * 1000 )); shift 2
	until "$@" >/dev/null 2>&1; do
		lab__alive "$pid" || return 1
		[ "$(lab__now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# lab__spawn PIDFILE LOG CMD...: start a server in the background, detached
# from our stdin/stdout (a caller inside $(...) must not hang on it), and
# disowned so that a test's bare `wait` does not wait for it.  It stays our
# child, so this shell reaps it when it exits.  Sets LAB__PID (not printed:
# a $(...) around this would make the server a child of that subshell).
lab__spawn() {
	local pidfile=$1 logfile=$2; shift 2
	"$@" </dev/null >>"$logfile" 2>&1 &
	LAB__PID=$!
	disown "$LAB__PID" 2>/dev/null
	echo "$LAB__PID" >"$pidfile"
}

lab__need_dir() { [ -n "${LAB_DIR:-}" ] || lab__err "no lab: run lab_start DIR or source DIR/lab.env"; }

lab__tail() { [ -f "$1" ] && tail -n "${2:-15}" "$1" | sed 's/^/lab:   /' >&2; return 0; }

# lab_freeport [--udp] ADDR...: print a port that is free for TCP (and UDP
# with --udp) on every ADDR.  Ports come from 20000-32767: below Linux's
# ephemeral range (32768-60999), so no outgoing connection can take one
# between this probe and the server's bind.
lab_freeport() {
	"$LAB_PY" - "$@" <<'EOF'
import random, socket, sys
args = sys.argv[1:]
udp = "--udp" in args
addrs = [a for a in args if a != "--udp"]
kinds = [socket.SOCK_STREAM] + ([socket.SOCK_DGRAM] if udp else [])
for _ in range(500):
    port = random.randint(20000, 32767)
    socks = []
    try:
        for addr in addrs:
            for kind in kinds:
                s = socket.socket(socket.AF_INET, kind)
                socks.append(s)
                s.bind((addr, port))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(port)
    sys.exit(0)
sys.exit("lab: no free port found")
EOF
}

# lab_pids: every live process of this lab, children included, found by
# what marks it as ours rather than by parentage (Postfix's daemons are
# children of a master that daemonised): NSD by its config path, smtpd.py
# by its spool path, Postfix by MAIL_CONFIG in its environment.
lab_pids() {
	lab__need_dir || return 1
	"$LAB_PY" - "$LAB_DIR" <<'EOF'
import os, sys
lab = sys.argv[1]
nsd_conf = (lab + "/dns/nsd.conf").encode()
spool = (lab + "/smtpd/").encode()
mail_config = b"MAIL_CONFIG=" + (lab + "/postfix/conf").encode()
for pid in sorted((p for p in os.listdir("/proc") if p.isdigit()), key=int):
    if int(pid) == os.getpid():
        continue
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            stat = f.read()
        if stat[stat.rindex(b")") + 2:][:1] in (b"Z", b"X"):
            continue
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            argv = f.read().split(b"\0")
        with open("/proc/%s/environ" % pid, "rb") as f:
            env = f.read().split(b"\0")
    except (OSError, ValueError):
        continue
    prog = os.path.basename(argv[0])
    if (prog == b"nsd" and nsd_conf in argv) \
            or (any(a.endswith(b"smtpd.py") for a in argv)
                and any(a.startswith(spool) for a in argv)) \
            or mail_config in env:
        print(pid)
EOF
}

# ---------------------------------------------------------------------------
# certificates: one throwaway CA per lab, and lab_cert to mint server certs

# lab_ca_init: the CA in $LAB_DIR/ca, kept if it already exists.  It is made
# with `openssl ca -selfsign` and backdated to 2000, so an expired
# certificate signed by it lies inside the CA's own validity: a client must
# then fail on the leaf's dates, not the issuer's.
lab_ca_init() {
	lab__need_dir || return 1
	local ca=$LAB_DIR/ca
	[ -s "$ca/ca.crt" ] && [ -s "$ca/ca.key" ] && return 0
	mkdir -p "$ca/newcerts" || return 1
	: >"$ca/index.txt"
	echo 'unique_subject = no' >"$ca/index.txt.attr"
	cat >"$ca/ca.cnf" <<EOF
# openssl ca configuration of the herald lab CA (generated by lab.sh)
[ ca ]
default_ca = lab_ca
[ lab_ca ]
dir            = $ca
database       = \$dir/index.txt
new_certs_dir  = \$dir/newcerts
certificate    = \$dir/ca.crt
private_key    = \$dir/ca.key
rand_serial    = yes
default_md     = sha256
policy         = lab_policy
unique_subject = no
copy_extensions = none
email_in_dn    = no
[ lab_policy ]
commonName = supplied
[ req ]
distinguished_name = lab_dn
prompt = no
[ lab_dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
	lab__genkey "$ca/ca.key" "$LAB_KEY_TYPE" &&
	lab__openssl req -new -config "$ca/ca.cnf" -key "$ca/ca.key" \
		-subj "/CN=herald lab CA" -out "$ca/ca.csr" &&
	lab__openssl ca -batch -notext -config "$ca/ca.cnf" -selfsign \
		-keyfile "$ca/ca.key" -in "$ca/ca.csr" -out "$ca/ca.crt" \
		-extensions v3_ca -extfile "$ca/ca.cnf" \
		-startdate 20000101000000Z -enddate 20991231235959Z
}

# openssl, quiet unless it fails.
lab__openssl() {
	local out
	out=$(openssl "$@" 2>&1) || { echo "$out" >&2; lab__err "openssl $1 failed"; }
}

# lab__genkey FILE ec|rsa
lab__genkey() {
	case $2 in
	ec)  lab__openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" ;;
	rsa) lab__openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" ;;
	*)   lab__err "key type must be ec or rsa, not '$2'" ;;
	esac && chmod 600 "$1"
}

# lab_cert [--self-signed] [--expired] [--not-yet-valid] [--days N]
#          [--key ec|rsa] NAME CN [SAN...]
#
# Writes $LAB_DIR/certs/NAME.key, NAME.crt and NAME.chain.pem (leaf + CA).
# SAN entries are "DNS:x", "IP:x", or bare names and IPv4 addresses;
# without any, the one SAN is DNS:CN.  Exactly what is asked is issued, so
# "wrong name" is just a cert for another name.  --self-signed is not signed
# by the lab CA (an untrusted chain); --expired is valid 2020-01-01 to
# 2020-02-01 and --not-yet-valid from 2090 on, both signed by the lab CA
# with `openssl ca -startdate/-enddate` (OpenSSL 3.0's x509 has no
# -not_before).  Prints the path of NAME.crt.
lab_cert() {
	lab__need_dir || return 1
	local self=0 start="" end="" days=825 ktype=$LAB_KEY_TYPE
	while [ $# -gt 0 ]; do
		case $1 in
		--self-signed)   self=1 ;;
		--expired)       start=20200101000000Z end=20200201000000Z ;;
		--not-yet-valid) start=20900101000000Z end=20901231000000Z ;;
		--days)          days=$2; shift ;;
		--key)           ktype=$2; shift ;;
		--) shift; break ;;
		-*) lab__err "lab_cert: unknown option $1"; return 1 ;;
		*) break ;;
		esac
		shift
	done
	[ $# -ge 2 ] || { lab__err "usage: lab_cert [opts] NAME CN [SAN...]"; return 1; }
	local name=$1 cn=$2; shift 2
	local dir=$LAB_DIR/certs san="" s usage=digitalSignature
	case $name in ""|*[!A-Za-z0-9_.-]*|.*) lab__err "bad certificate name '$name'"; return 1 ;; esac
	# RSA key exchange encrypts with the key; ECDSA keys only sign.
	[ "$ktype" = rsa ] && usage="digitalSignature, keyEncipherment"
	[ $# -gt 0 ] || set -- "DNS:$cn"
	for s; do
		case $s in
		DNS:*|IP:*|email:*|URI:*) ;;
		*[!0-9.]*) s="DNS:$s" ;;
		*) s="IP:$s" ;;
		esac
		san="${san:+$san, }$s"
	done
	mkdir -p "$dir" && lab_ca_init || return 1
	# One file serves as `req -x509 -config` (self-signed) and as
	# `ca -extfile` (CA-signed); [lab_leaf] holds the extensions.
	cat >"$dir/$name.cnf" <<EOF
[ req ]
distinguished_name = lab_dn
prompt = no
[ lab_dn ]
CN = unused
[ lab_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, $usage
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $san
EOF
	lab__genkey "$dir/$name.key" "$ktype" || return 1
	if [ "$self" = 1 ]; then
		lab__openssl req -new -x509 -config "$dir/$name.cnf" -extensions lab_leaf \
			-key "$dir/$name.key" -subj "/CN=$cn" -days "$days" \
			-out "$dir/$name.crt" || return 1
		cp "$dir/$name.crt" "$dir/$name.chain.pem"
	else
		local dates=(-days "$days")
		[ -n "$start" ] && dates=(-startdate "$start" -enddate "$end")
		lab__openssl req -new -config "$dir/$name.cnf" -key "$dir/$name.key" \
			-subj "/CN=$cn" -out "$dir/$name.csr" &&
		lab__openssl ca -batch -notext -config "$LAB_DIR/ca/ca.cnf" \
			-in "$dir/$name.csr" -out "$dir/$name.crt" \
			-extfile "$dir/$name.cnf" -extensions lab_leaf "${dates[@]}" || return 1
		cat "$dir/$name.crt" "$LAB_DIR/ca/ca.crt" >"$dir/$name.chain.pem"
	fi
	echo "$dir/$name.crt"
}

# ---------------------------------------------------------------------------
# DNS: NSD

lab__nsdc() { nsd-control -c "$LAB_DIR/dns/nsd.conf" "$@"; }

# lab__drill [-t] NAME TYPE: ask the lab's NSD (never any other server).
lab__drill() {
	local tcp=()
	[ "$1" = -t ] && { tcp=(-t); shift; }
	drill "${tcp[@]}" -p "$LAB_DNS_PORT" "@$LAB_DNS_ADDR" "$1" "${2:-A}"
}

# lab_dig NAME [TYPE]: the answer section, one record a line.
lab_dig() {
	lab__need_dir || return 1
	lab__drill "$1" "${2:-A}" | awk '/^;; ANSWER SECTION:/ { on = 1; next }
		on && /^$/ { exit } on && !/^;/ { print }'
}

# lab_rcode NAME [TYPE]: NOERROR, NXDOMAIN, REFUSED, ...
lab_rcode() {
	lab__need_dir || return 1
	lab__drill "$1" "${2:-A}" | sed -n 's/.*rcode: \([A-Z]*\).*/\1/p'
}

# lab__serial ZONE: the serial of ZONE's own SOA record as NSD serves it,
# empty if NSD has no such zone (a parent's SOA in the authority section of
# an NXDOMAIN does not count).  Over TCP: a refused connection fails at
# once, where a UDP query to a port nobody listens on waits 15 s.
lab__serial() {
	lab__drill -t "$1" SOA | awk -v owner="${1%.}." \
		'!/^;/ && tolower($1) == tolower(owner) && $4 == "SOA" { print $7; exit }'
}
lab__serial_is() { [ "$(lab__serial "$1")" = "$2" ]; }

# lab_txt STRING: STRING as zone-file character-strings: split every 255
# bytes (the limit of one string), with '"' and '\' escaped and bytes
# outside printable ASCII written as \DDD.
lab_txt() {
	"$LAB_PY" - "$1" <<'EOF'
import sys
raw = sys.argv[1].encode("utf-8", "surrogateescape")
def esc(chunk):
    return "".join("\\" + chr(b) if b in (0x22, 0x5C) else
                   chr(b) if 0x20 <= b < 0x7F else "\\%03d" % b for b in chunk)
chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]
print(" ".join('"%s"' % esc(c) for c in chunks))
EOF
}

# lab__zone_write ZONE: $LAB_DIR/dns/zones/ZONE.zone from the records on
# stdin, under a generated $ORIGIN, SOA (serial one more than last time)
# and NS.  nsd-checkzone vets it first, so a typo fails here at once with
# NSD's message, and the zone served before stays as it was.  Prints the
# new serial.
lab__zone_write() {
	local zone=$1 dir=$LAB_DIR/dns/zones serial=0 out
	case $zone in
	""|*[!A-Za-z0-9._-]*|.*|*..*) lab__err "bad zone name '$zone'"; return 1 ;;
	esac
	mkdir -p "$dir" || return 1
	[ -f "$dir/$zone.serial" ] && read -r serial <"$dir/$zone.serial"
	serial=$((serial + 1))
	{
		# shellcheck disable=SC2016  # $ORIGIN and $TTL are zone-file syntax
		printf '$ORIGIN %s.\n$TTL 60\n' "$zone"
		printf '@ IN SOA ns.test. hostmaster.test. %s 3600 600 86400 60\n' "$serial"
		printf '@ IN NS ns.test.\n'
		cat
	} >"$dir/$zone.zone.tmp" || return 1
	if ! out=$(nsd-checkzone "$zone" "$dir/$zone.zone.tmp" 2>&1); then
		lab__err "zone $zone does not parse:"
		printf '%s\n' "$out" | sed 's/^/lab:   /' >&2
		cat -n "$dir/$zone.zone.tmp" | sed 's/^/lab:   /' >&2
		rm -f "$dir/$zone.zone.tmp"
		return 1
	fi
	mv "$dir/$zone.zone.tmp" "$dir/$zone.zone" || return 1
	echo "$serial" >"$dir/$zone.serial"
	echo "$serial"
}

# lab_zone ZONE < RECORDS: add ZONE, or replace its records, and return once
# NSD serves the new version (so a test can query right after).  RECORDS are
# zone-file lines relative to ZONE.; the SOA and NS are generated.  Example:
#   lab_zone example.test <<EOF
#   @        MX  10 mx.lab.test.
#   @        TXT $(lab_txt "v=spf1 ip4:127.0.0.10 -all")
#   EOF
lab_zone() {
	lab__need_dir || return 1
	local zone=${1%.} serial
	zone=${zone,,}
	serial=$(lab__zone_write "$zone") || return 1
	lab__zone_load "$zone" "$serial" zone
}

# lab__zone_load ZONE SERIAL WHAT: have NSD add or reload ZONE from its
# file and wait until it serves SERIAL.
lab__zone_load() {
	local zone=$1 serial=$2 out
	if lab__nsdc zonestatus "$zone" >/dev/null 2>&1; then
		out=$(lab__nsdc reload "$zone" 2>&1)
	else
		out=$(lab__nsdc addzone "$zone" lab 2>&1)
	fi || { lab__err "nsd-control: $out"; return 1; }
	lab__wait "$LAB_TIMEOUT" lab__serial_is "$zone" "$serial" && return 0
	lab__err "NSD did not load $3 $zone (serial $serial)"
	lab__tail "$LAB_DIR/dns/nsd.log"
	return 1
}

# lab_zone_rm ZONE: remove a zone that lab_zone added (the two base zones
# are in nsd.conf and stay; replace their records instead).
lab_zone_rm() {
	lab__need_dir || return 1
	local zone=${1%.} out
	zone=${zone,,}
	out=$(lab__nsdc delzone "$zone" 2>&1) || { lab__err "nsd-control: $out"; return 1; }
	rm -f "$LAB_DIR/dns/zones/$zone.zone"
	lab__wait "$LAB_TIMEOUT" lab__zone_gone "$zone"
}
lab__zone_gone() { [ -z "$(lab__serial "$1")" ]; }

# The records of the base zones; a test that replaces "test" can start from
# `lab_base_records test`.
lab_base_records() {
	case $1 in
	test) cat <<EOF
ns            IN A   $LAB_DNS_ADDR
; $LAB_POSTFIX_DOMAIN: mail goes to the Postfix instance
lab           IN MX  10 $LAB_POSTFIX_HOST.
lab           IN TXT "v=spf1 ip4:127.0.0.0/8 -all"
mx.lab        IN A   $LAB_POSTFIX_ADDR
; $LAB_SMTPD_DOMAIN: mail goes to the aiosmtpd sink
sink          IN MX  10 $LAB_SMTPD_HOST.
sink          IN TXT "v=spf1 ip4:127.0.0.0/8 -all"
sink.lab      IN A   $LAB_SMTPD_ADDR
EOF
	;;
	0.0.127.in-addr.arpa) cat <<EOF
${LAB_DNS_ADDR##*.}    IN PTR ns.test.
${LAB_SMTPD_ADDR##*.}   IN PTR $LAB_SMTPD_HOST.
${LAB_POSTFIX_ADDR##*.}   IN PTR $LAB_POSTFIX_HOST.
EOF
	;;
	*) lab__err "no base records for $1" ;;
	esac
}

lab__nsd_conf() {
	local d=$LAB_DIR/dns
	cat <<EOF
# NSD for the herald lab (generated by lab.sh).  Everything lives in $d:
# no chroot, no user switch, no database, no system paths.
server:
	ip-address: $LAB_DNS_ADDR@$LAB_DNS_PORT
	do-ip6: no
	username: ""
	chroot: ""
	database: ""
	zonesdir: "$d/zones"
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d/xfr"
	pidfile: "$d/nsd.pid"
	logfile: "$d/nsd.log"
	server-count: 1
	verbosity: 1
	hide-version: yes
	# reload as soon as asked: tests change records and query at once
	xfrd-reload-timeout: 0
remote-control:
	# a unix socket needs no nsd-control-setup keys
	control-enable: yes
	control-interface: "$d/nsd.ctl"
pattern:
	name: lab
	zonefile: "%s.zone"
zone:
	name: test
	include-pattern: lab
zone:
	name: 0.0.127.in-addr.arpa
	include-pattern: lab
EOF
}

lab_nsd_start() {
	lab__need_dir || return 1
	local d=$LAB_DIR/dns pid z
	mkdir -p "$d/zones" "$d/xfr" || return 1
	# the control socket path must fit sun_path
	[ ${#d} -lt 96 ] || { lab__err "lab directory path too long for NSD's socket: $d"; return 1; }
	rm -f "$d/zone.list" "$d/xfrd.state" "$d/nsd.ctl" "$d/zones/"*.zone "$d/zones/"*.serial
	for z in test 0.0.127.in-addr.arpa; do
		lab_base_records "$z" | lab__zone_write "$z" >/dev/null || return 1
	done
	lab__nsd_conf >"$d/nsd.conf" || return 1
	nsd-checkconf "$d/nsd.conf" || { lab__err "nsd-checkconf rejected $d/nsd.conf"; return 1; }
	lab__spawn "$LAB_DIR/run/nsd.pid" "$d/nsd.out" nsd -d -c "$d/nsd.conf"
	pid=$LAB__PID LAB_NSD_PID=$LAB__PID
	if ! lab__wait_up "$pid" "$LAB_TIMEOUT" lab__serial_is test 1; then
		lab__err "NSD did not come up on $LAB_DNS_ADDR port $LAB_DNS_PORT"
		lab__tail "$d/nsd.log"; lab__tail "$d/nsd.out"
		return 1
	fi
}

# ---------------------------------------------------------------------------
# SMTP: aiosmtpd

lab_spool() { lab__need_dir && echo "$LAB_DIR/smtpd/$1"; }

# lab_smtpd_start NAME ADDR [smtpd.py OPTION...]: start an aiosmtpd named
# NAME on ADDR:$LAB_SMTP_PORT with the lab's server certificate, saving into
# `lab_spool NAME`.  If NAME runs already it is restarted, so a test changes
# a server's behaviour by starting it again with other options, e.g.
#   lab_smtpd_start sink "$LAB_SMTPD_ADDR" --reply-rcpt '451 4.3.0 later'
# Later options override the defaults (--hostname, --cert, --key).  Messages
# already in the spool are kept.  See `/usr/bin/python3 smtpd.py --help`.
lab_smtpd_start() {
	lab__need_dir || return 1
	[ $# -ge 2 ] || { lab__err "usage: lab_smtpd_start NAME ADDR [OPTION...]"; return 1; }
	local name=$1 addr=$2 pid; shift 2
	case $name in ""|*[!A-Za-z0-9_-]*) lab__err "bad server name '$name'"; return 1 ;; esac
	case $addr in 127.*) ;; *) lab__err "the lab only uses loopback addresses, not $addr"; return 1 ;; esac
	lab_smtpd_stop "$name" || return 1
	local spool=$LAB_DIR/smtpd/$name ready=$LAB_DIR/run/smtpd-$name.ready
	mkdir -p "$spool" || return 1
	rm -f "$ready"
	lab__spawn "$LAB_DIR/run/smtpd-$name.pid" "$LAB_DIR/smtpd/$name.log" \
		"$LAB_PY" "$LAB_HERE/smtpd.py" --listen "$addr" --port "$LAB_SMTP_PORT" \
		--spool "$spool" --ready "$ready" --hostname "$name.lab.test" \
		--cert "$LAB_DIR/certs/server.chain.pem" --key "$LAB_DIR/certs/server.key" "$@"
	pid=$LAB__PID
	if ! lab__wait_up "$pid" "$LAB_TIMEOUT" test -s "$ready"; then
		lab__err "aiosmtpd $name did not come up on $addr port $LAB_SMTP_PORT"
		lab__tail "$LAB_DIR/smtpd/$name.log"
		return 1
	fi
	if [ "$name" = sink ]; then
		LAB_SMTPD_PID=$pid
		# keep lab.env true when a test restarts the sink with faults
		[ -f "$LAB_DIR/lab.env" ] && lab__env_write
	fi
	return 0
}

# lab_smtpd_stop NAME: stop one aiosmtpd (no-op if it is not running).
lab_smtpd_stop() {
	lab__need_dir || return 1
	lab__stop_pidfile "$LAB_DIR/run/smtpd-$1.pid"
}

# lab__stop_pidfile FILE: TERM the process named in FILE if it is one of
# ours (a stale file must not kill whatever reused the PID), wait for it,
# KILL it if it lingers.
lab__stop_pidfile() {
	local pid
	[ -f "$1" ] || return 0
	read -r pid <"$1"
	# (grep without -q: it must read all of lab_pids's output)
	if [ -n "$pid" ] && lab_pids | grep -x "$pid" >/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		lab__wait 5 lab__dead "$pid" || { kill -KILL "$pid" 2>/dev/null; lab__wait 5 lab__dead "$pid"; }
	fi
	rm -f "$1"
	! lab__alive "$pid" || lab__err "could not stop PID $pid"
}
lab__dead() { ! lab__alive "$1"; }

# ---------------------------------------------------------------------------
# SMTP: Postfix

# Postfix's parameters, checked against this Postfix: the strict-peer
# settings exist only in newer releases (3.7.10+/3.8.5+ and 3.9).
lab__postfix_has() { [ -n "$(postconf -d "$1" 2>/dev/null)" ]; }

lab__postfix_main_cf() {
	local p=$LAB_DIR/postfix
	cat <<EOF
# A private Postfix for the herald lab (generated by lab.sh).  It shares
# nothing with a system instance; everything is under $p.
compatibility_level = 3.6
queue_directory = $p/queue
data_directory = $p/data
meta_directory = /etc/postfix
maillog_file = $p/maillog
maillog_file_prefixes = $p
myhostname = $LAB_POSTFIX_HOST
mydomain = lab.test
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP herald-lab
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8

# Never a DNS query: the machine's resolver is not part of the lab.
smtpd_peername_lookup = no

# Accept every recipient of every domain into one Maildir, delivered by
# virtual(8) as nobody (it refuses root); nothing is local, nothing relays.
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
local_transport = error:5.1.1 no local delivery in the lab
default_transport = error:5.4.4 the lab never relays
relay_transport = error:5.4.4 the lab never relays
virtual_mailbox_domains = static:all
virtual_mailbox_base = $p
virtual_mailbox_maps = static:maildir/
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)

smtpd_tls_security_level = may
smtpd_tls_chain_files = $LAB_DIR/certs/server.key, $LAB_DIR/certs/server.chain.pem
smtpd_tls_loglevel = 1
# The Received: header then says which TLS the client used.
smtpd_tls_received_header = yes
EOF
	# Strict about the wire, for herald's wire-hygiene tests; the loopback
	# clients are not exempt.
	if lab__postfix_has smtpd_forbid_bare_newline; then
		echo 'smtpd_forbid_bare_newline = reject'
		echo 'smtpd_forbid_bare_newline_exclusions ='
	fi
	if lab__postfix_has smtpd_forbid_unauth_pipelining; then
		echo 'smtpd_forbid_unauth_pipelining = yes'
	fi
}

# Only the services this configuration uses; no smtp/lmtp client at all,
# so nothing can ever be dialled out.  No chroot: paths are the lab's.
lab__postfix_master_cf() {
	cat <<EOF
# service  type  private unpriv chroot wakeup maxproc command
$LAB_POSTFIX_ADDR:$LAB_SMTP_PORT inet n - n - - smtpd
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
error      unix  - - n -    - error
retry      unix  - - n -    - error
discard    unix  - - n -    - discard
virtual    unix  - n n -    - virtual
anvil      unix  - - n -    1 anvil
scache     unix  - - n -    1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
}

# lab__smtp_banner ADDR PORT: a 220 greeting is read there.
lab__smtp_banner() {
	local fd line
	exec {fd}<>"/dev/tcp/$1/$2" || return 1
	read -r -t 2 -u "$fd" line
	printf 'QUIT\r\n' >&"$fd"
	exec {fd}>&-
	[ "${line:0:3}" = 220 ]
}

lab_postfix_start() {
	lab__need_dir || return 1
	local p=$LAB_DIR/postfix pid
	# queue must exist, root-owned; postfix creates data/ (owned by postfix)
	mkdir -p "$p/conf" "$p/queue" "$p/maildir/new" "$p/maildir/cur" "$p/maildir/tmp" || return 1
	chown -R nobody: "$p/maildir" || return 1
	# virtual(8) runs as nobody: every directory above the Maildir must be
	# searchable by nobody.
	if ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -w "$p/maildir/new"; then
		lab__err "nobody cannot reach $p/maildir: make $LAB_DIR and its parents searchable (chmod o+x)"
		return 1
	fi
	lab__postfix_main_cf >"$p/conf/main.cf" && lab__postfix_master_cf >"$p/conf/master.cf" || return 1
	# Postfix will not read a main.cf modified within the last second or
	# two (it may still be being written): every postconf and postfix-script
	# step would sleep in 300 ms rounds, ~2 s per start.  Backdate them.
	touch -d '-1 min' "$p/conf/main.cf" "$p/conf/master.cf" || return 1
	# `postfix start` creates the queue's subdirectories and data/ with their
	# owners, checks the instance, and returns once master is initialised.
	if ! postfix -c "$p/conf" start >>"$p/postfix.out" 2>&1; then
		lab__err "postfix -c $p/conf start failed"
		lab__tail "$p/postfix.out"; lab__tail "$p/maillog"
		return 1
	fi
	read -r pid <"$p/queue/pid/master.pid"
	LAB_POSTFIX_PID=$pid
	if ! lab__wait_up "$pid" "$LAB_TIMEOUT" lab__smtp_banner "$LAB_POSTFIX_ADDR" "$LAB_SMTP_PORT"; then
		lab__err "Postfix did not answer on $LAB_POSTFIX_ADDR port $LAB_SMTP_PORT"
		lab__tail "$p/maillog"
		return 1
	fi
}

lab_postfix_stop() {
	lab__need_dir || return 1
	local conf=$LAB_DIR/postfix/conf pid
	[ -f "$conf/main.cf" ] && [ -d "$LAB_DIR/postfix/queue/pid" ] || return 0
	if postfix -c "$conf" status >/dev/null 2>&1; then
		read -r pid <"$LAB_DIR/postfix/queue/pid/master.pid"
		postfix -c "$conf" stop >>"$LAB_DIR/postfix/postfix.out" 2>&1
		# `postfix stop` only signals master; wait for it to go.
		lab__wait 10 lab__dead "$pid" || kill -KILL "$pid" 2>/dev/null
	fi
	return 0
}

# ---------------------------------------------------------------------------
# the whole lab

lab__env_write() {
	local v f=$LAB_DIR/lab.env
	{
		echo "# herald test lab, started $(date -u +%FT%TZ) by tests/lab/lab.sh; source me."
		for v in LAB_DIR LAB_CA LAB_CERT LAB_KEY \
			LAB_DNS_ADDR LAB_DNS_PORT LAB_RESOLVER LAB_NSD_PID \
			LAB_SMTP_PORT \
			LAB_SMTPD_ADDR LAB_SMTPD_HOST LAB_SMTPD_DOMAIN LAB_SMTPD_PID LAB_SMTPD_SPOOL \
			LAB_POSTFIX_ADDR LAB_POSTFIX_HOST LAB_POSTFIX_DOMAIN LAB_POSTFIX_PID \
			LAB_POSTFIX_CONF LAB_POSTFIX_LOG LAB_MAILDIR; do
			printf '%s=%q\n' "$v" "${!v}"
		done
	} >"$f.tmp" && mv "$f.tmp" "$f"
}

lab__check_tools() {
	local t
	[ "$(id -u)" = 0 ] || { lab__err "the lab needs root (Postfix's master runs as root)"; return 1; }
	for t in nsd nsd-control nsd-checkconf nsd-checkzone drill openssl postfix postconf setpriv; do
		command -v "$t" >/dev/null || { lab__err "$t not found (make deps)"; return 1; }
	done
	"$LAB_PY" -c 'import aiosmtpd' 2>/dev/null ||
		{ lab__err "$LAB_PY cannot import aiosmtpd (python3-aiosmtpd)"; return 1; }
}

# lab_start DIR: start the lab in DIR (created if need be; a lab already
# running there is stopped first, so starting twice is safe).  Sets the
# LAB_* variables in this shell and writes them to DIR/lab.env.  On failure
# it stops whatever it had started.
lab_start() {
	[ -n "${1:-}" ] || { lab__err "usage: lab_start DIR"; return 1; }
	lab__check_tools || return 1
	mkdir -p "$1" || return 1
	LAB_DIR=$(cd "$1" && pwd) || return 1
	lab__stop_all || return 1
	# lab.env appears again only once everything is up
	rm -f "$LAB_DIR/lab.env"
	chmod 0711 "$LAB_DIR" && mkdir -p "$LAB_DIR/run" || return 1
	LAB_CA=$LAB_DIR/ca/ca.crt
	LAB_CERT=$LAB_DIR/certs/server.crt
	LAB_KEY=$LAB_DIR/certs/server.key
	LAB_SMTPD_SPOOL=$LAB_DIR/smtpd/sink
	LAB_POSTFIX_CONF=$LAB_DIR/postfix/conf
	LAB_POSTFIX_LOG=$LAB_DIR/postfix/maillog
	LAB_MAILDIR=$LAB_DIR/postfix/maildir
	LAB_NSD_PID="" LAB_SMTPD_PID="" LAB_POSTFIX_PID=""
	if [ ! -s "$LAB_CERT" ]; then
		lab_cert server "$LAB_POSTFIX_HOST" "$LAB_POSTFIX_HOST" "$LAB_SMTPD_HOST" \
			"$LAB_POSTFIX_ADDR" "$LAB_SMTPD_ADDR" >/dev/null || { lab_stop; return 1; }
	fi
	if ! LAB_DNS_PORT=$(lab_freeport --udp "$LAB_DNS_ADDR") ||
		! LAB_SMTP_PORT=$(lab_freeport "$LAB_SMTPD_ADDR" "$LAB_POSTFIX_ADDR"); then
		lab_stop
		return 1
	fi
	LAB_RESOLVER=$LAB_DNS_ADDR:$LAB_DNS_PORT
	if lab_nsd_start && lab_smtpd_start sink "$LAB_SMTPD_ADDR" && lab_postfix_start; then
		lab__env_write
		return
	fi
	lab_stop
	return 1
}

# lab_stop [DIR]: stop every server of the lab in DIR (default: the current
# lab) and return once none of its processes is left, KILLing stragglers.
# Files stay for post-mortems; removing DIR is the caller's business.
#
# Then it waits up to $LAB_REAP_WAIT seconds (default 3) for the stopped
# processes to be reaped.  NSD's children and all of Postfix are children of
# init once their parent exits; until init reaps them they are zombies --
# not running, holding no port, but listed by ps/pgrep as <defunct>.  A
# normal init reaps at once; some container inits take a second or two.
lab_stop() {
	if [ -n "${1:-}" ]; then
		[ -d "$1" ] || return 0
		LAB_DIR=$(cd "$1" && pwd) || return 1
	fi
	lab__need_dir || return 1
	local pids
	pids=$(lab_pids)
	lab__stop_all || return 1
	# shellcheck disable=SC2086  # a list of PIDs
	lab__wait "${LAB_REAP_WAIT:-3}" lab__reaped $pids
	return 0
}
lab__reaped() {
	local p
	for p; do [ -e "/proc/$p" ] && return 1; done
	return 0
}

# lab__stop_all: lab_stop without waiting for init (lab_start's restart
# needs the ports free, which they are as soon as the processes are dead).
lab__stop_all() {
	local f left
	lab_postfix_stop
	for f in "$LAB_DIR"/run/*.pid; do
		[ -e "$f" ] && lab__stop_pidfile "$f"
	done
	lab__wait 10 lab__none_left
	left=$(lab_pids)
	if [ -n "$left" ]; then
		# shellcheck disable=SC2086  # a list of PIDs
		kill -KILL $left 2>/dev/null
		lab__wait 5 lab__none_left || { lab__err "still running: $(lab_pids | tr '\n' ' ')"; return 1; }
	fi
	return 0
}
lab__none_left() { [ -z "$(lab_pids)" ]; }

# ---------------------------------------------------------------------------
# run as a program

lab__main() {
	case ${1:-} in
	start)
		[ $# = 2 ] || { echo "usage: $0 start DIR" >&2; return 64; }
		lab_start "$2" || return 1
		echo "lab running; variables in $LAB_DIR/lab.env:"
		cat "$LAB_DIR/lab.env"
		;;
	stop)
		[ $# = 2 ] || { echo "usage: $0 stop DIR" >&2; return 64; }
		lab_stop "$2"
		;;
	*)
		echo "usage: $0 start DIR | stop DIR" >&2
		return 64
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab__main "$@"
	exit
fi

# lab_zone_signed ZONE KEY [SED-SCRIPT] < RECORDS: like lab_zone, but the
# zone is DNSSEC-signed (NSEC) by ldns-signzone with KEY, an ldns-keygen
# base name (KEY.key and KEY.private), which also puts KEY's DNSKEY in it.
# SED-SCRIPT, when given, edits the signed text before NSD loads it: a test
# breaks a signature that way on purpose.  LAB_SIGNZONE_OPTS adds options
# to ldns-signzone (-n: NSEC3).
lab_zone_signed() {
	lab__need_dir || return 1
	[ $# -ge 2 ] || { lab__err "usage: lab_zone_signed ZONE KEY [SED-SCRIPT]"; return 1; }
	local zone=${1%.} key=$2 edit=${3:-} serial out dir=$LAB_DIR/dns/zones
	zone=${zone,,}
	serial=$(lab__zone_write "$zone") || return 1
	# shellcheck disable=SC2086  # options, split on purpose
	if ! out=$(ldns-signzone ${LAB_SIGNZONE_OPTS:-} -f "$dir/$zone.zone.signed" "$dir/$zone.zone" "$key" 2>&1); then
		lab__err "ldns-signzone $zone: $out"
		return 1
	fi
	if [ -n "$edit" ]; then
		sed -i -e "$edit" "$dir/$zone.zone.signed" || return 1
	fi
	mv "$dir/$zone.zone.signed" "$dir/$zone.zone" || return 1
	lab__zone_load "$zone" "$serial" "signed zone"
}
