/* frame-degrade.h: a QR code image as a webcam sees it on a phone's screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turns the image of a QR code (8-bit gray with its quiet zone, as
 * idw_qr_matrix_render() makes it) into a simulated 1280×720 webcam frame:
 * the code on a phone screen with a bezel, on a desk, at a given module size,
 * turned and tilted, blurred, noisy, with glare, moiré and JPEG artefacts.
 * For the decoder benchmark (bench/bench-decoders.c), the corpus generator
 * (bench/idw-degrade.c) and UI tests that play such frames as a camera.
 *
 * Everything follows from the parameters and their seed: the same
 * parameters give the same frame, byte for byte.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>

G_BEGIN_DECLS

#define FRAME_DEGRADE_WIDTH  1280
#define FRAME_DEGRADE_HEIGHT 720

typedef struct
{
  guint32 seed;         /* placement, light levels, glare spot, moiré phase, noise */
  double  module_px;    /* camera pixels per module at the code's centre */
  double  rotation;     /* in-plane rotation, degrees */
  double  tilt;         /* perspective tilt away from the camera, degrees (0..80) */
  double  tilt_axis;    /* direction of the tilt's axis in the image, degrees */
  double  blur;         /* Gaussian blur radius in camera pixels (σ = radius / 2) */
  double  noise;        /* sensor noise, standard deviation in gray levels */
  double  glare;        /* glare spot brightness, 0 (none) to 1 (saturating) */
  int     jpeg_quality; /* JPEG round trip at this quality (1..100), 0 for none */
  double  moire;        /* moiré amplitude in gray levels at white, 0 for none */
} FrameDegradeParams;

/* A flat code at 3 px per module, centred, no blur, noise or artefacts. */
void       frame_degrade_params_init    (FrameDegradeParams *params);
/* Conditions drawn from a hand-held webcam distribution: module 2.5–5 px,
 * tilt 0–20°, rotation ±10°, blur radius 0.5–1.5 px, noise 2–8, sometimes glare,
 * JPEG or moiré. Keeps @params->seed. */
void       frame_degrade_params_random  (FrameDegradeParams *params,
                                         GRand              *rand);
/* "module=3.00 tilt=0.0@0 …", for logs and file names' companions. */
char      *frame_degrade_params_to_string (const FrameDegradeParams *params);

/* Pixels per module of a QR image with a quiet zone, measured on the
 * top-left finder pattern (7 modules wide); 0 when there is none. */
double     frame_degrade_guess_scale    (const guint8       *code,
                                         int                 width,
                                         int                 height,
                                         int                 stride);

/* The frame as FRAME_DEGRADE_WIDTH × FRAME_DEGRADE_HEIGHT bytes of gray,
 * rows without padding. @code is 8-bit gray (0 dark), @code_scale its
 * pixels per module. NULL with @error set only when the JPEG round trip
 * fails (gdk-pixbuf's errors). */
guint8    *frame_degrade_render_gray    (const guint8             *code,
                                         int                       width,
                                         int                       height,
                                         int                       stride,
                                         double                    code_scale,
                                         const FrameDegradeParams *params,
                                         GError                  **error);
/* The same frame in colour (a webcam's white balance, RGB without alpha). */
GdkPixbuf *frame_degrade_render_pixbuf  (const guint8             *code,
                                         int                       width,
                                         int                       height,
                                         int                       stride,
                                         double                    code_scale,
                                         const FrameDegradeParams *params,
                                         GError                  **error);

G_END_DECLS
