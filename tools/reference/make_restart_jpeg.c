/* Writes a JPEG with restart markers (DRI, RST0-7 in the scan), as many cameras do; Pillow 9.4 cannot.
 * Build and run (Debian 12, libjpeg62-turbo-dev):
 *   cc -O2 -o /tmp/make_restart_jpeg tools/reference/make_restart_jpeg.c -ljpeg
 *   /tmp/make_restart_jpeg tests/ShuffleNet.Vision.Tests/Fixtures/jpeg-variants/restart.jpg
 * The image is a smooth synthetic gradient, 123x77, chroma 4:2:0, one restart interval per MCU row. */
#include <stdio.h>
#include <jpeglib.h>

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s OUT.jpg\n", argv[0]); return 2; }
    FILE *out = fopen(argv[1], "wb");
    if (!out) { perror(argv[1]); return 1; }
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, out);
    c.image_width = 123; c.image_height = 77; c.input_components = 3; c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    c.restart_in_rows = 1;
    jpeg_start_compress(&c, TRUE);
    unsigned char row[123 * 3];
    while (c.next_scanline < c.image_height) {
        unsigned y = c.next_scanline;
        for (unsigned x = 0; x < 123; x++) {
            row[3 * x] = (unsigned char)(x * 2); row[3 * x + 1] = (unsigned char)(y * 3); row[3 * x + 2] = (unsigned char)((x + y) & 255);
        }
        JSAMPROW p = row;
        jpeg_write_scanlines(&c, &p, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    return fclose(out) ? 1 : 0;
}
