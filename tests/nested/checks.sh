# The ./vmm checks run on a real KVM inside scripts/nested-kvm.sh's VM
# (busybox sh, in /work with ./vmm, kernel.elf, the test image
# kernel-test.elf and netprobe), by
# tests/system/nested.sh. One line per check: ok / not ok; the
# evidence of a failure on "#" lines.

P="vmm (nested KVM)"
ok()  { echo "ok - $P: $*"; }
bad() { echo "not ok - $P: $*"; sed 's/^/#   /' out err 2>/dev/null | tail -12; }

# vmm ARGS...: boots with stdin from /dev/null unless IN names a file;
# RC, out (stdout), err (stderr).
vmm() {
	./vmm --timeout 60 "$@" <"${IN:-/dev/null}" >out 2>err
	RC=$?
}

# expect NAME STATUS PATTERN...: the last run's status, and out has a
# line matching each extended regular expression.
expect() {
	name=$1 want=$2
	shift 2
	if [ "$RC" != "$want" ]; then
		bad "$name (status $RC, want $want)"
		return
	fi
	for pat in "$@"; do
		if ! grep -Eq -- "$pat" out; then
			bad "$name (no line matching /$pat/)"
			return
		fi
	done
	ok "$name"
}

# --- the core ---------------------------------------------------------
vmm kernel.elf
expect "the demo boots: registry, echo, hello, the console device" 0 \
	'^init: device 0: virtio-console at 0xfeb00000$' '^hello: done$' \
	'^init: machine exit, status 0$' '^entry: '
vmm kernel-test.elf -- quiet services=echo,victim run=ipctest
expect "IPC order, badges, transfer, errors, dead server" 0 '^utest ipc: ok$'
vmm kernel-test.elf -- quiet entry=trap services=echo,victim run=ipctest
expect "the same on the trap entry path" 0 '^utest ipc: ok$'
vmm kernel-test.elf -- quiet run=fuzz
expect "100,000 random system calls, then IPC works" 0 '^utest fuzz: ok$'
vmm kernel-test.elf -- quiet run=regtest,libtest
expect "registry errors and libuk" 0 '^utest registry: ok$' '^utest libuk: ok$'
vmm kernel-test.elf -- restarts=0 run=isolate:1,isolate:3,isolate:4,isolate:6,hello
expect "isolation faults contained" 1 'fault: isolate .*#PF' 'fault: isolate .*#UD' \
	'fault: isolate .*#GP' '^hello: done$'
vmm kernel-test.elf -- restarts=1 services=echo,isolate:4
expect "a boot server that faults before registering ends the boot" 1 \
	'^init: boot server isolate did not start$'
vmm kernel-test.elf -- run=spin:300000000,hello
if [ "$RC" = 0 ] && grep -n -e '^hello: done' -e '^spin: counted' out |
	head -1 | grep -q hello; then
	ok "a spinning program is preempted"
else
	bad "a spinning program is preempted (status $RC)"
fi
./vmm --timeout 1 kernel-test.elf -- run=spin:100000000000 </dev/null >out 2>err
RC=$?
if [ $RC = 124 ] && grep -q '^vmm: timeout after 1 s$' err; then
	ok "--timeout stops a spinning guest: 124"
else
	bad "--timeout stops a spinning guest (status $RC)"
fi
./vmm kernel-test.elf -- run=spin:100000000000 </dev/null >out 2>err &
pid=$!
sleep 2
modes=$(cat /proc/$pid/task/*/status | awk '$1 == "Seccomp:" { printf "%s ", $2 }')
nnp=$(cat /proc/$pid/task/*/status | awk '$1 == "NoNewPrivs:" { printf "%s ", $2 }')
kill -TERM $pid
wait $pid
RC=$?
if [ $RC = 143 ] && grep -q '^vmm: stopped by SIGTERM$' err; then
	ok "SIGTERM: the monitor dies of it (143), saying so"
else
	bad "SIGTERM (status $RC)"
fi
if [ "$modes" = "2 2 " ] && [ "$nnp" = "1 1 " ]; then
	ok "seccomp: vCPU and I/O threads filtered during a run (Seccomp: 2)"
