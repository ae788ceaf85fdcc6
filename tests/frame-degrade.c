/* frame-degrade.c: a QR code image as a webcam sees it on a phone's screen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The model, in the order the light goes: the code image lies on a phone
 * screen (a white margin around it, a dark bezel around that) on a desk.
 * The screen is a plane turned in itself, tilted about an axis and seen by
 * a pinhole camera of focal length FOCAL_PX, so each camera pixel maps to
 * the code image through one homography; the pixel averages a few bilinear
 * samples of its footprint. Moiré and glare are on the screen's glass; blur
 * is the lens's, then vignetting, then the sensor's noise, then the JPEG of
 * a webcam's compressed stream.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "frame-degrade.h"

#define W FRAME_DEGRADE_WIDTH
#define H FRAME_DEGRADE_HEIGHT

/* A webcam of about 65° horizontal field of view. */
#define FOCAL_PX 1000.0

/* Size of the table of Gaussian samples the noise draws from. */
#define NOISE_TABLE 65536

/* The background's low-frequency texture: a grid of random levels. */
#define DESK_GRID_X 17
#define DESK_GRID_Y 10

void
frame_degrade_params_init (FrameDegradeParams *params)
{
  memset (params, 0, sizeof *params);
  params->module_px = 3.0;
}

void
frame_degrade_params_random (FrameDegradeParams *params,
                             GRand              *rand)
{
  guint32 seed = params->seed;

  frame_degrade_params_init (params);
  params->seed = seed;
  params->module_px = g_rand_double_range (rand, 2.5, 5.0);
  params->tilt = g_rand_double_range (rand, 0.0, 20.0);
  params->tilt_axis = g_rand_double_range (rand, 0.0, 360.0);
  params->rotation = g_rand_double_range (rand, -10.0, 10.0);
  params->blur = g_rand_double_range (rand, 0.5, 1.5);
  params->noise = g_rand_double_range (rand, 2.0, 8.0);
  /* Each draw happens whether or not it is used, so that one condition
   * changing does not shift all the others. */
  {
    double glare = g_rand_double_range (rand, 0.3, 0.8);
    int quality = g_rand_int_range (rand, 50, 91);
    double moire = g_rand_double_range (rand, 5.0, 20.0);

    if (g_rand_double (rand) < 0.2)
      params->glare = glare;
    if (g_rand_double (rand) < 0.3)
      params->jpeg_quality = quality;
    if (g_rand_double (rand) < 0.25)
      params->moire = moire;
  }
}

char *
frame_degrade_params_to_string (const FrameDegradeParams *params)
{
  return g_strdup_printf ("seed=%u module=%.2f rotation=%.1f tilt=%.1f@%.0f blur=%.2f noise=%.1f "
                          "glare=%.2f jpeg=%d moire=%.1f",
                          params->seed, params->module_px, params->rotation, params->tilt,
                          params->tilt_axis, params->blur, params->noise, params->glare,
                          params->jpeg_quality, params->moire);
}

double
frame_degrade_guess_scale (const guint8 *code,
                           int           width,
                           int           height,
                           int           stride)
{
  for (int y = 0; y < height; y++)
    {
      const guint8 *row = code + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        {
          if (row[x] < 128)
            {
              int run = 0;

              while (x + run < width && row[x + run] < 128)
                run++;
              /* The top row of the top-left finder pattern: 7 modules. */
              return run / 7.0;
            }
        }
    }

  return 0.0;
}

/* ---- geometry ------------------------------------------------------------ */

typedef struct
{
  double m[9];
} Mat3;

static Mat3
mat3_mul (const Mat3 *a,
          const Mat3 *b)
{
  Mat3 r;

  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      r.m[i * 3 + j] = a->m[i * 3] * b->m[j] + a->m[i * 3 + 1] * b->m[3 + j]
                       + a->m[i * 3 + 2] * b->m[6 + j];
  return r;
}

static Mat3
mat3_invert (const Mat3 *a)
{
  const double *m = a->m;
  Mat3 r;
  double det;

  r.m[0] = m[4] * m[8] - m[5] * m[7];
  r.m[1] = m[2] * m[7] - m[1] * m[8];
  r.m[2] = m[1] * m[5] - m[2] * m[4];
  r.m[3] = m[5] * m[6] - m[3] * m[8];
  r.m[4] = m[0] * m[8] - m[2] * m[6];
  r.m[5] = m[2] * m[3] - m[0] * m[5];
  r.m[6] = m[3] * m[7] - m[4] * m[6];
  r.m[7] = m[1] * m[6] - m[0] * m[7];
  r.m[8] = m[0] * m[4] - m[1] * m[3];
  det = m[0] * r.m[0] + m[1] * r.m[3] + m[2] * r.m[6];
  for (int i = 0; i < 9; i++)
    r.m[i] /= det;
  return r;
}

