/* test-animation.c: animated presentations (fountain-coded QR frames)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <zlib.h>

#include "idw-animation.h"
#include "idw-error.h"
#include "idw-transport.h"
#include "qr-test-util.h"

/* docs/formats.md §4.5's worked example: zlib(CBOR {"v": 1}), blocks of 4
 * bytes. The frames were computed by an independent implementation of the
 * format (Python), not by this code. */
static const char example_text[] = "IDW1:NCF3QB1ABN016Q0I80";
static const struct
{
  guint32     seq;
  const char *text;
} example_frames[] = {
  { 0, "IDWF1:RB8./T000C00000000NCF3QBWVQG4J" },
  { 1, "IDWF1:RB8./T000C000001001ABN019Q6F.B" },
  { 2, "IDWF1:RB8./T000C000002006Q0I80Z0VL M" },
  { 3, "IDWF1:RB8./T000C00000300RROITF+RK* A" },
  { 4, "IDWF1:RB8./T000C00000400ZRKCALU*7L5U" },
  { 7, "IDWF1:RB8./T000C00000700SPJNYD6G47MS" },
};

/* A frame with a correct checksum around any header and data. */
static char *
make_frame (guint32       id,
            guint32       length,
            guint32       seq,
            const guint8 *data,
            gsize         data_len)
{
  g_autofree guint8 *frame = g_malloc (data_len + 16);
  g_autofree char *encoded = NULL;
  guint32 crc;
  guint32 header[3] = { GUINT32_TO_BE (id), GUINT32_TO_BE (length), GUINT32_TO_BE (seq) };

  memcpy (frame, header, 12);
  if (data_len > 0)
    memcpy (frame + 12, data, data_len);
  crc = GUINT32_TO_BE ((guint32) crc32 (0, frame, (uInt) (12 + data_len)));
  memcpy (frame + 12 + data_len, &crc, 4);
  encoded = idw_base45_encode (frame, data_len + 16);
  return g_strconcat (IDW_PREFIX_FRAME, encoded, NULL);
}

/* Feeds frame @seq; returns the rebuilt text on completion. */
static IdwFrameResult
feed (IdwFrameCollector *collector,
      IdwAnimation      *animation,
      guint32            seq,
      char             **out_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *frame = idw_animation_get_frame_text (animation, seq);
  IdwFrameResult result;

  result = idw_frame_collector_add (collector, frame, out_text, &error);
  g_assert_no_error (error);
  return result;
}

static void
assert_bad_frame (IdwFrameCollector *collector,
                  const char        *frame,
                  int                code,
                  const char        *needle)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  double before = idw_frame_collector_get_progress (collector);

  idw_frame_collector_add (collector, frame, &text, &error);
  g_assert_error (error, IDW_ERROR, code);
  g_assert_nonnull (strstr (error->message, needle));
  g_assert_null (text);
  g_assert_cmpfloat (idw_frame_collector_get_progress (collector), ==, before);
}

