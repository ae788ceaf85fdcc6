/* portrait-test-util.h: a made-up portrait for the tests that show one
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>

/* A JPEG of @width x @height: a light background, a face-like oval and
 * @grain (0-255) of pseudo-random noise from @seed. The noise is what makes
 * the file large: JPEG compresses a smooth drawing to almost nothing, a
 * photograph's grain it does not. */
static inline GBytes *
test_portrait_jpeg (int     width,
                    int     height,
                    int     grain,
                    int     quality,
                    guint32 seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autofree char *quality_text = g_strdup_printf ("%d", quality);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *buffer = NULL;
  gsize size = 0;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        double dx = (x - width / 2.0) / (width * 0.3);
        double dy = (y - height * 0.42) / (height * 0.3);
        gboolean face = dx * dx + dy * dy < 1.0;
        int noise = grain > 0 ? g_rand_int_range (rand, -grain / 2, grain / 2 + 1) : 0;
        int r = face ? 0xf6 : 0x99 - y * 0x30 / height;
        int g = face ? 0xd5 : 0xc1 - y * 0x40 / height;
        int b = face ? 0xb3 : 0xf1 - y * 0x20 / height;

        p[0] = (guint8) CLAMP (r + noise, 0, 255);
        p[1] = (guint8) CLAMP (g + noise, 0, 255);
        p[2] = (guint8) CLAMP (b + noise, 0, 255);
      }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error,
                                            "quality", quality_text, NULL));
  g_assert_no_error (error);

  return g_bytes_new_take (buffer, size);
}

/* The JSON value of a portrait element: {"base64": "…"}. */
static inline char *
test_portrait_json (GBytes *jpeg)
{
  g_autofree char *base64 = g_base64_encode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));

  return g_strdup_printf ("{\"base64\": \"%s\"}", base64);
}