static void
mat3_apply (const Mat3 *a,
            double      x,
            double      y,
            double     *out_x,
            double     *out_y,
            double     *out_w)
{
  *out_x = a->m[0] * x + a->m[1] * y + a->m[2];
  *out_y = a->m[3] * x + a->m[4] * y + a->m[5];
  *out_w = a->m[6] * x + a->m[7] * y + a->m[8];
}

/* Code image pixel (x, y) to camera pixel: the camera matrix times the
 * screen plane's pose. @k is camera pixels per code pixel at the centre. */
static Mat3
code_to_camera (int                       width,
                int                       height,
                double                    k,
                double                    dx,
                double                    dy,
                const FrameDegradeParams *params)
{
  double rot = params->rotation * G_PI / 180.0;
  double tilt = params->tilt * G_PI / 180.0;
  double axis = params->tilt_axis * G_PI / 180.0;
  double ax = cos (axis);
  double ay = sin (axis);
  double c = cos (tilt);
  double s = sin (tilt);
  /* Rodrigues: a rotation by the tilt about the in-plane axis (ax, ay, 0). */
  Mat3 tilt_m = { {
    c + ax * ax * (1 - c), ax * ay * (1 - c), ay * s,
    ax * ay * (1 - c), c + ay * ay * (1 - c), -ax * s,
    -ay * s, ax * s, c,
  } };
  Mat3 spin = { {
    cos (rot), -sin (rot), 0,
    sin (rot), cos (rot), 0,
    0, 0, 1,
  } };
  Mat3 r = mat3_mul (&tilt_m, &spin);
  /* Columns 1 and 2 of the pose scaled by k, column 3 the translation to
   * the plane's centre at depth FOCAL_PX. */
  Mat3 pose = { {
    k * r.m[0], k * r.m[1], dx,
    k * r.m[3], k * r.m[4], dy,
    k * r.m[6], k * r.m[7], FOCAL_PX,
  } };
  Mat3 camera = { {
    FOCAL_PX, 0, W / 2.0,
    0, FOCAL_PX, H / 2.0,
    0, 0, 1,
  } };
  Mat3 centre = { {
    1, 0, -width / 2.0,
    0, 1, -height / 2.0,
    0, 0, 1,
  } };
  Mat3 t = mat3_mul (&camera, &pose);

  return mat3_mul (&t, &centre);
}

/* ---- the scene ----------------------------------------------------------- */

typedef struct
{
  const guint8 *code;
  int           width;
  int           height;
  int           stride;

  Mat3          to_code;     /* camera pixel centre → code image */
  int           samples;     /* per side of a pixel's footprint */
  double        margin_x;    /* screen around the code, code pixels */
  double        margin_y;
  double        bezel;

  double        dark;        /* gray levels the camera sees */
  double        light;
  double        bezel_level;
  double        desk_level;
  float         desk[DESK_GRID_Y][DESK_GRID_X];

  double        glare_x;     /* camera pixels */
  double        glare_y;
  double        glare_sigma;
  double        glare;

  double        moire;
  double        moire_fx[2]; /* cycles per camera pixel */
  double        moire_fy[2];
  double        moire_phase[2];
} Scene;

typedef enum
{
  REGION_DESK,
  REGION_BEZEL,
  REGION_SCREEN,
} Region;

/* The code image's value (0 dark … 1 light) at (x, y), bilinear; outside
 * it the screen is white. */
static double
sample_code (const Scene *scene,
             double       x,
             double       y)
{
  int x0;
  int y0;
  double fx;
  double fy;
  double v[4];

  x -= 0.5;
  y -= 0.5;
  x0 = (int) floor (x);
  y0 = (int) floor (y);
  fx = x - x0;
  fy = y - y0;

  for (int i = 0; i < 4; i++)
    {
      int xi = x0 + (i & 1);
      int yi = y0 + (i >> 1);

      if (xi < 0 || yi < 0 || xi >= scene->width || yi >= scene->height)
        v[i] = 255.0;
      else
        v[i] = scene->code[(gsize) yi * scene->stride + xi];
    }

  return ((v[0] * (1 - fx) + v[1] * fx) * (1 - fy) + (v[2] * (1 - fx) + v[3] * fx) * fy) / 255.0;
}

