/* The boot archive (build/bootfs.img, made by tools/mkbootfs), page-
 * aligned inside the kernel image so init can map it. */
	.section .rodata.bootfs, "a"
	.balign 4096
	.globl bootfs_start, bootfs_end
bootfs_start:
	.incbin "bootfs.img"
bootfs_end:
	.balign 4096
