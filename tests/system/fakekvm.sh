#!/usr/bin/env bash
# The monitor's KVM driver against a fake KVM device: an LD_PRELOAD shim
# (tests/fakekvm/fakekvm.c, which make test builds as
# build/tests/fakekvm.so) that answers the KVM ioctls the way the KVM API
# documents them, checks how ./vmm calls them (order, arguments, register
# values, the boot structures in guest RAM) and plays scripted exits
# through KVM_RUN. It checks the monitor's use of the API and its run
# loop (I/O, MMIO, timeout signal, deaths), not KVM itself: that takes a
# real /dev/kvm (see cli.sh). One line per case: ok / not ok / skip.
cd "$(dirname "$0")/../.." || exit 1
set -u

VMM=${VMM:-./vmm}
SHIM=${FAKEKVM_SO:-$PWD/build/tests/fakekvm.so}
failed=0
tmp=$(mktemp -d /tmp/vmm-fakekvm.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "ok - fake KVM: $1"; }
fail() { echo "not ok - fake KVM: $1"; shift; for l in "$@"; do echo "#   $l"; done; failed=1; }

if [[ ! -x $VMM ]]; then
	echo "not ok - fake KVM: $VMM is not built"
	exit 1
fi
if [[ ! -f $SHIM ]]; then
	echo "not ok - fake KVM: $SHIM is not built (make build/tests/fakekvm.so)"
	exit 1
fi

# The crafted kernel of cli.sh: mov al,0; out 0xf4,al; hlt at its entry.
. tests/fakekvm/elf.sh
make_elf "$tmp/k.elf" b000e6f4f4
ENTRY=$((0x100000 + ELF_CODE_OFF))

# fake NAME SCENARIO STATUS STDOUT STDERR-PATTERN [ARGS...] [-- WORDS]
fake() {
	local name=$1 sc=$2 want=$3 out=$4 pat=$5 status mem=$((128 << 20))
	shift 5
	local a
	for a in "$@"; do
		[[ $a == 4M ]] && mem=$((4 << 20))
	done
	FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=$sc FAKEKVM_ENTRY=$ENTRY \
	FAKEKVM_MEM=$mem FAKEKVM_CMDLINE=${CMDLINE:-} \
	LD_PRELOAD=$SHIM ${NETNS:+unshare -n} "$VMM" --kvm "$tmp/kvm" \
		${CONS:---no-console} "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	if [[ $status -ne $want ]]; then
		fail "$name" "exit $status, wanted $want" "$(head -12 "$tmp/err")"
	elif [[ $(cat "$tmp/out") != "$out" ]]; then
		fail "$name" "stdout '$(cat "$tmp/out")', wanted '$out'"
	elif [[ -n $pat ]] && ! grep -qE -- "$pat" "$tmp/err"; then
		fail "$name" "stderr lacks /$pat/" "$(head -12 "$tmp/err")"
	elif [[ -z $pat && -s $tmp/err ]]; then
		fail "$name" "unexpected stderr" "$(head -5 "$tmp/err")"
	else
		pass "$name"
	fi
}

K=$tmp/k.elf
fake "setup and exit 0" exit0 0 "" "" "$K"
fake "no TSC rate from KVM: a PIT instead of the timing leaf" notsc 0 "" "" "$K"
fake "--kvm-stats on a KVM without statistics: said, status kept" hello42 42 \
	"hi" '^vmm: kvm-stats: KVM_GET_STATS_FD: .*\(KVM before Linux 5\.14\?\)$' \
	--kvm-stats "$K"
fake "--mem 4M reaches the memory slot" exit0 0 "" "" --mem 4M "$K"
CMDLINE="console=ttyS0 a=b" fake "command line in guest RAM" exit0 0 "" "" \
	"$K" -- console=ttyS0 a=b
fake "UART string output, dword exit status" hello42 42 "hi" "" "$K"
fake "port read of LSR" in_lsr 0 "" "" "$K"
fake "unclaimed MMIO reads all ones" mmio 0 "" "" "$K"
truncate -s 1M "$tmp/disk.img"
W0="virtio_mmio.device=512@0xfeb00000:5"
W1="virtio_mmio.device=512@0xfeb01000:6"
W2="virtio_mmio.device=512@0xfeb02000:7"
# devid NAME WINDOW ID NIOEV NIRQ ARGS...: window WINDOW holds device ID.
devid() {
	local name=$1
	FAKEKVM_WINDOW=$2 FAKEKVM_DEVID=$3 FAKEKVM_NIOEV=$4 FAKEKVM_NIRQ=$5 \
		fake "$name" vid 0 "" "" "${@:6}"
}
CMDLINE=$W0 devid "--disk: virtio-blk at 0xfeb00000" 0 2 1 1 \
	--disk "$tmp/disk.img" "$K"
