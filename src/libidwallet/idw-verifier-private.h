/* idw-verifier-private.h: what the verifier and its checks share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * idw-verifier.c holds the object, its caches and the pipeline's entry
 * points; idw-verifier-checks.c the checks, which read the verifier's
 * settings and caches through this header.
 */
#pragma once

#include <glib-object.h>

#include "idw-cose.h"
#include "idw-input.h"
#include "idw-key.h"
#include "idw-mdoc.h"
#include "idw-status-fetcher.h"
#include "idw-verdict.h"
#include "idw-verifier.h"
#include "idw-x509.h"

G_BEGIN_DECLS

struct _IdwVerifier
{
  GObject         parent_instance;

  GPtrArray      *anchors;          /* IdwCertificate* */
  GHashTable     *origins;          /* fingerprint → IdwTrustOrigin, under cache_lock */
  GDateTime      *at;               /* nullable: the clock */
  guint           window;
  IdwNonceFunc    nonce_func;
  gpointer        nonce_data;
  GDestroyNotify  nonce_destroy;
  GBytes         *expected_nonce;
  guint8         *reader_key;       /* P-256 scalar in guarded memory, nullable */
  IdwStatusFetcher *status_fetcher; /* nullable: status lists are not fetched */

  /* Parsed and validated x5chains (DESIGN §9 allows caching validated DS
   * chains keyed on the certificate bytes, the trust anchors and the
   * validity window), and device keys, keyed on their encodings. */
  GMutex          cache_lock;
  guint           anchors_generation;
  GHashTable     *chain_cache;      /* GBytes (x5chain CBOR) → ChainEntry */
  GHashTable     *key_cache;        /* GBytes (COSE_Key CBOR) → IdwKey */
};

typedef struct
{
  gint            ref_count;
  GPtrArray      *chain;            /* IdwCertificate*, leaf first */
  IdwKey         *ds_key;           /* NULL when unusable */
  char           *ds_key_error;
  char           *subject;
  char           *common_name;
  char           *country;
  char           *organization;
  /* The test-issuer mark on any certificate of the x5chain. */
  gboolean        test_issuer;
  /* A successful validation against anchors_generation, good for any
   * signing time and verification time within [valid_from, valid_until]:
   * the intersection of the validity of the chain and its anchor. */
  gboolean        validated;
  guint           validated_generation;
  gint64          valid_from;
  gint64          valid_until;
  IdwCertificate *anchor;
  gboolean        pinned;           /* the DS is the anchor itself */
  gboolean        path_test_issuer; /* the mark on the path's anchor */
  /* Unreadable non-critical extensions of the chain's certificates,
   * which were ignored: "IssuerAltName (2.5.29.18) of “CN=…”". */
  char           *ignored_extensions;
} ChainEntry;

typedef struct
{
  IdwVerifier       *verifier;
  IdwVerdict        *verdict;
  GDateTime         *now;
  IdwInputContents  *input;               /* response and transcript */
  /* Decoded */
  IdwDeviceResponse *response;
  IdwDocument       *document;
  IdwCoseSign1      *issuer_auth;         /* NULL when unsupported (alg, crit) */
  char              *issuer_auth_error;   /* why, then */
  GBytes            *mso_payload;
  ChainEntry        *chain;               /* NULL when x5chain is absent or unreadable */
  IdwMso            *mso;
} Context;

/* ---- Caches (idw-verifier.c) ----------------------------------------------- */

/* The parsed x5chain @item, from the cache when seen before (a new
 * reference). Errors of idw_x5chain_parse(); an empty chain is
 * IDW_ERROR_MISSING_FIELD. */
void        _idw_verifier_chain_entry_unref         (ChainEntry      *entry);
ChainEntry *_idw_verifier_chain_entry_get           (IdwVerifier     *self,
                                                     cbor_item_t     *item,
                                                     GError         **error);
/* Whether @entry was validated against the current anchors for a window
 * that holds @signed_at and @now; then its anchor (new reference). */
gboolean    _idw_verifier_chain_entry_is_validated  (IdwVerifier     *self,
                                                     ChainEntry      *entry,
                                                     GDateTime       *signed_at,
                                                     GDateTime       *now,
                                                     IdwCertificate **out_anchor,
                                                     gboolean        *out_pinned,
                                                     gboolean        *out_test_issuer);
/* Records that @entry validated to @path against the anchors of
 * @generation. */
void        _idw_verifier_chain_entry_set_validated (IdwVerifier     *self,
                                                     ChainEntry      *entry,
                                                     IdwTrustPath    *path,
                                                     gboolean         path_test_issuer,
                                                     guint            generation);
/* The device key of @cose_key, from the cache when seen before (a new
 * reference). Errors of idw_cose_key_decode(). */
IdwKey     *_idw_verifier_device_key_get            (IdwVerifier     *self,
                                                     cbor_item_t     *cose_key,
                                                     GError         **error);

/* ---- The checks (idw-verifier-checks.c) ------------------------------------ */

/* The decode check failed with @error (taken): every later check is not
 * applicable. */
void        _idw_verifier_decode_failed             (Context         *ctx,
                                                     GError          *error);
/* Runs the checks on @ctx's input and fills in its verdict. */
void        _idw_verifier_run_checks                (Context         *ctx);

G_END_DECLS
