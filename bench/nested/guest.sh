# Runs in scripts/nested-kvm.sh's VM (busybox sh, /work): the same guest
# work on ./vmm and on QEMU microvm, both on the VM's KVM. Each part
# starts with a "== SYSTEM PART" line; bench/nested.sh reads the rest.
# The QEMU microvm command line (scripts/microvm.args), UART on stdout.
Q="$(grep -v '^#' microvm.args) -enable-kvm -serial stdio"
QBLK="-device virtio-blk-device,drive=d0 -drive if=none,id=d0,file=d.img,format=raw"
BOOT="quiet bootonly"
BLK="quiet services=echo,blk run=blkbench"
IPC="quiet run=ipcbench:$1"

echo "== vmm boot"
./runstat -n 10 -w 2 -s 0 -- ./vmm --no-console kernel.elf -- $BOOT
echo "== vmm-noseccomp boot"
./runstat -n 10 -w 2 -s 0 -- ./vmm --no-seccomp --no-console kernel.elf -- $BOOT
echo "== vmm seccomp"
for i in 1 2 3 4 5 6 7 8 9 10; do
	./vmm --stats kernel.elf -- $BOOT </dev/null 2>&1 >/dev/null |
		sed -n 's/.*seccomp_us=\([0-9]*\).*/\1/p'
done
echo "== qemu-kvm boot"
./runstat -n 10 -w 2 -s 1 -- $Q -kernel kernel.elf -append "$BOOT"
echo "== vmm ipc"
./vmm --timeout 300 --no-console kernel-test.elf -- $IPC </dev/null 2>&1
echo "== qemu-kvm ipc"
$Q -kernel kernel-test.elf -append "$IPC" </dev/null 2>&1
echo "== vmm blk"
dd if=/dev/zero of=d.img bs=1M count=16 2>/dev/null
./vmm --stats --timeout 300 --no-console --disk d.img kernel-test.elf -- $BLK \
	</dev/null 2>&1
echo "== qemu-kvm blk"
dd if=/dev/zero of=d.img bs=1M count=16 2>/dev/null
$Q $QBLK -kernel kernel-test.elf -append "$BLK" </dev/null 2>&1
# net SYSTEM CMD...: nettest on TAP ukt0 (made by the monitor), pinged
# and UDP-echoed from the VM's side.
NET="services=echo,net run=nettest:1000000000 ip=10.0.2.15/24"
net() {
	echo "== $1 net"
	shift
	"$@" </dev/null >net.out 2>&1 &
	pid=$!
	i=0
	while ! ip link show ukt0 >/dev/null 2>&1 && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	ip addr add 10.0.2.2/24 dev ukt0; ip link set ukt0 up
	i=0
	while ! grep -q '^nettest: echoing' net.out && [ $i -lt 600 ]; do
		sleep 0.1; i=$((i + 1))
	done
	echo "ping $(./netrtt ping 10.0.2.15 2000 20)"
	echo "udp $(./netrtt udp 10.0.2.15 7 2000 20)"
	./netrtt stop 10.0.2.15 7 >/dev/null || kill $pid
	wait $pid
}
net vmm ./vmm --timeout 300 --no-console --net tap=ukt0 kernel-test.elf -- $NET
net qemu-kvm $Q -netdev tap,id=n0,ifname=ukt0,script=no,downscript=no \
	-device virtio-net-device,netdev=n0 -kernel kernel-test.elf -append "$NET"
echo "== end"
