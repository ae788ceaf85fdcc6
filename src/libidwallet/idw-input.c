/* idw-input.c: what a person gives the verifier, recognised once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-animation.h"
#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-input.h"
#include "idw-qr.h"
#include "idw-transport.h"

struct _IdwInput
{
  gatomicrefcount  ref_count;
  IdwInputSource   source;
  IdwInputKind     kind;
  char            *text;        /* text and image sources */
  GBytes          *cbor;        /* CBOR source */
  GBytes          *transcript;  /* nullable */
};

G_DEFINE_BOXED_TYPE (IdwInput, idw_input, idw_input_ref, idw_input_unref)

static IdwInput *
input_new (IdwInputSource source)
{
  IdwInput *input = g_new0 (IdwInput, 1);

  g_atomic_ref_count_init (&input->ref_count);
  input->source = source;
  return input;
}

IdwInput *
idw_input_ref (IdwInput *input)
{
  g_return_val_if_fail (input != NULL, NULL);

  g_atomic_ref_count_inc (&input->ref_count);
  return input;
}

void
idw_input_unref (IdwInput *input)
{
  if (input == NULL || !g_atomic_ref_count_dec (&input->ref_count))
    return;

  g_free (input->text);
  g_clear_pointer (&input->cbor, g_bytes_unref);
  g_clear_pointer (&input->transcript, g_bytes_unref);
  g_free (input);
}

static IdwInputKind
kind_of_text (const char *text)
{
  const char *prefix = idw_transport_detect (text);
  const char *start = text;

  while (g_ascii_isspace (*start))
    start++;
  if (g_str_has_prefix (start, IDW_PREFIX_FRAME))
    return IDW_INPUT_FRAME;
  if (g_strcmp0 (prefix, IDW_PREFIX_PRESENTATION) == 0)
    return IDW_INPUT_PRESENTATION;
  if (g_strcmp0 (prefix, IDW_PREFIX_REQUEST) == 0)
    return IDW_INPUT_REQUEST;
  if (g_strcmp0 (prefix, IDW_PREFIX_CREDENTIAL) == 0)
    return IDW_INPUT_CREDENTIAL_REQUEST;
  return IDW_INPUT_UNKNOWN;
}

/* Takes @text. */
static IdwInput *
input_new_text (IdwInputSource  source,
                char           *text)
{
  IdwInput *input = input_new (source);

  input->text = text;
  input->kind = kind_of_text (text);
  return input;
}

