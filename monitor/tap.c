#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define TUN_PATH        "/dev/net/tun"

int tap_open(const char *name, struct errmsg *err)
{
	struct ifreq ifr;
	int fd, e;

	if (strlen(name) >= sizeof ifr.ifr_name) {
		errmsg_set(err, "--net: TAP name '%s' is too long", name);
		return -1;
	}
	fd = open(TUN_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		errmsg_set(err, "--net: cannot open %s: %s", TUN_PATH,
			   strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == 0)
		return fd;
	e = errno;
	close(fd);
	if (e == EPERM)
		errmsg_set(err, "--net: TAP device '%s': permission denied "
			   "(make it first with `ip tuntap add dev %s mode tap "
			   "user $USER`, or run with CAP_NET_ADMIN)", name,
			   name);
	else if (e == EINVAL || e == EBUSY)
		errmsg_set(err, "--net: '%s' is not a TAP device we can "
			   "attach to: %s", name, strerror(e));
	else
		errmsg_set(err, "--net: TAP device '%s': %s", name,
			   strerror(e));
	return -1;
}