CMDLINE="a=b $W0" \
	fake "--disk: announced on the command line as QEMU does" exit0 0 "" "" \
	--disk "$tmp/disk.img" "$K" -- a=b
CONS=" " CMDLINE=$W0 devid "the console is device 0 by default" 0 3 4 1 "$K"
CONS=" " CMDLINE="$W0 $W1" devid "--disk, then the console" 1 3 5 2 \
	--disk "$tmp/disk.img" "$K"
# --net: a TAP device made in a network namespace of the run's own.
if [[ $(id -u) = 0 && -c /dev/net/tun ]] && unshare -n true 2>/dev/null; then
	NETNS=1 CONS=" " CMDLINE="$W0 $W1 $W2" devid \
		"--disk, --net, console: the net device" 1 1 7 3 \
		--disk "$tmp/disk.img" --net tap=uk0 "$K"
	NETNS=1 CMDLINE=$W0 devid "--net alone is device 0" 0 1 2 1 \
		--net tap=uk0,mac=52:54:00:12:34:56 "$K"
else
	echo "skip - fake KVM: --net (not root, no /dev/net/tun or no unshare -n)"
fi
fake "--serial: the UART to a file" hello42 42 "" "" --serial "$tmp/log" "$K"
if [[ $(cat "$tmp/log") == hi ]]; then
	pass "--serial: the file holds the UART's output"
else
	fail "--serial: the file holds the UART's output" "$(cat "$tmp/log")"
fi
fake "unclaimed port reads all ones" unclaimed 0 "" "" "$K"
fake "-v reports exits and ports once" unclaimed 0 "" \
	"unclaimed port 0x80" -v "$K"
if [[ $(grep -c "write of 0x1 to unclaimed port 0x80" "$tmp/err") == 1 &&
      $(grep -c "exit KVM_EXIT_IO (2)" "$tmp/err") == 1 ]]; then
	pass "-v lines are not repeated"
else
	fail "-v lines are not repeated" "$(cat "$tmp/err")"
fi
# err_has NAME PATTERN...: the last run's stderr matches every PATTERN.
err_has() {
	local name=$1 pat
	shift
	for pat in "$@"; do
		if ! grep -q -- "$pat" "$tmp/err"; then
			fail "$name" "no line matches /$pat/" "$(cat "$tmp/err")"
			return
		fi
	done
	pass "$name"
}
fake "triple fault" shutdown 1 "" \
	"^vmm: guest died: triple fault \(KVM_EXIT_SHUTDOWN\)" "$K"
err_has "death prints the registers" "^vmm:   rip 0000000000100abc" \
	"^vmm:   cr0 0000000000000011" "cs 0008"
fake "internal error" internal 1 "" \
	"KVM internal error, suberror 1 \(emulation failure\), data 1234 5678" "$K"
fake "failed entry (VMX)" fail_entry 1 "" \
	"KVM_EXIT_FAIL_ENTRY, hardware reason 0x80000021 \(VMX: invalid guest state\)" "$K"
fake "failed entry (SVM)" fail_svm 1 "" \
	"hardware reason 0xffffffff \(SVM: VMRUN rejected the guest state\)" "$K"
err_has "failed entry prints every segment" \
	"^vmm:   ss 0010 base 0 limit ffffffff type 3 s 1 dpl 0 p 1 db 1 l 0 g 1$" \
	"^vmm:   tr 0018 base 0 limit 67 type b s 0 dpl 0 p 1 db 0 l 0 g 0$" \
	"^vmm:   ldt 0000 .* unusable$"
fake "halt" hlt 1 "" "halted \(KVM_EXIT_HLT\)" "$K"
fake "unknown exit" unknown 1 "" "unhandled exit unknown \(4242\)" "$K"
fake "malformed I/O exit" badio 1 "" "malformed KVM_EXIT_IO" "$K"
fake "huge string I/O count" hugeio 1 "" \
	"malformed KVM_EXIT_IO \(port 0x3f8, size 4, count 1073741824\)" "$K"