static Region
region_at (const Scene *scene,
           double       x,
           double       y)
{
  if (x >= -scene->margin_x && x < scene->width + scene->margin_x
      && y >= -scene->margin_y && y < scene->height + scene->margin_y)
    return REGION_SCREEN;
  if (x >= -scene->margin_x - scene->bezel && x < scene->width + scene->margin_x + scene->bezel
      && y >= -scene->margin_y - scene->bezel && y < scene->height + scene->margin_y + scene->bezel)
    return REGION_BEZEL;
  return REGION_DESK;
}

static double
desk_at (const Scene *scene,
         int          u,
         int          v)
{
  double gx = (double) u / W * (DESK_GRID_X - 1);
  double gy = (double) v / H * (DESK_GRID_Y - 1);
  int x0 = MIN ((int) gx, DESK_GRID_X - 2);
  int y0 = MIN ((int) gy, DESK_GRID_Y - 2);
  double fx = gx - x0;
  double fy = gy - y0;

  return scene->desk_level
         + (scene->desk[y0][x0] * (1 - fx) + scene->desk[y0][x0 + 1] * fx) * (1 - fy)
         + (scene->desk[y0 + 1][x0] * (1 - fx) + scene->desk[y0 + 1][x0 + 1] * fx) * fy;
}

/* What the screen emits and reflects at camera pixel (u, v), given the code
 * image's value there: moiré from the screen's pixel grid against the
 * sensor's, glare from a light reflected in the glass. */
static double
screen_light (const Scene *scene,
              double       value,
              int          u,
              int          v)
{
  double level = scene->dark + (scene->light - scene->dark) * value;

  if (scene->moire > 0)
    {
      double p = 0;

      for (int i = 0; i < 2; i++)
        p += sin (2 * G_PI * (u * scene->moire_fx[i] + v * scene->moire_fy[i]) + scene->moire_phase[i]);
      level += scene->moire * 0.5 * p * level / 255.0;
    }

  if (scene->glare > 0)
    {
      double du = u - scene->glare_x;
      double dv = v - scene->glare_y;
      double d2 = (du * du + dv * dv) / (2 * scene->glare_sigma * scene->glare_sigma);

      if (d2 < 12)
        level += scene->glare * 255.0 * exp (-d2);
    }

  return level;
}

static void
render_scene (const Scene *scene,
              float       *out)
{
  int n = scene->samples;

  for (int v = 0; v < H; v++)
    for (int u = 0; u < W; u++)
      {
        double x;
        double y;
        double w;
        Region region;
        double level;

        mat3_apply (&scene->to_code, u + 0.5, v + 0.5, &x, &y, &w);
        /* Behind the camera, or the plane seen edge on. */
        if (w <= 1e-9)
          {
            out[v * W + u] = (float) desk_at (scene, u, v);
            continue;
          }
        x /= w;
        y /= w;
        region = region_at (scene, x, y);

        if (region == REGION_DESK)
          level = desk_at (scene, u, v);
        else if (region == REGION_BEZEL)
          level = scene->bezel_level;
        else if (x < -2 * n || y < -2 * n || x > scene->width + 2 * n || y > scene->height + 2 * n)
          level = screen_light (scene, 1.0, u, v);
        else
          {
            /* On the code: the average of n × n samples over the pixel. */
            double sum = 0;

            for (int j = 0; j < n; j++)
              for (int i = 0; i < n; i++)
                {
                  double sx;
                  double sy;
                  double sw;

                  mat3_apply (&scene->to_code, u + (i + 0.5) / n, v + (j + 0.5) / n, &sx, &sy, &sw);
                  sum += sample_code (scene, sx / sw, sy / sw);
                }
            level = screen_light (scene, sum / (n * n), u, v);
          }

        out[v * W + u] = (float) level;
      }
}

/* ---- the camera ---------------------------------------------------------- */