else
	bad "seccomp: Seccomp: $modes, NoNewPrivs: $nnp; want 2 2, 1 1"
fi
for role in vcpu io; do
	VMM_SECCOMP_SELFTEST=$role ./vmm kernel.elf </dev/null >out 2>err
	RC=$?
	if [ $RC = 159 ] && grep -q '^vmm: seccomp: the .* thread made a forbidden system call, getppid (110); stopping$' err; then
		ok "seccomp: a forbidden call on the $role thread: SIGSYS, one line"
	else
		bad "seccomp: a forbidden call on the $role thread (status $RC)"
	fi
done

# --- block ------------------------------------------------------------
dd if=/dev/zero of=d.img bs=1M count=8 2>/dev/null
vmm --stats --disk d.img kernel-test.elf -- quiet services=blk run=blktest
expect "virtio-blk: blktest (patterns, 1 MiB in flight, batches, errors)" 0 \
	'^utest blk: ok$'
if grep -Eq '^vmm: stats: exits=[0-9]+ ' err; then
	ok "--stats after a disk run: $(grep -o 'exits=[0-9]*' err)"
else
	bad "--stats line"
fi
vmm --disk d.img kernel-test.elf -- quiet services=blk run=blktest:2
got=$(dd if=d.img bs=512 skip=5 count=1 2>/dev/null | head -c 16)
if [ "$RC" = 0 ] && [ "$got" = "ukern-blk-test 5" ]; then
	ok "what the guest wrote and flushed is in the image file"
else
	bad "the image file holds '$got' (status $RC)"
fi
vmm --disk d.img kernel-test.elf -- quiet services=blk run=blktest:1
want=$(head -c 1048576 d.img | cksum | cut -d" " -f1)
expect "what the guest reads is the image's bytes" 0 \
	"^blktest: 2048 sectors, cksum $want\$"
vmm --disk d.img,ro kernel-test.elf -- quiet services=blk run=blktest:3
expect "a read-only disk refuses writes" 0 '^utest blk-ro: ok$'
dd if=/dev/zero of=odd.img bs=1 count=0 seek=$((8 * 1048576 + 100)) 2>/dev/null
vmm --disk odd.img kernel-test.elf -- services=blk run=blktest
expect "an image of 8 MiB + 100 bytes: 16384 whole sectors" 0 \
	'^blk: virtio-blk, 16384 sectors' '^utest blk: ok$'
if grep -q '^virtio-mmio: 512@0xfeb00000 irq 5$' out &&
	grep -q '^virtio-mmio: 512@0xfeb01000 irq 6$' out &&
	! grep -q 'share a register page' out; then
	ok "blk and console: each on a register page of its own"
else
	bad "blk and console: each on a register page of its own"
fi
# fs serves ext2: images made here by busybox's mke2fs (no e2fsprogs
# in this machine).
new_ext2() {
	dd if=/dev/zero of="$1" bs=1M count="$2" 2>/dev/null &&
		mke2fs -F "$1" >/dev/null 2>&1
}
new_ext2 f.img 4
vmm --disk f.img kernel-test.elf -- quiet services=blk,fs run=fstest:1
vmm --disk f.img kernel-test.elf -- services=blk,fs run=fstest:2
expect "fs: files written on one boot are read on the next" 0 \
	'^utest fs-persist: ok$'
dd if=/dev/zero of=h.img bs=1M count=1 2>/dev/null
vmm -v --disk h.img kernel-test.elf -- quiet run=vhostile
n=$(grep -c ': needs reset$' out)
if [ "$RC" = 0 ] && [ "$n" = 6 ] && grep -q 'utest vhostile: survived' out &&
	grep -q 'needs reset' err; then
	ok "a hostile driver: 6 malformed requests, 6 resets, monitor fine"
else
	bad "a hostile driver (status $RC, $n resets)"
fi

# --- console ----------------------------------------------------------
printf 'hello world\nsecond line\nquit\n' >in
IN=in; vmm --serial log kernel-test.elf -- services=echo,console run=hello,cecho
if grep -q '^utest console: ok$' log; then RC2=0; else RC2=1; fi
expect "console: lines on stdin come back through cecho" 0 \
	'^\[cecho\] echo: hello world$' '^\[cecho\] echo: second line$' '^\[cecho\] bye$' \
	'^\[hello\] hello: done$'
