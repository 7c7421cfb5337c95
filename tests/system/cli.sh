#!/usr/bin/env bash
# The monitor's command line and bad inputs, on the built ./vmm, with no
# KVM needed; then a few tiny crafted guests where a KVM device is usable.
# One line per case: "ok - NAME" or "not ok - NAME", or "skip - NAME
# (reason)" for a guest case without KVM (skipped, never passed). Exits
# non-zero if any case failed.
cd "$(dirname "$0")/../.." || exit 1
set -u

VMM=${VMM:-./vmm}
KVM=${VMM_KVM:-/dev/kvm}
unset VMM_KVM
failed=0
tmp=$(mktemp -d /tmp/vmm-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; failed=1; }
skip() { echo "skip - $1 ($2)"; }

# make_elf FILE CODEHEX [PADDR]: a minimal PVH kernel.
. tests/fakekvm/elf.sh

# expect NAME STATUS WANT ARGS...: run ./vmm ARGS; want exit STATUS,
# nothing on stdout, exactly one stderr line "vmm: ..." containing WANT.
expect() {
	local name=$1 want_status=$2 want=$3 status lines
	shift 3
	"$VMM" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	lines=$(wc -l <"$tmp/err")
	if [[ $status -ne $want_status ]]; then
		fail "$name" "exit $status, wanted $want_status" "$(head -3 "$tmp/err")"
	elif [[ -s $tmp/out ]]; then
		fail "$name" "unexpected stdout: $(head -1 "$tmp/out")"
	elif [[ $lines -ne 1 ]]; then
		fail "$name" "stderr has $lines lines, wanted 1" "$(head -3 "$tmp/err")"
	elif ! head -1 "$tmp/err" | grep -q '^vmm: '; then
		fail "$name" "stderr does not start with 'vmm: '" "$(cat "$tmp/err")"
	elif ! grep -qF -- "$want" "$tmp/err"; then
		fail "$name" "stderr lacks '$want'" "$(cat "$tmp/err")"
	else
		pass "$name"
	fi
}

# expect_stdout NAME WANT ARGS...: exit 0, WANT on stdout, stderr empty.
expect_stdout() {
	local name=$1 want=$2 status
	shift 2
	"$VMM" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	status=$?
	if [[ $status -ne 0 ]]; then
		fail "$name" "exit $status, wanted 0" "$(head -3 "$tmp/err")"
	elif [[ -s $tmp/err ]]; then
		fail "$name" "unexpected stderr: $(head -1 "$tmp/err")"
	elif ! grep -qF -- "$want" "$tmp/out"; then
		fail "$name" "stdout lacks '$want'"
	else
		pass "$name"
	fi
}

if [[ ! -x $VMM ]]; then
	echo "not ok - $VMM is not built"
	exit 1
fi

# 32-bit code for the crafted kernels.
EXIT0="b000e6f4f4"                              # mov al,0; out 0xf4,al; hlt
EXIT42="b82a000000e7f4f4"                       # mov eax,42; out 0xf4,eax
HELLO="baf8030000b068eeb069eeb00aee$EXIT0"      # "hi\n" to 0x3f8, exit 0
MAGIC="8b033d78c56e337505${EXIT0}b003e6f4f4"    # [ebx] == PVH magic? 0 : 3
SPIN="ebfe"                                     # jmp $
UD2="0f0b"                                      # #UD, no IDT: triple fault
make_elf "$tmp/ok.elf" "$EXIT0"
cp /etc/passwd "$tmp/passwd"
mkdir "$tmp/dir"
: >"$tmp/empty"

