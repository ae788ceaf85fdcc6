/* idw-trust-origin.h: where a trust anchor came from (DESIGN §3.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An anchor added one by one has no origin (NULL). One imported from a
 * VICAL (ISO/IEC 18013-5 Annex C) has the list's provider, date, issue ID
 * and next update: the data, not a sentence, so that each caller words it
 * ("AAMVA VICAL of 18 November 2025"). Immutable and reference counted,
 * safe to share between threads.
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _IdwTrustOrigin IdwTrustOrigin;

#define IDW_TYPE_TRUST_ORIGIN (idw_trust_origin_get_type ())
GType           idw_trust_origin_get_type        (void) G_GNUC_CONST;

/* @date is required; @issue_id is used only when @has_issue_id;
 * @next_update may be NULL. */
IdwTrustOrigin *idw_trust_origin_new             (const char      *provider,
                                                  GDateTime       *date,
                                                  gboolean         has_issue_id,
                                                  guint64          issue_id,
                                                  GDateTime       *next_update);
IdwTrustOrigin *idw_trust_origin_ref             (IdwTrustOrigin  *self);
void            idw_trust_origin_unref           (IdwTrustOrigin  *self);

/* vicalProvider, as the list names itself (not escaped). */
const char     *idw_trust_origin_get_provider    (IdwTrustOrigin  *self);
/* The list's date (transfer none). */
GDateTime      *idw_trust_origin_get_date        (IdwTrustOrigin  *self);
/* vicalIssueID: FALSE when the list has none. */
gboolean        idw_trust_origin_get_issue_id    (IdwTrustOrigin  *self,
                                                  guint64         *out_issue_id);
/* nextUpdate, NULL when the list has none (transfer none). */
GDateTime      *idw_trust_origin_get_next_update (IdwTrustOrigin  *self);
gboolean        idw_trust_origin_equal           (IdwTrustOrigin  *a,
                                                  IdwTrustOrigin  *b);
/* Which version of a provider's list is newer: date, then issue ID. */
int             idw_trust_origin_compare         (IdwTrustOrigin  *a,
                                                  IdwTrustOrigin  *b);
/* {"kind": "vical", "provider", "date", "issueID": uint | null,
 * "nextUpdate": RFC 3339 | null}, times in UTC ("…Z"). */
JsonNode       *idw_trust_origin_to_json_node    (IdwTrustOrigin  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwTrustOrigin, idw_trust_origin_unref)

G_END_DECLS