static void
test_worked_example (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwAnimation) animation = idw_animation_new_full (example_text, 4, &error);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (idw_animation_get_n_blocks (animation), ==, 3);
  g_assert_cmpuint (idw_animation_get_block_size (animation), ==, 4);
  g_assert_cmphex (idw_animation_get_id (animation), ==, 0x4152ed1e);

  for (gsize i = 0; i < G_N_ELEMENTS (example_frames); i++)
    {
      g_autofree char *frame = idw_animation_get_frame_text (animation, example_frames[i].seq);

      g_assert_cmpstr (frame, ==, example_frames[i].text);
    }

  /* Frames 3, 4 and 7 alone: no source block seen, rebuilt all the same. */
  g_assert_cmpint (idw_frame_collector_add (collector, example_frames[3].text, &text, &error), ==, IDW_FRAME_ADDED);
  g_assert_cmpfloat_with_epsilon (idw_frame_collector_get_progress (collector), 1.0 / 3, 1e-9);
  g_assert_cmpint (idw_frame_collector_add (collector, example_frames[4].text, &text, &error), ==, IDW_FRAME_ADDED);
  g_assert_cmpint (idw_frame_collector_add (collector, example_frames[5].text, &text, &error), ==, IDW_FRAME_COMPLETE);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, example_text);
  /* The payload is done: its frames are redundant now, progress is 0. */
  g_assert_cmpfloat (idw_frame_collector_get_progress (collector), ==, 0.0);
  g_clear_pointer (&text, g_free);
  g_assert_cmpint (idw_frame_collector_add (collector, example_frames[0].text, &text, &error), ==, IDW_FRAME_REDUNDANT);
  g_assert_null (text);

  /* After a reset, the same code can be read again. */
  idw_frame_collector_reset (collector);
  for (gsize i = 0; i < 3; i++)
    {
      g_autofree char *frame = idw_animation_get_frame_text (animation, (guint32) i);
      IdwFrameResult result = idw_frame_collector_add (collector, frame, &text, &error);

      g_assert_no_error (error);
      g_assert_cmpint (result, ==, i == 2 ? IDW_FRAME_COMPLETE : IDW_FRAME_ADDED);
    }
  g_assert_cmpstr (text, ==, example_text);
}

/* The size of an 8 KB presentation (a full ID with a 6 KB portrait): frames
 * fit version IDW_ANIMATION_MAX_VERSION at level L; K is as small as that
 * allows. */
static void
test_frame_size (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autofree char *text = random_presentation_text (rand, 8000);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwAnimation) animation = idw_animation_new (text, &error);
  guint n_blocks;

  g_assert_no_error (error);
  g_assert_false (idw_animation_fits_one_frame (text));
  n_blocks = idw_animation_get_n_blocks (animation);
  /* (758 - 6) / 3 * 2 - 16 = 484 bytes per frame at most. */
  g_assert_cmpuint (n_blocks, ==, (8000 + 483) / 484);
  g_assert_cmpuint (idw_animation_get_block_size (animation) * n_blocks, >=, 8000);
  g_assert_cmpuint (idw_animation_get_block_size (animation) * (n_blocks - 1), <, 8000);

  for (guint32 seq = 0; seq < 2 * n_blocks; seq += 3)
    {
      g_autoptr(IdwQrMatrix) matrix = idw_animation_get_frame_matrix (animation, seq, &error);
      g_autofree char *frame = idw_animation_get_frame_text (animation, seq);

      g_assert_no_error (error);
      g_assert_cmpint (matrix->version, <=, IDW_ANIMATION_MAX_VERSION);
      g_assert_cmpint (matrix->version, >=, IDW_ANIMATION_MAX_VERSION - 1);
      g_assert_cmpint (matrix->level, ==, 'L');
      g_assert_true (idw_animation_fits_one_frame (frame));
    }
}

static void
test_fits_one_frame (void)
{
  g_autofree char *fits = g_strnfill (758, 'A');
  g_autofree char *over = g_strnfill (759, 'A');
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (idw_animation_fits_one_frame (fits));
  g_assert_false (idw_animation_fits_one_frame (over));
  g_assert_false (idw_animation_fits_one_frame ("IDW1:lowercase"));
  /* The capacity table agrees with libqrencode. */
  matrix = idw_qr_encode_low (fits, &error);
  g_assert_no_error (error);
  g_assert_cmpint (matrix->version, ==, IDW_ANIMATION_MAX_VERSION);
  g_clear_pointer (&matrix, idw_qr_matrix_free);
  matrix = idw_qr_encode_low (over, &error);
  g_assert_no_error (error);
  g_assert_cmpint (matrix->version, ==, IDW_ANIMATION_MAX_VERSION + 1);
}

