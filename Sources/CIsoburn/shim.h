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
