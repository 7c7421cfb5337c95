# Helpers for the whole-system tests; sourced by tests/system/*.sh, which
# run from the repository root with ./vmm and ./kernel.elf built.
# Each case prints one line: `ok - NAME`, `not ok - NAME` or `skip - NAME`.

KERNEL=${KERNEL:-./kernel.elf}
TMP=$(mktemp -d /tmp/ukern-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failed=0

ok()   { echo "ok - $*"; }
bad()  { echo "not ok - $*"; failed=1; }
skip() { echo "skip - $*"; }

have_kvm()  { scripts/kvm-ok.sh "${VMM_KVM:-/dev/kvm}"; }
have_qemu() { command -v qemu-system-x86_64 >/dev/null 2>&1; }

# Why PLATFORM cannot run here, or nothing when it can.
missing() {
	case $1 in
	vmm)      have_kvm || echo "no usable /dev/kvm" ;;
	qemu-kvm) have_qemu || { echo "no qemu-system-x86_64"; return; }
	          have_kvm || echo "no usable /dev/kvm" ;;
	qemu-tcg) have_qemu || echo "no qemu-system-x86_64" ;;
	esac
}

# qemu_failed ERRFILE: QEMU itself said it failed (its warnings, such as
# KVM PVM's "host doesn't support requested feature", do not count).
qemu_failed() { grep -v '^qemu-system[^:]*: warning:' "$1" | grep -q '^qemu-system'; }

QEMU_BASE=(-M microvm,acpi=off -nodefaults -no-user-config -nographic
	-serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4)

# boot PLATFORM "CMDLINE" [extra args...]
# Boots kernel.elf; the extra args are QEMU options, or ./vmm options for
# vmm. Sets OUT (stdout file), ERR (stderr file) and RC (the guest's
# status: QEMU's status*2+1 is decoded; other QEMU codes become "qemu:N").
boot() {
	local plat=$1 cmdline=$2; shift 2
	OUT=$TMP/out ERR=$TMP/err
	case $plat in
	vmm)
		./vmm --timeout 30 "$@" "$KERNEL" -- $cmdline >"$OUT" 2>"$ERR" </dev/null
		RC=$? ;;
	qemu-kvm|qemu-tcg)
		local accel=tcg; [ "$plat" = qemu-kvm ] && accel=kvm
		timeout 60 qemu-system-x86_64 "${QEMU_BASE[@]}" -accel $accel \
			-kernel "$KERNEL" -append "$cmdline" "$@" \
			>"$OUT" 2>"$ERR" </dev/null
		RC=$?
		# QEMU's own failures also exit 1, with a message on stderr.
		if [ $((RC & 1)) = 1 ] && ! qemu_failed "$ERR"; then
			RC=$((RC >> 1))
		else
			RC="qemu:$RC"
		fi ;;
	esac
}

# expect NAME STATUS PATTERN...: the last boot exited STATUS and its
# stdout matches every extended regular expression PATTERN.
expect() {
	local name=$1 status=$2 pat; shift 2
	if [ "$RC" != "$status" ]; then
		bad "$name (status $RC, want $status)"
		sed 's/^/#   /' "$OUT" "$ERR" | tail -20
		return
	fi
	for pat in "$@"; do
		if ! grep -Eq -- "$pat" "$OUT"; then
			bad "$name (no line matching /$pat/)"
			sed 's/^/#   /' "$OUT" | tail -20
			return
		fi
	done
	ok "$name"
}
