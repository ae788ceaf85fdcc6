/* idw-mso.c: the MobileSecurityObject (ISO/IEC 18013-5 9.1.2.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the issuer signs (the payload of issuerAuth): a digest of every
 * IssuerSignedItemBytes (idw-issuer-signed.c), the device key and the
 * validity period:
 *
 *   MobileSecurityObjectBytes = #6.24(bstr .cbor MobileSecurityObject)
 *   MobileSecurityObject = {
 *     "version" : tstr,                     ; "1.0"
 *     "digestAlgorithm" : tstr,             ; "SHA-256", "SHA-384", "SHA-512"
 *     "valueDigests" : { + NameSpace => { + DigestID => Digest } },
 *     "deviceKeyInfo" : DeviceKeyInfo,      ; { "deviceKey" : COSE_Key, ... }
 *     "docType" : tstr,
 *     "validityInfo" : ValidityInfo,
 *     ? "status" : { ? "status_list" : { "idx" : uint, "uri" : tstr } }
 *   }
 *
 * "status" is ISO 18013-5 (2nd edition)'s reference to a Token Status List
 * entry (draft-ietf-oauth-status-list §6.3); other status mechanisms in it
 * are ignored.
 *   ValidityInfo = {
 *     "signed" : tdate,
 *     "validFrom" : tdate,
 *     "validUntil" : tdate,
 *     ? "expectedUpdate" : tdate
 *   }
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"
#include "idw-mso.h"

/* ---- MobileSecurityObject --------------------------------------------- */

/* The size of a digest of @algorithm; 0 for one idw_mdoc_digest() does not
 * know, whose digests the parser then takes at any size. */
static gsize
digest_length (const char *algorithm)
{
  if (algorithm == NULL)
    return 0;
  if (g_str_equal (algorithm, "SHA-256"))
    return 32;
  if (g_str_equal (algorithm, "SHA-384"))
    return 48;
  if (g_str_equal (algorithm, "SHA-512"))
    return 64;
  return 0;
}

static GHashTable *
digest_table_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                (GDestroyNotify) g_bytes_unref);
}

static IdwMso *
mso_alloc (void)
{
  IdwMso *mso = g_new0 (IdwMso, 1);

  mso->value_digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) g_hash_table_unref);
  return mso;
}

IdwMso *
idw_mso_new (const char  *doctype,
             const char  *digest_algorithm,
             cbor_item_t *device_key,
             GDateTime   *signed_at,
             GDateTime   *valid_from,
             GDateTime   *valid_until,
             GDateTime   *expected_update)
{
  IdwMso *mso;

  g_return_val_if_fail (doctype != NULL, NULL);
  g_return_val_if_fail (digest_algorithm != NULL, NULL);
  g_return_val_if_fail (device_key != NULL, NULL);
  g_return_val_if_fail (signed_at != NULL && valid_from != NULL && valid_until != NULL, NULL);

  mso = mso_alloc ();
  mso->version = g_strdup ("1.0");
  mso->digest_algorithm = g_strdup (digest_algorithm);
  mso->device_key = cbor_incref (device_key);
  mso->doctype = g_strdup (doctype);
  mso->signed_at = g_date_time_ref (signed_at);
  mso->valid_from = g_date_time_ref (valid_from);
  mso->valid_until = g_date_time_ref (valid_until);
  mso->expected_update = expected_update != NULL ? g_date_time_ref (expected_update) : NULL;
  return mso;
}

void
idw_mso_free (IdwMso *mso)
{
  if (mso == NULL)
    return;
  g_free (mso->version);
  g_free (mso->digest_algorithm);
  g_hash_table_unref (mso->value_digests);
  g_clear_pointer (&mso->device_key, idw_cbor_unref);
  g_free (mso->doctype);
  g_clear_pointer (&mso->signed_at, g_date_time_unref);
  g_clear_pointer (&mso->valid_from, g_date_time_unref);
  g_clear_pointer (&mso->valid_until, g_date_time_unref);
  g_clear_pointer (&mso->expected_update, g_date_time_unref);
  g_free (mso->status_uri);
  g_free (mso);
}

void
idw_mso_set_status_list (IdwMso     *mso,
                         const char *uri,
                         guint64     index)
{
  g_return_if_fail (mso != NULL);

  g_free (mso->status_uri);
  mso->status_uri = g_strdup (uri);
  mso->status_index = uri != NULL ? index : 0;
}

