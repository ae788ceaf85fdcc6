/* idw-degrade.c: makes simulated webcam frames of QR code images, for a
 * decoder corpus or for playing to the app as a camera
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   idw-degrade [--seed N] [--module PX] [--tilt DEG] [--blur R] [--noise S]
 *               [--glare G] [--jpeg Q] [--moire A] [--random] IN.png… --out DIR
 *
 * Writes DIR/frame-000.png, frame-001.png, … (one per input, in order: what
 * a GStreamer multifilesrc location=DIR/frame-%03d.png plays) and prints
 * each frame's conditions. Frame i has seed N + i. Developer tool, not
 * translated, not installed.
 */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "frame-degrade.h"
#include "idwallet.h"

static guint8 *
load_gray (const char  *path,
           int         *out_width,
           int         *out_height,
           GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, error);
  gboolean alpha;
  int width;
  int height;

  if (pixbuf == NULL)
    return NULL;

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  if (!idw_qr_check_dimensions (width, height, error))
    return NULL;
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || gdk_pixbuf_get_n_channels (pixbuf) != (alpha ? 4 : 3))
    {
      g_set_error (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE,
                   "%s: not an 8-bit RGB or RGBA image", path);
      return NULL;
    }

  *out_width = width;
  *out_height = height;
  return idw_qr_to_gray (gdk_pixbuf_read_pixels (pixbuf), width, height,
                         gdk_pixbuf_get_rowstride (pixbuf),
                         alpha ? IDW_PIXEL_FORMAT_RGBA8 : IDW_PIXEL_FORMAT_RGB8);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) inputs = NULL;
  g_autofree char *out = NULL;
  FrameDegradeParams fixed;
  gboolean random = FALSE;
  gint64 seed = 1;
  guint n_inputs;

  frame_degrade_params_init (&fixed);
  {
    const GOptionEntry entries[] = {
      { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "The first frame's seed (default 1)", "N" },
      { "module", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.module_px, "Camera pixels per module (default 3)", "PX" },
      { "rotation", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.rotation, "In-plane rotation", "DEG" },
      { "tilt", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.tilt, "Perspective tilt", "DEG" },
      { "tilt-axis", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.tilt_axis, "Direction of the tilt's axis", "DEG" },
      { "blur", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.blur, "Gaussian blur, σ in pixels", "R" },
      { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.noise, "Sensor noise, σ in gray levels", "S" },
      { "glare", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.glare, "Glare spot brightness, 0 to 1", "G" },
      { "jpeg", 0, 0, G_OPTION_ARG_INT, &fixed.jpeg_quality, "JPEG round trip at quality Q", "Q" },
      { "moire", 0, 0, G_OPTION_ARG_DOUBLE, &fixed.moire, "Moiré amplitude in gray levels", "A" },
      { "random", 0, 0, G_OPTION_ARG_NONE, &random,
        "Draw each frame's conditions from a hand-held webcam's (ignores the options above)", NULL },
      { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Write the frames into DIR (required)", "DIR" },
      { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &inputs, NULL, "IN.png…" },
      { NULL }
    };

    setlocale (LC_ALL, "");
    g_set_prgname ("idw-degrade");
    context = g_option_context_new ("IN.png… --out DIR");
    g_option_context_set_summary (context,
                                  "Makes a simulated 1280×720 webcam frame of a phone screen showing each QR\n"
                                  "image (gray or colour, with its quiet zone): DIR/frame-000.png, …");
    g_option_context_add_main_entries (context, entries, NULL);
    if (!g_option_context_parse (context, &argc, &argv, &error))
      {
        g_printerr ("idw-degrade: %s\n", error->message);
        return 2;
      }
  }

  n_inputs = inputs != NULL ? g_strv_length (inputs) : 0;
  if (out == NULL || n_inputs == 0)
    {
      g_printerr ("idw-degrade: give at least one IN.png and --out DIR\n");
      return 2;
    }
  if (seed < 0 || seed > G_MAXUINT32 || fixed.module_px <= 0 || fixed.jpeg_quality < 0
      || fixed.jpeg_quality > 100 || fixed.tilt < 0 || fixed.tilt > 80)
    {
      g_printerr ("idw-degrade: --seed, --module, --tilt (0 to 80) or --jpeg (0 to 100) out of range\n");
      return 2;
    }
  if (g_mkdir_with_parents (out, 0755) != 0)
    {
      g_printerr ("idw-degrade: cannot make %s: %s\n", out, g_strerror (errno));
      return 1;
    }

  for (guint i = 0; i < n_inputs; i++)
    {
      g_autofree guint8 *gray = NULL;
      g_autoptr(GdkPixbuf) frame = NULL;
      g_autofree char *name = g_strdup_printf ("frame-%03u.png", i);
      g_autofree char *path = g_build_filename (out, name, NULL);
      g_autofree char *described = NULL;
      FrameDegradeParams params = fixed;
      int width = 0;
      int height = 0;
      double scale;

      params.seed = (guint32) (seed + i);
      if (random)
        {
          g_autoptr(GRand) rand = g_rand_new_with_seed (params.seed ^ 0x9e3779b9);

          frame_degrade_params_random (&params, rand);
        }

      gray = load_gray (inputs[i], &width, &height, &error);
      if (gray == NULL)
        {
          g_printerr ("idw-degrade: %s: %s\n", inputs[i], error->message);
          return 1;
        }
      scale = frame_degrade_guess_scale (gray, width, height, width);
      if (scale <= 0)
        {
          g_printerr ("idw-degrade: %s: no QR code (no dark pixel)\n", inputs[i]);
          return 1;
        }

      frame = frame_degrade_render_pixbuf (gray, width, height, width, scale, &params, &error);
      if (frame == NULL
          || !gdk_pixbuf_save (frame, path, "png", &error, "compression", "1", NULL))
        {
          g_printerr ("idw-degrade: %s: %s\n", path, error->message);
          return 1;
        }

      described = frame_degrade_params_to_string (&params);
      printf ("%s: %s %s\n", path, inputs[i], described);
    }

  return 0;
}
