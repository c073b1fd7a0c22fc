// TurboJPEG 2.1: web and preview JPEGs only (DICOM JPEG goes through the libjpeg API in CJPEGShim).
#include <turbojpeg.h>