fake "I/O data outside the run area" badoff 1 "" "malformed KVM_EXIT_IO" "$K"
fake "string output to the exit port: the first status wins" rep_exit 7 "" "" "$K"
fake "string input fills count * size bytes" ins 0 "" "" "$K"
fake "EINTR and EAGAIN from KVM_RUN: the run goes on" eintr 5 "" "" "$K"
fake "AMD: no TSS or identity map address" amd 0 "" "" "$K"
fake "IA32_MISC_ENABLE unreadable: left alone" msr_none 0 "" "" "$K"
fake "IA32_MISC_ENABLE refused" msr_refused 1 "" \
	"^vmm: KVM_SET_MSRS: KVM refused IA32_MISC_ENABLE = 0x1801$" "$K"
fake "KVM_RUN error" efault 1 "" "KVM_RUN: Bad address" "$K"
fake "timeout" spin 124 "" "^vmm: timeout after 0.3 s$" --timeout 0.3 "$K"
fake "timeout writes out a partial line" partial_spin 124 "abc" \
	"^vmm: timeout after 0.2 s$" --timeout 0.2 "$K"

# spin_start ARGS...: run partial_spin (with the console, so the I/O
# thread runs) in the background as $pid, and return once it spins.
spin_start() {
	rm -f "$tmp/ready"
	FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=partial_spin \
	FAKEKVM_ENTRY=$ENTRY FAKEKVM_MEM=$((128 << 20)) \
	FAKEKVM_READY=$tmp/ready FAKEKVM_CMDLINE=$W0 LD_PRELOAD=$SHIM \
		"$VMM" --kvm "$tmp/kvm" --timeout 20 "$@" "$K" \
		>"$tmp/out" 2>"$tmp/err" </dev/null &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $tmp/ready ]] && break
		sleep 0.05
	done
}

# signal CASE SIGNAL STATUS STDERR-PATTERN: send the signals
# (space-separated) to a spinning guest, check status and output.
signal_case() {
	local name=$1 sigs=$2 want=$3 pat=$4 pid status i sig
	spin_start
	{       # without bash's "Hangup" job notice on stderr
		for sig in $sigs; do
			kill -"$sig" "$pid"
			sleep 0.1
		done
		wait "$pid"
	} 2>/dev/null
	status=$?
	if [[ $status -ne $want ]]; then
		fail "$name" "exit $status, wanted $want" "$(head -5 "$tmp/err")"
	elif [[ $(cat "$tmp/out") != abc ]]; then
		fail "$name" "stdout '$(cat "$tmp/out")', wanted 'abc'"
	elif ! grep -qE -- "$pat" "$tmp/err"; then
		fail "$name" "stderr lacks /$pat/" "$(head -5 "$tmp/err")"
	else
		pass "$name"
	fi
}
signal_case "SIGTERM writes out a partial line, dies of SIGTERM" TERM 143 \
	"^vmm: stopped by SIGTERM$"
signal_case "SIGHUP likewise" HUP 129 "^vmm: stopped by SIGHUP$"
# Background jobs of a script start with SIGINT ignored; it stays so.
signal_case "an ignored SIGINT stays ignored" "INT TERM" 143 \
	"^vmm: stopped by SIGTERM$"

