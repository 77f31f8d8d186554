#!/bin/sh
# Install the Debian packages herald needs, if missing:
#   tests/deps.sh build   to build and run herald (make deps, make run)
#   tests/deps.sh test    that and the test lab (make check, make bench)
#   tests/deps.sh build|test --list    print the packages, install nothing
# Idempotent and silent when everything is there.
set -eu
what=${1:-test}
case "$what" in
build|test) ;;
*) echo "usage: tests/deps.sh build|test [--list]" >&2; exit 64 ;;
esac

# dns-root-data: the DNSSEC root trust anchor --tls dane uses by default.
BUILD="gcc make pkg-config libncurses-dev libssl-dev libldns-dev
libsqlite3-dev libopendkim-dev libpsl-dev libidn2-dev libgmime-3.0-dev publicsuffix
dns-root-data libcurl4-openssl-dev gettext zlib1g-dev"
# Test lab: DNS (nsd, drill), SMTP servers (postfix, aiosmtpd), swaks, the
# console driver (tmux), reference tools (sqlite3, dkimpy, opendkim-tools),
# the HTTP client that drives herald serve (curl), the feedback mailbox
# (dovecot: IMAP and POP3), the Japanese locale the console is tested
# under (locales; ja_JP.UTF-8 is generated below), and what renders the man
# pages as man does (groff-base, man-db), and the HTTPS server for MTA-STS
# policies and TLS reports (nginx).
TEST="nsd ldnsutils postfix python3-aiosmtpd swaks tmux sqlite3 python3-dkim
opendkim-tools python3-yaml openssl ca-certificates procps iproute2
libnet-ssleay-perl clang curl dovecot-imapd dovecot-pop3d locales
groff-base man-db nginx"

missing=""
want=$BUILD
[ "$what" = test ] && want="$BUILD $TEST"
if [ "${2:-}" = --list ]; then
	echo $want
	exit 0
fi
for p in $want; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
# ja_JP.UTF-8 for the tests of the Japanese console (locale-gen).
need_locale=""
if [ "$what" = test ] && ! locale -a 2>/dev/null | grep -qix 'ja_JP.utf8'; then
	need_locale=y
fi
[ -z "$missing" ] && [ -z "$need_locale" ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "herald: need root to install:$missing${need_locale:+ (and the ja_JP.UTF-8 locale)}" >&2
		[ -n "$missing" ] && echo "  run: apt-get install$missing" >&2
		exit 1
	fi
fi
if [ -n "$missing" ]; then
	echo "herald: installing Debian packages:$missing" >&2
	# Postfix asks how to configure the system instance: herald's tests
	# run their own instance, so the system one is left unconfigured.
	echo "postfix postfix/main_mailer_type select No configuration" |
		$SUDO debconf-set-selections
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
if [ -n "$need_locale" ]; then
	echo "herald: generating the ja_JP.UTF-8 locale" >&2
	$SUDO sed -i 's/^# *\(ja_JP.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^ja_JP.UTF-8 UTF-8' /etc/locale.gen ||
		echo 'ja_JP.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	$SUDO locale-gen >/dev/null
fi