expect "missing file" 2 "$tmp/none.elf: No such file or directory" "$tmp/none.elf"
expect "directory" 2 "$tmp/dir: is a directory" "$tmp/dir"
expect "not an ELF file" 2 "$tmp/passwd: not an ELF file" "$tmp/passwd"
expect "empty file" 2 "$tmp/empty: empty file" "$tmp/empty"
expect "--mem 0" 2 "--mem '0'" --mem 0 "$tmp/ok.elf"
expect "--mem 1T" 2 "--mem '1T'" --mem 1T "$tmp/ok.elf"
expect "--mem=1k" 2 "--mem '1k'" --mem=1k "$tmp/ok.elf"
expect "--mem garbage" 2 "not a size" --mem lots "$tmp/ok.elf"
expect "--mem without value" 2 "'--mem' needs a value" "$tmp/ok.elf" --mem
expect "--timeout garbage" 2 "--timeout 'x'" --timeout x "$tmp/ok.elf"
expect "unknown long option" 2 "'--bogus'" --bogus "$tmp/ok.elf"
expect "--stats takes no value" 2 "'--stats=1'" --stats=1 "$tmp/ok.elf"
expect "--stats: no line when the kernel is bad" 2 "not an ELF file" \
	--stats "$tmp/passwd"
expect "--stats: no line when there is no KVM" 2 "/nonexistent/kvm:" \
	--stats --kvm /nonexistent/kvm "$tmp/ok.elf"
expect "unknown short option" 2 "'-q'" -q "$tmp/ok.elf"
expect "missing KERNEL" 2 "missing KERNEL"
expect "extra argument" 2 "unexpected argument 'console=ttyS0'" "$tmp/ok.elf" console=ttyS0
make_elf "$tmp/high.elf" "$EXIT0" 0x3fff80
expect "kernel past the end of RAM" 2 "$tmp/high.elf: segment 0" \
	--mem 4M "$tmp/high.elf"
make_elf "$tmp/low.elf" "$EXIT0" 0x2000
expect "kernel over the boot area" 2 "overlaps the boot area" "$tmp/low.elf"
expect "shared object" 2 "ET_DYN" /bin/true
expect "no KVM device" 2 "/nonexistent/kvm: No such file or directory" \
	--kvm /nonexistent/kvm "$tmp/ok.elf"
VMM_KVM=/nonexistent/kvm2 expect "no KVM device (\$VMM_KVM)" 2 \
	"/nonexistent/kvm2: No such file or directory" "$tmp/ok.elf"
expect "not a KVM device" 2 "/dev/null: KVM_GET_API_VERSION" \
	--kvm /dev/null "$tmp/ok.elf"
expect "kernel words after --" 2 "/nonexistent/kvm" \
	--kvm /nonexistent/kvm "$tmp/ok.elf" -- --mem 0 console=ttyS0
if [[ -e ./kernel.elf ]]; then
	expect "no KVM device (./kernel.elf)" 2 "/nonexistent/kvm:" \
		--kvm /nonexistent/kvm ./kernel.elf
else
	skip "no KVM device (./kernel.elf)" "no ./kernel.elf"
fi
# --net and --serial are checked before KVM is opened.
expect "--net without tap=" 2 "expected tap=NAME" --net eth0 "$tmp/ok.elf"
expect "--net with an empty TAP name" 2 "a TAP name is 1 to 15" \
	--net tap= "$tmp/ok.elf"
expect "--net with a 16-character TAP name" 2 "a TAP name is 1 to 15" \
	--net tap=abcdefghijklmnop "$tmp/ok.elf"
expect "--net with a '/' in the name" 2 "a TAP name" --net tap=a/b "$tmp/ok.elf"
expect "--net with a multicast MAC" 2 "mac= wants a unicast address" \
	--net tap=t0,mac=01:00:5e:00:00:01 "$tmp/ok.elf"
expect "--net with a short MAC" 2 "mac= wants a unicast address" \
	--net tap=t0,mac=52:54:00:12:34 "$tmp/ok.elf"
expect "--net with an unknown option" 2 "unknown option 'vhost=on'" \
	--net tap=t0,vhost=on "$tmp/ok.elf"
expect "--net twice" 2 "only one network device" \
	--net tap=t0 --net tap=t1 "$tmp/ok.elf"
expect "--serial into a missing directory" 2 "--serial $tmp/none/log:" \
	--serial "$tmp/none/log" "$tmp/ok.elf"
if [[ ! -c /dev/net/tun ]]; then
	skip "--net: a TAP the user may not make" "no /dev/net/tun"