static void
blur (float  *image,
      double  sigma)
{
  int radius = (int) ceil (3 * sigma);
  g_autofree float *kernel = g_new (float, 2 * radius + 1);
  g_autofree float *tmp = g_new (float, W * H);
  double total = 0;

  for (int i = -radius; i <= radius; i++)
    {
      kernel[i + radius] = (float) exp (-(double) i * i / (2 * sigma * sigma));
      total += kernel[i + radius];
    }
  for (int i = 0; i <= 2 * radius; i++)
    kernel[i] /= (float) total;

  for (int v = 0; v < H; v++)
    {
      const float *row = image + v * W;

      for (int u = 0; u < W; u++)
        {
          float sum = 0;

          for (int i = -radius; i <= radius; i++)
            sum += kernel[i + radius] * row[CLAMP (u + i, 0, W - 1)];
          tmp[v * W + u] = sum;
        }
    }

  for (int v = 0; v < H; v++)
    for (int u = 0; u < W; u++)
      {
        float sum = 0;

        for (int i = -radius; i <= radius; i++)
          sum += kernel[i + radius] * tmp[CLAMP (v + i, 0, H - 1) * W + u];
        image[v * W + u] = sum;
      }
}

/* Vignetting, sensor noise and quantisation. */
static guint8 *
expose (const float *image,
        double       noise,
        GRand       *rand)
{
  guint8 *gray = g_malloc (W * H);
  g_autofree float *table = NULL;
  guint32 state = g_rand_int (rand) | 1;

  if (noise > 0)
    {
      table = g_new (float, NOISE_TABLE);
      for (int i = 0; i < NOISE_TABLE; i += 2)
        {
          /* Box–Muller. */
          double r = sqrt (-2 * log (1.0 - g_rand_double (rand)));
          double a = 2 * G_PI * g_rand_double (rand);

          table[i] = (float) (noise * r * cos (a));
          table[i + 1] = (float) (noise * r * sin (a));
        }
    }

  for (int v = 0; v < H; v++)
    for (int u = 0; u < W; u++)
      {
        double du = (u - W / 2.0) / (W / 2.0);
        double dv = (v - H / 2.0) / (W / 2.0);
        double level = image[v * W + u] * (1.0 - 0.2 * (du * du + dv * dv));

        if (table != NULL)
          {
            /* xorshift32: GRand per pixel would be the slowest part. */
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            level += table[state & (NOISE_TABLE - 1)];
          }
        gray[v * W + u] = (guint8) CLAMP (lround (level), 0, 255);
      }

  return gray;
}

/* A webcam's warm white balance on a gray frame. */
static GdkPixbuf *
gray_to_pixbuf (const guint8 *gray)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, W, H);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int v = 0; v < H; v++)
    for (int u = 0; u < W; u++)
      {
        guint8 *p = pixels + (gsize) v * stride + 3 * u;
        int g = gray[v * W + u];

        p[0] = (guint8) MIN (255, g * 261 / 256);
        p[1] = (guint8) g;
        p[2] = (guint8) (g * 236 / 256);
      }

  return pixbuf;
}

static GdkPixbuf *
jpeg_round_trip (GdkPixbuf  *pixbuf,
                 int         quality,
                 GError    **error)
{
  g_autofree char *buffer = NULL;
  g_autofree char *quality_text = g_strdup_printf ("%d", CLAMP (quality, 1, 100));
  g_autoptr(GdkPixbufLoader) loader = NULL;
  gsize len = 0;
  GdkPixbuf *decoded;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &len, "jpeg", error,
                                  "quality", quality_text, NULL))
    return NULL;

  loader = gdk_pixbuf_loader_new_with_type ("jpeg", error);
  if (loader == NULL)
    return NULL;
  if (!gdk_pixbuf_loader_write (loader, (const guchar *) buffer, len, error)
      || !gdk_pixbuf_loader_close (loader, error))
    return NULL;

  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  if (decoded == NULL)
    {
      g_set_error_literal (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_CORRUPT_IMAGE,
                           "the JPEG round trip gave no image");
      return NULL;
    }

  return g_object_ref (decoded);
}

