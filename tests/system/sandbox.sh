#!/usr/bin/env bash
# Whole-system tests of the sandbox: ordinary static Linux programs
# (tests/sandbox/*.c, built with musl-gcc -static; probe also with glibc
# as -static and -static-pie) run with `./vmm kernel.elf --app PROG ...`,
# and under QEMU from the module build/tools/mkapp writes (-initrd), the
# program's stdout on QEMU's virtconsole, its stderr on the UART.
# ./vmm and QEMU with KVM when usable, QEMU TCG always.
#
# QEMU's exit device passes status * 2 + 1 in one byte, so there a
# status above 127 arrives as its low 7 bits: the fault cases check the
# status ./vmm gives in full, and its low bits and the stderr line under
# QEMU.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

PROBE=build/sandbox/probe
MKAPP=build/tools/mkapp
MKE2FS=$E2/mke2fs E2FSCK=$E2/e2fsck DEBUGFS=$E2/debugfs

# A tree to walk: directories, small files, one of 300 KB (indirect
# blocks), an empty one.
mkdir -p "$TMP/site/sub/deeper" "$TMP/site/empty-dir"
echo hello >"$TMP/site/a.txt"
: >"$TMP/site/empty"
head -c 300000 /dev/urandom >"$TMP/site/sub/blob.bin"
for i in $(seq 1 40); do echo "line $i" >"$TMP/site/sub/deeper/f$i"; done

# app PLATFORM [OPTION...] -- PROG [ARG...]: runs PROG in the sandbox
# with the monitor's OPTIONs (--env N=V, -v, --mem SIZE, --timeout S,
# --dir DIR, --disk IMG[,ro]; under QEMU --dir is mke2fs -d, as ./vmm
# does it);
# stdin is $STDIN (default /dev/null). Sets OUT (its stdout), ERR (its
# stderr), RC (the status, as QEMU can pass it).
app() {
	local plat=$1 opts=() mk=() qemu=() cmdline=quiet limit=${LIMIT:-60}
	shift
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	OUT=$TMP/out ERR=$TMP/err
	if [ "$plat" = vmm ]; then
		./vmm --timeout "$limit" "${opts[@]}" "$PRODUCT" --app "$@" \
			>"$OUT" 2>"$ERR" <"${STDIN:-/dev/null}"
		RC=$?
		return
	fi
	set -- "$@"
	local i=0
	while [ $i -lt ${#opts[@]} ]; do
		case ${opts[$i]} in
		--env)     mk+=(-e "${opts[$((i + 1))]}"); i=$((i + 1)) ;;
		-v)        mk+=(-v); cmdline= ;;
		--mem)     qemu+=(-m "${opts[$((i + 1))]}"); i=$((i + 1)) ;;
		--timeout) limit=${opts[$((i + 1))]}; i=$((i + 1)) ;;
		--dir)
			rm -f "$TMP/dir.img"
			truncate -s 64M "$TMP/dir.img"
			$MKE2FS -q -F -t ext2 -E root_owner=0:0 \
				-d "${opts[$((i + 1))]}" "$TMP/dir.img"
			qemu+=(-drive if=none,id=d0,file="$TMP/dir.img",format=raw,readonly=on
			       -device virtio-blk-device,drive=d0)
			i=$((i + 1)) ;;
		--disk)
			local img=${opts[$((i + 1))]} ro=
			case $img in *,ro) img=${img%,ro} ro=,readonly=on ;; esac
			qemu+=(-drive if=none,id=d0,file="$img",format=raw$ro
			       -device virtio-blk-device,drive=d0)
			i=$((i + 1)) ;;
		esac
		i=$((i + 1))
	done
	if ! $MKAPP "${mk[@]}" "$TMP/module" "$@" 2>"$ERR"; then
		: >"$OUT"
		RC=2
		return
	fi
	local accel=tcg
	[ "$plat" = qemu-kvm ] && accel=kvm
	timeout "$limit" "${QEMU_MICROVM[@]}" -accel $accel \
		-serial "file:$ERR" -kernel "$PRODUCT" -append "$cmdline" \
		-initrd "$TMP/module" "${qemu[@]}" \
		-device virtio-serial-device -chardev stdio,id=c0 \
		-device virtconsole,chardev=c0 \
		>"$OUT" 2>"$TMP/qemu" <"${STDIN:-/dev/null}"
	RC=$?
	if [ $RC = 124 ]; then
		:                       # timeout's own status
	elif [ $((RC & 1)) = 1 ] && ! qemu_failed "$TMP/qemu"; then
		RC=$((RC >> 1))
	else
		RC="qemu:$RC"
		cat "$TMP/qemu" >>"$ERR"
	fi
}

