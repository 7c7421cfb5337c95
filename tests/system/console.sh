#!/usr/bin/env bash
# Whole-system tests of the virtio-console driver and console service
# (guest-servers/drivers/console), with cecho in the guest: lines fed on
# the console's input come back as "[cecho] echo: LINE"; a session's lines carry its
# name. Every program's printf goes through the console too, as
# "[program] ..."; eprintf, init and the registry stay on the kernel log.
# The console is ./vmm's own on stdio, or QEMU's virtconsole on stdio;
# the UART (the kernel's log) goes to a file (--serial, -serial file:).
# ./vmm and QEMU with KVM when usable, QEMU TCG always.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

LOG=$TMP/log

# boot_console PLATFORM "CMDLINE" INPUT: boots with a virtio-console on
# stdio, INPUT (a file or a FIFO) its input; sets OUT (console output),
# LOG (the kernel's log), ERR and RC like boot.
boot_console() {
	local plat=$1 cmdline=$2
	if [ "$plat" = vmm ]; then
		SERIAL=$LOG STDIN=$3 LIMIT=60 boot vmm "$cmdline"
	else
		SERIAL=$LOG STDIN=$3 LIMIT=60 boot "$plat" "$cmdline" \
			-device virtio-serial-device -chardev stdio,id=c0 \
			-device virtconsole,chardev=c0
	fi
}

# check NAME PATTERN...: status 0, the log says `utest console: ok`, and
# the console output matches each PATTERN (extended regex).
check() {
	local name=$1; shift
	if ! grep -q '^utest console: ok$' "$LOG"; then
		bad "$name (status $RC, no 'utest console: ok' on the log)"
		sed 's/^/#   /' "$LOG" "$OUT" "$ERR" | tail -20
		return
	fi
	expect "$name" 0 "$@"
}

# on_log_only NAME PATTERN...: after check passed, each PATTERN matches
# a line of the kernel log and none of the console output, and no line
# of hello's is left on the kernel log.
on_log_only() {
	local name=$1 pat; shift
	[ "$RC" = 0 ] || return         # check has said why
	for pat in "$@"; do
		if ! grep -Eq -- "$pat" "$LOG" || grep -Eq -- "$pat" "$OUT"; then
			bad "$name (/$pat/ not on the kernel log alone)"
			return
		fi
	done
	if grep -q '^hello: ' "$LOG" || grep -Eq '^\[(init|registry|console)\]' "$OUT"; then
		bad "$name (a line on the wrong side)"
		sed 's/^/#   /' "$LOG" "$OUT" | tail -20
		return
	fi
	ok "$name"
}

long=$(printf 'x%.0s' $(seq 1 150))
for plat in $(platforms "console tests" vmm qemu-kvm qemu-tcg); do
	printf 'hello world\nsecond line\nquit\n' >"$TMP/in"
	boot_console $plat "services=echo,console run=cecho" "$TMP/in"
	check "$plat: cecho: lines fed at once come back" \
		'^\[cecho\] ready$' '^\[cecho\] echo: hello world$' \
		'^\[cecho\] echo: second line$' '^\[cecho\] bye$'
	[ "$(grep -c '^\[cecho\] echo: ' "$OUT")" = 2 ] ||
		bad "$plat: exactly the two lines are echoed"

	rm -f "$TMP/fifo"; mkfifo "$TMP/fifo"
	{ sleep 1; printf 'late\r\n%s\nesc\033[2K\n' "$long"; sleep 1
	  printf 'quit\n'; } \
		>"$TMP/fifo" &
	boot_console $plat "quiet services=console run=cecho" "$TMP/fifo"
	wait
	# "echo: " and 150 bytes: a session cuts its lines at 120.
	check "$plat: input that arrives later, a line of 150 bytes" \
		'^\[cecho\] echo: late$' "^\[cecho\] echo: ${long:0:114}\$" \
		"^\[cecho\] ${long:0:36}\$" '^\[cecho\] echo: esc\?\[2K$'
	# (an escape byte, which could move the cursor over the tag: '?')

	# More input than the server's ring and the device's buffers hold:
	# flow control, nothing lost, nothing reordered.
	seq -f 'line %04g' 1 1000 >"$TMP/in"; echo quit >>"$TMP/in"
	boot_console $plat "quiet services=console run=cecho" "$TMP/in"
	if [ "$RC" = 0 ] && [ "$(grep '^\[cecho\] echo: ' "$OUT")" = \
	     "$(seq -f '[cecho] echo: line %04g' 1 1000)" ]; then
		ok "$plat: 1000 lines (11 KB) fed at once come back in order"
	else
		bad "$plat: 1000 lines fed at once (status $RC, $(grep -c '^\[cecho\] echo: ' "$OUT") echoed)"
		sed 's/^/#   /' "$LOG" | tail -5
	fi

	# hello is not a console client: libuk's printf finds the service.
	printf 'quit\n' >"$TMP/in"
	boot_console $plat "services=echo,console run=hello,cecho" "$TMP/in"
	check "$plat: another program's printf: on the console as [hello]" \
		'^\[hello\] hello: looked up "echo" in the registry$' \
		'^\[hello\] hello: done$' '^\[cecho\] bye$'
	on_log_only "$plat: printf leaves the kernel log; eprintf, init and the registry stay" \
		'^cecho: 0 lines echoed$' '^init: started hello' \
		'^registry: console registered' '^console: virtio-console, serving$'

	# Nine programs print, then fault without closing their sessions (the
	# server has 8): the sessions of the dead are taken back for the
	# newcomers, and hello and cecho, started after them, still get
	# sessions of their own.
	printf 'quit\n' >"$TMP/in"
	many=$(printf 'isolate:9,%.0s' 1 2 3 4 5 6 7 8 9)
	boot_console $plat "quiet restarts=0 services=echo,console run=${many}hello,cecho" "$TMP/in"
	if [ "$RC" = 1 ] &&
	   [ "$(grep -c '^\[isolate\] isolate: a line, then a fault$' "$OUT")" = 9 ] &&
	   grep -q '^\[hello\] hello: done$' "$OUT" &&
	   grep -q '^\[cecho\] bye$' "$OUT" &&
	   [ "$(grep -c '^init: isolate faulted: vector 6 ' "$LOG")" = 9 ]; then
		ok "$plat: sessions of programs that died are reclaimed"
	else
		bad "$plat: sessions of programs that died (status $RC)"
		sed 's/^/#   /' "$OUT" "$LOG" | tail -20
	fi

	if [ $plat = vmm ]; then
		boot vmm "services=console bootonly" --no-console
	else
		boot $plat "services=console bootonly"
	fi
	expect "$plat: no virtio-console: console is not started" 1 \
		'^init: console: no free virtio-console device, not started$'
done
exit $failed
