/* idw-error.h: the engine's error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IDW_ERROR (idw_error_quark ())

/**
 * IdwError:
 * @IDW_ERROR_FAILED: an unexpected internal failure (a library call failed)
 * @IDW_ERROR_MALFORMED: the input is not well formed (bad CBOR, bad Base45, bad structure)
 * @IDW_ERROR_LIMIT: the input exceeds one of the engine's limits (size, nesting, count)
 * @IDW_ERROR_WRONG_TYPE: a field has the wrong type ("MSO validityInfo.validUntil: expected tdate")
 * @IDW_ERROR_MISSING_FIELD: a required field is absent
 * @IDW_ERROR_DUPLICATE: a duplicate map key, digest ID or element
 * @IDW_ERROR_UNSUPPORTED: a well-formed input uses something we do not support (algorithm, curve, version)
 * @IDW_ERROR_BAD_SIGNATURE: a signature does not verify
 * @IDW_ERROR_BAD_CERTIFICATE: a certificate cannot be parsed or is unusable
 * @IDW_ERROR_UNTRUSTED: a certificate chain does not lead to a trust anchor
 * @IDW_ERROR_EXPIRED: something is no longer valid at the given time
 * @IDW_ERROR_NOT_YET_VALID: something is not valid yet at the given time
 * @IDW_ERROR_DIGEST_MISMATCH: a disclosed item's digest differs from the MSO's
 * @IDW_ERROR_WRONG_PREFIX: a text does not start with the expected envelope prefix
 * @IDW_ERROR_NO_CODE: no QR code was found in an image
 * @IDW_ERROR_TOO_LARGE_FOR_QR: the payload does not fit in a QR code
 * @IDW_ERROR_IO: reading or writing a file failed
 * @IDW_ERROR_NOT_FOUND: a named item (key, credential, certificate) does not exist
 * @IDW_ERROR_KEYRING: the Secret Service is missing, locked or refused
 * @IDW_ERROR_NONCE: a nonce is unknown, already used or does not match
 * @IDW_ERROR_SUPERSEDED: a newer version is held already (a trust list
 *   older than the one imported before)
 * @IDW_ERROR_NO_TPM: no TPM 2.0 can be used (none present, none reachable,
 *   or a build without TPM support)
 * @IDW_ERROR_WRONG_TPM: a TPM-bound key was made by another TPM (another
 *   computer, or this one's TPM after a reset)
 * @IDW_ERROR_HISTORY: the holder's history file cannot be read (damaged,
 *   another wallet's) or an entry breaks a limit
 * @IDW_ERROR_BACKUP_PASSPHRASE: a backup does not open with this passphrase
 *   (or was altered so that no passphrase opens it)
 * @IDW_ERROR_BACKUP_DAMAGED: a backup is truncated, altered after its
 *   header, or not a backup at all
 *
 * Every code has a specific, translatable message at the place it is raised.
 */
typedef enum
{
  IDW_ERROR_FAILED,
  IDW_ERROR_MALFORMED,
  IDW_ERROR_LIMIT,
  IDW_ERROR_WRONG_TYPE,
  IDW_ERROR_MISSING_FIELD,
  IDW_ERROR_DUPLICATE,
  IDW_ERROR_UNSUPPORTED,
  IDW_ERROR_BAD_SIGNATURE,
  IDW_ERROR_BAD_CERTIFICATE,
  IDW_ERROR_UNTRUSTED,
  IDW_ERROR_EXPIRED,
  IDW_ERROR_NOT_YET_VALID,
  IDW_ERROR_DIGEST_MISMATCH,
  IDW_ERROR_WRONG_PREFIX,
  IDW_ERROR_NO_CODE,
  IDW_ERROR_TOO_LARGE_FOR_QR,
  IDW_ERROR_IO,
  IDW_ERROR_NOT_FOUND,
  IDW_ERROR_KEYRING,
  IDW_ERROR_NONCE,
  IDW_ERROR_SUPERSEDED,
  IDW_ERROR_NO_TPM,
  IDW_ERROR_WRONG_TPM,
  IDW_ERROR_HISTORY,
  IDW_ERROR_BACKUP_PASSPHRASE,
  IDW_ERROR_BACKUP_DAMAGED,
  /* New codes go here, at the end. */
} IdwError;

GQuark idw_error_quark (void);

/* Engine-wide limits (DESIGN.md §4). Each has a test. */
#define IDW_MAX_TEXT_LENGTH     (64 * 1024)   /* an IDW1:/IDWR1:/IDWC1: text */
#define IDW_MAX_INFLATED_LENGTH (256 * 1024)  /* after zlib inflate */
#define IDW_MAX_CBOR_DEPTH      16            /* nesting of arrays, maps and tags */
#define IDW_MAX_CBOR_ITEMS      1024          /* entries in one array or map */
#define IDW_MAX_ELEMENTS        1024          /* data elements in one document */
#define IDW_MAX_X5CHAIN         4             /* certificates in x5chain */
#define IDW_MAX_INPUT_FILE      (8 * 1024 * 1024) /* any file the engine reads */
#define IDW_MAX_IMAGE_SIDE      8192          /* pixels on either side of a picture */
#define IDW_MAX_IMAGE_PIXELS    (4096 * 4096) /* a picture to read a QR code from */
#define IDW_MAX_VICAL_SIZE      (4 * 1024 * 1024) /* a VICAL file (ISO 18013-5 Annex C) */
#define IDW_MAX_VICAL_ENTRIES   1024          /* certificateInfos in one VICAL */

G_END_DECLS