/* The frame before the JPEG round trip. */
static guint8 *
render (const guint8             *code,
        int                       width,
        int                       height,
        int                       stride,
        double                    code_scale,
        const FrameDegradeParams *params)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (params->seed);
  g_autofree float *image = g_new (float, W * H);
  Scene scene = { 0 };
  double module_px = MAX (params->module_px, 0.1);
  double k = module_px / MAX (code_scale, 0.1);
  double side = MAX (width, height) * k;
  double free_x;
  double free_y;
  double dx;
  double dy;
  double cx;
  double cy;
  double cw;
  Mat3 forward;

  scene.code = code;
  scene.width = width;
  scene.height = height;
  scene.stride = stride;
  scene.samples = CLAMP ((int) ceil (code_scale / module_px), 1, 4);
  /* A phone in portrait: a little white beside the code, more above and
   * below, a thin bezel. */
  scene.margin_x = 0.08 * width;
  scene.margin_y = 0.45 * height;
  scene.bezel = 0.05 * width;

  scene.dark = g_rand_double_range (rand, 25, 50);
  scene.light = g_rand_double_range (rand, 185, 230);
  scene.bezel_level = g_rand_double_range (rand, 10, 25);
  scene.desk_level = g_rand_double_range (rand, 80, 150);
  for (int j = 0; j < DESK_GRID_Y; j++)
    for (int i = 0; i < DESK_GRID_X; i++)
      scene.desk[j][i] = (float) g_rand_double_range (rand, -15, 15);

  /* Somewhere in the frame, the code whole. */
  free_x = MAX (0.0, (W - 1.15 * side) / 2);
  free_y = MAX (0.0, (H - 1.15 * side) / 2);
  dx = g_rand_double_range (rand, -0.8, 0.8) * free_x;
  dy = g_rand_double_range (rand, -0.8, 0.8) * free_y;
  forward = code_to_camera (width, height, k, dx, dy, params);
  scene.to_code = mat3_invert (&forward);

  mat3_apply (&forward, width / 2.0, height / 2.0, &cx, &cy, &cw);
  scene.glare = params->glare;
  scene.glare_x = cx / cw + g_rand_double_range (rand, -0.3, 0.3) * side;
  scene.glare_y = cy / cw + g_rand_double_range (rand, -0.3, 0.3) * side;
  scene.glare_sigma = g_rand_double_range (rand, 0.1, 0.2) * side;

  scene.moire = params->moire;
  for (int i = 0; i < 2; i++)
    {
      double angle = g_rand_double_range (rand, 0, G_PI);
      double period = g_rand_double_range (rand, 6, 16);

      scene.moire_fx[i] = cos (angle) / period;
      scene.moire_fy[i] = sin (angle) / period;
      scene.moire_phase[i] = g_rand_double_range (rand, 0, 2 * G_PI);
    }

  render_scene (&scene, image);
  /* A radius, as image editors have it: the kernel's ±2σ. */
  if (params->blur >= 0.4)
    blur (image, params->blur / 2);

  return expose (image, params->noise, rand);
}

guint8 *
frame_degrade_render_gray (const guint8             *code,
                           int                       width,
                           int                       height,
                           int                       stride,
                           double                    code_scale,
                           const FrameDegradeParams *params,
                           GError                  **error)
{
  g_autofree guint8 *gray = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GdkPixbuf) decoded = NULL;
  const guint8 *pixels;
  int pixbuf_stride;
  int channels;

  g_return_val_if_fail (code != NULL && params != NULL, NULL);

  gray = render (code, width, height, stride, code_scale, params);
  if (params->jpeg_quality <= 0)
    return g_steal_pointer (&gray);

  pixbuf = gray_to_pixbuf (gray);
  decoded = jpeg_round_trip (pixbuf, params->jpeg_quality, error);
  if (decoded == NULL)
    return NULL;

  pixels = gdk_pixbuf_read_pixels (decoded);
  pixbuf_stride = gdk_pixbuf_get_rowstride (decoded);
  channels = gdk_pixbuf_get_n_channels (decoded);
  for (int v = 0; v < H; v++)
    for (int u = 0; u < W; u++)
      {
        const guint8 *p = pixels + (gsize) v * pixbuf_stride + channels * u;

        /* BT.601 luma, as idw_qr_to_gray(). */
        gray[v * W + u] = (guint8) ((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000);
      }

  return g_steal_pointer (&gray);
}

GdkPixbuf *
frame_degrade_render_pixbuf (const guint8             *code,
                             int                       width,
                             int                       height,
                             int                       stride,
                             double                    code_scale,
                             const FrameDegradeParams *params,
                             GError                  **error)
{
  g_autofree guint8 *gray = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  g_return_val_if_fail (code != NULL && params != NULL, NULL);

  gray = render (code, width, height, stride, code_scale, params);
  pixbuf = gray_to_pixbuf (gray);
  if (params->jpeg_quality <= 0)
    return g_steal_pointer (&pixbuf);

  return jpeg_round_trip (pixbuf, params->jpeg_quality, error);
}
