/* idw-verifier-cache.c: what a long-lived verifier remembers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * DESIGN §9 allows caching validated document signer chains, keyed on the
 * certificate bytes, the trust anchors and the validity window; device keys
 * are kept by their COSE_Key encodings. The app keeps one verifier as long
 * as its Verify view, so every check after the first reuses them.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-error.h"
#include "idw-verifier-private.h"

#define CACHE_MAX_ENTRIES 64

static ChainEntry *
chain_entry_ref (ChainEntry *entry)
{
  g_atomic_int_inc (&entry->ref_count);
  return entry;
}

void
_idw_verifier_chain_entry_unref (ChainEntry *entry)
{
  if (entry == NULL || !g_atomic_int_dec_and_test (&entry->ref_count))
    return;
  g_ptr_array_unref (entry->chain);
  g_clear_pointer (&entry->ds_key, idw_key_unref);
  g_free (entry->ds_key_error);
  g_free (entry->subject);
  g_free (entry->common_name);
  g_free (entry->country);
  g_free (entry->organization);
  g_clear_pointer (&entry->anchor, idw_certificate_unref);
  g_free (entry->ignored_extensions);
  g_free (entry);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ChainEntry, _idw_verifier_chain_entry_unref)


/* "IssuerAltName (2.5.29.18) of “CN=…”, …", or NULL when every extension
 * of every certificate could be read. */
static char *
describe_ignored_extensions (GPtrArray *chain)
{
  g_autoptr(GString) out = NULL;

  for (guint i = 0; i < chain->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (chain, i);
      const char * const *names = idw_certificate_get_ignored_extensions (cert);
      g_autofree char *subject = NULL;

      if (names == NULL || names[0] == NULL)
        continue;
      subject = idw_certificate_get_subject (cert);
      for (guint j = 0; names[j] != NULL; j++)
        {
          if (out == NULL)
            out = g_string_new (NULL);
          else
            g_string_append (out, ", ");
          /* Translators: "IssuerAltName (2.5.29.18) of “CN=…”" */
          g_string_append_printf (out, _("%s of “%s”"), names[j], subject);
        }
    }
  return out != NULL ? g_string_free (g_steal_pointer (&out), FALSE) : NULL;
}

/* The parsed x5chain @item, from the cache when seen before. Errors of
 * idw_x5chain_parse(); an empty chain is IDW_ERROR_MISSING_FIELD. */
ChainEntry *
_idw_verifier_chain_entry_get (IdwVerifier  *self,
                               cbor_item_t  *item,
                               GError      **error)
{
  g_autoptr(GBytes) key = idw_cbor_encode (item);
  g_autoptr(ChainEntry) entry = NULL;
  g_autoptr(GError) key_error = NULL;
  IdwCertificate *ds;

  g_mutex_lock (&self->cache_lock);
  entry = g_hash_table_lookup (self->chain_cache, key);
  if (entry != NULL)
    chain_entry_ref (entry);
  g_mutex_unlock (&self->cache_lock);
  if (entry != NULL)
    return g_steal_pointer (&entry);

  entry = g_new0 (ChainEntry, 1);
  entry->ref_count = 1;
  entry->chain = idw_x5chain_parse (item, error);
  if (entry->chain == NULL)
    {
      entry->chain = g_ptr_array_new ();
      return NULL;
    }
  if (entry->chain->len == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD, _("x5chain is empty"));
      return NULL;
    }

  ds = g_ptr_array_index (entry->chain, 0);
  entry->ds_key = idw_certificate_get_public_key (ds, &key_error);
  if (entry->ds_key == NULL)
    entry->ds_key_error = g_strdup (key_error->message);
  entry->subject = idw_certificate_get_subject (ds);
  entry->common_name = idw_certificate_get_common_name (ds);
  entry->country = idw_certificate_get_country (ds);
  entry->organization = idw_certificate_get_organization (ds);
  /* The mark counts wherever it appears: a test IACA's document signer
   * without the mark is still a test issuer. */
  for (guint i = 0; i < entry->chain->len; i++)
    entry->test_issuer = entry->test_issuer
                         || idw_certificate_is_test_issuer (g_ptr_array_index (entry->chain, i));
  entry->ignored_extensions = describe_ignored_extensions (entry->chain);

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->chain_cache) >= CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (self->chain_cache);
  g_hash_table_insert (self->chain_cache, g_bytes_ref (key), chain_entry_ref (entry));
  g_mutex_unlock (&self->cache_lock);
  return g_steal_pointer (&entry);
}

