#!/usr/bin/env bash
# A hostile program (tests/guest/attack) against isolation: it runs as
# an ordinary program and says, for each attack, `held` or `BROKEN`;
# this fails on any line that did not hold. Round 0: forged badges, a
# lookup of blk, page tables, fragmentation, regions, net's
# notifications, echo's crash request, a console line tagged as init
# (checked here, on the console), another program's files (fstest's, in
# /fstest: not to be read, written, removed or listed from /attack;
# fstest reads them back whole after). Round 1: the attacker takes every
# session of fs, net and console it can and faults, five lives in a row:
# each life must get as many as the first (a dead client's come back).
# ./vmm, QEMU with KVM when usable, QEMU TCG always.
cd "$(dirname "$0")/../.." || exit 1
. tests/system/lib.sh

HELD="forge-badge-fs forge-badge-echo forge-badge-console forge-badge-net
lookup-blk page-tables fragment regions net-notifiers echo-crash
session-shares console-raw nt-flag fs-others"
SERVICES=echo,console,blk,fs,net
img=$TMP/attack.img
CONS=$TMP/console

# attack_boot PLATFORM "CMDLINE": the boot servers above on a disk (a
# fresh ext2 image unless KEEP is set; busybox's mke2fs where e2fsprogs
# are missing, the nested machine), a network card and a console (its
# output in $CONS); the kernel log in OUT. ./vmm gets a network card
# only where it may make a TAP device.
attack_boot() {
	local plat=$1 cmdline=$2
	if [ -z "${KEEP:-}" ]; then
		new_ext2 "$img" $((8 * 1024 * 1024))
	fi
	: >"$CONS"
	if [ "$plat" = vmm ]; then
		local net=()
		[ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && net=(--net tap=ukatk$$)
		SERIAL=$TMP/log boot_disk vmm "$img" "" "$cmdline" "${net[@]}" \
			>/dev/null
		mv "$OUT" "$CONS"; mv "$TMP/log" "$OUT"
	else
		boot_disk "$plat" "$img" "" "$cmdline" \
			-netdev user,id=n0 -device virtio-net-device,netdev=n0 \
			-device virtio-serial-device \
			-chardev file,id=c0,path="$CONS" \
			-device virtconsole,chardev=c0
	fi
}

for plat in $(platforms "isolation attacks" vmm qemu-kvm qemu-tcg); do
	# Another program's files on the disk first, for fs-others; after
	# the attack they must still read back whole.
	attack_boot $plat "quiet services=$SERVICES run=fstest:1"
	KEEP=1 attack_boot $plat "quiet services=$SERVICES run=attack,hello"
	missing_held=""
	for a in $HELD; do
		grep -q "^attack $a: held\$" "$OUT" || missing_held="$missing_held $a"
	done
	if [ -z "$missing_held" ] && ! grep -q 'BROKEN' "$OUT" &&
	   grep -q '^attack: 0 broken$' "$OUT"; then
		ok "$plat: every attack held"
	else
		bad "$plat: attacks that did not hold:$missing_held"
		grep -E '^attack|fault' "$OUT" | sed 's/^/#   /' | tail -20
	fi
	# A session's tag is who opened it, not what it claims.
	if grep -q '^\[attack\] ???9D\[init\] spoofed line$' "$CONS" &&
	   ! LC_ALL=C grep -q "$(printf '[\r\x80-\x9f]')" "$CONS" &&
	   ! grep -q '^\[init\]' "$CONS"; then
		ok "$plat: a console line cannot pass for init's"
	else
		bad "$plat: console tag"
		sed 's/^/#   /' "$CONS" | tail -10
	fi
	KEEP=1 attack_boot $plat "quiet services=$SERVICES run=fstest:2"
	fsck=ok
	[ -x /usr/sbin/e2fsck ] && ! /usr/sbin/e2fsck -fn "$img" >"$TMP/fsck" 2>&1 &&
		fsck="e2fsck: $(grep -v '^e2fsck ' "$TMP/fsck" | head -1)"
	if grep -q '^utest fs-persist: ok$' "$OUT" && [ "$fsck" = ok ]; then
		ok "$plat: another program's files of the same names are untouched"
	else
		bad "$plat: fstest's files after the attack ($fsck)"
		grep -E 'fstest|fs:' "$OUT" | sed 's/^/#   /' | tail -10
	fi

	attack_boot $plat "quiet restarts=4 services=$SERVICES run=attack:1"
	counts=$(grep '^attack sessions-' "$OUT" | sort | uniq -c |
		 awk '{print $1, $3, $4}' | tr '\n' ' ')
	lives=$(grep -c '^attack sessions-fs:' "$OUT")
	# Each life gave fs 4 MiB (1,024 frames): none of it may stay held.
	spread=$(sed -n 's/^attack free-pages: //p' "$OUT" | sort -n |
		 sed -n '1p;$p' | tr '\n' ' ' | awk '{ print $2 - $1 }')
	if [ -n "$spread" ] && [ "$spread" -lt 256 ]; then
		ok "$plat: what dead clients gave the servers comes back (free frames spread $spread over 5 lives)"
	else
		bad "$plat: memory held for dead clients (free frames spread ${spread:-?})"
		grep '^attack free-pages' "$OUT" | sed 's/^/#   /'
	fi
	if [ "$lives" = 5 ] &&
	   [ "$(grep '^attack sessions-' "$OUT" | sort -u | wc -l)" = 3 ] &&
	   grep -q '^attack sessions-fs: 4$' "$OUT" &&
	   grep -q '^attack sessions-console: 2$' "$OUT"; then
		ok "$plat: five lives, each as many sessions as the first ($counts)"
	else
		bad "$plat: dead clients' sessions ($lives lives: $counts)"
		grep -E '^attack|fault' "$OUT" | sed 's/^/#   /' | tail -20
	fi
done
exit $failed