static gboolean
looks_like_picture (const guint8 *data,
                    gsize         len)
{
  static const struct { const char *magic; gsize len; } magics[] = {
    { "\x89PNG\r\n\x1a\n", 8 },
    { "\xff\xd8\xff", 3 },
    { "GIF87a", 6 },
    { "GIF89a", 6 },
    { "BM", 2 },
    { "II*\0", 4 },
    { "MM\0*", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (magics); i++)
    if (len >= magics[i].len && memcmp (data, magics[i].magic, magics[i].len) == 0)
      return TRUE;

  /* WebP: "RIFF" size "WEBP" */
  return len >= 12 && memcmp (data, "RIFF", 4) == 0 && memcmp (data + 8, "WEBP", 4) == 0;
}

GBytes *
idw_input_decode_hex (GBytes *data)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  const guint8 *p;
  gsize size;
  int high = -1;

  g_return_val_if_fail (data != NULL, NULL);

  p = g_bytes_get_data (data, &size);
  for (gsize i = 0; i < size; i++)
    {
      int digit;
      guint8 byte;

      if (g_ascii_isspace (p[i]))
        continue;

      digit = g_ascii_xdigit_value ((char) p[i]);
      if (digit < 0)
        return NULL;
      if (high < 0)
        {
          high = digit;
          continue;
        }
      byte = (guint8) ((high << 4) | digit);
      g_byte_array_append (out, &byte, 1);
      high = -1;
    }

  if (high >= 0 || out->len == 0)
    return NULL;

  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/**
 * idw_input_new_from_data:
 * @data: the bytes of a file, a paste or standard input
 * @error: return location for a #GError
 *
 * Recognises @data: a picture (PNG, JPEG, GIF, BMP, WebP, TIFF) is read for
 * a QR code; UTF-8 text is text unless it is nothing but hexadecimal
 * digits, which are CBOR; anything else is CBOR.
 *
 * Returns: (transfer full): the input, or %NULL with %IDW_ERROR_LIMIT (more
 *   than %IDW_MAX_INPUT_FILE bytes, a picture over the size limits),
 *   %IDW_ERROR_NO_CODE (a picture without a QR code), or
 *   %IDW_ERROR_MALFORMED (empty, a damaged picture, text with a NUL byte)
 */
IdwInput *
idw_input_new_from_data (GBytes  *data,
                         GError **error)
{
  const guint8 *p;
  gsize size;
  gsize start = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  p = g_bytes_get_data (data, &size);
  if (size > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The input is too large: more than %d bytes."), IDW_MAX_INPUT_FILE);
      return NULL;
    }
  while (start < size && g_ascii_isspace (p[start]))
    start++;
  if (start == size)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED, _("The input is empty."));
      return NULL;
    }

  if (looks_like_picture (p, size))
    {
      char *text = idw_qr_decode_image (data, error);

      return text != NULL ? input_new_text (IDW_INPUT_SOURCE_IMAGE, text) : NULL;
    }

  /* Text: ours by its prefix, or any UTF-8 that is not hexadecimal, so that
   * a wrong paste is reported as text of the wrong kind rather than as bad
   * CBOR. A DeviceResponse starts with a map head (0xa0–0xbf), which never
   * starts a UTF-8 sequence. */
  if (g_utf8_validate ((const char *) p, (gssize) size, NULL) || (size - start >= 3 && memcmp (p + start, "IDW", 3) == 0))
    {
      g_autoptr(GBytes) hex = NULL;

      if (memchr (p, '\0', size) != NULL)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                               _("The text contains a NUL byte."));
          return NULL;
        }
      hex = idw_input_decode_hex (data);
      if (hex != NULL)
        {
          IdwInput *input = input_new (IDW_INPUT_SOURCE_CBOR);

          input->cbor = g_steal_pointer (&hex);
          input->kind = IDW_INPUT_DEVICE_RESPONSE;
          return input;
        }
      return input_new_text (IDW_INPUT_SOURCE_TEXT, g_strndup ((const char *) p, size));
    }

  {
    IdwInput *input = input_new (IDW_INPUT_SOURCE_CBOR);

    input->cbor = g_bytes_ref (data);
    input->kind = IDW_INPUT_DEVICE_RESPONSE;
    return input;
  }
}

IdwInput *
idw_input_new_from_text (const char  *text,
                         GError     **error)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strnlen (text, IDW_MAX_INPUT_FILE + 1) > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The input is too large: more than %d bytes."), IDW_MAX_INPUT_FILE);
      return NULL;
    }
  return input_new_text (IDW_INPUT_SOURCE_TEXT, g_strdup (text));
}

IdwInput *
idw_input_new_from_device_response (GBytes *device_response,
                                    GBytes *session_transcript)
{
  IdwInput *input;

  g_return_val_if_fail (device_response != NULL, NULL);

  input = input_new (IDW_INPUT_SOURCE_CBOR);
  input->kind = IDW_INPUT_DEVICE_RESPONSE;
  input->cbor = g_bytes_ref (device_response);
  if (session_transcript != NULL)
    input->transcript = g_bytes_ref (session_transcript);
  return input;
}

static gsize
bytes_per_pixel (IdwPixelFormat format)
{
  switch (format)
    {
    case IDW_PIXEL_FORMAT_GRAY8:
      return 1;
    case IDW_PIXEL_FORMAT_RGB8:
      return 3;
    case IDW_PIXEL_FORMAT_RGBA8:
    case IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED:
    default:
      return 4;
    }
}

/**
 * idw_input_new_from_pixels:
 * @pixels: (array): the pixels, rows top to bottom
 * @width: the width
 * @height: the height
 * @stride: bytes from one row to the next
 * @format: the pixel format
 * @camera_frame: %TRUE for a camera frame (one quick scan, as a stream has
 *   more frames), %FALSE for a still picture (a patient scan)
 * @error: return location for a #GError
 *
 * Reads the QR code of a picture.
 *
 * Returns: (transfer full): the input, or %NULL with the errors of
 *   idw_qr_decode_gray()
 */
