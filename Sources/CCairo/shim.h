// Cairo (PDF and image surfaces) with FreeType fonts chosen through fontconfig.
#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>