gboolean
idw_mso_add_digest (IdwMso      *mso,
                    const char  *name_space,
                    guint64      digest_id,
                    GBytes      *digest,
                    GError     **error)
{
  GHashTable *table;

  g_return_val_if_fail (mso != NULL, FALSE);
  g_return_val_if_fail (name_space != NULL, FALSE);
  g_return_val_if_fail (digest != NULL, FALSE);

  table = g_hash_table_lookup (mso->value_digests, name_space);
  if (table == NULL)
    {
      table = digest_table_new ();
      g_hash_table_insert (mso->value_digests, g_strdup (name_space), table);
    }
  if (g_hash_table_contains (table, &digest_id))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                   _("MSO valueDigests.%s: digestID %llu appears twice"),
                   name_space, (unsigned long long) digest_id);
      return FALSE;
    }
  g_hash_table_insert (table, g_memdup2 (&digest_id, sizeof digest_id), g_bytes_ref (digest));
  return TRUE;
}

GBytes *
idw_mso_lookup_digest (IdwMso     *mso,
                       const char *name_space,
                       guint64     digest_id)
{
  GHashTable *table;

  g_return_val_if_fail (mso != NULL, NULL);

  table = name_space != NULL ? g_hash_table_lookup (mso->value_digests, name_space) : NULL;
  return table != NULL ? g_hash_table_lookup (table, &digest_id) : NULL;
}

guint
idw_mso_count_digests (IdwMso     *mso,
                       const char *name_space)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (mso != NULL, 0);

  if (name_space != NULL)
    {
      GHashTable *table = g_hash_table_lookup (mso->value_digests, name_space);

      return table != NULL ? g_hash_table_size (table) : 0;
    }
  g_hash_table_iter_init (&iter, mso->value_digests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += g_hash_table_size (value);
  return n;
}

static GDateTime *
get_tdate_field (cbor_item_t  *map,
                 const char   *key,
                 gboolean      required,
                 GError      **error)
{
  g_autofree char *path = g_strdup_printf ("validityInfo.%s", key);
  g_autofree char *context = g_strdup_printf ("MSO validityInfo.%s", key);
  cbor_item_t *value = _idw_mdoc_get_field (map, "MSO", path, key, required, error);

  if (value == NULL)
    return NULL;
  return idw_cbor_get_tdate (value, context, error);
}

/* status: { ? "status_list": { "idx": uint, "uri": tstr, * tstr => any } } */
static gboolean
parse_status (IdwMso       *mso,
              cbor_item_t  *status,
              GError      **error)
{
  const char *S = "MSO";
  cbor_item_t *status_list;
  cbor_item_t *idx;
  cbor_item_t *uri;

  if (!cbor_isa_map (status))
    {
      _idw_mdoc_set_wrong_type (error, S, "status", _("a map"));
      return FALSE;
    }
  status_list = idw_cbor_map_get (status, "status_list");
  if (status_list == NULL)
    return TRUE;
  if (!cbor_isa_map (status_list))
    {
      _idw_mdoc_set_wrong_type (error, S, "status.status_list", _("a map"));
      return FALSE;
    }
  idx = _idw_mdoc_get_field (status_list, S, "status.status_list.idx", "idx", TRUE, error);
  if (idx == NULL)
    return FALSE;
  if (!idw_cbor_get_uint (idx, &mso->status_index))
    {
      _idw_mdoc_set_wrong_type (error, S, "status.status_list.idx", _("an unsigned integer"));
      return FALSE;
    }
  uri = _idw_mdoc_get_field (status_list, S, "status.status_list.uri", "uri", TRUE, error);
  if (uri == NULL)
    return FALSE;
  if (!cbor_isa_string (uri))
    {
      _idw_mdoc_set_wrong_type (error, S, "status.status_list.uri", _("a text string"));
      return FALSE;
    }
  mso->status_uri = idw_cbor_dup_string (uri);
  return TRUE;
}

