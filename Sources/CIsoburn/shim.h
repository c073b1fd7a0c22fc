// libisoburn's xorriso API: ISO 9660 images (libisofs) and optical drives (libburn). GPL-2.0-or-later.
#include <libisoburn/xorriso.h>
// libisofs directly, for writing image files (Media/Output/ISOImageWriter.swift). xorriso.h does not
// include libburn.h, so libisofs.h must declare `struct burn_source` itself: that is what this
// macro asks for (libisofs.h, "LIBISOFS_WITHOUT_LIBBURN").
#define LIBISOFS_WITHOUT_LIBBURN yes
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <libisofs/libisofs.h>

// glibc declares sync_file_range(2) only with _GNU_SOURCE, which the Glibc module is built
// without; ISOImageWriter starts write-back of a finished part of an image with it.
extern int sync_file_range(int fd, long long offset, long long count, unsigned int flags);
#define LIGHTBOX_SYNC_FILE_RANGE_WRITE 2u
