#include <stdio.h>
#include "/usr/include/gdcm-3.0/gdcmjpeg/12/jpeglib.h"
#include "/usr/include/gdcm-3.0/gdcmjpeg/12/jerror.h"
#include "cjpegshim.h"

#define LB_NAME(x) lb_jpeg12_##x
#define LB_SAMPLE uint16_t
#define LB_PROGRESSIVE(c) ((c)->process == JPROC_PROGRESSIVE)
#include "jpeg_common.h"
