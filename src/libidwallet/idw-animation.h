/* idw-animation.h: a presentation too large for one QR code, as a stream
 * of frames of a rateless (fountain) code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The payload is the bytes an "IDW1:" text carries after Base45, that is
 * zlib(CBOR envelope). It is cut into K source blocks of S bytes (the last
 * one padded with zeros). Frame n < K carries block n; frame n >= K carries
 * a combination over GF(256) of all K blocks whose coefficients follow from
 * n alone. Any K frames whose combinations are independent (K, or very
 * rarely one or two more) rebuild the payload, whichever frames were
 * missed. Each frame is the text
 *
 *   "IDWF1:" + Base45( id[4] | length[4] | seq[4] | data[S] | crc32[4] )
 *
 * with id = the first 4 bytes of SHA-256(payload), length = the payload's
 * length, seq = n (all big-endian), crc32 over everything before it.
 * docs/formats.md §4.5 specifies it byte by byte with a worked example.
 */
#pragma once

#include <glib.h>

#include "idw-error.h"
#include "idw-qr.h"

G_BEGIN_DECLS

#define IDW_PREFIX_FRAME "IDWF1:"

/* Frames are QR codes of at most this version, error correction level L
 * (chosen by measurement: bench/README.md). A presentation that fits one
 * such code is shown as one code. */
#define IDW_ANIMATION_MAX_VERSION   15
/* The rate the app plays frames at, frames per second. */
#define IDW_ANIMATION_FPS           10
/* Bytes of header and checksum in each frame. */
#define IDW_ANIMATION_FRAME_OVERHEAD 16
/* At most this many source blocks (bounds the decoder's memory). */
#define IDW_ANIMATION_MAX_BLOCKS    256
/* At most this many bytes of payload (a whole IDW1 text is at most
 * IDW_MAX_TEXT_LENGTH characters of Base45). */
#define IDW_ANIMATION_MAX_PAYLOAD   (IDW_MAX_TEXT_LENGTH / 3 * 2)

/* Whether "IDW1:" @text fits in one QR code of version
 * IDW_ANIMATION_MAX_VERSION or less (level L, alphanumeric). */
gboolean      idw_animation_fits_one_frame   (const char     *text);

typedef struct _IdwAnimation IdwAnimation;

/* The frames of "IDW1:" @text, each of them fitting in a QR code of
 * version IDW_ANIMATION_MAX_VERSION at level L.
 * Errors: those of idw_transport_unwrap() (through Base45 only; the zlib
 * stream is not inflated), IDW_ERROR_LIMIT when the payload is over
 * IDW_ANIMATION_MAX_PAYLOAD. */
IdwAnimation *idw_animation_new              (const char     *text,
                                              GError        **error);
/* As idw_animation_new(), in blocks of at most @max_block_size bytes
 * (formats.md's worked example, tests). */
IdwAnimation *idw_animation_new_full         (const char     *text,
                                              gsize           max_block_size,
                                              GError        **error);
void          idw_animation_free             (IdwAnimation   *animation);
/* K: frames 0..K-1 are the source blocks themselves. */
guint         idw_animation_get_n_blocks     (IdwAnimation   *animation);
/* S, the bytes of payload in each frame. */
gsize         idw_animation_get_block_size   (IdwAnimation   *animation);
/* The payload id (first 4 bytes of its SHA-256) as a 32-bit number. */
guint32       idw_animation_get_id           (IdwAnimation   *animation);
/* The text of frame @seq ("IDWF1:…"); any seq is valid, the stream never
 * ends. */
char         *idw_animation_get_frame_text   (IdwAnimation   *animation,
                                              guint32         seq);
/* The QR code of frame @seq (version <= IDW_ANIMATION_MAX_VERSION, level L). */
IdwQrMatrix  *idw_animation_get_frame_matrix (IdwAnimation   *animation,
                                              guint32         seq,
                                              GError        **error);

/**
 * IdwFrameResult:
 * @IDW_FRAME_ADDED: the frame brought new information
 * @IDW_FRAME_REDUNDANT: a frame already seen, or one that brings nothing new
 * @IDW_FRAME_COMPLETE: the payload is rebuilt (idw_frame_collector_add()
 *   returns the "IDW1:" text)
 *
 * What a frame did; a frame that is not a valid frame is an error.
 */
typedef enum
{
  IDW_FRAME_ADDED,
  IDW_FRAME_REDUNDANT,
  IDW_FRAME_COMPLETE,
} IdwFrameResult;

typedef struct _IdwFrameCollector IdwFrameCollector;

/* Collects the frames of up to a few payloads at once (a camera may see
 * two screens, or a holder switch presentations); frames of one payload
 * never mix with another's. */
IdwFrameCollector *idw_frame_collector_new      (void);
void               idw_frame_collector_free     (IdwFrameCollector  *collector);
void               idw_frame_collector_reset    (IdwFrameCollector  *collector);
/* Adds the text of one frame. On IDW_FRAME_COMPLETE, @out_text (required)
 * gets the rebuilt "IDW1:" text, the payload is forgotten and its frames
 * are from then on redundant until idw_frame_collector_reset().
 * Errors: IDW_ERROR_WRONG_PREFIX (not a frame), IDW_ERROR_MALFORMED (bad
 * Base45, too short, bad checksum, a header that contradicts earlier frames
 * of the same id, a rebuilt payload whose SHA-256 does not match the id),
 * IDW_ERROR_LIMIT (length over IDW_ANIMATION_MAX_PAYLOAD, more than
 * IDW_ANIMATION_MAX_BLOCKS blocks). A bad frame changes nothing. */
IdwFrameResult     idw_frame_collector_add      (IdwFrameCollector  *collector,
                                                 const char         *frame_text,
                                                 char              **out_text,
                                                 GError            **error);
/* How far the most advanced payload is, 0.0 to 1.0 (independent frames
 * received over K); 0.0 when there is none. */
double             idw_frame_collector_get_progress (IdwFrameCollector *collector);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwAnimation, idw_animation_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwFrameCollector, idw_frame_collector_free)

G_END_DECLS
