/* Host tests of the argument values the system calls accept
 * (guest-kernel/sysarg.h): each boundary, and bits just outside it. */
#include <criterion/criterion.h>
#include "sysarg.h"

Test(sysarg, rights_masks)
{
	cr_assert(sysarg_rights_ok(0));
	cr_assert(sysarg_rights_ok(UK_R_ALL));
	cr_assert(sysarg_rights_ok(UK_R_SEND | UK_R_GRANT));
	cr_assert_not(sysarg_rights_ok(UK_R_ALL + 1));  /* 0x40 */
	cr_assert_not(sysarg_rights_ok(0x80));
	cr_assert_not(sysarg_rights_ok(0x100));         /* past a byte */
	cr_assert_not(sysarg_rights_ok(1ull << 63));
}

Test(sysarg, map_rights)
{
	cr_assert(sysarg_map_rights_ok(0));
	cr_assert(sysarg_map_rights_ok(UK_R_READ | UK_R_WRITE | UK_R_EXEC));
	cr_assert_not(sysarg_map_rights_ok(UK_R_READ | UK_R_SEND));
	cr_assert_not(sysarg_map_rights_ok(UK_R_GRANT));
	cr_assert_not(sysarg_map_rights_ok(UK_R_READ | 0x40));
	cr_assert_not(sysarg_map_rights_ok(UK_R_ALL));
}

Test(sysarg, debug_flags)
{
	cr_assert(sysarg_debug_flags_ok(0));
	cr_assert(sysarg_debug_flags_ok(UK_DEBUG_ALWAYS));
	cr_assert_not(sysarg_debug_flags_ok(2));
	cr_assert_not(sysarg_debug_flags_ok(UK_DEBUG_ALWAYS | 1ull << 32));
	cr_assert_not(sysarg_debug_flags_ok(~0ull));
}

Test(sysarg, process_name)
{
	cr_assert(sysarg_name7_ok(0));
	cr_assert(sysarg_name7_ok(0x00ffffffffffffffull));      /* 7 bytes */
	cr_assert_not(sysarg_name7_ok(1ull << 56));
	cr_assert_not(sysarg_name7_ok(~0ull));
}

Test(sysarg, process_start_addresses)
{
	cr_assert(sysarg_user_start_ok(UK_USER_MIN, UK_STACK_TOP));
	cr_assert(sysarg_user_start_ok(0, 0));   /* faults in the process */
	cr_assert(sysarg_user_start_ok(UK_USER_MAX - 1, UK_USER_MAX));
	cr_assert_not(sysarg_user_start_ok(UK_USER_MAX, UK_STACK_TOP));
	cr_assert_not(sysarg_user_start_ok(1ull << 63 | UK_USER_MIN,
					   UK_STACK_TOP));
	cr_assert_not(sysarg_user_start_ok(UK_USER_MIN, UK_USER_MAX + 1));
	cr_assert_not(sysarg_user_start_ok(UK_USER_MIN, ~0ull));
}

Test(sysarg, machine_exit_status)
{
	cr_assert(sysarg_status_ok(0));
	cr_assert(sysarg_status_ok(255));
	cr_assert_not(sysarg_status_ok(256));
	cr_assert_not(sysarg_status_ok(1ull << 63));
}