/* Any K frames, whichever were lost: 30 % dropped at random, in any order. */
static void
test_any_subset (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint worst_extra = 0;
  guint total_extra = 0;
  const guint runs = 40;

  for (guint run = 0; run < runs; run++)
    {
      g_autofree char *text = random_presentation_text (rand, (gsize) g_rand_int_range (rand, 1500, 9000));
      g_autoptr(IdwAnimation) animation = idw_animation_new (text, NULL);
      g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
      g_autofree char *rebuilt = NULL;
      guint n_blocks = idw_animation_get_n_blocks (animation);
      guint32 seq = (guint32) g_rand_int_range (rand, 0, 1000);
      guint received = 0;

      while (rebuilt == NULL)
        {
          if (g_rand_double (rand) >= 0.3)
            {
              feed (collector, animation, seq, &rebuilt);
              received++;
            }
          seq++;
          g_assert_cmpuint (received, <, n_blocks + 20);
        }
      g_assert_cmpstr (rebuilt, ==, text);
      g_assert_cmpuint (received, >=, n_blocks);
      worst_extra = MAX (worst_extra, received - n_blocks);
      total_extra += received - n_blocks;
    }

  g_test_message ("frames over K: %.2f on average, %u at worst", (double) total_extra / runs, worst_extra);
  /* GF(256): K frames nearly always do; one more rarely needed. */
  g_assert_cmpuint (worst_extra, <=, 2);
  g_assert_cmpuint (total_extra, <=, runs / 4);
}

/* Two presentations interleaved, with garbage in between: each is rebuilt
 * exactly; nothing mixes. */
static void
test_interleaved_and_garbage (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autofree char *text_a = random_presentation_text (rand, 5000);
  g_autofree char *text_b = random_presentation_text (rand, 6000);
  g_autoptr(IdwAnimation) a = idw_animation_new (text_a, NULL);
  g_autoptr(IdwAnimation) b = idw_animation_new (text_b, NULL);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  g_autofree char *done_a = NULL;
  g_autofree char *done_b = NULL;

  for (guint32 seq = 20; done_a == NULL || done_b == NULL; seq++)
    {
      g_autofree char *frame = NULL;
      g_autofree char *garbage = NULL;
      g_autofree char *out = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      g_assert_cmpuint (seq, <, 100);
      if (done_a == NULL && feed (collector, a, seq, &out) == IDW_FRAME_COMPLETE)
        done_a = g_steal_pointer (&out);
      if (done_b == NULL && feed (collector, b, seq * 7, &out) == IDW_FRAME_COMPLETE)
        done_b = g_steal_pointer (&out);

      /* A frame of a with one character changed: its checksum fails (or,
       * when the change hits the Base45 structure, the Base45 does). */
      frame = idw_animation_get_frame_text (a, seq + 1000);
      len = strlen (frame);
      frame[6 + (seq * 37) % (len - 6)] = frame[6 + (seq * 37) % (len - 6)] == '0' ? '1' : '0';
      idw_frame_collector_add (collector, frame, &out, &error);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
      g_assert_null (out);
      g_clear_error (&error);

      garbage = g_strdup_printf ("https://example.com/%u", seq);
      idw_frame_collector_add (collector, garbage, &out, &error);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
      g_clear_error (&error);
    }

  g_assert_cmpstr (done_a, ==, text_a);
  g_assert_cmpstr (done_b, ==, text_b);
}

/* Frames that claim the id of a real code but carry other data: when the
 * forged rows are in, the rebuilt payload does not hash to the id and
 * nothing comes out; the real frames then still rebuild the real code. */
static void
test_forged_frames (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autofree char *text = random_presentation_text (rand, 3000);
  g_autoptr(IdwAnimation) animation = idw_animation_new (text, NULL);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  g_autofree guint8 *junk = g_malloc0 (idw_animation_get_block_size (animation));
  g_autofree char *forged = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  guint n_blocks = idw_animation_get_n_blocks (animation);
  IdwFrameResult result = IDW_FRAME_ADDED;

  junk[0] = 0x42;
  forged = make_frame (idw_animation_get_id (animation), 3000, 0,
                       junk, idw_animation_get_block_size (animation));
  g_assert_cmpint (idw_frame_collector_add (collector, forged, &out, &error), ==, IDW_FRAME_ADDED);
  g_assert_no_error (error);
  for (guint32 seq = 1; seq < n_blocks; seq++)
    {
      g_autofree char *frame = idw_animation_get_frame_text (animation, seq);

      result = idw_frame_collector_add (collector, frame, &out, &error);
    }
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "do not rebuild"));
  g_assert_cmpint (result, ==, IDW_FRAME_REDUNDANT);
  g_assert_null (out);
  g_clear_error (&error);
  g_assert_cmpfloat (idw_frame_collector_get_progress (collector), ==, 0.0);

  for (guint32 seq = 0; out == NULL; seq++)
    {
      g_assert_cmpuint (seq, <, n_blocks + 3);
      feed (collector, animation, seq, &out);
    }
  g_assert_cmpstr (out, ==, text);
}

