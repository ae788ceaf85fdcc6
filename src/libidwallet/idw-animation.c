/* idw-animation.c: animated presentations, a fountain code over QR frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A random linear fountain over GF(2^8): the first K frames are the source
 * blocks, every later frame a combination of all of them with coefficients
 * drawn from the frame's sequence number. The receiver keeps the frames of
 * each payload as rows of a matrix in reduced row echelon form; once its
 * rank is K the rows are the source blocks. See docs/formats.md §4.5.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <zlib.h>

#include "idw-animation.h"
#include "idw-error.h"
#include "idw-transport.h"

G_STATIC_ASSERT (IDW_ANIMATION_MAX_VERSION >= 1 && IDW_ANIMATION_MAX_VERSION <= 40);

#define HEADER_LENGTH 12
#define CRC_LENGTH    4
G_STATIC_ASSERT (HEADER_LENGTH + CRC_LENGTH == IDW_ANIMATION_FRAME_OVERHEAD);

/* A frame text longer than this is not ours (a version-40 code holds 4296). */
#define MAX_FRAME_TEXT 4296
/* Payloads collected at once. */
#define MAX_SLOTS      4
/* Ids of rebuilt payloads remembered, so that their frames stay redundant. */
#define MAX_DONE       8

/* ---- GF(2^8), polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d) ---------------- */

static guint8 gf_exp[512];
static guint8 gf_log[256];

static void
gf_init (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      guint x = 1;

      for (guint i = 0; i < 255; i++)
        {
          gf_exp[i] = (guint8) x;
          gf_log[x] = (guint8) i;
          x <<= 1;
          if (x & 0x100)
            x ^= 0x11d;
        }
      for (guint i = 255; i < G_N_ELEMENTS (gf_exp); i++)
        gf_exp[i] = gf_exp[i - 255];
      g_once_init_leave (&done, 1);
    }
}

static inline guint8
gf_mul (guint8 a,
        guint8 b)
{
  if (a == 0 || b == 0)
    return 0;
  return gf_exp[gf_log[a] + gf_log[b]];
}

static inline guint8
gf_inverse (guint8 a)
{
  g_assert (a != 0);
  return gf_exp[255 - gf_log[a]];
}

/* dst ^= c · src over @len bytes. */
static void
gf_add_scaled (guint8       *dst,
               const guint8 *src,
               guint8        c,
               gsize         len)
{
  guint log_c;

  if (c == 0)
    return;
  if (c == 1)
    {
      for (gsize i = 0; i < len; i++)
        dst[i] ^= src[i];
      return;
    }

  log_c = gf_log[c];
  for (gsize i = 0; i < len; i++)
    {
      if (src[i] != 0)
        dst[i] ^= gf_exp[log_c + gf_log[src[i]]];
    }
}

static void
gf_scale (guint8 *row,
          guint8  c,
          gsize   len)
{
  for (gsize i = 0; i < len; i++)
    row[i] = gf_mul (row[i], c);
}

/* The coefficients of frame @seq over @n_blocks source blocks: a unit
 * vector for seq < K, else xorshift32 bytes (formats.md §4.5). */
static void
frame_coefficients (guint32  seq,
                    guint    n_blocks,
                    guint8  *coefficients)
{
  guint32 x;

  memset (coefficients, 0, n_blocks);
  if (seq < n_blocks)
    {
      coefficients[seq] = 1;
      return;
    }

  /* An odd multiplier is a bijection, so x is never 0 for seq > 0. */
  x = seq * 0x9E3779B1u;
  for (guint i = 0; i < n_blocks; i++)
    {
      x ^= x << 13;
      x ^= x >> 17;
      x ^= x << 5;
      coefficients[i] = (guint8) (x >> 24);
    }
}

