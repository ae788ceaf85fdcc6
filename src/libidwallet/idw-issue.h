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
 * @status_uri: the Token Status List the credential's status is kept in,
 *   or %NULL for none
 * @status_index: its entry in that list
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
  const char *status_uri;
  guint64     status_index;
} IdwIssueOptions;

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

cbor_item_t   *idw_issue_value_from_json (const char            *name_space,
                                          const char            *element,
                                          JsonNode              *node,
                                          const char            *base_dir,
                                          GError               **error);

G_END_DECLS
