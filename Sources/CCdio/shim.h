// libcdio's ISO 9660 reader (libiso9660), used to read images back and by import, and libudf for
// UDF 1.02–2.01 media (ECMA-167). GPL-3.0-or-later.
#include <cdio/cdio.h>
#include <cdio/iso9660.h>
#include <cdio/udf.h>

// libudf's udf_dirent_t holds packed ECMA-167 structures that Swift does not import field by
// field; these accessors hand out the raw descriptor bytes, which UDFVolume decodes itself.

/// The File Entry (ECMA-167 4/14.9) or Extended File Entry (4/14.17) last read for this entry:
/// one 2048-byte logical block as recorded.
static inline const uint8_t *lbx_udf_fe_bytes(const udf_dirent_t *d) { return (const uint8_t *)&d->fe; }
/// The File Identifier Descriptor (ECMA-167 4/14.4) of this entry in its parent's directory, or
/// NULL for the root.
static inline const uint8_t *lbx_udf_fid_bytes(const udf_dirent_t *d) { return (const uint8_t *)d->fid; }
/// True for the parent-directory entry (FID characteristic bit 3).
static inline bool lbx_udf_is_parent(const udf_dirent_t *d) { return d->b_parent; }
/// First physical block of the partition the entry's addresses are relative to.
static inline uint32_t lbx_udf_part_start(const udf_dirent_t *d) { return d->i_part_start; }
/// The blocks libudf reads as this folder's File Identifier Descriptors: its first extent,
/// from `i_part_start + i_loc` through `i_loc_end` (libudf 2.1 `udf_readdir`).
static inline void lbx_udf_dir_extent(const udf_dirent_t *d, uint64_t *first, int64_t *count) {
    *first = (uint64_t)d->i_part_start + d->i_loc;
    *count = (int64_t)d->i_loc_end - (int64_t)d->i_loc + 1;
}