# The terminal under the console: character mode (but ^C still a signal)
# while the guest runs, the old settings back however the monitor ends.
# In a pseudo-terminal of script(1); the inner script prints one word.
cat >"$tmp/term.sh" <<'SHEOF'
before=$(stty -g)
"$VMM" --kvm "$tmp/kvm" --timeout "$2" "$tmp/k.elf" </dev/tty >/dev/null 2>&1 &
pid=$!
i=0
while [ ! -s "$FAKEKVM_READY" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
sleep 0.2
mode=$(stty -a)
[ "$1" = none ] || kill -"$1" $pid
wait $pid
if ! echo "$mode" | grep -q -- '-icanon' || ! echo "$mode" | grep -q -- ' -echo ' ||
   echo "$mode" | grep -q -- '-isig'; then
	echo NOT-RAW
elif [ "$(stty -g)" != "$before" ]; then
	echo NOT-RESTORED
else
	echo FINE
fi
SHEOF
# term_case NAME SIGNAL TIMEOUT
term_case() {
	local r
	rm -f "$tmp/ready"
	r=$(VMM=$VMM tmp=$tmp FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=partial_spin \
	    FAKEKVM_ENTRY=$ENTRY FAKEKVM_MEM=$((128 << 20)) FAKEKVM_CMDLINE=$W0 \
	    FAKEKVM_READY=$tmp/ready LD_PRELOAD=$SHIM \
	    script -qec "sh $tmp/term.sh $2 $3" /dev/null </dev/null 2>&1 | tr -d '\r' | tail -1)
	if [[ $r == FINE ]]; then
		pass "$1"
	else
		fail "$1" "$r"
	fi
}
if command -v script >/dev/null && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	term_case "terminal: character mode, restored after a timeout" none 1
	term_case "terminal: restored when SIGTERM kills the monitor" TERM 5
	term_case "terminal: restored when the monitor crashes (SIGSEGV)" SEGV 5
	term_case "terminal: restored when the monitor aborts (SIGABRT)" ABRT 5
	# A forbidden system call (seccomp) after the terminal went raw.
	cat >"$tmp/termsys.sh" <<'SHEOF'
before=$(stty -g)
VMM_SECCOMP_SELFTEST=vcpu "$VMM" --kvm "$tmp/kvm" "$tmp/k.elf" </dev/tty >/dev/null 2>&1
s=$?
if [ "$(stty -g)" = "$before" ]; then echo "RESTORED $s"; else echo "NOT-RESTORED $s"; fi
SHEOF
	r=$(VMM=$VMM tmp=$tmp FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=exit0 \
	    FAKEKVM_ENTRY=$ENTRY FAKEKVM_MEM=$((128 << 20)) FAKEKVM_CMDLINE=$W0 \
	    LD_PRELOAD=$SHIM script -qec "sh $tmp/termsys.sh" /dev/null \
	    </dev/null 2>&1 | tr -d '\r' | tail -1)
	if [[ $r == "RESTORED 159" ]]; then
		pass "terminal: restored when seccomp stops the monitor (SIGSYS)"
	else
		fail "terminal: restored when seccomp stops the monitor (SIGSYS)" "$r"
	fi
else
	echo "skip - fake KVM: terminal modes (no script(1) or no pseudo-terminal)"
fi

# --stats: one line, whatever ends the run; own = peak - guest.
# stats NAME EXITS IO MMIO: check the stats line of the last run.
stats() {
	local name=$1 line n peak guest own
	line=$(grep '^vmm: stats:' "$tmp/err")
	n=$(grep -c '^vmm: stats:' "$tmp/err")
	if [[ $n -ne 1 ]]; then
		fail "$name" "$n stats lines" "$(cat "$tmp/err")"
		return
	fi
	if ! [[ $line =~ ^vmm:\ stats:\ exits=$2\ io_exits=$3\ mmio_exits=$4\ wall_us=[0-9]+\ peak_rss_kib=([0-9]+)\ guest_touched_kib=([0-9]+)\ own_kib=([0-9]+)\ seccomp_us=([0-9]+)$ ]]; then
		fail "$name" "line: $line" "wanted exits=$2 io_exits=$3 mmio_exits=$4"
		return
	fi
	peak=${BASH_REMATCH[1]} guest=${BASH_REMATCH[2]} own=${BASH_REMATCH[3]}
	if ((guest < 12)); then
		fail "$name" "guest_touched_kib=$guest: the loader wrote 3 pages"
	elif ((own != (peak > guest ? peak - guest : 0))); then
		fail "$name" "own_kib=$own is not peak - guest ($peak - $guest)"
	elif ((peak < 100)); then
		fail "$name" "peak_rss_kib=$peak is not a process's RSS"
	else
		pass "$name"
	fi
}
fake "--stats: guest exits" hello42 42 "hi" "^vmm: stats:" --stats "$K"
stats "--stats line: port I/O exits" 2 2 0
fake "--stats: MMIO" mmio 0 "" "^vmm: stats:" --stats "$K"
stats "--stats line: MMIO exits" 2 1 1
fake "--stats: timeout" spin 124 "" "^vmm: timeout after 0.2 s$" \
	--stats --timeout 0.2 "$K"
stats "--stats line after a timeout" 1 0 0
fake "--stats: guest dies" shutdown 1 "" "triple fault" --stats "$K"
stats "--stats line after a death" 1 0 0
if [[ $(tail -1 "$tmp/err") == "vmm: stats:"* ]]; then
	pass "--stats line comes last, after the register dump"
else
	fail "--stats line comes last, after the register dump" "$(tail -3 "$tmp/err")"
fi
fake "--stats: setup fails, no run, no line" msr_refused 1 "" \
	"KVM refused" --stats "$K"
if grep -q 'stats:' "$tmp/err"; then
	fail "no stats line without a run" "$(cat "$tmp/err")"
else
	pass "no stats line without a run"
fi
fake "API version" api11 2 "" "KVM API version 11, need 12" "$K"
fake "missing capability" nocap 2 "" "lacks KVM_CAP_IMMEDIATE_EXIT" "$K"

# --- seccomp: the monitor confines itself once the VM is built ----------
# Every case above ran with the filters on.
# field NAME: that /proc status field of each of $pid's threads.
field() {
	cat /proc/"$pid"/task/*/status 2>/dev/null |
		awk -v f="$1:" '$1 == f { printf "%s ", $2 }'
}
seccomp_case() {
	local name=$1 want=$2 modes nnp caps
	shift 2
	spin_start "$@"
	modes=$(field Seccomp) nnp=$(field NoNewPrivs)
	caps=$(field CapEff)$(field CapPrm)
	{ kill -TERM "$pid"; wait "$pid"; } 2>/dev/null
	if [[ $modes != "$want" || $nnp != "${want//2/1}" ]]; then
		fail "$name" "Seccomp: $modes, NoNewPrivs: $nnp; wanted $want"
	elif [[ $want == "2 2 " && $caps =~ [1-9a-f] ]]; then
		fail "$name" "capabilities left: $caps"
	else
		pass "$name"
	fi
}
seccomp_case "seccomp: vCPU and I/O threads filtered (Seccomp: 2, no_new_privs, no capabilities)" \
	"2 2 "
seccomp_case "--no-seccomp: no filter (Seccomp: 0)" "0 0 " --no-seccomp
# sys_case NAME ROLE THREAD: VMM_SECCOMP_SELFTEST=ROLE makes that thread
# call getppid, which neither list allows: SIGSYS, one line naming it.
sys_case() {
	local name=$1 role=$2 status
	{
		VMM_SECCOMP_SELFTEST=$role FAKEKVM_PATH=$tmp/kvm \
		FAKEKVM_SCENARIO=exit0 FAKEKVM_ENTRY=$ENTRY \
		FAKEKVM_MEM=$((128 << 20)) FAKEKVM_CMDLINE=$W0 \
		LD_PRELOAD=$SHIM "$VMM" --kvm "$tmp/kvm" "$K" \
			>"$tmp/out" 2>"$tmp/err" </dev/null
		status=$?
	} 2>/dev/null
	if [[ $status -ne 159 ]]; then
		fail "$name" "exit $status, wanted 159 (SIGSYS)" "$(head -5 "$tmp/err")"
	elif [[ $(cat "$tmp/err") != "vmm: seccomp: the $3 made a forbidden system call, getppid (110); stopping" ]]; then
		fail "$name" "stderr: $(head -5 "$tmp/err")"
	else
		pass "$name"
	fi
}
sys_case "seccomp: a forbidden call on the vCPU thread: SIGSYS, one line" \
	vcpu "vCPU thread"
sys_case "seccomp: a forbidden call on the I/O thread: SIGSYS, one line" \
	io "I/O thread"
{
	VMM_SECCOMP_SELFTEST=vcpu FAKEKVM_PATH=$tmp/kvm FAKEKVM_SCENARIO=exit0 \
	FAKEKVM_ENTRY=$ENTRY FAKEKVM_MEM=$((128 << 20)) FAKEKVM_CMDLINE=$W0 \
	LD_PRELOAD=$SHIM "$VMM" --kvm "$tmp/kvm" --no-seccomp "$K" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
} 2>/dev/null
if [[ $status == 0 && ! -s $tmp/err ]]; then
	pass "--no-seccomp: the same call is made and nothing happens"
else
	fail "--no-seccomp: the same call is made and nothing happens" \
		"exit $status" "$(head -3 "$tmp/err")"
fi

exit $failed
