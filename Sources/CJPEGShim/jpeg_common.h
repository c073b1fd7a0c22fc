// Shared body for the 8- and 12-bit wrappers; the including file defines LB_PREFIX, LB_SAMPLE.
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char *err;
    size_t errlen;
    int warnings;
} LB_NAME(error_mgr);

static void LB_NAME(error_exit)(j_common_ptr cinfo) {
    LB_NAME(error_mgr) *e = (LB_NAME(error_mgr) *)cinfo->err;
    if (e->err && e->errlen) {
        char buf[JMSG_LENGTH_MAX];
        (*cinfo->err->format_message)(cinfo, buf);
        strncpy(e->err, buf, e->errlen - 1);
        e->err[e->errlen - 1] = 0;
    }
    longjmp(e->jump, 1);
}

static void LB_NAME(emit_message)(j_common_ptr cinfo, int level) {
    LB_NAME(error_mgr) *e = (LB_NAME(error_mgr) *)cinfo->err;
    if (level < 0) {
        if (e->warnings == 0 && e->err && e->errlen) {
            char buf[JMSG_LENGTH_MAX];
            (*cinfo->err->format_message)(cinfo, buf);
            strncpy(e->err, buf, e->errlen - 1);
            e->err[e->errlen - 1] = 0;
        }
        e->warnings++;
    }
}

static void LB_NAME(output_message)(j_common_ptr cinfo) { (void)cinfo; }

// Memory source (IJG 6b has no jpeg_mem_src).
static const JOCTET LB_NAME(eoi)[2] = {0xFF, 0xD9};
static void LB_NAME(init_source)(j_decompress_ptr cinfo) { (void)cinfo; }
static boolean LB_NAME(fill_input_buffer)(j_decompress_ptr cinfo) {
    // Past the end: warn and insert a fake EOI, as IJG's stdio source does.
    WARNMS(cinfo, JWRN_JPEG_EOF);
    cinfo->src->next_input_byte = LB_NAME(eoi);
    cinfo->src->bytes_in_buffer = 2;
    return TRUE;
}
static void LB_NAME(skip_input_data)(j_decompress_ptr cinfo, long n) {
    if (n <= 0) return;
    while (n > (long)cinfo->src->bytes_in_buffer) {
        n -= (long)cinfo->src->bytes_in_buffer;
        (void)LB_NAME(fill_input_buffer)(cinfo);
    }
    cinfo->src->next_input_byte += n;
    cinfo->src->bytes_in_buffer -= (size_t)n;
}
static void LB_NAME(term_source)(j_decompress_ptr cinfo) { (void)cinfo; }

static void LB_NAME(set_source)(j_decompress_ptr cinfo, struct jpeg_source_mgr *src, const uint8_t *data, size_t length) {
    src->init_source = LB_NAME(init_source);
    src->fill_input_buffer = LB_NAME(fill_input_buffer);
    src->skip_input_data = LB_NAME(skip_input_data);
    src->resync_to_restart = jpeg_resync_to_restart;
    src->term_source = LB_NAME(term_source);
    src->next_input_byte = (const JOCTET *)data;
    src->bytes_in_buffer = length;
    cinfo->src = src;
}

static void LB_NAME(fill_info)(j_decompress_ptr cinfo, lb_jpeg_info *info, int warnings) {
    info->width = (int)cinfo->image_width;
    info->height = (int)cinfo->image_height;
    info->components = cinfo->num_components;
    info->precision = cinfo->data_precision;
    info->saw_jfif = cinfo->saw_JFIF_marker;
    info->saw_adobe = cinfo->saw_Adobe_marker;
    info->adobe_transform = cinfo->Adobe_transform;
    info->jpeg_color_space = (int)cinfo->jpeg_color_space;
    info->progressive = LB_PROGRESSIVE(cinfo);
    info->arithmetic = cinfo->arith_code;
    info->h0 = cinfo->comp_info ? cinfo->comp_info[0].h_samp_factor : 1;
    info->v0 = cinfo->comp_info ? cinfo->comp_info[0].v_samp_factor : 1;
    info->warnings = warnings;
}

/* Routes libjpeg's errors and warnings to `jerr` (messages into err[errlen]). The caller must
   still setjmp(jerr->jump) itself: the jump target has to be in the function that calls libjpeg. */
static void LB_NAME(init_errors)(struct jpeg_decompress_struct *cinfo, LB_NAME(error_mgr) *jerr, char *err, size_t errlen) {
    memset(cinfo, 0, sizeof *cinfo);
    cinfo->err = jpeg_std_error(&jerr->pub);
    jerr->pub.error_exit = LB_NAME(error_exit);
    jerr->pub.emit_message = LB_NAME(emit_message);
    jerr->pub.output_message = LB_NAME(output_message);
    jerr->err = err; jerr->errlen = errlen; jerr->warnings = 0;
}

int LB_NAME(info)(const uint8_t *data, size_t length, lb_jpeg_info *info, char *err, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    LB_NAME(error_mgr) jerr;
    struct jpeg_source_mgr src;
    LB_NAME(init_errors)(&cinfo, &jerr, err, errlen);
    if (setjmp(jerr.jump)) { jpeg_destroy_decompress(&cinfo); return -1; }
    jpeg_create_decompress(&cinfo);
    LB_NAME(set_source)(&cinfo, &src, data, length);
    jpeg_read_header(&cinfo, TRUE);
    LB_NAME(fill_info)(&cinfo, info, jerr.warnings);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int LB_NAME(decode)(const uint8_t *data, size_t length, int color, LB_SAMPLE *out, size_t outlen,
                    lb_jpeg_info *info, char *err, size_t errlen) {
    struct jpeg_decompress_struct cinfo;
    LB_NAME(error_mgr) jerr;
    struct jpeg_source_mgr src;
    LB_NAME(init_errors)(&cinfo, &jerr, err, errlen);
    if (setjmp(jerr.jump)) { jpeg_destroy_decompress(&cinfo); return -1; }
    jpeg_create_decompress(&cinfo);
    LB_NAME(set_source)(&cinfo, &src, data, length);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.num_components == 3) {
        switch (color) {
        case LB_JPEG_COLOR_RGB: cinfo.jpeg_color_space = JCS_RGB; cinfo.out_color_space = JCS_RGB; break;
        case LB_JPEG_COLOR_YCBCR: cinfo.jpeg_color_space = JCS_YCbCr; cinfo.out_color_space = JCS_RGB; break;
        case LB_JPEG_COLOR_RAW: cinfo.jpeg_color_space = JCS_YCbCr; cinfo.out_color_space = JCS_YCbCr; break;
        default: cinfo.out_color_space = JCS_RGB; break;
        }
    }
    // Accurate integer DCT and fancy upsampling (the defaults; set explicitly).
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * (size_t)cinfo.output_components;
    if (stride * cinfo.output_height > outlen) {
        if (err && errlen) { strncpy(err, "output buffer too small", errlen - 1); err[errlen - 1] = 0; }
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = (JSAMPROW)(out + stride * cinfo.output_scanline);
        if (jpeg_read_scanlines(&cinfo, &row, 1) != 1) break;
    }
    jpeg_finish_decompress(&cinfo);
    LB_NAME(fill_info)(&cinfo, info, jerr.warnings);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