static void
put_be32 (guint8  *p,
          guint32  v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static guint32
get_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint32
payload_id (const guint8 *payload,
            gsize         len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, payload, (gssize) len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  return get_be32 (digest);
}

static gsize
max_frame_text (void)
{
  return idw_qr_alphanumeric_capacity_l (IDW_ANIMATION_MAX_VERSION);
}

gboolean
idw_animation_fits_one_frame (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  return strlen (text) <= max_frame_text () && idw_qr_is_alphanumeric (text);
}

/* ---- Encoder ----------------------------------------------------------- */

struct _IdwAnimation
{
  guint8  *payload;        /* n_blocks × block_size, zero padded */
  gsize    length;
  gsize    block_size;
  guint    n_blocks;
  guint32  id;
};

IdwAnimation *
idw_animation_new (const char  *text,
                   GError     **error)
{
  /* The largest frame: prefix + Base45 (header, data, CRC) within the
   * capacity of the largest version. Base45 makes 3 characters of 2 bytes. */
  gsize max_data = (max_frame_text () - strlen (IDW_PREFIX_FRAME)) / 3 * 2
                   - IDW_ANIMATION_FRAME_OVERHEAD;

  return idw_animation_new_full (text, max_data, error);
}

IdwAnimation *
idw_animation_new_full (const char  *text,
                        gsize        max_block_size,
                        GError     **error)
{
  g_autoptr(GBytes) payload = NULL;
  IdwAnimation *animation;
  const char *start;
  gsize length;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (max_block_size >= 1, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  start = text;
  while (g_ascii_isspace (*start))
    start++;
  if (!g_str_has_prefix (start, IDW_PREFIX_PRESENTATION))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                   _("Only a presentation (“%s”) can be animated"), IDW_PREFIX_PRESENTATION);
      return NULL;
    }
  start += strlen (IDW_PREFIX_PRESENTATION);
  if (strlen (start) > IDW_MAX_TEXT_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The presentation is longer than %d characters"), IDW_MAX_TEXT_LENGTH);
      return NULL;
    }

  payload = idw_base45_decode (start, -1, error);
  if (payload == NULL)
    return NULL;
  length = g_bytes_get_size (payload);
  if (length == 0 || length > IDW_ANIMATION_MAX_PAYLOAD)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("A presentation of %lu bytes cannot be animated (at most %d)"),
                   (unsigned long) length, IDW_ANIMATION_MAX_PAYLOAD);
      return NULL;
    }

  if ((length + max_block_size - 1) / max_block_size > IDW_ANIMATION_MAX_BLOCKS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("A presentation of %lu bytes needs more than %d frames"),
                   (unsigned long) length, IDW_ANIMATION_MAX_BLOCKS);
      return NULL;
    }

  animation = g_new0 (IdwAnimation, 1);
  animation->length = length;
  animation->n_blocks = (guint) ((length + max_block_size - 1) / max_block_size);
  /* Blocks as even as the count allows: the frames are then often of a
   * smaller version. */
  animation->block_size = (length + animation->n_blocks - 1) / animation->n_blocks;
  animation->payload = g_malloc0 (animation->block_size * animation->n_blocks);
  memcpy (animation->payload, g_bytes_get_data (payload, NULL), length);
  /* The receiver derives K from the length and the block size. */
  g_assert ((length + animation->block_size - 1) / animation->block_size == animation->n_blocks);
  animation->id = payload_id (animation->payload, length);

  return animation;
}

void
idw_animation_free (IdwAnimation *animation)
{
  if (animation == NULL)
    return;
  g_free (animation->payload);
  g_free (animation);
}

guint
idw_animation_get_n_blocks (IdwAnimation *animation)
{
  g_return_val_if_fail (animation != NULL, 0);
  return animation->n_blocks;
}

gsize
idw_animation_get_block_size (IdwAnimation *animation)
{
  g_return_val_if_fail (animation != NULL, 0);
  return animation->block_size;
}

guint32
idw_animation_get_id (IdwAnimation *animation)
{
  g_return_val_if_fail (animation != NULL, 0);
  return animation->id;
}

