#!/bin/sh
# netns-add.sh NAME: creates the network namespace NAME, for a test or a
# benchmark that puts a TAP device of its own there. Exit 0 when it is
# made; otherwise exit 1 and print, in one line, why it cannot be here.
why=""
if [ "$(id -u)" != 0 ]; then why="not root"
elif [ ! -c /dev/net/tun ]; then why="no /dev/net/tun"
elif ! command -v ip >/dev/null 2>&1; then why="no ip(8)"
elif ! ip netns add "$1" 2>/dev/null; then
	why="cannot create a network namespace"
fi
[ -z "$why" ] && exit 0
echo "$why"
exit 1