/* Hostile headers: each is refused with a specific error and changes
 * nothing. */
static void
test_hostile_frames (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  g_autofree char *text = random_presentation_text (rand, 2000);
  g_autoptr(IdwAnimation) animation = idw_animation_new (text, NULL);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  guint8 data[600] = { 0 };
  g_autofree char *long_frame = NULL;
  g_autofree char *zeros = g_strnfill (4300, '0');
  g_autofree char *out = NULL;
  char *frame;

  g_assert_cmpint (feed (collector, animation, 0, &out), ==, IDW_FRAME_ADDED);

  assert_bad_frame (collector, "IDW1:ABC", IDW_ERROR_WRONG_PREFIX, "IDWF1:");
  assert_bad_frame (collector, "idwf1:00", IDW_ERROR_WRONG_PREFIX, "IDWF1:");
  assert_bad_frame (collector, "IDWF1:", IDW_ERROR_MALFORMED, "too few");
  assert_bad_frame (collector, "IDWF1:abc", IDW_ERROR_MALFORMED, "Base45");

  /* The header alone, no data. */
  frame = make_frame (1, 10, 0, NULL, 0);
  assert_bad_frame (collector, frame, IDW_ERROR_MALFORMED, "too few");
  g_free (frame);

  frame = make_frame (1, 0, 0, data, 10);
  assert_bad_frame (collector, frame, IDW_ERROR_MALFORMED, "empty");
  g_free (frame);

  frame = make_frame (1, IDW_ANIMATION_MAX_PAYLOAD + 1, 0, data, 500);
  assert_bad_frame (collector, frame, IDW_ERROR_LIMIT, "limit");
  g_free (frame);

  frame = make_frame (1, G_MAXUINT32, 0, data, 500);
  assert_bad_frame (collector, frame, IDW_ERROR_LIMIT, "limit");
  g_free (frame);

  /* One byte per frame: 30,000 blocks would need a 900 MB matrix. */
  frame = make_frame (1, 30000, 0, data, 1);
  assert_bad_frame (collector, frame, IDW_ERROR_LIMIT, "frames");
  g_free (frame);

  /* The id of the code being collected with another length, then with
   * another block size. */
  frame = make_frame (idw_animation_get_id (animation), 2001, 1,
                      data, idw_animation_get_block_size (animation));
  assert_bad_frame (collector, frame, IDW_ERROR_MALFORMED, "contradicts");
  g_free (frame);
  frame = make_frame (idw_animation_get_id (animation), 2000, 1,
                      data, idw_animation_get_block_size (animation) - 1);
  assert_bad_frame (collector, frame, IDW_ERROR_MALFORMED, "contradicts");
  g_free (frame);

  /* A checksum that does not match. */
  frame = make_frame (1, 100, 0, data, 100);
  frame[strlen (frame) - 1] = frame[strlen (frame) - 1] == '0' ? '1' : '0';
  assert_bad_frame (collector, frame, IDW_ERROR_MALFORMED, "checksum");
  g_free (frame);

  long_frame = g_strconcat (IDW_PREFIX_FRAME, zeros, NULL);
  assert_bad_frame (collector, long_frame, IDW_ERROR_LIMIT, "longer");

  /* Still collecting the real code. */
  g_assert_cmpfloat (idw_frame_collector_get_progress (collector), >, 0.0);
}