elif [[ $(id -u) = 0 ]] && command -v setpriv >/dev/null; then
	chmod 755 "$tmp"        # nobody reads the kernel in it
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$VMM" --net tap=uknoperm0 "$tmp/ok.elf" >"$tmp/out" 2>"$tmp/err" </dev/null
	if [[ $? = 2 ]] && grep -qi '^vmm: --net: .*permission denied' "$tmp/err"; then
		pass "--net: a TAP the user may not make"
	else
		fail "--net: a TAP the user may not make" "$(cat "$tmp/err")"
	fi
else
	expect "--net: a TAP the user may not make" 2 "ermission denied" \
		--net tap=uknoperm0 "$tmp/ok.elf"
fi
expect_stdout "--help" "usage: vmm" --help
expect_stdout "-h" "usage: vmm" -h
expect_stdout "--version" "vmm " --version
expect_stdout "--help documents --stats" \
	"vmm: stats: exits=N io_exits=N mmio_exits=N" --help

# Tiny guests: these need a usable KVM device.
if [[ -c $KVM ]] && { exec 3<>"$KVM"; } 2>/dev/null; then
	exec 3>&-
	# boot NAME STATUS STDOUT CODE [OPTIONS...] [-- GUEST-CMDLINE...]
	boot() {
		local name=$1 want=$2 out=$3 code=$4 status opts=() args=()
		shift 4
		while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
		args=("$@")
		make_elf "$tmp/g.elf" "$code"
		"$VMM" --kvm "$KVM" --timeout 10 "${opts[@]}" "$tmp/g.elf" \
			"${args[@]}" >"$tmp/out" 2>"$tmp/err" </dev/null
		status=$?
		if [[ $status -ne $want ]]; then
			fail "$name" "exit $status, wanted $want" "$(head -12 "$tmp/err")"
		elif [[ $(cat "$tmp/out") != "$out" ]]; then
			fail "$name" "stdout '$(cat "$tmp/out")', wanted '$out'"
		else
			pass "$name"
		fi
	}
	boot "guest exits 0" 0 "" "$EXIT0"
	boot "guest exits 42 (dword)" 42 "" "$EXIT42"
	boot "guest prints to the UART" 0 "hi" "$HELLO"
	boot "%ebx points at PVH start info" 0 "" "$MAGIC" -- a b
	boot "guest runs with --mem 4M" 0 "" "$EXIT0" --mem 4M
	boot "guest triple fault exits 1" 1 "" "$UD2"
	if grep -q "guest died: triple fault" "$tmp/err" &&
	   grep -q "vmm:   rip" "$tmp/err"; then
		pass "triple fault prints registers"
	else
		fail "triple fault prints registers" "$(head -3 "$tmp/err")"
	fi
	boot "--timeout stops a spinning guest" 124 "" "$SPIN" --timeout 0.5
	if grep -qx "vmm: timeout after 0.5 s" "$tmp/err"; then
		pass "timeout message"
	else
		fail "timeout message" "$(cat "$tmp/err")"
	fi
	boot "--stats: guest prints and exits" 0 "hi" "$HELLO" --stats
	if grep -qE "^vmm: stats: exits=[0-9]+ io_exits=[0-9]+ mmio_exits=0 wall_us=[0-9]+ peak_rss_kib=[0-9]+ guest_touched_kib=[0-9]+ own_kib=[0-9]+ seccomp_us=[0-9]+$" "$tmp/err" &&
	   [[ $(wc -l <"$tmp/err") -eq 1 ]]; then
		pass "--stats line"
	else
		fail "--stats line" "$(cat "$tmp/err")"
	fi
else
	for c in "guest exits 0" "guest exits 42 (dword)" \
		 "guest prints to the UART" "%ebx points at PVH start info" \
		 "guest runs with --mem 4M" "guest triple fault exits 1" \
		 "triple fault prints registers" \
		 "--timeout stops a spinning guest" "timeout message" \
		 "--stats: guest prints and exits" "--stats line"; do
		skip "$c" "no usable $KVM"
	done
fi

exit $failed
