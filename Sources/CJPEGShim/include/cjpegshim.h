// Lightbox — C wrappers around the libjpeg API so that Swift never meets setjmp/longjmp.
// 8-bit: libjpeg-turbo (libjpeg62-turbo). 12-bit: GDCM's IJG build (libgdcmjpeg12).
#ifndef LIGHTBOX_CJPEGSHIM_H
#define LIGHTBOX_CJPEGSHIM_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int width;
    int height;
    int components;
    int precision;
    int saw_jfif;
    int saw_adobe;
    int adobe_transform;
    /// J_COLOR_SPACE libjpeg guessed for the stream (1 gray, 2 RGB, 3 YCbCr, 4 CMYK, 5 YCCK).
    int jpeg_color_space;
    /// 1 when the stream is progressive, arithmetic or lossless (informational).
    int progressive;
    int arithmetic;
    /// Sampling factors of the first component (e.g. 2,1 for 4:2:2).
    int h0, v0;
    /// Number of warnings the library emitted (e.g. premature end of data).
    int warnings;
} lb_jpeg_info;

enum {
    LB_JPEG_COLOR_DEFAULT = 0,   // libjpeg's own rule (JFIF/Adobe markers, component ids)
    LB_JPEG_COLOR_RGB = 1,       // the stream holds RGB: no colour transform
    LB_JPEG_COLOR_YCBCR = 2,     // the stream holds YCbCr: convert to RGB
    LB_JPEG_COLOR_RAW = 3        // output the components as stored (no conversion)
};

/// Reads the header. Returns 0 or -1 with a message in err.
int lb_jpeg8_info(const uint8_t *data, size_t length, lb_jpeg_info *info, char *err, size_t errlen);
/// Decodes into `out` (width*height*components bytes, interleaved). Returns 0 or -1.
int lb_jpeg8_decode(const uint8_t *data, size_t length, int color, uint8_t *out, size_t outlen,
                    lb_jpeg_info *info, char *err, size_t errlen);

int lb_jpeg12_info(const uint8_t *data, size_t length, lb_jpeg_info *info, char *err, size_t errlen);
int lb_jpeg12_decode(const uint8_t *data, size_t length, int color, uint16_t *out, size_t outlen,
                     lb_jpeg_info *info, char *err, size_t errlen);

/// Encodes 8-bit interleaved samples as baseline JPEG. components 1 (grey) or 3 (RGB in,
/// written as YCbCr 4:2:2 when subsample422, else 4:4:4). *out is malloc'd; free with lb_jpeg_free.
int lb_jpeg8_encode(const uint8_t *pixels, int width, int height, int components, int quality,
                    int subsample422, uint8_t **out, size_t *outlen, char *err, size_t errlen);
void lb_jpeg_free(void *p);

#endif
