/* isolate's modes that are not a single forbidden instruction (quota.c):
 * each returns the program's exit status after its verdict line. */
#ifndef ISOLATE_H
#define ISOLATE_H

int isolate_page_tables(void);
int isolate_regions(void);

#endif