IdwInput *
idw_input_new_from_pixels (const guint8    *pixels,
                           int              width,
                           int              height,
                           gsize            stride,
                           IdwPixelFormat   format,
                           gboolean         camera_frame,
                           GError         **error)
{
  g_autofree guint8 *gray = NULL;
  char *text;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idw_qr_check_dimensions (width, height, error))
    return NULL;
  g_return_val_if_fail (stride >= (gsize) width * bytes_per_pixel (format), NULL);

  gray = idw_qr_to_gray (pixels, width, height, stride, format);
  if (camera_frame)
    text = idw_qr_decode_gray (gray, width, height, width, error);
  else
    text = idw_qr_decode_picture (gray, width, height, width, error);

  return text != NULL ? input_new_text (IDW_INPUT_SOURCE_IMAGE, text) : NULL;
}

IdwInputSource
idw_input_get_source (IdwInput *input)
{
  g_return_val_if_fail (input != NULL, IDW_INPUT_SOURCE_TEXT);
  return input->source;
}

IdwInputKind
idw_input_get_kind (IdwInput *input)
{
  g_return_val_if_fail (input != NULL, IDW_INPUT_UNKNOWN);
  return input->kind;
}

const char *
idw_input_get_text (IdwInput *input)
{
  g_return_val_if_fail (input != NULL, NULL);
  return input->text;
}

GBytes *
idw_input_get_cbor (IdwInput *input)
{
  g_return_val_if_fail (input != NULL, NULL);
  return input->cbor;
}

GBytes *
idw_input_get_session_transcript (IdwInput *input)
{
  g_return_val_if_fail (input != NULL, NULL);
  return input->transcript;
}

void
idw_input_set_session_transcript (IdwInput *input,
                                  GBytes   *transcript)
{
  g_return_if_fail (input != NULL);

  g_clear_pointer (&input->transcript, g_bytes_unref);
  if (transcript != NULL)
    input->transcript = g_bytes_ref (transcript);
}

const char *
idw_input_source_to_string (IdwInputSource source)
{
  switch (source)
    {
    case IDW_INPUT_SOURCE_TEXT:
      return "text";
    case IDW_INPUT_SOURCE_IMAGE:
      return "image";
    case IDW_INPUT_SOURCE_CBOR:
    default:
      return "cbor";
    }
}

const char *
idw_input_kind_to_string (IdwInputKind kind)
{
  switch (kind)
    {
    case IDW_INPUT_PRESENTATION:
      return "presentation";
    case IDW_INPUT_REQUEST:
      return "request";
    case IDW_INPUT_CREDENTIAL_REQUEST:
      return "credential-request";
    case IDW_INPUT_DEVICE_RESPONSE:
      return "device-response";
    case IDW_INPUT_FRAME:
      return "frame";
    case IDW_INPUT_UNKNOWN:
    default:
      return "unknown";
    }
}

/* ---- Opening ------------------------------------------------------------ */

void
idw_input_contents_free (IdwInputContents *contents)
{
  if (contents == NULL)
    return;

  g_clear_pointer (&contents->response, idw_cbor_unref);
  g_clear_pointer (&contents->transcript, g_bytes_unref);
  g_clear_pointer (&contents->transcript_bytes, g_bytes_unref);
  g_clear_pointer (&contents->nonce, g_bytes_unref);
  g_free (contents);
}

/* An IDW1 text: transport, envelope, and the QR transcript it stands for. */
static IdwInputContents *
open_presentation (const char  *text,
                   GError     **error)
{
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, error);
  IdwInputContents *contents;

  if (envelope == NULL)
    return NULL;

  contents = g_new0 (IdwInputContents, 1);
  contents->response = cbor_incref (envelope->response);
  contents->transcript = idw_envelope_get_session_transcript (envelope);
  contents->transcript_bytes = idw_cbor_wrap_tag24 (contents->transcript);
  contents->handover = IDW_HANDOVER_IDWALLET_QR;
  contents->has_presented_at = TRUE;
  contents->presented_at = envelope->presented_at;
  contents->nonce = envelope->nonce != NULL ? g_bytes_ref (envelope->nonce) : NULL;
  return contents;
}

