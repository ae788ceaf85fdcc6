/* idw-issue.h: issuing a credential from the holder's data (PERSON.json)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>
#include <json-glib/json-glib.h>

#include "idw-cose.h"
#include "idw-credential.h"
#include "idw-x509.h"

G_BEGIN_DECLS

/**
 * IdwIssueOptions:
 * @doctype: the document type, or %NULL to take it from the namespaces
 *   (org.iso.18013.5.1 → mDL, eu.europa.ec.eudi.pid.1 → EU PID,
 *   org.iso.23220.1 → photo ID)
 * @signed_at: validityInfo.signed, or %NULL for now (or @valid_from when
 *   that is earlier: ISO 18013-5 wants validFrom ≥ signed)
 * @valid_from: validityInfo.validFrom, not earlier than @signed_at, or
 *   %NULL for @signed_at
 * @valid_until: validityInfo.validUntil, or %NULL for @valid_from + 5 years
 *   or the document signer certificate's end, whichever comes first
 * @expected_update: validityInfo.expectedUpdate, or %NULL to leave it out
 *
 * Optional parameters of idw_issue_credential(); a zeroed struct (or %NULL)
 * means all defaults.
 */
typedef struct
{
  const char *doctype;
  GDateTime  *signed_at;
  GDateTime  *valid_from;
  GDateTime  *valid_until;
  GDateTime  *expected_update;
} IdwIssueOptions;

/**
 * idw_issue_credential:
 * @data: the holder's data: namespaces → { element: value }
 * @base_dir: (nullable): the folder that `{"file": …}` values are relative
 *   to (the JSON file's folder)
 * @device_key: the holder's device key; when it holds the private part,
 *   the credential keeps it (for `--new-device-key`)
 * @ds_key: the document signer's Ed25519 private key
 * @ds_certificate: the DS certificate, written as x5chain
 * @options: (nullable): optional parameters
 * @error: return location for a #GError
 *
 * Issues an mdoc: one IssuerSignedItem per element with a fresh 32-byte
 * random and a random unique digest ID, the catalogue choosing each value's
 * CBOR type (see idw_issue_value_from_json()), the MSO with SHA-256 digests
 * signed with EdDSA, all in deterministic CBOR.
 *
 * Returns: (transfer full): the credential, or %NULL with
 *   IDW_ERROR_WRONG_TYPE naming the element ("org.iso.18013.5.1/birth_date:
 *   expected a date YYYY-MM-DD"), IDW_ERROR_MISSING_FIELD (no data, no
 *   doctype can be derived), IDW_ERROR_LIMIT (more than IDW_MAX_ELEMENTS),
 *   IDW_ERROR_IO (a portrait file), IDW_ERROR_UNSUPPORTED (a DS key that
 *   cannot sign), IDW_ERROR_MALFORMED (validUntil before validFrom, or
 *   validFrom before an explicit signing time).
 */
IdwCredential *idw_issue_credential     (JsonObject             *data,
                                         const char             *base_dir,
                                         IdwKey                 *device_key,
                                         IdwKey                 *ds_key,
                                         IdwCertificate         *ds_certificate,
                                         const IdwIssueOptions  *options,
                                         GError                **error);

/* Reads PERSON.json (at most IDW_MAX_INPUT_FILE bytes) and returns its top
 * object; *@out_base_dir (optional) gets the file's folder. Errors:
 * IDW_ERROR_IO, IDW_ERROR_MALFORMED (not JSON or not an object). */
JsonObject    *idw_issue_load_data      (const char             *path,
                                         char                  **out_base_dir,
                                         GError                **error);

/**
 * idw_issue_value_from_json:
 * @name_space: the namespace
 * @element: the element identifier
 * @node: the JSON value
 * @base_dir: (nullable): folder for `{"file": …}`
 * @error: return location for a #GError
 *
 * The CBOR value of one element: by the catalogue's kind (full-date tag
 * 1004 for "YYYY-MM-DD", tdate for date-times, bstr from `{"file": …}` or
 * `{"base64": …}`, bool, uint, driving privileges as arrays of maps with
 * full-dates); unknown elements map naturally (string → tstr, integer →
 * int, number → float, bool, null, arrays, objects; `{"base64"}` → bstr).
 *
 * Returns: (transfer full): a new item, or %NULL with IDW_ERROR_WRONG_TYPE
 *   ("org.iso.18013.5.1/birth_date: expected a date YYYY-MM-DD") or
 *   IDW_ERROR_IO.
 */
cbor_item_t   *idw_issue_value_from_json (const char            *name_space,
                                          const char            *element,
                                          JsonNode              *node,
                                          const char            *base_dir,
                                          GError               **error);

G_END_DECLS
