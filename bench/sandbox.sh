#!/usr/bin/env bash
# make bench-sandbox: one static Linux program (bench/sandbox/sbcalls.c,
# musl-gcc -static) run natively (the floor), under gVisor (`runsc do`,
# its default platform: --platform=kvm hangs under KVM PVM) and in our
# sandbox, in the same run: start to exit of a hello, the cost of one
# system call in loops of 100,000 (getppid, a 1-byte write to
# /dev/null, a 4 KiB pread of a cached file), and MB/s reading a 64 MiB
# file and writing one, fsync'd. Ours runs under ./vmm where /dev/kvm
# works; where it does not, under QEMU TCG (row system qemu-tcg: a full
# emulator, no measure of the product) so that the table still says
# something, and the vmm rows say skipped.
set -u
cd "$(dirname "$0")/.." || exit 1
. bench/lib.sh
N=${N:-20}              # hello runs
R=${R:-5}               # runs of each other figure
CALLS=${CALLS:-100000}
PROG=build/bench/sandbox/sbcalls
MKAPP=build/tools/mkapp
tmp=$(mktemp -d /tmp/ukern-sbench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The files: on the host for native and gVisor, in an ext2 image for ours.
mkdir -p "$tmp/data"
head -c $((64 << 20)) /dev/urandom >"$tmp/data/big"
head -c 4096 /dev/urandom >"$tmp/data/small"
truncate -s 192M "$tmp/disk.img"
/usr/sbin/mke2fs -q -F -t ext2 -d "$tmp/data" "$tmp/disk.img"

# run SYSTEM ARGS...: one run of the program with ARGS on SYSTEM (its
# paths: /data/..., the image's root in ours); "result VALUE" printed.
run() {
	local sys=$1; shift
	case $sys in
	native)
		"$PWD/$PROG" "${@//\/data/$tmp/data}" ;;
	runsc)
		runsc --network=none do "$PWD/$PROG" "${@//\/data/$tmp/data}" ;;
	vmm)
		./vmm --timeout 600 --disk "$tmp/disk.img" "$PRODUCT" \
			--app "$PROG" "${@//\/data//}" </dev/null ;;
	qemu-tcg)
		"$MKAPP" "$tmp/m" "$PROG" "${@//\/data//}" &&
		timeout 600 $(grep -v '^#' scripts/microvm.args) -accel tcg \
			-serial none -kernel "$PRODUCT" -append quiet \
			-initrd "$tmp/m" -m 512 \
			-drive if=none,id=d0,file="$tmp/disk.img",format=raw \
			-device virtio-blk-device,drive=d0 \
			-device virtio-serial-device -chardev stdio,id=c0 \
			-device virtconsole,chardev=c0 </dev/null ;;
	esac
}

# figure SYSTEM METRIC UNIT ARGS...: R runs, a row of their results.
figure() {
	local sys=$1 metric=$2 unit=$3 s; shift 3
	s=$(for i in $(seq 1 "$R"); do run "$sys" "$@" 2>/dev/null |
		sed -n 's/^result //p'; done | summarize)
	if [ -n "$s" ]; then
		row "$metric" "$sys" "$unit" $s
	else
		row "$metric" "$sys" "$unit" - - - 0 "failed"
	fi
}

# hello SYSTEM STATUS CMD...: start to exit, N runs (runstat), each
# ending with STATUS (QEMU's exit device makes 0 into 1).
hello() {
	local sys=$1 want=$2 r; shift 2
	if r=$("$RUNSTAT" -n "$N" -w 1 -s "$want" -- "$@" 2>/dev/null); then
		set -- $r
		row hello_start_to_exit "$sys" us $(($2 / 1000)) $(($3 / 1000)) \
			$(($4 / 1000)) $5
	else
		row hello_start_to_exit "$sys" us - - - 0 "failed"
	fi
}

systems=(native)
if command -v runsc >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	systems+=(runsc)
else
	row hello_start_to_exit runsc us - - - 0 "skipped: needs runsc (apt-get install runsc) and root"
fi
if have_kvm; then
	systems+=(vmm)
else
	row hello_start_to_exit vmm us - - - 0 "skipped: no usable /dev/kvm (qemu-tcg rows instead)"
	systems+=(qemu-tcg)
fi

for sys in "${systems[@]}"; do
	case $sys in
	native)   hello native 0 "$PROG" hello ;;
	runsc)    hello runsc 0 runsc --network=none do "$PWD/$PROG" hello ;;
	vmm)      hello vmm 0 ./vmm "$PRODUCT" --app "$PROG" hello ;;
	qemu-tcg) "$MKAPP" "$tmp/h" "$PROG" hello &&
		  hello qemu-tcg 1 $(grep -v '^#' scripts/microvm.args) -accel tcg \
			-serial none -kernel "$PRODUCT" -append quiet \
			-initrd "$tmp/h" -device virtio-serial-device \
			-chardev null,id=c0 -device virtconsole,chardev=c0 ;;
	esac
	figure "$sys" getppid_call ns getppid "$CALLS"
	figure "$sys" devnull_write_1b ns devnull "$CALLS"
	figure "$sys" pread_4k_cached ns pread "$CALLS" /data/small
	figure "$sys" read_64mib MBps read /data/big
	figure "$sys" write_64mib_fsync MBps write /data/written 64
done

emit sandbox
