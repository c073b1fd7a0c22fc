// libcdio's ISO 9660 reader (libiso9660), used to read images back and by import. GPL-3.0-or-later.
#include <cdio/cdio.h>
#include <cdio/iso9660.h>
