# Shell test helpers shared by tests/cli, tests/lab and tests/tui.
# Source it; call t_ok/t_fail (or the check_* helpers) per assertion and
# t_finish at the end: it prints "N passed, N failed" and sets the status.

T_PASSED=0
T_FAILED=0
T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
HERALD=${HERALD:-$T_TOP/herald}
export NO_COLOR=${NO_COLOR-}

t_ok() { T_PASSED=$((T_PASSED + 1)); [ -n "${T_VERBOSE:-}" ] && echo "ok - $1"; return 0; }
t_fail() {
	T_FAILED=$((T_FAILED + 1))
	echo "not ok - $1" >&2
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -40 >&2
	return 0
}

# check NAME CMD...: passes when CMD exits 0.
check() {
	local name=$1; shift
	local out
	if out=$("$@" 2>&1); then t_ok "$name"; else t_fail "$name" "$out"; fi
}
# check_exit NAME WANT CMD...: passes when CMD exits with status WANT.
check_exit() {
	local name=$1 want=$2; shift 2
	local out rc
	out=$("$@" 2>&1); rc=$?
	if [ "$rc" = "$want" ]; then t_ok "$name"; else t_fail "$name" "exit $rc, want $want: $out"; fi
}
check_eq() {
	if [ "$2" = "$3" ]; then t_ok "$1"; else t_fail "$1" "got:  [$2]
want: [$3]"; fi
}
# check_has NAME TEXT NEEDLE: TEXT contains NEEDLE (fixed string).
check_has() {
	if printf '%s' "$2" | grep -qF -- "$3"; then t_ok "$1"; else t_fail "$1" "[$3] not in:
$2"; fi
}
check_lacks() {
	if printf '%s' "$2" | grep -qF -- "$3"; then t_fail "$1" "[$3] found in:
$2"; else t_ok "$1"; fi
}

# wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
	local limit=$1; shift
	local end=$(( $(date +%s%N) / 1000000 + limit * 1000 ))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ $(( $(date +%s%N) / 1000000 )) -ge $end ] && return 1
		sleep 0.1
	done
}

# A private temporary directory, removed at exit.
t_tmpdir() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/herald-test.XXXXXX")
	trap 't_cleanup' EXIT
}
t_cleanup() {
	[ -n "${T_CLEANUP_HOOK:-}" ] && $T_CLEANUP_HOOK
	[ -n "${T_TMP:-}" ] && [ -z "${T_KEEP:-}" ] && rm -rf "$T_TMP"
	return 0
}

t_finish() {
	echo "$T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
}
