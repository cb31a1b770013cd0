/* Administrative divisions: loading the bundled GB/T 2260 data and listing children. */
#ifndef ENTERPRISE_REGIONS_H
#define ENTERPRISE_REGIONS_H

#include "svc.h"

/*
 * Normalises a division code as users type it ("43", "430000", "4301",
 * "430100", "430102", "430102001", "430102001000") into the stored short form
 * (2, 4, 6 or 9 digits). Returns 0, or -1 when it is not a division code.
 */
int enterprise_region_code_normalize(const char *in, char out[10]);

/* Loads dir/{provinces,cities,areas,streets}.csv into the regions table unless
 * the same files are loaded already. ST_OK or an error (logged). */
int enterprise_regions_load(db_conn *db, const char *dir);

/* Enterprise.ListRegions: children of parent (provinces when absent). */
int enterprise_regions_list(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

/* Enterprise.ResolveRegions: names and ancestry of up to 100 codes. */
int enterprise_regions_resolve(svc_ctx *ctx, const ProtobufCMessage *in, ProtobufCMessage **out);

#endif
