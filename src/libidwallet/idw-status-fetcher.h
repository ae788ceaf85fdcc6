/* idw-status-fetcher.h: getting Status List Tokens, online or from the cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "idw-status-token.h"

G_BEGIN_DECLS

#define IDW_STATUS_FETCH_TIMEOUT   10  /* seconds, for the whole fetch */
#define IDW_STATUS_MAX_REDIRECTS   3
/* The fetch timeout in seconds, for tests (the API's setter wins). */
#define IDW_STATUS_TIMEOUT_ENV     "IDW_STATUS_FETCH_TIMEOUT"

#define IDW_TYPE_STATUS_FETCHER (idw_status_fetcher_get_type ())
G_DECLARE_FINAL_TYPE (IdwStatusFetcher, idw_status_fetcher, IDW, STATUS_FETCHER, GObject)

/* @cache_dir: where lists are kept between runs, NULL for
 * $XDG_CACHE_HOME/id-wallet/status. */
IdwStatusFetcher *idw_status_fetcher_new          (const char        *cache_dir);
const char       *idw_status_fetcher_get_cache_dir (IdwStatusFetcher *self);
/* Offline: only the cache is used (a list is used until its exp even when
 * its ttl asks for a fresh one). */
void              idw_status_fetcher_set_offline  (IdwStatusFetcher  *self,
                                                   gboolean           offline);
gboolean          idw_status_fetcher_get_offline  (IdwStatusFetcher  *self);
/* The longest a fetch may take, redirects included (default 10 s, or
 * $IDW_STATUS_FETCH_TIMEOUT). */
void              idw_status_fetcher_set_timeout  (IdwStatusFetcher  *self,
                                                   guint              seconds);

/* The Status List Token published at @uri, validated for @uri at @now
 * against @anchors (idw_status_token_validate()). A cached token is used
 * while its ttl says it is fresh; otherwise it is fetched (only http and
 * https, at most IDW_STATUS_MAX_REDIRECTS redirects, HTTPS certificates
 * checked, at most IDW_MAX_STATUS_LIST_TOKEN bytes, within the timeout)
 * and cached; when that fails, a cached token that has not expired is
 * used. Safe to call from several threads; blocks the calling thread
 * (the verifier runs off the main thread). Errors: IDW_ERROR_UNSUPPORTED
 * (a URI that is not http or https), IDW_ERROR_IO (the network, the
 * server, a timeout), IDW_ERROR_NOT_FOUND (offline and nothing cached),
 * IDW_ERROR_LIMIT (too large), and those of parsing and validating. */
IdwStatusToken   *idw_status_fetcher_lookup       (IdwStatusFetcher  *self,
                                                   const char        *uri,
                                                   GPtrArray         *anchors,
                                                   GDateTime         *now,
                                                   GError           **error);

/* The status of entry @index of the list at @uri, read from a list that
 * chains to @anchor (idw_status_fetcher_lookup() with that one anchor).
 * @anchor is the one the credential's own issuer chains to, so that
 * another issuer can neither revoke nor vouch for it: for a verifier, the
 * anchor its trust store reached; for the holder's own card,
 * idw_credential_get_status_anchor(). @out_token (optional) is set to the
 * list the status was read from, also when it has no entry @index.
 * Errors: those of idw_status_fetcher_lookup() (no usable list: the
 * status is unknown, and @out_token is left NULL), IDW_ERROR_LIMIT with
 * @out_token set (the list has no entry @index). */
gboolean          idw_status_fetcher_get_status   (IdwStatusFetcher  *self,
                                                   const char        *uri,
                                                   guint64            index,
                                                   IdwCertificate    *anchor,
                                                   GDateTime         *now,
                                                   guint             *out_status,
                                                   IdwStatusToken   **out_token,
                                                   GError           **error);

G_END_DECLS