char *
idw_animation_get_frame_text (IdwAnimation *animation,
                              guint32       seq)
{
  g_autofree guint8 *frame = NULL;
  g_autofree guint8 *coefficients = NULL;
  g_autofree char *encoded = NULL;
  gsize frame_len;
  guint8 *data;

  g_return_val_if_fail (animation != NULL, NULL);

  gf_init ();

  frame_len = HEADER_LENGTH + animation->block_size + CRC_LENGTH;
  frame = g_malloc0 (frame_len);
  put_be32 (frame, animation->id);
  put_be32 (frame + 4, (guint32) animation->length);
  put_be32 (frame + 8, seq);
  data = frame + HEADER_LENGTH;

  coefficients = g_malloc (animation->n_blocks);
  frame_coefficients (seq, animation->n_blocks, coefficients);
  for (guint i = 0; i < animation->n_blocks; i++)
    gf_add_scaled (data, animation->payload + (gsize) i * animation->block_size,
                   coefficients[i], animation->block_size);

  put_be32 (frame + frame_len - CRC_LENGTH,
            (guint32) crc32 (0, frame, (uInt) (frame_len - CRC_LENGTH)));

  encoded = idw_base45_encode (frame, frame_len);
  return g_strconcat (IDW_PREFIX_FRAME, encoded, NULL);
}

IdwQrMatrix *
idw_animation_get_frame_matrix (IdwAnimation  *animation,
                                guint32        seq,
                                GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (animation != NULL, NULL);

  text = idw_animation_get_frame_text (animation, seq);
  return idw_qr_encode_low (text, error);
}

/* ---- Collector --------------------------------------------------------- */

typedef struct
{
  guint32  id;
  gsize    length;
  gsize    block_size;
  guint    n_blocks;
  guint    rank;
  gint64   last_used;
  /* n_blocks rows of n_blocks coefficients then block_size data bytes;
   * row r is used when pivot_row[c] == r for some column c. Kept in
   * reduced row echelon form. */
  guint8  *rows;
  gint    *pivot_row;  /* by column: the row whose pivot it is, or -1 */
} Slot;

struct _IdwFrameCollector
{
  Slot    *slots[MAX_SLOTS];
  guint32  done[MAX_DONE];
  guint    n_done;
  gint64   clock;
};

static void
slot_free (Slot *slot)
{
  if (slot == NULL)
    return;
  g_free (slot->rows);
  g_free (slot->pivot_row);
  g_free (slot);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Slot, slot_free)

IdwFrameCollector *
idw_frame_collector_new (void)
{
  return g_new0 (IdwFrameCollector, 1);
}

void
idw_frame_collector_reset (IdwFrameCollector *collector)
{
  g_return_if_fail (collector != NULL);

  for (guint i = 0; i < MAX_SLOTS; i++)
    g_clear_pointer (&collector->slots[i], slot_free);
  collector->n_done = 0;
}

void
idw_frame_collector_free (IdwFrameCollector *collector)
{
  if (collector == NULL)
    return;
  idw_frame_collector_reset (collector);
  g_free (collector);
}

double
idw_frame_collector_get_progress (IdwFrameCollector *collector)
{
  double best = 0.0;

  g_return_val_if_fail (collector != NULL, 0.0);

  for (guint i = 0; i < MAX_SLOTS; i++)
    {
      Slot *slot = collector->slots[i];

      if (slot != NULL)
        best = MAX (best, (double) slot->rank / slot->n_blocks);
    }

  return best;
}

static gsize
row_width (const Slot *slot)
{
  return slot->n_blocks + slot->block_size;
}

static guint8 *
slot_row (Slot *slot,
          guint  r)
{
  return slot->rows + (gsize) r * row_width (slot);
}

/* Reduces @row by the slot's rows; when something is left, makes it a new
 * pivot row and clears its column from the others. FALSE when @row brought
 * nothing new. */
static gboolean
slot_add_row (Slot   *slot,
              guint8 *row)
{
  gsize width = row_width (slot);
  guint8 *new_row;
  guint pivot = slot->n_blocks;

  for (guint c = 0; c < slot->n_blocks; c++)
    {
      if (row[c] != 0 && slot->pivot_row[c] >= 0)
        gf_add_scaled (row, slot_row (slot, (guint) slot->pivot_row[c]), row[c], width);
    }
  for (guint c = 0; c < slot->n_blocks; c++)
    {
      if (row[c] != 0)
        {
          pivot = c;
          break;
        }
    }
  if (pivot == slot->n_blocks)
    return FALSE;

  gf_scale (row, gf_inverse (row[pivot]), width);
  new_row = slot_row (slot, slot->rank);
  memcpy (new_row, row, width);
  for (guint c = 0; c < slot->n_blocks; c++)
    {
      if (slot->pivot_row[c] >= 0)
        {
          guint8 *other = slot_row (slot, (guint) slot->pivot_row[c]);

          gf_add_scaled (other, new_row, other[pivot], width);
        }
    }
  slot->pivot_row[pivot] = (gint) slot->rank;
  slot->rank++;

  return TRUE;
}

