/* idw-input.h: what a person gives the verifier, recognised once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first steps of the verification pipeline (DESIGN §4): a text that was
 * pasted, a file that was opened or dropped, a picture or a camera frame,
 * or raw CBOR (binary or hex). IdwInput recognises which it is, reads the
 * QR code of a picture (once, within the size limits), and says what the
 * content is: an ID Wallet presentation, a request, a credential request, a
 * raw DeviceResponse, or none of these. Every caller — the app's camera,
 * paste, open and drop, the respond dialog, the CLI and the benchmarks —
 * starts here; nothing else sniffs input.
 */
#pragma once

#include <glib-object.h>

#include <cbor.h>

#include "idw-envelope.h"
#include "idw-qr.h"

G_BEGIN_DECLS

/**
 * IdwInputSource:
 * @IDW_INPUT_SOURCE_TEXT: text, as given
 * @IDW_INPUT_SOURCE_IMAGE: a picture or camera frame: the text of its QR code
 * @IDW_INPUT_SOURCE_CBOR: binary CBOR, or hexadecimal text of it
 */
typedef enum
{
  IDW_INPUT_SOURCE_TEXT,
  IDW_INPUT_SOURCE_IMAGE,
  IDW_INPUT_SOURCE_CBOR,
} IdwInputSource;

/**
 * IdwInputKind:
 * @IDW_INPUT_UNKNOWN: text or a QR code that is none of ours
 * @IDW_INPUT_PRESENTATION: an "IDW1:" presentation
 * @IDW_INPUT_REQUEST: an "IDWR1:" request for an ID (remote check)
 * @IDW_INPUT_CREDENTIAL_REQUEST: an "IDWC1:" request for a credential
 * @IDW_INPUT_DEVICE_RESPONSE: a raw ISO 18013-5 DeviceResponse (CBOR)
 * @IDW_INPUT_FRAME: one "IDWF1:" frame of an animated presentation: it
 *   takes an #IdwFrameCollector and more frames to make a presentation
 *
 * What the input holds, by its form; nothing is parsed yet.
 */
typedef enum
{
  IDW_INPUT_UNKNOWN,
  IDW_INPUT_PRESENTATION,
  IDW_INPUT_REQUEST,
  IDW_INPUT_CREDENTIAL_REQUEST,
  IDW_INPUT_DEVICE_RESPONSE,
  IDW_INPUT_FRAME,
} IdwInputKind;

#define IDW_TYPE_INPUT (idw_input_get_type ())

typedef struct _IdwInput IdwInput;

GType           idw_input_get_type                (void) G_GNUC_CONST;

IdwInput       *idw_input_new_from_data           (GBytes          *data,
                                                   GError         **error);
/* Text as pasted. Errors: IDW_ERROR_LIMIT (longer than IDW_MAX_TEXT_LENGTH). */
IdwInput       *idw_input_new_from_text           (const char      *text,
                                                   GError         **error);
/* A raw DeviceResponse and its SessionTranscript (nullable), not sniffed. */
IdwInput       *idw_input_new_from_device_response (GBytes         *device_response,
                                                    GBytes         *session_transcript);
IdwInput       *idw_input_new_from_pixels         (const guint8    *pixels,
                                                   int              width,
                                                   int              height,
                                                   gsize            stride,
                                                   IdwPixelFormat   format,
                                                   gboolean         camera_frame,
                                                   GError         **error);

IdwInput       *idw_input_ref                     (IdwInput        *input);
void            idw_input_unref                   (IdwInput        *input);

IdwInputSource  idw_input_get_source              (IdwInput        *input);
IdwInputKind    idw_input_get_kind                (IdwInput        *input);
/* The text (given, or read from the QR code); NULL for CBOR. */
const char     *idw_input_get_text                (IdwInput        *input);
/* The CBOR bytes (hex already decoded); NULL for text. */
GBytes         *idw_input_get_cbor                (IdwInput        *input);
/* The SessionTranscript given with a raw response, as given (plain or
 * tag-24 wrapped, binary or hex); NULL when none. */
GBytes         *idw_input_get_session_transcript  (IdwInput        *input);
void            idw_input_set_session_transcript  (IdwInput        *input,
                                                   GBytes          *transcript);

/**
 * IdwInputContents:
 * @response: the DeviceResponse item
 * @transcript: (nullable): the plain SessionTranscript CBOR
 * @transcript_bytes: (nullable): SessionTranscriptBytes, `#6.24(bstr .cbor
 *   SessionTranscript)`, as the device authentication covers it
 * @handover: the kind of session (%IDW_HANDOVER_NONE without a transcript)
 * @has_presented_at: whether the session is an ID Wallet QR handover,
 *   which carries the time it was presented
 * @presented_at: presentedAt, Unix seconds
 * @nonce: (nullable): the nonce of an ID Wallet QR handover
 *
 * What an input holds once opened: the response and the session it was
 * made for.
 */
typedef struct
{
  cbor_item_t     *response;
  GBytes          *transcript;
  GBytes          *transcript_bytes;
  IdwHandoverKind  handover;
  gboolean         has_presented_at;
  gint64           presented_at;
  GBytes          *nonce;
} IdwInputContents;

IdwInputContents *idw_input_open                  (IdwInput        *input,
                                                   GError         **error);
void            idw_input_contents_free           (IdwInputContents *contents);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwInputContents, idw_input_contents_free)

/* "text", "image", "cbor"; "unknown", "presentation", "request",
 * "credential-request", "device-response", "frame". */
const char     *idw_input_source_to_string        (IdwInputSource   source);
const char     *idw_input_kind_to_string          (IdwInputKind     kind);

/* Hexadecimal text (white space allowed) as bytes, or NULL when @data is
 * not entirely hex digits (or is empty or odd). Lets people pass .hex test
 * vectors, transcripts and keys. */
GBytes         *idw_input_decode_hex              (GBytes          *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwInput, idw_input_unref)

G_END_DECLS