IdwMso *
idw_mso_parse (cbor_item_t  *item,
               GError      **error)
{
  const char *S = "MSO";
  g_autoptr(IdwMso) mso = NULL;
  cbor_item_t *value_digests;
  cbor_item_t *device_key_info;
  cbor_item_t *validity;
  cbor_item_t *value;
  struct cbor_pair *pairs;
  gsize expected_len;

  g_return_val_if_fail (item != NULL, NULL);

  if (!cbor_isa_map (item))
    {
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  mso = mso_alloc ();

  mso->version = _idw_mdoc_get_text (item, S, "version", "version", error);
  if (mso->version == NULL)
    return NULL;
  if (!g_str_equal (mso->version, "1.0"))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("MSO version: “%s” is not supported (expected “1.0”)"), mso->version);
      return NULL;
    }

  mso->digest_algorithm = _idw_mdoc_get_text (item, S, "digestAlgorithm", "digestAlgorithm", error);
  if (mso->digest_algorithm == NULL)
    return NULL;
  expected_len = digest_length (mso->digest_algorithm);

  value_digests = _idw_mdoc_get_field (item, S, "valueDigests", "valueDigests", TRUE, error);
  if (value_digests == NULL)
    return NULL;
  if (!cbor_isa_map (value_digests))
    {
      _idw_mdoc_set_wrong_type (error, S, "valueDigests", _("a map"));
      return NULL;
    }
  pairs = cbor_map_handle (value_digests);
  for (gsize i = 0; i < cbor_map_size (value_digests); i++)
    {
      g_autofree char *ns = cbor_isa_string (pairs[i].key) ? idw_cbor_dup_string (pairs[i].key) : NULL;
      g_autofree char *field = NULL;
      struct cbor_pair *digests;

      if (ns == NULL)
        {
          _idw_mdoc_set_wrong_type (error, S, "valueDigests", _("text keys"));
          return NULL;
        }
      field = g_strdup_printf ("valueDigests.%s", ns);
      if (!cbor_isa_map (pairs[i].value))
        {
          _idw_mdoc_set_wrong_type (error, S, field, _("a map"));
          return NULL;
        }
      digests = cbor_map_handle (pairs[i].value);
      for (gsize j = 0; j < cbor_map_size (pairs[i].value); j++)
        {
          guint64 id;
          g_autoptr(GBytes) digest = NULL;

          if (!idw_cbor_get_uint (digests[j].key, &id))
            {
              _idw_mdoc_set_wrong_type (error, S, field, _("unsigned integer digest IDs"));
              return NULL;
            }
          digest = cbor_isa_bytestring (digests[j].value) ? idw_cbor_dup_bytes (digests[j].value) : NULL;
          if (digest == NULL)
            {
              g_autofree char *f = g_strdup_printf ("%s.%" G_GUINT64_FORMAT, field, id);

              _idw_mdoc_set_wrong_type (error, S, f, _("a byte string"));
              return NULL;
            }
          if (expected_len != 0 && g_bytes_get_size (digest) != expected_len)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           g_dngettext (GETTEXT_PACKAGE,
                                        "%s %s.%llu: a %s digest has %zu byte, not %zu",
                                        "%s %s.%llu: a %s digest has %zu bytes, not %zu",
                                        g_bytes_get_size (digest)),
                           S, field, (unsigned long long) id, mso->digest_algorithm,
                           g_bytes_get_size (digest), expected_len);
              return NULL;
            }
          if (!idw_mso_add_digest (mso, ns, id, digest, error))
            return NULL;
        }
    }

  device_key_info = _idw_mdoc_get_field (item, S, "deviceKeyInfo", "deviceKeyInfo", TRUE, error);
  if (device_key_info == NULL)
    return NULL;
  if (!cbor_isa_map (device_key_info))
    {
      _idw_mdoc_set_wrong_type (error, S, "deviceKeyInfo", _("a map"));
      return NULL;
    }
  value = _idw_mdoc_get_field (device_key_info, S, "deviceKeyInfo.deviceKey", "deviceKey", TRUE,
                               error);
  if (value == NULL)
    return NULL;
  if (!cbor_isa_map (value))
    {
      _idw_mdoc_set_wrong_type (error, S, "deviceKeyInfo.deviceKey", _("a COSE_Key map"));
      return NULL;
    }
  mso->device_key = cbor_incref (value);

  mso->doctype = _idw_mdoc_get_text (item, S, "docType", "docType", error);
  if (mso->doctype == NULL)
    return NULL;

  validity = _idw_mdoc_get_field (item, S, "validityInfo", "validityInfo", TRUE, error);
  if (validity == NULL)
    return NULL;
  if (!cbor_isa_map (validity))
    {
      _idw_mdoc_set_wrong_type (error, S, "validityInfo", _("a map"));
      return NULL;
    }
  mso->signed_at = get_tdate_field (validity, "signed", TRUE, error);
  if (mso->signed_at == NULL)
    return NULL;
  mso->valid_from = get_tdate_field (validity, "validFrom", TRUE, error);
  if (mso->valid_from == NULL)
    return NULL;
  mso->valid_until = get_tdate_field (validity, "validUntil", TRUE, error);
  if (mso->valid_until == NULL)
    return NULL;
  if (idw_cbor_map_get (validity, "expectedUpdate") != NULL)
    {
      mso->expected_update = get_tdate_field (validity, "expectedUpdate", FALSE, error);
      if (mso->expected_update == NULL)
        return NULL;
    }

  value = idw_cbor_map_get (item, "status");
  if (value != NULL && !parse_status (mso, value, error))
    return NULL;

  return g_steal_pointer (&mso);
}