if [ $RC2 = 0 ] && ! grep -q 'echo: hello' log && ! grep -q '^hello: ' log; then
	ok "console: the kernel log went to --serial, printf to the console"
else
	bad "console: the split between --serial and the console"
	sed 's/^/#   log: /' log | tail -12
fi
seq 1 300 | sed 's/^/line /' >in
echo quit >>in
vmm --serial log kernel-test.elf -- quiet services=console run=cecho; IN=
if [ "$RC" = 0 ] && [ "$(grep -c '^\[cecho\] echo: line ' out)" = 300 ]; then
	ok "console: 300 lines fed at once, none lost"
else
	bad "console: 300 lines (status $RC, $(grep -c '^\[cecho\] echo: line ' out) back)"
fi

# --- net ---------------------------------------------------------------
# tap_boot READY ARGS...: boots ./vmm ARGS (with --net on TAP ukt0) in
# the background, gives the TAP 10.0.2.2/24 once the monitor made it,
# waits until the guest's output has a line matching READY. net_wait
# collects it (RC, out, err).
tap_boot() {
	ready=$1
	shift
	./vmm --timeout 60 "$@" </dev/null >out 2>err &
	pid=$!
	i=0
	while ! ip link show ukt0 >/dev/null 2>&1 && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	ip addr add 10.0.2.2/24 dev ukt0 && ip link set ukt0 up
	i=0
	while ! grep -q "$ready" out && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
}
# net_boot SPEC N: nettest:N on --net SPEC, as tap_boot.
net_boot() {
	tap_boot '^nettest: echoing' --net "$1" kernel-test.elf -- \
		services=echo,net run=nettest:$2 ip=10.0.2.15/24
}
net_wait() { wait $pid; RC=$?; }
mac() { sed -n 's/^net: virtio-net \([0-9a-f:]*\),.*/\1/p' out; }

net_boot tap=ukt0 3
if r=$(./netprobe ping 10.0.2.15 5 2>&1); then ok "net: the guest answers ping ($r)"
else bad "net: ping ($r)"; fi
for k in 1 2 3; do
	if r=$(./netprobe udp 10.0.2.15 7 "nested-$k" 2>&1); then
		ok "net: UDP echo $k ($r)"
	else
		bad "net: UDP echo $k ($r)"
	fi
done
net_wait
expect "net: nettest echoed 3 datagrams, default MAC 52:54:00:..." 0 \
	'^net: virtio-net 52:54:00(:[0-9a-f]{2}){3}, 10\.0\.2\.15/24$' \
	'^nettest: echoed 3 datagrams' '^utest net: ok$'
mac1=$(mac)
net_boot tap=ukt0 1
./netprobe udp 10.0.2.15 7 again >/dev/null 2>&1
net_wait
mac2=$(mac)
if [ "$RC" = 0 ] && [ -n "$mac1" ] && [ "$mac1" = "$mac2" ]; then
	ok "net: the same TAP name gives the same MAC ($mac1)"
else
	bad "net: MAC '$mac1' then '$mac2' (status $RC)"
fi
net_boot tap=ukt0,mac=52:54:00:12:34:56 1
./netprobe udp 10.0.2.15 7 mac >/dev/null 2>&1
net_wait
expect "net: mac= sets the address" 0 '^net: virtio-net 52:54:00:12:34:56, '

# --- the demo: fs and net found by name -----------------------------------
new_ext2 demo.img 8
vmm --disk demo.img kernel.elf -- services=echo,blk,fs run=demo
tap_boot 'demo: net: waiting' --disk demo.img --net tap=ukt0 kernel.elf -- \
	services=echo,blk,fs,net run=demo ip=10.0.2.15/24
r=$(./netprobe udp 10.0.2.15 7 ping-the-demo 2>&1)
net_wait
expect "the demo: a second boot counts 2 in fs, answers UDP over net" 0 \
	'demo: fs: this disk has booted the demo 2 times$' \
	'demo: net: from 10\.0\.2\.2:[0-9]+: ping-the-demo$' \
	'demo: net: answered 1 datagram$'
