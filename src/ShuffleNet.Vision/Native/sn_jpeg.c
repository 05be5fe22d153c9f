/*
 * Region decoding of JPEGs with the system's libjpeg-turbo (SIMD), for ShuffleNet.Vision's JpegTurbo.
 *
 * Why C: SkiaSharp's bundled libjpeg-turbo is built without SIMD (jsimd_none.c) and decodes at about half
 * Pillow's speed; libjpeg's API reports fatal errors through an error_exit that must not return, which only
 * setjmp/longjmp can honour, and a longjmp must not cross managed frames. Everything else stays in C#.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

enum { SN_OK = 0, SN_UNSUPPORTED = 1, SN_ERROR = 2, SN_TRUNCATED = 3 };

struct sn_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    int truncated;
};

static void sn_error_exit(j_common_ptr cinfo)
{
    longjmp(((struct sn_error *)cinfo->err)->jump, 1);
}

/* Warnings are counted, not printed; running out of data is the one a caller must hear about. */
static void sn_emit_message(j_common_ptr cinfo, int level)
{
    if (level < 0) {
        if (cinfo->err->msg_code == JWRN_JPEG_EOF) ((struct sn_error *)cinfo->err)->truncated = 1;
        cinfo->err->num_warnings++;
    }
}

static void sn_output_message(j_common_ptr cinfo) { (void)cinfo; }

/* The libjpeg ABI this file was compiled against (62 on Debian), checked by the caller before use. */
int sn_jpeg_abi(void) { return JPEG_LIB_VERSION; }

/*
 * Decodes the rectangle (x, y, w, h) of the stored (not EXIF-rotated) image into packed RGB rows of 3*w bytes.
 * Returns SN_OK, SN_UNSUPPORTED (CMYK/YCCK or another colour space: the caller falls back), SN_TRUNCATED or
 * SN_ERROR with libjpeg's message in `message` (at least JMSG_LENGTH_MAX bytes).
 */
int sn_jpeg_decode_region(const unsigned char *data, unsigned long size, int x, int y, int w, int h,
                          unsigned char *rgb, char *message)
{
    struct jpeg_decompress_struct cinfo;
    struct sn_error err;
    unsigned char *volatile row = NULL;

    message[0] = 0;
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = sn_error_exit;
    err.pub.emit_message = sn_emit_message;
    err.pub.output_message = sn_output_message;
    err.truncated = 0;
    if (setjmp(err.jump)) {
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, message);
        jpeg_destroy_decompress(&cinfo);
        free(row);
        return err.truncated ? SN_TRUNCATED : SN_ERROR;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.jpeg_color_space != JCS_YCbCr && cinfo.jpeg_color_space != JCS_GRAYSCALE
        && cinfo.jpeg_color_space != JCS_RGB) {
        jpeg_destroy_decompress(&cinfo);
        return SN_UNSUPPORTED;
    }
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || (unsigned)(x + w) > cinfo.image_width
        || (unsigned)(y + h) > cinfo.image_height) {
        snprintf(message, JMSG_LENGTH_MAX, "region %dx%d at (%d, %d) is outside the %ux%u image", w, h, x, y,
                 cinfo.image_width, cinfo.image_height);
        jpeg_destroy_decompress(&cinfo);
        return SN_ERROR;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);

    /* jpeg_crop_scanline aligns the left edge down to an iMCU, and fancy upsampling treats the cropped edges as
       image edges (replicating chroma), so ask for EDGE_CONTEXT more columns on each side: the wanted columns
       then equal a full decode's. */
    enum { EDGE_CONTEXT = 8 };
    int pad_left = x < EDGE_CONTEXT ? x : EDGE_CONTEXT;
    int pad_right = (int)cinfo.output_width - (x + w) < EDGE_CONTEXT ? (int)cinfo.output_width - (x + w) : EDGE_CONTEXT;
    JDIMENSION left = (JDIMENSION)(x - pad_left), width = (JDIMENSION)(w + pad_left + pad_right);
    if (width != cinfo.output_width) jpeg_crop_scanline(&cinfo, &left, &width);
    if (y > 0 && jpeg_skip_scanlines(&cinfo, (JDIMENSION)y) != (JDIMENSION)y) err.truncated = 1;

    size_t skip = (size_t)(x - (int)left) * 3, stride = (size_t)w * 3;
    int direct = skip == 0 && width == (JDIMENSION)w;
    if (!direct) row = malloc((size_t)width * 3);
    for (int r = 0; r < h && !err.truncated; r++) {
        JSAMPROW target = direct ? rgb + (size_t)r * stride : row;
        if (jpeg_read_scanlines(&cinfo, &target, 1) != 1) { err.truncated = 1; break; }
        if (!direct) memcpy(rgb + (size_t)r * stride, row + skip, stride);
    }
    if (err.truncated) snprintf(message, JMSG_LENGTH_MAX, "the data ends before row %d of the region", y + h);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return err.truncated ? SN_TRUNCATED : SN_OK;
}