/* Whether @entry was validated against the current anchors for a window
 * that holds @signed_at and @now; then its anchor (new reference). */
gboolean
_idw_verifier_chain_entry_is_validated (IdwVerifier     *self,
                                        ChainEntry      *entry,
                                        GDateTime       *signed_at,
                                        GDateTime       *now,
                                        IdwCertificate **out_anchor,
                                        gboolean        *out_pinned,
                                        gboolean        *out_test_issuer)
{
  gint64 s = g_date_time_to_unix (signed_at);
  gint64 n = g_date_time_to_unix (now);
  gboolean ok;

  g_mutex_lock (&self->cache_lock);
  ok = entry->validated && entry->validated_generation == self->anchors_generation
       && entry->valid_from <= s && s <= entry->valid_until
       && entry->valid_from <= n && n <= entry->valid_until;
  if (ok)
    {
      *out_anchor = idw_certificate_ref (entry->anchor);
      *out_pinned = entry->pinned;
      *out_test_issuer = entry->path_test_issuer;
    }
  g_mutex_unlock (&self->cache_lock);
  return ok;
}

void
_idw_verifier_chain_entry_set_validated (IdwVerifier    *self,
                                         ChainEntry     *entry,
                                         IdwTrustPath   *path,
                                         gboolean        path_test_issuer,
                                         guint           generation)
{
  IdwCertificate *anchor = path->anchor;
  gint64 from = G_MININT64, until = G_MAXINT64;

  /* Conservative: every certificate of the chain and the anchor. */
  for (guint i = 0; i <= entry->chain->len; i++)
    {
      IdwCertificate *cert = i < entry->chain->len ? g_ptr_array_index (entry->chain, i) : anchor;
      g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
      g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);

      from = MAX (from, g_date_time_to_unix (not_before));
      until = MIN (until, g_date_time_to_unix (not_after));
    }

  g_mutex_lock (&self->cache_lock);
  entry->validated = TRUE;
  entry->validated_generation = generation;
  entry->valid_from = from;
  entry->valid_until = until;
  g_clear_pointer (&entry->anchor, idw_certificate_unref);
  entry->anchor = idw_certificate_ref (anchor);
  entry->pinned = path->ds_pinned;
  entry->path_test_issuer = path_test_issuer;
  g_mutex_unlock (&self->cache_lock);
}

/* The device key of @cose_key, from the cache when seen before. */
IdwKey *
_idw_verifier_device_key_get (IdwVerifier  *self,
                              cbor_item_t  *cose_key,
                              GError      **error)
{
  g_autoptr(GBytes) bytes = idw_cbor_encode (cose_key);
  IdwKey *key;

  g_mutex_lock (&self->cache_lock);
  key = g_hash_table_lookup (self->key_cache, bytes);
  if (key != NULL)
    idw_key_ref (key);
  g_mutex_unlock (&self->cache_lock);
  if (key != NULL)
    return key;

  key = idw_cose_key_decode (cose_key, error);
  if (key == NULL)
    return NULL;

  g_mutex_lock (&self->cache_lock);
  if (g_hash_table_size (self->key_cache) >= CACHE_MAX_ENTRIES)
    g_hash_table_remove_all (self->key_cache);
  g_hash_table_insert (self->key_cache, g_bytes_ref (bytes), idw_key_ref (key));
  g_mutex_unlock (&self->cache_lock);
  return key;
}