static gboolean
is_done (IdwFrameCollector *collector,
         guint32            id)
{
  for (guint i = 0; i < collector->n_done; i++)
    {
      if (collector->done[i] == id)
        return TRUE;
    }
  return FALSE;
}

static void
mark_done (IdwFrameCollector *collector,
           guint32            id)
{
  if (collector->n_done == MAX_DONE)
    {
      memmove (collector->done, collector->done + 1, sizeof collector->done[0] * (MAX_DONE - 1));
      collector->n_done--;
    }
  collector->done[collector->n_done++] = id;
}

/* The slot of @id, made when new (in place of the least advanced one when
 * all are taken). */
static Slot *
find_slot (IdwFrameCollector *collector,
           guint32            id,
           gsize              length,
           gsize              block_size,
           guint              n_blocks,
           GError           **error)
{
  guint free_index = MAX_SLOTS;
  guint victim = 0;
  Slot *slot;

  for (guint i = 0; i < MAX_SLOTS; i++)
    {
      slot = collector->slots[i];
      if (slot == NULL)
        {
          free_index = MIN (free_index, i);
          continue;
        }
      if (slot->id == id)
        {
          if (slot->length != length || slot->block_size != block_size)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The frame contradicts earlier frames of the same code "
                             "(%lu bytes in blocks of %lu, not %lu in blocks of %lu)"),
                           (unsigned long) length, (unsigned long) block_size,
                           (unsigned long) slot->length, (unsigned long) slot->block_size);
              return NULL;
            }
          return slot;
        }
      /* The least advanced goes first, and of those the most recently
       * used: frames of ever new ids (forged, or more screens than slots)
       * then only push out each other, never a code that is being read. */
      if (collector->slots[victim] == NULL
          || slot->rank < collector->slots[victim]->rank
          || (slot->rank == collector->slots[victim]->rank
              && slot->last_used > collector->slots[victim]->last_used))
        victim = i;
    }

  if (free_index == MAX_SLOTS)
    {
      free_index = victim;
      g_clear_pointer (&collector->slots[free_index], slot_free);
    }

  slot = g_new0 (Slot, 1);
  slot->id = id;
  slot->length = length;
  slot->block_size = block_size;
  slot->n_blocks = n_blocks;
  slot->rows = g_malloc0 ((gsize) n_blocks * row_width (slot));
  slot->pivot_row = g_new (gint, n_blocks);
  for (guint c = 0; c < n_blocks; c++)
    slot->pivot_row[c] = -1;
  collector->slots[free_index] = slot;

  return slot;
}

static void
drop_slot (IdwFrameCollector *collector,
           Slot              *slot)
{
  for (guint i = 0; i < MAX_SLOTS; i++)
    {
      if (collector->slots[i] == slot)
        g_clear_pointer (&collector->slots[i], slot_free);
    }
}

/* The payload of a full-rank slot as "IDW1:" text, or NULL when it does
 * not match its id (or its padding is not zero). */
static char *
slot_rebuild (Slot    *slot,
              GError **error)
{
  g_autofree guint8 *payload = g_malloc ((gsize) slot->n_blocks * slot->block_size);
  g_autofree char *encoded = NULL;

  for (guint c = 0; c < slot->n_blocks; c++)
    memcpy (payload + (gsize) c * slot->block_size,
            slot_row (slot, (guint) slot->pivot_row[c]) + slot->n_blocks, slot->block_size);

  for (gsize i = slot->length; i < (gsize) slot->n_blocks * slot->block_size; i++)
    {
      if (payload[i] != 0)
        goto mismatch;
    }
  if (payload_id (payload, slot->length) != slot->id)
    goto mismatch;

  encoded = idw_base45_encode (payload, slot->length);
  return g_strconcat (IDW_PREFIX_PRESENTATION, encoded, NULL);

mismatch:
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("The frames of an animated code do not rebuild the code they name; "
                         "some of them were forged or belong to another code"));
  return NULL;
}

