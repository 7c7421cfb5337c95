# Helpers for the whole-system tests; sourced by tests/system/*.sh, which
# run from the repository root with ./vmm, ./kernel.elf and the test image
# built. Each case prints one line: `ok - NAME`, `not ok - NAME` or
# `skip - NAME`.

# The test image: the product's kernel and programs, plus every in-guest
# test and benchmark (make builds it as build/kernel-test.elf). PRODUCT
# is what users boot.
KERNEL=${KERNEL:-build/kernel-test.elf}
PRODUCT=${PRODUCT:-./kernel.elf}
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

# platforms "WHAT" PLATFORM...: the PLATFORMs that can run here, one a
# line, for `for plat in $(platforms ...)`; for each that cannot, the
# line `skip - PLATFORM: WHAT (why)` goes to the script's output.
exec 3>&1
platforms() {
	local what=$1 plat why; shift
	for plat in "$@"; do
		why=$(missing "$plat")
		if [ -n "$why" ]; then
			skip "$plat: $what ($why)" >&3
		else
			echo "$plat"
		fi
	done
}

# qemu_failed ERRFILE: QEMU itself said it failed (its warnings, such as
# KVM PVM's "host doesn't support requested feature", do not count).
qemu_failed() { grep -v '^qemu-system[^:]*: warning:' "$1" | grep -q '^qemu-system'; }

# The QEMU microvm command line (scripts/microvm.args).
QEMU_MICROVM=($(grep -v '^#' scripts/microvm.args))

# boot PLATFORM "CMDLINE" [extra args...]
# Boots $KERNEL; the extra args are QEMU options, or ./vmm options for
# vmm. The UART goes to stdout, or to the file $SERIAL when set; stdin is
# $STDIN (default /dev/null); the limit is $LIMIT seconds (default 30
# for ./vmm, 60 for QEMU). Sets OUT (stdout file), ERR (stderr file) and
# RC (the guest's status: QEMU's status*2+1 is decoded; other QEMU codes
# become "qemu:N").
boot() {
	local plat=$1 cmdline=$2; shift 2
	OUT=$TMP/out ERR=$TMP/err
	case $plat in
	vmm)
		./vmm --timeout "${LIMIT:-30}" ${SERIAL:+--serial "$SERIAL"} \
			"$@" "$KERNEL" -- $cmdline \
			>"$OUT" 2>"$ERR" <"${STDIN:-/dev/null}"
		RC=$? ;;
	qemu-kvm|qemu-tcg)
		local accel=tcg serial=stdio
		[ "$plat" = qemu-kvm ] && accel=kvm
		[ -n "${SERIAL:-}" ] && serial=file:$SERIAL
		timeout "${LIMIT:-60}" "${QEMU_MICROVM[@]}" -accel $accel \
			-serial "$serial" -kernel "$KERNEL" -append "$cmdline" \
			"$@" >"$OUT" 2>"$ERR" <"${STDIN:-/dev/null}"
		RC=$?
		# QEMU's own failures also exit 1, with a message on stderr.
		if [ $((RC & 1)) = 1 ] && ! qemu_failed "$ERR"; then
			RC=$((RC >> 1))
		else
			RC="qemu:$RC"
		fi ;;
	esac
}

# boot_disk PLATFORM IMAGE RO "CMDLINE" [extra args...]: boot with IMAGE
# as the virtio-blk disk (RO=ro: read-only; empty: read-write).
boot_disk() {
	local plat=$1 img=$2 ro=$3 cmdline=$4; shift 4
	case $plat in
	vmm) boot vmm "$cmdline" --disk "$img${ro:+,ro}" "$@" ;;
	*)   boot "$plat" "$cmdline" -device virtio-blk-device,drive=d0 \
		-drive if=none,id=d0,file="$img",format=raw${ro:+,readonly=on} \
		"$@" ;;
	esac
}

# new_image PATH BYTES: a fresh sparse image.
new_image() { rm -f "$1"; truncate -s "$2" "$1"; }

# E2: where Debian's e2fsprogs are; HAVE_E2FSPROGS set when they are
# (the nested machine has only busybox's mke2fs).
E2=/usr/sbin
HAVE_E2FSPROGS=
[ -x $E2/mke2fs ] && [ -x $E2/debugfs ] && [ -x $E2/e2fsck ] && HAVE_E2FSPROGS=1

# new_ext2 PATH BYTES: a fresh ext2 file system, by e2fsprogs' mke2fs or
# busybox's. mke2fs 1.47 leaves a new file short, hence the image first.
new_ext2() {
	new_image "$1" "$2" || return
	if [ -n "$HAVE_E2FSPROGS" ]; then
		$E2/mke2fs -q -t ext2 -F "$1"
	else
		busybox mke2fs -F "$1" >/dev/null
	fi
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

# fuzz_build NAME TARGET: 0 once TARGET, a libFuzzer program, is built.
# Otherwise 1, after a skip line where this machine has no clang with
# libFuzzer, or a failure when the target does not build.
fuzz_build() {
	if ! scripts/fuzz-ok.sh; then
		skip "$1 (no clang with libFuzzer: apt-get install clang libclang-rt-dev)"
		return 1
	fi
	if ! make -s "$2" >"$TMP/build" 2>&1; then
		bad "$1 (the target does not build)"
		sed 's/^/#   /' "$TMP/build" | tail -10
		return 1
	fi
}

# fuzz_run NAME TARGET RUNS ARGS...: RUNS inputs of TARGET from a fixed
# seed, and the verdict; a crash, leak or timeout input is kept in
# build/fuzz/ as TARGET's name, a dash and libFuzzer's name for it.
# Without address-space randomisation the fixed seed nearly always gives
# the same inputs (host addresses reach libFuzzer's comparison hints);
# each input starts from the same state, so a kept one replays alone.
fuzz_run() {
	local name=$1 target=$2 runs=$3 rc f keep norand=()
	shift 3
	setarch -R true 2>/dev/null && norand=(setarch -R)
	timeout 300 "${norand[@]}" "$target" -runs="$runs" -seed=1 \
		-timeout=10 -artifact_prefix="$TMP/" "$@" >"$TMP/out" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q "^Done $runs runs" "$TMP/out"; then
		ok "$name"
		return
	fi
	bad "$name (exit $rc$([ $rc = 124 ] && echo ': over 300 s'))"
	grep -E 'ERROR|SUMMARY|runtime error|fuzz:|#0 |#1 |#2 ' "$TMP/out" |
		head -12 | sed 's/^/#   /'
	for f in "$TMP"/crash-* "$TMP"/leak-* "$TMP"/timeout-*; do
		[ -e "$f" ] || continue
		keep=build/fuzz/${target##*/}-${f##*/}
		cp "$f" "$keep"
		echo "#   kept as $keep; $target FILE replays it"
	done
}
