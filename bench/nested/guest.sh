# Runs in scripts/nested-kvm.sh's VM (busybox sh, /work): the same guest
# work on ./vmm and on QEMU microvm, both on the VM's KVM. Each part
# starts with a "== SYSTEM PART" line; bench/nested.sh reads the rest.
Q="qemu-system-x86_64 -M microvm,acpi=off -enable-kvm -nodefaults
 -no-user-config -nographic -serial stdio
 -device isa-debug-exit,iobase=0xf4,iosize=4"
QBLK="-global virtio-mmio.force-legacy=false -device virtio-blk-device,drive=d0
 -drive if=none,id=d0,file=d.img,format=raw"
BOOT="quiet bootonly"
BLK="quiet services=echo,blk run=blkbench"
IPC="quiet run=ipcbench:$1"

echo "== vmm boot"
./runstat -n 10 -w 2 -s 0 -- ./vmm --no-console kernel.elf -- $BOOT
echo "== qemu-kvm boot"
./runstat -n 10 -w 2 -s 1 -- $Q -kernel kernel.elf -append "$BOOT"
echo "== vmm ipc"
./vmm --timeout 300 --no-console kernel.elf -- $IPC </dev/null 2>&1
echo "== qemu-kvm ipc"
$Q -kernel kernel.elf -append "$IPC" </dev/null 2>&1
echo "== vmm blk"
dd if=/dev/zero of=d.img bs=1M count=16 2>/dev/null
./vmm --stats --timeout 300 --no-console --disk d.img kernel.elf -- $BLK \
	</dev/null 2>&1
echo "== qemu-kvm blk"
dd if=/dev/zero of=d.img bs=1M count=16 2>/dev/null
$Q $QBLK -kernel kernel.elf -append "$BLK" </dev/null 2>&1
echo "== end"