IdwMso *
idw_mso_parse_payload (GBytes  *payload,
                       GError **error)
{
  g_autoptr(cbor_item_t) outer = NULL;
  g_autoptr(cbor_item_t) inner = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (payload != NULL, NULL);

  outer = idw_cbor_decode_bytes (payload, &local_error);
  if (outer == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, "MSO: %s", local_error->message);
      return NULL;
    }
  if (cbor_isa_map (outer))
    return idw_mso_parse (outer, error);

  inner = _idw_mdoc_decode_tag24_field (outer, "MSO", NULL, NULL, error);
  if (inner == NULL)
    return NULL;
  return idw_mso_parse (inner, error);
}

static int
compare_guint64 (gconstpointer a,
                 gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

cbor_item_t *
idw_mso_to_cbor (IdwMso *mso)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  cbor_item_t *value_digests = idw_cbor_new_map ();
  cbor_item_t *device_key_info = idw_cbor_new_map ();
  cbor_item_t *validity = idw_cbor_new_map ();
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (mso != NULL, NULL);

  g_hash_table_iter_init (&iter, mso->value_digests);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GHashTable *table = value;
      cbor_item_t *digests = idw_cbor_new_map ();
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint64));
      GHashTableIter inner;
      gpointer id;

      g_hash_table_iter_init (&inner, table);
      while (g_hash_table_iter_next (&inner, &id, NULL))
        g_array_append_val (ids, *(guint64 *) id);
      g_array_sort (ids, compare_guint64);
      for (guint i = 0; i < ids->len; i++)
        {
          guint64 digest_id = g_array_index (ids, guint64, i);

          idw_cbor_map_add (digests, cbor_build_uint64 (digest_id),
                            idw_cbor_new_gbytes (g_hash_table_lookup (table, &digest_id)));
        }
      idw_cbor_map_add_str (value_digests, key, digests);
    }

  idw_cbor_map_add_str (device_key_info, "deviceKey", cbor_incref (mso->device_key));
  idw_cbor_map_add_str (validity, "signed", idw_cbor_new_tdate (mso->signed_at));
  idw_cbor_map_add_str (validity, "validFrom", idw_cbor_new_tdate (mso->valid_from));
  idw_cbor_map_add_str (validity, "validUntil", idw_cbor_new_tdate (mso->valid_until));
  if (mso->expected_update != NULL)
    idw_cbor_map_add_str (validity, "expectedUpdate", idw_cbor_new_tdate (mso->expected_update));

  idw_cbor_map_add_str (map, "version", idw_cbor_new_string (mso->version));
  idw_cbor_map_add_str (map, "digestAlgorithm", idw_cbor_new_string (mso->digest_algorithm));
  idw_cbor_map_add_str (map, "valueDigests", value_digests);
  idw_cbor_map_add_str (map, "deviceKeyInfo", device_key_info);
  idw_cbor_map_add_str (map, "docType", idw_cbor_new_string (mso->doctype));
  idw_cbor_map_add_str (map, "validityInfo", validity);
  if (mso->status_uri != NULL)
    {
      cbor_item_t *status = idw_cbor_new_map ();
      cbor_item_t *status_list = idw_cbor_new_map ();

      idw_cbor_map_add_str (status_list, "idx", cbor_build_uint64 (mso->status_index));
      idw_cbor_map_add_str (status_list, "uri", idw_cbor_new_string (mso->status_uri));
      idw_cbor_map_add_str (status, "status_list", status_list);
      idw_cbor_map_add_str (map, "status", status);
    }
  idw_mdoc_cbor_sort_maps (map);
  return g_steal_pointer (&map);
}

GBytes *
idw_mso_encode_payload (IdwMso *mso)
{
  g_autoptr(cbor_item_t) map = idw_mso_to_cbor (mso);
  g_autoptr(GBytes) inner = idw_cbor_encode (map);

  return _idw_mdoc_tag24_encoding (inner);
}