IdwFrameResult
idw_frame_collector_add (IdwFrameCollector  *collector,
                         const char         *frame_text,
                         char              **out_text,
                         GError            **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *row = NULL;
  const guint8 *frame;
  gsize frame_len;
  gsize block_size;
  gsize length;
  guint32 id;
  guint32 seq;
  guint64 n_blocks;
  gsize text_len;
  Slot *slot;
  char *text;

  g_return_val_if_fail (collector != NULL, IDW_FRAME_REDUNDANT);
  g_return_val_if_fail (frame_text != NULL, IDW_FRAME_REDUNDANT);
  g_return_val_if_fail (out_text != NULL && *out_text == NULL, IDW_FRAME_REDUNDANT);
  g_return_val_if_fail (error == NULL || *error == NULL, IDW_FRAME_REDUNDANT);

  gf_init ();

  if (!g_str_has_prefix (frame_text, IDW_PREFIX_FRAME))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                   _("Not a frame of an animated code (it does not start with “%s”)"),
                   IDW_PREFIX_FRAME);
      return IDW_FRAME_REDUNDANT;
    }
  text_len = strlen (frame_text);
  if (text_len > MAX_FRAME_TEXT)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("A frame of an animated code is longer than %d characters"), MAX_FRAME_TEXT);
      return IDW_FRAME_REDUNDANT;
    }

  bytes = idw_base45_decode (frame_text + strlen (IDW_PREFIX_FRAME), -1, error);
  if (bytes == NULL)
    return IDW_FRAME_REDUNDANT;
  frame = g_bytes_get_data (bytes, &frame_len);
  if (frame_len <= IDW_ANIMATION_FRAME_OVERHEAD)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("A frame of an animated code has %lu bytes, too few for its header"),
                   (unsigned long) frame_len);
      return IDW_FRAME_REDUNDANT;
    }
  if (crc32 (0, frame, (uInt) (frame_len - CRC_LENGTH)) != get_be32 (frame + frame_len - CRC_LENGTH))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("A frame of an animated code has a wrong checksum"));
      return IDW_FRAME_REDUNDANT;
    }

  id = get_be32 (frame);
  length = get_be32 (frame + 4);
  seq = get_be32 (frame + 8);
  block_size = frame_len - IDW_ANIMATION_FRAME_OVERHEAD;

  if (length == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("A frame of an animated code says its code is empty"));
      return IDW_FRAME_REDUNDANT;
    }
  if (length > IDW_ANIMATION_MAX_PAYLOAD)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("An animated code of %lu bytes is over the limit of %d"),
                   (unsigned long) length, IDW_ANIMATION_MAX_PAYLOAD);
      return IDW_FRAME_REDUNDANT;
    }
  n_blocks = (length + block_size - 1) / block_size;
  if (n_blocks > IDW_ANIMATION_MAX_BLOCKS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("An animated code of %lu frames is over the limit of %d"),
                   (unsigned long) n_blocks, IDW_ANIMATION_MAX_BLOCKS);
      return IDW_FRAME_REDUNDANT;
    }

  if (is_done (collector, id))
    return IDW_FRAME_REDUNDANT;

  slot = find_slot (collector, id, length, block_size, (guint) n_blocks, error);
  if (slot == NULL)
    return IDW_FRAME_REDUNDANT;
  slot->last_used = ++collector->clock;

  row = g_malloc (row_width (slot));
  frame_coefficients (seq, slot->n_blocks, row);
  memcpy (row + slot->n_blocks, frame + HEADER_LENGTH, block_size);
  if (!slot_add_row (slot, row))
    return IDW_FRAME_REDUNDANT;
  if (slot->rank < slot->n_blocks)
    return IDW_FRAME_ADDED;

  text = slot_rebuild (slot, error);
  drop_slot (collector, slot);
  if (text == NULL)
    return IDW_FRAME_REDUNDANT;
  mark_done (collector, id);
  *out_text = text;

  return IDW_FRAME_COMPLETE;
}