# status PLATFORM N: the status N as PLATFORM can pass it.
status() { if [ "$1" = vmm ]; then echo "$2"; else echo $(($2 & 127)); fi; }

# want NAME STATUS [out PATTERN]... [err PATTERN]... [noerr]: the last
# run exited STATUS, its stdout and stderr match the patterns (extended
# regular expressions, each a whole line), and with noerr its stderr
# is empty.
want() {
	local name=$1 st=$2 where pat file; shift 2
	if [ "$RC" != "$st" ]; then
		bad "$name (status $RC, want $st)"
		sed 's/^/#   /' "$OUT" "$ERR" | tail -20
		return
	fi
	while [ $# -gt 0 ]; do
		where=$1; shift
		if [ "$where" = noerr ]; then
			if [ -s "$ERR" ]; then
				bad "$name (stderr not empty)"
				sed 's/^/#   /' "$ERR" | tail -10
				return
			fi
			continue
		fi
		pat=$1; shift
		file=$OUT
		[ "$where" = err ] && file=$ERR
		if ! grep -Eqx -- "$pat" "$file"; then
			bad "$name (no $where line /$pat/)"
			sed 's/^/#   /' "$file" | tail -20
			return
		fi
	done
	ok "$name"
}

for plat in $(platforms "sandbox" vmm qemu-kvm qemu-tcg); do
	app $plat -- $PROBE hello
	want "$plat: a static musl program runs; quiet" 0 \
		out 'hello from a static Linux program' noerr

	app $plat -- $PROBE args "two words" '' 'x=y'
	want "$plat: argv" 0 out 'argc=5' out "argv\[0\]=$PROBE" \
		out 'argv\[1\]=args' out 'argv\[2\]=two words' out 'argv\[3\]=' \
		out 'argv\[4\]=x=y' out 'env PATH=/usr/local/bin:/usr/bin:/bin' \
		out 'env HOME=/' out 'env TERM=linux' out 'env LANG=C'
	app $plat --env FOO=bar --env HOME=/tmp -- $PROBE args
	want "$plat: --env adds and replaces" 0 out 'env FOO=bar' \
		out 'env HOME=/tmp'
	if grep -qx 'env HOME=/' "$OUT"; then
		bad "$plat: --env HOME= left the default too"
	fi

	for st in 0 1 42 255; do
		app $plat -- $PROBE exit $st
		want "$plat: exit status $st" "$(status $plat $st)" noerr
	done

	app $plat -- build/sandbox/probe-glibc args
	want "$plat: a static glibc program runs" 0 out 'argc=2'
	app $plat -- build/sandbox/probe-pie args
	want "$plat: a static-pie program runs" 0 out 'argc=2'

	app $plat -- $PROBE stderr
	want "$plat: stdout and stderr apart" 0 out 'to stdout' \
		err 'to stderr'
	if grep -q 'to stderr' "$OUT" || grep -q 'to stdout' "$ERR"; then
		bad "$plat: stdout and stderr mixed"
	fi

	for t in "segv 139 SIGSEGV: page fault at 0x0 \(rip 0x[0-9a-f]+\)" \
		 "ill 132 SIGILL: invalid opcode at rip 0x[0-9a-f]+" \
		 "fpe 136 SIGFPE: divide error at rip 0x[0-9a-f]+" \
		 "owncode 139 SIGSEGV: page fault at 0x[0-9a-f]+ .*" \
		 "bus 135 SIGBUS: alignment check at rip 0x[0-9a-f]+"; do
		set -f; set -- $t; set +f
		if [ $1 = bus ] && [ $plat = qemu-tcg ]; then
			skip "$plat: SIGBUS (QEMU TCG does not raise #AC)"
			continue
		fi
		app $plat -- $PROBE $1
		if [ $1 = bus ] && [ "$RC" = 3 ] &&
		   grep -q 'no #AC' "$OUT"; then
			skip "$plat: SIGBUS (this CPU does not raise #AC)"
			continue
		fi
		want "$plat: $1 ends with status $2 and one line" \
			"$(status $plat $2)" err "vmm: app: killed by ${*:3}"
		[ "$(wc -l <"$ERR")" = 1 ] ||
			bad "$plat: $1: more than one line on stderr"
	done
	app $plat -- $PROBE smash
	want "$plat: a program that writes over its own stack" \
		"$(status $plat 139)" out 'calls still work' \
		err 'vmm: app: killed by SIGSEGV: .*'
	app $plat -- $PROBE abort
	want "$plat: abort() is SIGABRT's status" "$(status $plat 134)"

	app $plat -- $PROBE tty
	want "$plat: isatty on pipes and files" 0 out 'isatty 0=0 1=0 2=0'
	if [ $plat = vmm ] && command -v script >/dev/null 2>&1; then
		# A terminal on all three (script's pty), 100 columns.
		script -qec "stty cols 100 rows 30; ./vmm --timeout 60 \
			$PRODUCT --app $PROBE tty" /dev/null </dev/null \
			>"$TMP/tty" 2>&1
		if tr -d '\r' <"$TMP/tty" | grep -qx 'isatty 0=1 1=1 2=1' &&
		   tr -d '\r' <"$TMP/tty" | grep -qx 'winsize 100x30'; then
			ok "$plat: isatty and the window size on a terminal"
		else
			bad "$plat: isatty on a terminal"
			sed 's/^/#   /' "$TMP/tty" | tail -5
		fi
	fi

	app $plat -- $PROBE tmp
	want "$plat: /tmp in memory without any disk" 0 out 'tmp: ok'
	app $plat -- $PROBE pipe
	want "$plat: a pipe; SIGPIPE's status when nobody reads" \
		"$(status $plat 141)" out 'pipe: empty: -1 Resource temporarily unavailable' \
		out 'pipe: end: 0'
	app $plat --mem 64M -- $PROBE cycle
	want "$plat: memory unmapped comes back" 0 \
		out 'cycle: [0-9]+ blocks, then 20 MiB: ok'

	app $plat -- $PROBE uname
	want "$plat: uname" 0 out 'Linux x86_64 .*'
	app $plat -- $PROBE float
	want "$plat: SSE and x87" 0 out 'sqrt-ish 0.666667'

	app $plat -- $PROBE clock
	now=$(date +%s)
	got=$(sed -n 's/^realtime //p' "$OUT")
	slept=$(sed -n 's/^slept_ms //p' "$OUT")
	if [ "$RC" = 0 ] && [ -n "$got" ] && [ $((got - now)) -le 1 ] &&
	   [ $((now - got)) -le 2 ] && [ "${slept:-0}" -ge 20 ]; then
		ok "$plat: real time and a 20 ms sleep"
	else
		bad "$plat: time (status $RC, realtime ${got:-?} vs $now, slept ${slept:-?} ms)"
	fi

	app $plat --mem 64M -- $PROBE malloc
	mib=$(sed -n 's/^malloc failed after \([0-9]*\) MiB$/\1/p' "$OUT")
	if [ "$RC" = 0 ] && [ -n "$mib" ] && [ "$mib" -ge 32 ] &&
	   [ "$mib" -lt 64 ]; then
		ok "$plat: malloc until NULL within --mem 64M ($mib MiB)"
	else
		bad "$plat: malloc under pressure (status $RC, ${mib:-no} MiB)"
		sed 's/^/#   /' "$OUT" "$ERR" | tail -5
	fi

	app $plat -- $PROBE hostile
	want "$plat: bad pointers, lengths, descriptors: errors" 0 \
		out 'write-badptr -1 Bad address' \
		out 'write-kernelptr -1 Bad address' \
		out 'write-huge -1 Bad address' out 'read-badptr -1 Bad address' \
		out 'write-badfd -1 Bad file descriptor' \
		out 'write-negfd -1 Bad file descriptor' \
		out 'write-bigfd -1 Bad file descriptor' \
		out 'close-badfd -1 Bad file descriptor' \
		out 'gettime-badptr -1 Bad address' \
		out 'uname-badptr -1 Bad address' \
		out 'writev-badiov -1 Bad address' \
		out 'personality-ptr -1 Bad address' \
		out 'mmap-fixed-personality -1 .*' \
		out 'open-outside -1 No such file or directory' \
		out 'open-badptr -1 Bad address' \
		out 'open-longpath -1 File ?name too long' \
		out 'stat-badbuf -1 Bad address' \
		out 'getdents-badfd -1 Bad file descriptor' \
		out 'munmap-huge -1 Invalid argument' \
		out 'enosys -1 Function not implemented' \
		out 'fork -1 Function not implemented' out survived

	app $plat -v -- $PROBE hostile
	want "$plat: -v names an unsupported call once, and the boot log" 0 \
		err 'vmm: app: system call 1000 is not supported \(ENOSYS\)' \
		err 'ukern .*'

	# 1 MiB through wc, against the same wc run natively: the end of
	# stdin reaches the program. QEMU's virtconsole never says that its
	# host side closed (only virtserialport ports do), so there stdin
	# does not end.
	if [ $plat = vmm ]; then
		head -c 786432 /dev/urandom | base64 >"$TMP/big"
		want_wc=$(build/sandbox/wc <"$TMP/big")
		STDIN=$TMP/big app $plat -- build/sandbox/wc
		want "$plat: 1 MiB of stdin through wc, to its end" 0 \
			out "$want_wc" noerr
		STDIN=/dev/null app $plat -- build/sandbox/wc
		want "$plat: stdin from /dev/null ends at once" 0 \
			out '0 0 0 cbf29ce484222325'
	else
		skip "$plat: stdin's end (QEMU's virtconsole does not report it)"
	fi

	# Files: a tree walked through --dir (a read-only copy) against the
	# same walk on the host; a writable --disk changed, then checked by
	# e2fsck and debugfs and read back by a second run.
	if [ -z "$HAVE_E2FSPROGS" ]; then
		skip "$plat: files (no e2fsprogs: apt-get install e2fsprogs)"
	else
		want_tree=$(build/sandbox/tree "$TMP/site")
		app $plat --dir "$TMP/site" -- build/sandbox/tree
		if [ "$RC" = 0 ] && [ "$(cat "$OUT")" = "$want_tree" ]; then
			ok "$plat: --dir: a tree walked and read as on the host"
		else
			bad "$plat: --dir tree walk (status $RC)"
			diff <(echo "$want_tree") "$OUT" | head -10 | sed 's/^/#   /'
			sed 's/^/#   /' "$ERR" | tail -5
		fi
		app $plat --dir "$TMP/site" -- $PROBE tmp
		want "$plat: a writable /tmp in memory over a read-only /" 0 \
			out 'tmp: ok'
		app $plat --dir "$TMP/site" -- $PROBE rofs
		want "$plat: --dir is read-only" 0 \
			out 'mkdir: Read-only file system' \
			out 'open-write: Read-only file system'
		rm -f "$TMP/rw.img"
		truncate -s 32M "$TMP/rw.img"
		$MKE2FS -q -F -t ext2 "$TMP/rw.img"
		app $plat --disk "$TMP/rw.img" -- build/sandbox/fsops
		want "$plat: --disk: make, write, rename, truncate, delete" 0 \
			out 'ok rename a.txt to sub/b.txt' out 'ok mmap of the file' \
			out 'ok ../.. stays in /'
		if grep -q '^FAIL' "$OUT"; then
			bad "$plat: fsops: $(grep '^FAIL' "$OUT" | head -3)"
		fi
		if "$E2FSCK" -fn "$TMP/rw.img" >"$TMP/fsck" 2>&1 &&
		   [ "$("$DEBUGFS" -R 'cat /data/kept.txt' "$TMP/rw.img" 2>/dev/null)" = kept ] &&
		   [ "$("$DEBUGFS" -R 'ls /data' "$TMP/rw.img" 2>/dev/null |
			tr -s ' ' '\n' | grep -v '^[0-9(]' | grep -v '^$' | sort |
			tr '\n' ' ')" = ". .. big kept.txt sub " ]; then
			ok "$plat: e2fsck finds the disk clean, debugfs the tree"
		else
			bad "$plat: the disk after fsops"
			sed 's/^/#   /' "$TMP/fsck" | tail -5
		fi
		# A symbolic link (a fast one: its target in the inode) is not
		# followed, and removing it frees no block that is in use.
		mkdir -p "$TMP/linked" && ln -sf x "$TMP/linked/s"
		rm -f "$TMP/ln.img" && truncate -s 16M "$TMP/ln.img"
		$MKE2FS -q -F -t ext2 -E root_owner=0:0 -d "$TMP/linked" "$TMP/ln.img"
		app $plat --disk "$TMP/ln.img" -- $PROBE links
		want "$plat: a symbolic link: not followed, removed cleanly" 0 \
			out 'open-link: (Too many levels of symbolic links|Symbolic link loop)' \
			out 'unlink-link: 0' out 'write-after: 1'
		"$E2FSCK" -fn "$TMP/ln.img" >"$TMP/fsck" 2>&1 ||
			bad "$plat: e2fsck after a link was removed: $(tail -3 "$TMP/fsck")"
		app $plat --disk "$TMP/rw.img,ro" -- build/sandbox/fsops check
		want "$plat: a second run reads what the first wrote" 0 \
			out 'ok what an earlier run wrote is there'
	fi

	LIMIT=5 app $plat --timeout 3 -- $PROBE spin
	want "$plat: a program that spins ends at --timeout" 124
done

# Refused before boot: only ./vmm's check, with mkapp's (the same code);
# a FIFO must not hold it.
mkfifo "$TMP/fifo"
for prog in build/sandbox/probe-dynamic tests/system/sandbox.sh "$TMP/fifo"; do
	timeout 10 $MKAPP "$TMP/m" "$prog" 2>"$TMP/err"; rc=$?
	if [ $rc = 2 ] && grep -q 'build it with -static\|not an ELF\|not a regular' "$TMP/err"; then
		ok "refused before boot: $prog"
	else
		bad "refused before boot: $prog (status $rc: $(cat "$TMP/err"))"
	fi
done
if [ -z "$(missing vmm)" ]; then
	app vmm -- build/sandbox/probe-dynamic
	want "vmm: a dynamically linked program is refused" 2 \
		err 'vmm: .*probe-dynamic: dynamically linked .*build it with -static'
fi
app qemu-tcg --env =x -- $PROBE
[ "$RC" != 0 ] || bad "mkapp: --env without a name accepted"
exit $failed
