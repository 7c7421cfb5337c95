#!/usr/bin/env bash
# Exit 0 when the KVM device at $1 (default /dev/kvm) can be opened.
dev=${1:-/dev/kvm}
[ -c "$dev" ] || exit 1
exec 3<>"$dev" 2>/dev/null || exit 1
exit 0
