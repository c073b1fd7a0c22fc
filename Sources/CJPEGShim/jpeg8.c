#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include "cjpegshim.h"

#define LB_NAME(x) lb_jpeg8_##x
#define LB_SAMPLE uint8_t
#define LB_PROGRESSIVE(c) ((c)->progressive_mode)
#include "jpeg_common.h"

// Memory destination.
typedef struct {
    struct jpeg_destination_mgr pub;
    uint8_t *buf;
    size_t cap;
} lb_dest;

static void lb_init_destination(j_compress_ptr cinfo) { (void)cinfo; }
static boolean lb_empty_output_buffer(j_compress_ptr cinfo) {
    lb_dest *d = (lb_dest *)cinfo->dest;
    size_t old = d->cap;
    uint8_t *nb = realloc(d->buf, old * 2);
    if (!nb) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 10);
    d->buf = nb; d->cap = old * 2;
    d->pub.next_output_byte = d->buf + old;
    d->pub.free_in_buffer = d->cap - old;
    return TRUE;
}
static void lb_term_destination(j_compress_ptr cinfo) { (void)cinfo; }

int lb_jpeg8_encode(const uint8_t *pixels, int width, int height, int components, int quality,
                    int subsample422, uint8_t **out, size_t *outlen, char *err, size_t errlen) {
    struct jpeg_compress_struct cinfo;
    lb_jpeg8_error_mgr jerr;
    lb_dest dest;
    memset(&cinfo, 0, sizeof cinfo);
    dest.buf = NULL;
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = lb_jpeg8_error_exit;
    jerr.pub.emit_message = lb_jpeg8_emit_message;
    jerr.pub.output_message = lb_jpeg8_output_message;
    jerr.err = err; jerr.errlen = errlen; jerr.warnings = 0;
    if (setjmp(jerr.jump)) { jpeg_destroy_compress(&cinfo); free(dest.buf); return -1; }
    jpeg_create_compress(&cinfo);
    dest.cap = (size_t)width * height * components / 2 + 4096;
    dest.buf = malloc(dest.cap);
    if (!dest.buf) { jpeg_destroy_compress(&cinfo); return -1; }
    dest.pub.next_output_byte = dest.buf;
    dest.pub.free_in_buffer = dest.cap;
    dest.pub.init_destination = lb_init_destination;
    dest.pub.empty_output_buffer = lb_empty_output_buffer;
    dest.pub.term_destination = lb_term_destination;
    cinfo.dest = &dest.pub;
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.optimize_coding = TRUE;
    cinfo.write_JFIF_header = FALSE;  // DICOM PS3.5 §8.2.1: the PI says the colour space
    if (components == 3) {
        cinfo.comp_info[0].h_samp_factor = subsample422 ? 2 : 1;
        cinfo.comp_info[0].v_samp_factor = 1;
        cinfo.comp_info[1].h_samp_factor = 1; cinfo.comp_info[1].v_samp_factor = 1;
        cinfo.comp_info[2].h_samp_factor = 1; cinfo.comp_info[2].v_samp_factor = 1;
    }
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)width * components;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + stride * cinfo.next_scanline);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    *outlen = dest.cap - dest.pub.free_in_buffer;
    *out = dest.buf;
    jpeg_destroy_compress(&cinfo);
    return 0;
}

void lb_jpeg_free(void *p) { free(p); }
