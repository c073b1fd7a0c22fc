// libisoburn's xorriso API: ISO 9660 images (libisofs) and optical drives (libburn). GPL-2.0-or-later.
#include <libisoburn/xorriso.h>