/* The plain and the wrapped transcript from @given (either form), and the
 * kind of session it belongs to. */
static gboolean
open_transcript (IdwInputContents  *contents,
                 GBytes            *given,
                 GError           **error)
{
  g_autoptr(cbor_item_t) item = idw_cbor_decode_bytes (given, error);
  g_autoptr(cbor_item_t) inner = NULL;

  /* The handover's own messages name the SessionTranscript already. */
  if (item == NULL)
    {
      g_prefix_error (error, _("SessionTranscript: "));
      return FALSE;
    }

  if (idw_cbor_untag (item, IDW_CBOR_TAG_ENCODED_CBOR) != NULL)
    {
      inner = idw_cbor_decode_tag24 (item, &contents->transcript, error);
      if (inner == NULL)
        {
          g_prefix_error (error, _("SessionTranscript: "));
          return FALSE;
        }
      contents->transcript_bytes = g_bytes_ref (given);
    }
  else
    {
      inner = g_steal_pointer (&item);
      contents->transcript = g_bytes_ref (given);
      contents->transcript_bytes = idw_cbor_wrap_tag24 (given);
    }

  contents->handover = idw_session_transcript_get_handover (inner, &contents->presented_at,
                                                            &contents->nonce, error);
  contents->has_presented_at = contents->handover == IDW_HANDOVER_IDWALLET_QR;
  return contents->handover != IDW_HANDOVER_NONE;
}

/* A raw DeviceResponse with the SessionTranscript it was given with. */
static IdwInputContents *
open_device_response (GBytes  *cbor,
                      GBytes  *transcript,
                      GError **error)
{
  g_autoptr(IdwInputContents) contents = NULL;

  if (g_bytes_get_size (cbor) > IDW_MAX_INFLATED_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("the response is larger than %d bytes"), IDW_MAX_INFLATED_LENGTH);
      return NULL;
    }

  contents = g_new0 (IdwInputContents, 1);
  contents->response = idw_cbor_decode_bytes (cbor, error);
  if (contents->response == NULL)
    {
      g_prefix_error (error, "DeviceResponse: ");
      return NULL;
    }

  if (transcript != NULL && !open_transcript (contents, transcript, error))
    return NULL;
  return g_steal_pointer (&contents);
}

/**
 * idw_input_open:
 * @input: an input
 * @error: return location for a #GError
 *
 * The next steps of the pipeline: an "IDW1:" text through the transport
 * (Base45, zlib) and the envelope, with the QR transcript it stands for;
 * a raw DeviceResponse decoded (within IDW_MAX_INFLATED_LENGTH), with its
 * transcript (plain or tag-24 wrapped) and the kind of session that made
 * it. Nothing is verified.
 *
 * Returns: (transfer full): the contents, or %NULL with
 *   %IDW_ERROR_WRONG_PREFIX (a request, a credential request, or a text
 *   that is none of ours: the message says which), the errors of the
 *   transport, the envelope and the CBOR decoder, and of
 *   idw_session_transcript_get_handover() for the transcript
 */
IdwInputContents *
idw_input_open (IdwInput  *input,
                GError   **error)
{
  g_return_val_if_fail (input != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (input->kind)
    {
    case IDW_INPUT_DEVICE_RESPONSE:
      return open_device_response (input->cbor, input->transcript, error);

    case IDW_INPUT_REQUEST:
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                   _("this is a request for an ID (“%s”), not an ID"), IDW_PREFIX_REQUEST);
      return NULL;

    case IDW_INPUT_CREDENTIAL_REQUEST:
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                   _("this is a request for a credential (“%s”), not an ID"), IDW_PREFIX_CREDENTIAL);
      return NULL;

    case IDW_INPUT_FRAME:
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                           _("this is one frame of an animated ID code; the ID needs enough of "
                             "its frames (keep the camera on the code, or give every frame)"));
      return NULL;

    case IDW_INPUT_PRESENTATION:
    case IDW_INPUT_UNKNOWN:
    default:
      /* For unknown text the transport names what it found instead. */
      return open_presentation (input->text, error);
    }
}