/* A flood of well-formed frames of ever new ids between the frames of a
 * real code does not push the real code out. */
static void
test_frame_flood (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (19);
  g_autofree char *text = random_presentation_text (rand, 4000);
  g_autoptr(IdwAnimation) animation = idw_animation_new (text, NULL);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  g_autofree char *out = NULL;
  guint8 data[400] = { 0 };

  for (guint32 seq = 0; out == NULL; seq++)
    {
      g_assert_cmpuint (seq, <, idw_animation_get_n_blocks (animation) + 3);
      feed (collector, animation, seq, &out);
      for (guint i = 0; i < 20 && out == NULL; i++)
        {
          g_autofree char *frame = make_frame (g_rand_int (rand), 4000, i, data, sizeof data);
          g_autoptr(GError) error = NULL;

          g_assert_cmpint (idw_frame_collector_add (collector, frame, &out, &error), ==, IDW_FRAME_ADDED);
          g_assert_no_error (error);
        }
    }
  g_assert_cmpstr (out, ==, text);
}

/* More payloads at once than the collector keeps (six screens in view):
 * none is ever mixed or rebuilt wrong, and none starves the others. */
static void
test_many_payloads (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (13);
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  IdwAnimation *animations[6];
  char *texts[6];
  guint completed = 0;

  for (guint i = 0; i < G_N_ELEMENTS (animations); i++)
    {
      texts[i] = random_presentation_text (rand, 1500 + 300 * i);
      animations[i] = idw_animation_new (texts[i], NULL);
    }

  for (guint32 seq = 0; seq < 40; seq++)
    for (guint i = 0; i < G_N_ELEMENTS (animations); i++)
      {
        g_autofree char *out = NULL;

        if (feed (collector, animations[i], seq, &out) == IDW_FRAME_COMPLETE)
          {
            g_assert_cmpstr (out, ==, texts[i]);
            completed++;
          }
      }

  /* The least advanced payload makes room: all are read in turn. */
  g_assert_cmpuint (completed, ==, G_N_ELEMENTS (animations));
  for (guint i = 0; i < G_N_ELEMENTS (animations); i++)
    {
      idw_animation_free (animations[i]);
      g_free (texts[i]);
    }
}

static void
test_encoder_limits (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree char *huge = random_presentation_text (rand, IDW_ANIMATION_MAX_PAYLOAD + 2);
  g_autoptr(IdwAnimation) animation = NULL;
  g_autoptr(GError) error = NULL;

  animation = idw_animation_new (huge, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_assert_null (animation);
  g_clear_error (&error);

  animation = idw_animation_new ("IDWR1:ABC", &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
  g_clear_error (&error);

  animation = idw_animation_new ("IDW1:", &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_clear_error (&error);

  animation = idw_animation_new ("IDW1:abc", &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* More blocks than a receiver accepts. */
  animation = idw_animation_new_full ("IDW1:NCF3QB1ABN016Q0I80", 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_animation_get_n_blocks (animation), ==, 12);
  g_clear_pointer (&animation, idw_animation_free);
  {
    g_autofree char *text = random_presentation_text (rand, IDW_ANIMATION_MAX_BLOCKS + 1);

    animation = idw_animation_new_full (text, 1, &error);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/animation/worked-example", test_worked_example);
  g_test_add_func ("/animation/frame-size", test_frame_size);
  g_test_add_func ("/animation/fits-one-frame", test_fits_one_frame);
  g_test_add_func ("/animation/any-subset", test_any_subset);
  g_test_add_func ("/animation/interleaved-and-garbage", test_interleaved_and_garbage);
  g_test_add_func ("/animation/forged-frames", test_forged_frames);
  g_test_add_func ("/animation/hostile-frames", test_hostile_frames);
  g_test_add_func ("/animation/many-payloads", test_many_payloads);
  g_test_add_func ("/animation/frame-flood", test_frame_flood);
  g_test_add_func ("/animation/encoder-limits", test_encoder_limits);

  return g_test_run ();
}
