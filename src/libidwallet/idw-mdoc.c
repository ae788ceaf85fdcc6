/* idw-mdoc.c: the ISO/IEC 18013-5 mdoc structures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Parsers and builders in the order of the standard: IssuerSignedItem and
 * IssuerSigned (8.3.2.1.2.2), MobileSecurityObject (9.1.2.4), DeviceSigned
 * and DeviceAuthentication (8.3.2.1.2.2, 9.1.3), Document and
 * DeviceResponse (8.3.2.1.2.2), DeviceRequest (8.3.2.1.2.1).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-doctype.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"

#define MIN_RANDOM_LENGTH 16

/* ---- Helpers ---------------------------------------------------------- */

/* Error messages read "STRUCTURE FIELD: expected WHAT", as in
 * "MSO validityInfo.validUntil: expected tdate". */
static void
set_wrong_type (GError     **error,
                const char  *structure,
                const char  *field,
                const char  *expected)
{
  if (field != NULL)
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                 /* Translators: "MSO validityInfo.validUntil: expected tdate" */
                 _("%s %s: expected %s"), structure, field, expected);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                 _("%s: expected %s"), structure, expected);
}

static cbor_item_t *
get_field (cbor_item_t  *map,
           const char   *structure,
           const char   *field_path,
           const char   *key,
           gboolean      required,
           GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get (map, key);

  if (value == NULL && required)
    g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                 /* Translators: "MSO validityInfo.validUntil: missing" */
                 _("%s %s: missing"), structure, field_path);
  return value;
}

static char *
get_text (cbor_item_t  *map,
          const char   *structure,
          const char   *field_path,
          const char   *key,
          GError      **error)
{
  cbor_item_t *value = get_field (map, structure, field_path, key, TRUE, error);
  char *str;

  if (value == NULL)
    return NULL;
  str = cbor_isa_string (value) ? idw_cbor_dup_string (value) : NULL;
  if (str == NULL)
    set_wrong_type (error, structure, field_path, _("a text string"));
  return str;
}

/* `#6.24(bstr)` around @inner, with the shortest headers. */
static void
append_tag24 (GByteArray   *out,
              const guint8 *inner,
              gsize         len)
{
  idw_cbor_write_head (out, CBOR_TYPE_TAG, IDW_CBOR_TAG_ENCODED_CBOR);
  idw_cbor_write_bytes (out, inner, len);
}

static GBytes *
tag24_encoding (GBytes *inner)
{
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (inner, &len);

  append_tag24 (out, data, len);
  return g_byte_array_free_to_bytes (out);
}

static cbor_item_t *
tag24_item_from_inner (GBytes *inner)
{
  g_autoptr(cbor_item_t) bstr = idw_cbor_new_gbytes (inner);

  return cbor_build_tag (IDW_CBOR_TAG_ENCODED_CBOR, bstr);
}

/* The tag-24 content as a decoded item, with an error naming the field. */
static cbor_item_t *
decode_tag24_field (cbor_item_t  *item,
                    const char   *structure,
                    const char   *field,
                    GBytes      **out_inner,
                    GError      **error)
{
  cbor_item_t *bstr = idw_cbor_untag (item, IDW_CBOR_TAG_ENCODED_CBOR);
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *inner;

  if (bstr == NULL || !cbor_isa_bytestring (bstr))
    {
      set_wrong_type (error, structure, field, _("a byte string with tag 24 (embedded CBOR)"));
      return NULL;
    }
  inner = idw_cbor_decode_tag24 (item, out_inner, &local_error);
  if (inner == NULL)
    {
      if (field != NULL)
        g_set_error (error, IDW_ERROR, local_error->code, "%s %s: %s",
                     structure, field, local_error->message);
      else
        g_set_error (error, IDW_ERROR, local_error->code, "%s: %s",
                     structure, local_error->message);
      return NULL;
    }
  return inner;
}

gboolean
idw_mdoc_digest_algorithm_supported (const char *algorithm)
{
  return algorithm != NULL
         && (g_str_equal (algorithm, "SHA-256")
             || g_str_equal (algorithm, "SHA-384")
             || g_str_equal (algorithm, "SHA-512"));
}

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

GBytes *
idw_mdoc_digest (const char    *algorithm,
                 const guint8  *data,
                 gsize          len,
                 GError       **error)
{
  if (algorithm != NULL && g_str_equal (algorithm, "SHA-256"))
    {
      guint8 out[crypto_hash_sha256_BYTES];

      crypto_hash_sha256 (out, data, len);
      return g_bytes_new (out, sizeof out);
    }
  if (algorithm != NULL && g_str_equal (algorithm, "SHA-512"))
    {
      guint8 out[crypto_hash_sha512_BYTES];

      crypto_hash_sha512 (out, data, len);
      return g_bytes_new (out, sizeof out);
    }
  if (algorithm != NULL && g_str_equal (algorithm, "SHA-384"))
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA384);
      guint8 out[48];
      gsize out_len = sizeof out;

      g_checksum_update (checksum, data, (gssize) len);
      g_checksum_get_digest (checksum, out, &out_len);
      return g_bytes_new (out, out_len);
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
               _("Digest algorithm “%s” is not supported"),
               algorithm != NULL ? algorithm : "");
  return NULL;
}

typedef struct
{
  GBytes           *key;
  struct cbor_pair  pair;
} SortEntry;

static int
compare_sort_entries (gconstpointer a,
                      gconstpointer b)
{
  const SortEntry *ea = a, *eb = b;
  gsize la, lb;
  const guint8 *da = g_bytes_get_data (ea->key, &la);
  const guint8 *db = g_bytes_get_data (eb->key, &lb);
  int cmp = memcmp (da, db, MIN (la, lb));

  if (cmp != 0)
    return cmp;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

void
idw_mdoc_cbor_sort_maps (cbor_item_t *item)
{
  g_return_if_fail (item != NULL);

  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_ARRAY:
      {
        cbor_item_t **items = cbor_array_handle (item);

        for (gsize i = 0; i < cbor_array_size (item); i++)
          idw_mdoc_cbor_sort_maps (items[i]);
        break;
      }

    case CBOR_TYPE_MAP:
      {
        struct cbor_pair *pairs = cbor_map_handle (item);
        gsize n = cbor_map_size (item);
        g_autofree SortEntry *entries = NULL;

        if (n == 0)
          break;
        entries = g_new0 (SortEntry, n);
        for (gsize i = 0; i < n; i++)
          {
            idw_mdoc_cbor_sort_maps (pairs[i].key);
            idw_mdoc_cbor_sort_maps (pairs[i].value);
            entries[i].key = idw_cbor_encode (pairs[i].key);
            entries[i].pair = pairs[i];
          }
        qsort (entries, n, sizeof (SortEntry), compare_sort_entries);
        for (gsize i = 0; i < n; i++)
          {
            pairs[i] = entries[i].pair;
            g_bytes_unref (entries[i].key);
          }
        break;
      }

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = cbor_tag_item (item);

        idw_mdoc_cbor_sort_maps (inner);
        cbor_decref (&inner);
        break;
      }

    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
    case CBOR_TYPE_BYTESTRING:
    case CBOR_TYPE_STRING:
    case CBOR_TYPE_FLOAT_CTRL:
    default:
      break;
    }
}

/* ---- IssuerSignedItem ------------------------------------------------- */

static IdwIssuerSignedItem *
issuer_signed_item_alloc (void)
{
  IdwIssuerSignedItem *item = g_new0 (IdwIssuerSignedItem, 1);

  item->ref_count = 1;
  return item;
}

IdwIssuerSignedItem *
idw_issuer_signed_item_new (guint64      digest_id,
                            GBytes      *random,
                            const char  *element_identifier,
                            cbor_item_t *element_value)
{
  IdwIssuerSignedItem *item;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GBytes) inner = NULL;

  g_return_val_if_fail (random != NULL, NULL);
  g_return_val_if_fail (element_identifier != NULL, NULL);
  g_return_val_if_fail (element_value != NULL, NULL);

  item = issuer_signed_item_alloc ();
  item->digest_id = digest_id;
  item->random = g_bytes_ref (random);
  item->element_identifier = g_strdup (element_identifier);
  item->element_value = cbor_incref (element_value);

  map = idw_cbor_new_map ();
  idw_cbor_map_add_str (map, "digestID", cbor_build_uint64 (digest_id));
  idw_cbor_map_add_str (map, "random", idw_cbor_new_gbytes (random));
  idw_cbor_map_add_str (map, "elementIdentifier", idw_cbor_new_string (element_identifier));
  idw_cbor_map_add_str (map, "elementValue", cbor_incref (element_value));
  idw_mdoc_cbor_sort_maps (map);
  inner = idw_cbor_encode (map);
  item->encoded = tag24_encoding (inner);
  return item;
}

IdwIssuerSignedItem *
idw_issuer_signed_item_parse (cbor_item_t  *item,
                              const char   *name_space,
                              GError      **error)
{
  g_autoptr(IdwIssuerSignedItem) result = NULL;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GBytes) inner = NULL;
  g_autofree char *structure = NULL;
  cbor_item_t *value;

  g_return_val_if_fail (item != NULL, NULL);

  structure = g_strdup_printf (_("IssuerSignedItem in %s"), name_space != NULL ? name_space : "?");
  map = decode_tag24_field (item, structure, NULL, &inner, error);
  if (map == NULL)
    return NULL;
  if (!cbor_isa_map (map))
    {
      set_wrong_type (error, structure, NULL, _("a map"));
      return NULL;
    }

  result = issuer_signed_item_alloc ();

  value = get_field (map, structure, "digestID", "digestID", TRUE, error);
  if (value == NULL)
    return NULL;
  if (!idw_cbor_get_uint (value, &result->digest_id))
    {
      set_wrong_type (error, structure, "digestID", _("an unsigned integer"));
      return NULL;
    }

  value = get_field (map, structure, "random", "random", TRUE, error);
  if (value == NULL)
    return NULL;
  result->random = cbor_isa_bytestring (value) ? idw_cbor_dup_bytes (value) : NULL;
  if (result->random == NULL)
    {
      set_wrong_type (error, structure, "random", _("a byte string"));
      return NULL;
    }
  if (g_bytes_get_size (result->random) < MIN_RANDOM_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s random: expected at least %d bytes, found %zu"),
                   structure, MIN_RANDOM_LENGTH, g_bytes_get_size (result->random));
      return NULL;
    }

  result->element_identifier = get_text (map, structure, "elementIdentifier",
                                         "elementIdentifier", error);
  if (result->element_identifier == NULL)
    return NULL;
  if (result->element_identifier[0] == '\0' || strchr (result->element_identifier, '/') != NULL)
    {
      set_wrong_type (error, structure, "elementIdentifier", _("a non-empty identifier without “/”"));
      return NULL;
    }

  value = get_field (map, structure, "elementValue", "elementValue", TRUE, error);
  if (value == NULL)
    return NULL;
  result->element_value = cbor_incref (value);
  result->encoded = tag24_encoding (inner);

  return g_steal_pointer (&result);
}

IdwIssuerSignedItem *
idw_issuer_signed_item_ref (IdwIssuerSignedItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);
  g_atomic_int_inc (&item->ref_count);
  return item;
}

void
idw_issuer_signed_item_unref (IdwIssuerSignedItem *item)
{
  if (item == NULL || !g_atomic_int_dec_and_test (&item->ref_count))
    return;
  g_clear_pointer (&item->random, g_bytes_unref);
  g_free (item->element_identifier);
  g_clear_pointer (&item->element_value, idw_cbor_unref);
  g_clear_pointer (&item->encoded, g_bytes_unref);
  g_free (item);
}

cbor_item_t *
idw_issuer_signed_item_to_cbor (IdwIssuerSignedItem *item)
{
  g_autoptr(cbor_item_t) decoded = NULL;

  g_return_val_if_fail (item != NULL, NULL);

  /* Our own encoding always decodes; it keeps the received inner bytes. */
  decoded = idw_cbor_decode_bytes (item->encoded, NULL);
  g_return_val_if_fail (decoded != NULL, NULL);
  return g_steal_pointer (&decoded);
}

GBytes *
idw_issuer_signed_item_digest (IdwIssuerSignedItem  *item,
                               const char           *algorithm,
                               GError              **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (item != NULL, NULL);

  data = g_bytes_get_data (item->encoded, &len);
  return idw_mdoc_digest (algorithm, data, len, error);
}

/* ---- IssuerSigned ----------------------------------------------------- */

static void
issuer_name_space_free (IdwIssuerNameSpace *ns)
{
  g_free (ns->name_space);
  g_ptr_array_unref (ns->items);
  g_free (ns);
}

static IdwIssuerNameSpace *
issuer_name_space_new (const char *name_space)
{
  IdwIssuerNameSpace *ns = g_new0 (IdwIssuerNameSpace, 1);

  ns->name_space = g_strdup (name_space);
  ns->items = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_issuer_signed_item_unref);
  return ns;
}

IdwIssuerSigned *
idw_issuer_signed_new (cbor_item_t *issuer_auth)
{
  IdwIssuerSigned *is = g_new0 (IdwIssuerSigned, 1);

  is->name_spaces = g_ptr_array_new_with_free_func ((GDestroyNotify) issuer_name_space_free);
  is->issuer_auth = issuer_auth != NULL ? cbor_incref (issuer_auth) : NULL;
  return is;
}

void
idw_issuer_signed_free (IdwIssuerSigned *issuer_signed)
{
  if (issuer_signed == NULL)
    return;
  g_ptr_array_unref (issuer_signed->name_spaces);
  g_clear_pointer (&issuer_signed->issuer_auth, idw_cbor_unref);
  g_free (issuer_signed);
}

IdwIssuerNameSpace *
idw_issuer_signed_get_name_space (IdwIssuerSigned *issuer_signed,
                                  const char      *name_space)
{
  g_return_val_if_fail (issuer_signed != NULL, NULL);

  for (guint i = 0; i < issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (issuer_signed->name_spaces, i);

      if (g_strcmp0 (ns->name_space, name_space) == 0)
        return ns;
    }
  return NULL;
}

void
idw_issuer_signed_add_item (IdwIssuerSigned     *issuer_signed,
                            const char          *name_space,
                            IdwIssuerSignedItem *item)
{
  IdwIssuerNameSpace *ns;

  g_return_if_fail (issuer_signed != NULL);
  g_return_if_fail (name_space != NULL);
  g_return_if_fail (item != NULL);

  ns = idw_issuer_signed_get_name_space (issuer_signed, name_space);
  if (ns == NULL)
    {
      ns = issuer_name_space_new (name_space);
      g_ptr_array_add (issuer_signed->name_spaces, ns);
    }
  g_ptr_array_add (ns->items, idw_issuer_signed_item_ref (item));
}

IdwIssuerSignedItem *
idw_issuer_signed_lookup (IdwIssuerSigned *issuer_signed,
                          const char      *name_space,
                          const char      *element)
{
  IdwIssuerNameSpace *ns = idw_issuer_signed_get_name_space (issuer_signed, name_space);

  if (ns == NULL || element == NULL)
    return NULL;
  for (guint i = 0; i < ns->items->len; i++)
    {
      IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, i);

      if (g_str_equal (item->element_identifier, element))
        return item;
    }
  return NULL;
}

guint
idw_issuer_signed_count_items (IdwIssuerSigned *issuer_signed)
{
  guint n = 0;

  g_return_val_if_fail (issuer_signed != NULL, 0);

  for (guint i = 0; i < issuer_signed->name_spaces->len; i++)
    n += ((IdwIssuerNameSpace *) g_ptr_array_index (issuer_signed->name_spaces, i))->items->len;
  return n;
}

GStrv
idw_issuer_signed_list_paths (IdwIssuerSigned *issuer_signed)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (issuer_signed != NULL, NULL);

  for (guint i = 0; i < issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (issuer_signed->name_spaces, i);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);

          g_autofree char *path = idw_element_path_new (ns->name_space, item->element_identifier);

          g_strv_builder_add (builder, path);
        }
    }
  return g_strv_builder_end (builder);
}


IdwIssuerSigned *
idw_issuer_signed_select (IdwIssuerSigned     *issuer_signed,
                          const char * const  *paths,
                          GError             **error)
{
  g_autoptr(IdwIssuerSigned) result = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  g_return_val_if_fail (issuer_signed != NULL, NULL);

  for (gsize i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;

      if (!idw_element_path_split (paths[i], &ns, &element)
          || idw_issuer_signed_lookup (issuer_signed, ns, element) == NULL)
        g_ptr_array_add (missing, (gpointer) paths[i]);
      else
        g_hash_table_add (wanted, (gpointer) paths[i]);
    }

  if (missing->len > 0)
    {
      g_autofree char *list = NULL;

      g_ptr_array_add (missing, NULL);
      list = g_strjoinv (", ", (char **) missing->pdata);
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The credential does not hold this element: %s",
                                "The credential does not hold these elements: %s",
                                missing->len - 1),
                   list);
      return NULL;
    }

  result = idw_issuer_signed_new (issuer_signed->issuer_auth);
  for (guint i = 0; i < issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (issuer_signed->name_spaces, i);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);
          g_autofree char *path = g_strconcat (ns->name_space, "/", item->element_identifier, NULL);

          if (g_hash_table_contains (wanted, path))
            idw_issuer_signed_add_item (result, ns->name_space, item);
        }
    }
  return g_steal_pointer (&result);
}

/* A COSE_Sign1 or COSE_Mac0, possibly tagged: [protected bstr, unprotected
 * map, payload bstr / nil, signature or tag bstr]. Checking the shape here
 * also keeps floats away from libcbor's null test, which aborts on them. */
static gboolean
is_cose_array (cbor_item_t *item)
{
  cbor_item_t **fields;

  if (cbor_isa_tag (item))
    {
      guint64 tag = cbor_tag_value (item);

      if (tag != IDW_CBOR_TAG_COSE_SIGN1 && tag != 17)
        return FALSE;
      item = idw_cbor_untag (item, tag);
    }
  if (item == NULL || !cbor_isa_array (item) || cbor_array_size (item) != 4)
    return FALSE;
  fields = cbor_array_handle (item);
  return cbor_isa_bytestring (fields[0])
         && cbor_isa_map (fields[1])
         && (cbor_isa_bytestring (fields[2]) || _idw_cbor_is_null_safe (fields[2]))
         && cbor_isa_bytestring (fields[3]);
}

IdwIssuerSigned *
idw_issuer_signed_parse (cbor_item_t        *item,
                         IdwMdocParseFlags   flags,
                         GError            **error)
{
  const char *S = "IssuerSigned";
  g_autoptr(IdwIssuerSigned) result = NULL;
  cbor_item_t *name_spaces;
  cbor_item_t *issuer_auth;
  struct cbor_pair *pairs;
  gsize total = 0;

  g_return_val_if_fail (item != NULL, NULL);

  if (!cbor_isa_map (item))
    {
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }

  issuer_auth = get_field (item, S, "issuerAuth", "issuerAuth", TRUE, error);
  if (issuer_auth == NULL)
    return NULL;
  if (!is_cose_array (issuer_auth))
    {
      set_wrong_type (error, S, "issuerAuth", _("a COSE_Sign1 array"));
      return NULL;
    }
  result = idw_issuer_signed_new (issuer_auth);

  name_spaces = get_field (item, S, "nameSpaces", "nameSpaces", FALSE, error);
  if (name_spaces == NULL)
    return g_steal_pointer (&result);
  if (!cbor_isa_map (name_spaces))
    {
      set_wrong_type (error, S, "nameSpaces", _("a map"));
      return NULL;
    }

  pairs = cbor_map_handle (name_spaces);
  for (gsize i = 0; i < cbor_map_size (name_spaces); i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *field = NULL;
      g_autoptr(GHashTable) ids = NULL;
      g_autoptr(GHashTable) names = NULL;
      cbor_item_t **items;
      gsize n;

      ns = cbor_isa_string (pairs[i].key) ? idw_cbor_dup_string (pairs[i].key) : NULL;
      if (ns == NULL || ns[0] == '\0')
        {
          set_wrong_type (error, S, "nameSpaces", _("text keys"));
          return NULL;
        }
      field = g_strdup_printf ("nameSpaces.%s", ns);
      if (!cbor_isa_array (pairs[i].value) || cbor_array_size (pairs[i].value) == 0)
        {
          set_wrong_type (error, S, field, _("a non-empty array"));
          return NULL;
        }

      n = cbor_array_size (pairs[i].value);
      total += n;
      if (total > IDW_MAX_ELEMENTS)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("%s: more than %d data elements"), S, IDW_MAX_ELEMENTS);
          return NULL;
        }

      ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
      names = g_hash_table_new (g_str_hash, g_str_equal);
      items = cbor_array_handle (pairs[i].value);
      for (gsize j = 0; j < n; j++)
        {
          g_autoptr(IdwIssuerSignedItem) isi = idw_issuer_signed_item_parse (items[j], ns, error);

          if (isi == NULL)
            return NULL;

          if (!(flags & IDW_MDOC_PARSE_KEEP_DUPLICATES))
            {
              if (g_hash_table_contains (ids, &isi->digest_id))
                {
                  g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                               _("%s %s: digestID %llu appears twice"),
                               S, field, (unsigned long long) isi->digest_id);
                  return NULL;
                }
              if (g_hash_table_contains (names, isi->element_identifier))
                {
                  g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                               _("%s %s: element “%s” appears twice"),
                               S, field, isi->element_identifier);
                  return NULL;
                }
              g_hash_table_add (ids, g_memdup2 (&isi->digest_id, sizeof (guint64)));
              g_hash_table_add (names, isi->element_identifier);
            }
          idw_issuer_signed_add_item (result, ns, isi);
        }
    }

  return g_steal_pointer (&result);
}

cbor_item_t *
idw_issuer_signed_to_cbor (IdwIssuerSigned *issuer_signed)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(cbor_item_t) name_spaces = idw_cbor_new_map ();

  g_return_val_if_fail (issuer_signed != NULL, NULL);
  g_return_val_if_fail (issuer_signed->issuer_auth != NULL, NULL);

  for (guint i = 0; i < issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (issuer_signed->name_spaces, i);
      cbor_item_t *array;

      if (ns->items->len == 0)
        continue;
      array = idw_cbor_new_array ();
      for (guint j = 0; j < ns->items->len; j++)
        idw_cbor_array_add (array, idw_issuer_signed_item_to_cbor (g_ptr_array_index (ns->items, j)));
      idw_cbor_map_add_str (name_spaces, ns->name_space, array);
    }
  idw_mdoc_cbor_sort_maps (name_spaces);

  /* issuerAuth is kept as received: not re-sorted. Keys in deterministic order. */
  idw_cbor_map_add_str (map, "issuerAuth", cbor_incref (issuer_signed->issuer_auth));
  idw_cbor_map_add_str (map, "nameSpaces", g_steal_pointer (&name_spaces));
  return g_steal_pointer (&map);
}

/* ---- MobileSecurityObject --------------------------------------------- */

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
  g_free (mso);
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
  cbor_item_t *value = get_field (map, "MSO", path, key, required, error);

  if (value == NULL)
    return NULL;
  return idw_cbor_get_tdate (value, context, error);
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
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  mso = mso_alloc ();

  mso->version = get_text (item, S, "version", "version", error);
  if (mso->version == NULL)
    return NULL;
  if (!g_str_equal (mso->version, "1.0"))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("MSO version: “%s” is not supported (expected “1.0”)"), mso->version);
      return NULL;
    }

  mso->digest_algorithm = get_text (item, S, "digestAlgorithm", "digestAlgorithm", error);
  if (mso->digest_algorithm == NULL)
    return NULL;
  expected_len = digest_length (mso->digest_algorithm);

  value_digests = get_field (item, S, "valueDigests", "valueDigests", TRUE, error);
  if (value_digests == NULL)
    return NULL;
  if (!cbor_isa_map (value_digests))
    {
      set_wrong_type (error, S, "valueDigests", _("a map"));
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
          set_wrong_type (error, S, "valueDigests", _("text keys"));
          return NULL;
        }
      field = g_strdup_printf ("valueDigests.%s", ns);
      if (!cbor_isa_map (pairs[i].value))
        {
          set_wrong_type (error, S, field, _("a map"));
          return NULL;
        }
      digests = cbor_map_handle (pairs[i].value);
      for (gsize j = 0; j < cbor_map_size (pairs[i].value); j++)
        {
          guint64 id;
          g_autoptr(GBytes) digest = NULL;

          if (!idw_cbor_get_uint (digests[j].key, &id))
            {
              set_wrong_type (error, S, field, _("unsigned integer digest IDs"));
              return NULL;
            }
          digest = cbor_isa_bytestring (digests[j].value) ? idw_cbor_dup_bytes (digests[j].value) : NULL;
          if (digest == NULL)
            {
              g_autofree char *f = g_strdup_printf ("%s.%" G_GUINT64_FORMAT, field, id);

              set_wrong_type (error, S, f, _("a byte string"));
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

  device_key_info = get_field (item, S, "deviceKeyInfo", "deviceKeyInfo", TRUE, error);
  if (device_key_info == NULL)
    return NULL;
  if (!cbor_isa_map (device_key_info))
    {
      set_wrong_type (error, S, "deviceKeyInfo", _("a map"));
      return NULL;
    }
  value = get_field (device_key_info, S, "deviceKeyInfo.deviceKey", "deviceKey", TRUE, error);
  if (value == NULL)
    return NULL;
  if (!cbor_isa_map (value))
    {
      set_wrong_type (error, S, "deviceKeyInfo.deviceKey", _("a COSE_Key map"));
      return NULL;
    }
  mso->device_key = cbor_incref (value);

  mso->doctype = get_text (item, S, "docType", "docType", error);
  if (mso->doctype == NULL)
    return NULL;

  validity = get_field (item, S, "validityInfo", "validityInfo", TRUE, error);
  if (validity == NULL)
    return NULL;
  if (!cbor_isa_map (validity))
    {
      set_wrong_type (error, S, "validityInfo", _("a map"));
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

  inner = decode_tag24_field (outer, "MSO", NULL, NULL, error);
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
  idw_mdoc_cbor_sort_maps (map);
  return g_steal_pointer (&map);
}

GBytes *
idw_mso_encode_payload (IdwMso *mso)
{
  g_autoptr(cbor_item_t) map = idw_mso_to_cbor (mso);
  g_autoptr(GBytes) inner = idw_cbor_encode (map);

  return tag24_encoding (inner);
}

/* ---- DeviceSigned and DeviceAuthentication ---------------------------- */

GBytes *
idw_device_authentication_bytes (GBytes     *session_transcript,
                                 const char *doctype,
                                 GBytes     *device_name_spaces_bytes)
{
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  GByteArray *out = g_byte_array_new ();
  const guint8 *data;
  gsize len;
  static const char label[] = "DeviceAuthentication";

  g_return_val_if_fail (session_transcript != NULL, NULL);
  g_return_val_if_fail (doctype != NULL, NULL);
  g_return_val_if_fail (device_name_spaces_bytes != NULL, NULL);

  /* Spliced by hand so that the transcript keeps its exact bytes. */
  idw_cbor_write_head (inner, CBOR_TYPE_ARRAY, 4);
  idw_cbor_write_head (inner, CBOR_TYPE_STRING, strlen (label));
  g_byte_array_append (inner, (const guint8 *) label, (guint) strlen (label));
  data = g_bytes_get_data (session_transcript, &len);
  g_byte_array_append (inner, data, (guint) len);
  idw_cbor_write_head (inner, CBOR_TYPE_STRING, strlen (doctype));
  g_byte_array_append (inner, (const guint8 *) doctype, (guint) strlen (doctype));
  data = g_bytes_get_data (device_name_spaces_bytes, &len);
  append_tag24 (inner, data, len);

  append_tag24 (out, inner->data, inner->len);
  return g_byte_array_free_to_bytes (out);
}

static IdwDeviceSigned *
device_signed_alloc (void)
{
  return g_new0 (IdwDeviceSigned, 1);
}

void
idw_device_signed_free (IdwDeviceSigned *device_signed)
{
  if (device_signed == NULL)
    return;
  g_clear_pointer (&device_signed->name_spaces_bytes, g_bytes_unref);
  g_clear_pointer (&device_signed->name_spaces, idw_cbor_unref);
  g_clear_pointer (&device_signed->device_signature, idw_cbor_unref);
  g_clear_pointer (&device_signed->device_mac, idw_cbor_unref);
  g_free (device_signed);
}

IdwDeviceSigned *
idw_device_signed_new_signature (IdwKey      *device_key,
                                 GBytes      *session_transcript,
                                 const char  *doctype,
                                 GError     **error)
{
  g_autoptr(IdwDeviceSigned) ds = device_signed_alloc ();
  g_autoptr(GBytes) auth = NULL;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (device_key != NULL, NULL);
  g_return_val_if_fail (session_transcript != NULL, NULL);
  g_return_val_if_fail (doctype != NULL, NULL);

  ds->name_spaces = idw_cbor_new_map ();
  ds->name_spaces_bytes = idw_cbor_encode (ds->name_spaces);
  auth = idw_device_authentication_bytes (session_transcript, doctype, ds->name_spaces_bytes);
  data = g_bytes_get_data (auth, &len);
  ds->device_signature = idw_cose_sign1_create (device_key, data, len, TRUE, NULL, error);
  if (ds->device_signature == NULL)
    return NULL;
  return g_steal_pointer (&ds);
}

IdwDeviceSigned *
idw_device_signed_parse (cbor_item_t  *item,
                         GError      **error)
{
  const char *S = "DeviceSigned";
  g_autoptr(IdwDeviceSigned) ds = NULL;
  cbor_item_t *value;
  cbor_item_t *device_auth;
  cbor_item_t *signature;
  cbor_item_t *mac;

  g_return_val_if_fail (item != NULL, NULL);

  if (!cbor_isa_map (item))
    {
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  ds = device_signed_alloc ();

  value = get_field (item, S, "nameSpaces", "nameSpaces", TRUE, error);
  if (value == NULL)
    return NULL;
  ds->name_spaces = decode_tag24_field (value, S, "nameSpaces", &ds->name_spaces_bytes, error);
  if (ds->name_spaces == NULL)
    return NULL;
  if (!cbor_isa_map (ds->name_spaces))
    {
      set_wrong_type (error, S, "nameSpaces", _("a map in tag 24"));
      return NULL;
    }

  device_auth = get_field (item, S, "deviceAuth", "deviceAuth", TRUE, error);
  if (device_auth == NULL)
    return NULL;
  if (!cbor_isa_map (device_auth))
    {
      set_wrong_type (error, S, "deviceAuth", _("a map"));
      return NULL;
    }
  signature = idw_cbor_map_get (device_auth, "deviceSignature");
  mac = idw_cbor_map_get (device_auth, "deviceMac");
  if ((signature == NULL) == (mac == NULL))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("DeviceSigned deviceAuth: expected exactly one of deviceSignature and deviceMac"));
      return NULL;
    }
  if (signature != NULL)
    {
      if (!is_cose_array (signature))
        {
          set_wrong_type (error, S, "deviceAuth.deviceSignature", _("a COSE_Sign1 array"));
          return NULL;
        }
      ds->device_signature = cbor_incref (signature);
    }
  else
    {
      if (!is_cose_array (mac))
        {
          set_wrong_type (error, S, "deviceAuth.deviceMac", _("a COSE_Mac0 array"));
          return NULL;
        }
      ds->device_mac = cbor_incref (mac);
    }
  return g_steal_pointer (&ds);
}

cbor_item_t *
idw_device_signed_to_cbor (IdwDeviceSigned *device_signed)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  cbor_item_t *auth = idw_cbor_new_map ();

  g_return_val_if_fail (device_signed != NULL, NULL);

  if (device_signed->device_signature != NULL)
    idw_cbor_map_add_str (auth, "deviceSignature", cbor_incref (device_signed->device_signature));
  if (device_signed->device_mac != NULL)
    idw_cbor_map_add_str (auth, "deviceMac", cbor_incref (device_signed->device_mac));
  idw_cbor_map_add_str (map, "deviceAuth", auth);
  idw_cbor_map_add_str (map, "nameSpaces", tag24_item_from_inner (device_signed->name_spaces_bytes));
  return g_steal_pointer (&map);
}

/* ---- Document --------------------------------------------------------- */

IdwDocument *
idw_document_new (const char      *doctype,
                  IdwIssuerSigned *issuer_signed,
                  IdwDeviceSigned *device_signed)
{
  IdwDocument *doc;

  g_return_val_if_fail (doctype != NULL, NULL);
  g_return_val_if_fail (issuer_signed != NULL, NULL);

  doc = g_new0 (IdwDocument, 1);
  doc->doctype = g_strdup (doctype);
  doc->issuer_signed = issuer_signed;
  doc->device_signed = device_signed;
  return doc;
}

void
idw_document_free (IdwDocument *document)
{
  if (document == NULL)
    return;
  g_free (document->doctype);
  g_clear_pointer (&document->issuer_signed, idw_issuer_signed_free);
  g_clear_pointer (&document->device_signed, idw_device_signed_free);
  g_free (document);
}

IdwDocument *
idw_document_parse (cbor_item_t        *item,
                    IdwMdocParseFlags   flags,
                    GError            **error)
{
  const char *S = "Document";
  g_autofree char *doctype = NULL;
  g_autoptr(IdwIssuerSigned) issuer_signed = NULL;
  g_autoptr(IdwDeviceSigned) device_signed = NULL;
  cbor_item_t *value;

  g_return_val_if_fail (item != NULL, NULL);

  if (!cbor_isa_map (item))
    {
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  doctype = get_text (item, S, "docType", "docType", error);
  if (doctype == NULL)
    return NULL;

  value = get_field (item, S, "issuerSigned", "issuerSigned", TRUE, error);
  if (value == NULL)
    return NULL;
  issuer_signed = idw_issuer_signed_parse (value, flags, error);
  if (issuer_signed == NULL)
    return NULL;

  value = get_field (item, S, "deviceSigned", "deviceSigned", FALSE, error);
  if (value != NULL)
    {
      device_signed = idw_device_signed_parse (value, error);
      if (device_signed == NULL)
        return NULL;
    }

  value = get_field (item, S, "errors", "errors", FALSE, error);
  if (value != NULL && !cbor_isa_map (value))
    {
      set_wrong_type (error, S, "errors", _("a map"));
      return NULL;
    }

  return idw_document_new (doctype, g_steal_pointer (&issuer_signed),
                           g_steal_pointer (&device_signed));
}

cbor_item_t *
idw_document_to_cbor (IdwDocument *document)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  g_return_val_if_fail (document != NULL, NULL);

  /* Deterministic key order: docType, deviceSigned, issuerSigned. */
  idw_cbor_map_add_str (map, "docType", idw_cbor_new_string (document->doctype));
  if (document->device_signed != NULL)
    idw_cbor_map_add_str (map, "deviceSigned", idw_device_signed_to_cbor (document->device_signed));
  idw_cbor_map_add_str (map, "issuerSigned", idw_issuer_signed_to_cbor (document->issuer_signed));
  return g_steal_pointer (&map);
}

/* ---- DeviceResponse --------------------------------------------------- */

IdwDeviceResponse *
idw_device_response_new (void)
{
  IdwDeviceResponse *response = g_new0 (IdwDeviceResponse, 1);

  response->version = g_strdup ("1.0");
  response->documents = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_document_free);
  response->status = 0;
  return response;
}

void
idw_device_response_free (IdwDeviceResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->version);
  g_ptr_array_unref (response->documents);
  g_free (response);
}

void
idw_device_response_add_document (IdwDeviceResponse *response,
                                  IdwDocument       *document)
{
  g_return_if_fail (response != NULL);
  g_return_if_fail (document != NULL);

  g_ptr_array_add (response->documents, document);
}

IdwDeviceResponse *
idw_device_response_parse (cbor_item_t        *item,
                           IdwMdocParseFlags   flags,
                           GError            **error)
{
  const char *S = "DeviceResponse";
  g_autoptr(IdwDeviceResponse) response = NULL;
  cbor_item_t *documents;
  cbor_item_t *value;

  g_return_val_if_fail (item != NULL, NULL);

  if (!cbor_isa_map (item))
    {
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  response = idw_device_response_new ();
  g_free (response->version);
  response->version = get_text (item, S, "version", "version", error);
  if (response->version == NULL)
    return NULL;
  if (!g_str_equal (response->version, "1.0"))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("DeviceResponse version: “%s” is not supported (expected “1.0”)"),
                   response->version);
      return NULL;
    }

  documents = get_field (item, S, "documents", "documents", FALSE, error);
  if (documents != NULL)
    {
      cbor_item_t **docs;

      if (!cbor_isa_array (documents))
        {
          set_wrong_type (error, S, "documents", _("an array"));
          return NULL;
        }
      docs = cbor_array_handle (documents);
      for (gsize i = 0; i < cbor_array_size (documents); i++)
        {
          IdwDocument *doc = idw_document_parse (docs[i], flags, error);

          if (doc == NULL)
            return NULL;
          idw_device_response_add_document (response, doc);
          if (doc->device_signed == NULL)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("DeviceResponse documents[%zu].deviceSigned: missing"), i);
              return NULL;
            }
        }
    }

  value = get_field (item, S, "documentErrors", "documentErrors", FALSE, error);
  if (value != NULL && !cbor_isa_array (value))
    {
      set_wrong_type (error, S, "documentErrors", _("an array"));
      return NULL;
    }

  value = get_field (item, S, "status", "status", TRUE, error);
  if (value == NULL)
    return NULL;
  if (!idw_cbor_get_uint (value, &response->status))
    {
      set_wrong_type (error, S, "status", _("an unsigned integer"));
      return NULL;
    }

  return g_steal_pointer (&response);
}

cbor_item_t *
idw_device_response_to_cbor (IdwDeviceResponse *response)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  cbor_item_t *documents = idw_cbor_new_array ();

  g_return_val_if_fail (response != NULL, NULL);

  for (guint i = 0; i < response->documents->len; i++)
    idw_cbor_array_add (documents, idw_document_to_cbor (g_ptr_array_index (response->documents, i)));

  /* Deterministic key order: status, version, documents. */
  idw_cbor_map_add_str (map, "status", cbor_build_uint64 (response->status));
  idw_cbor_map_add_str (map, "version", idw_cbor_new_string (response->version));
  idw_cbor_map_add_str (map, "documents", documents);
  return g_steal_pointer (&map);
}

/* ---- DeviceRequest ---------------------------------------------------- */

static void
requested_element_free (IdwRequestedElement *element)
{
  g_free (element->name_space);
  g_free (element->element);
  g_free (element);
}

IdwDocRequest *
idw_doc_request_new (const char *doctype)
{
  IdwDocRequest *dr;

  g_return_val_if_fail (doctype != NULL, NULL);

  dr = g_new0 (IdwDocRequest, 1);
  dr->doctype = g_strdup (doctype);
  dr->elements = g_ptr_array_new_with_free_func ((GDestroyNotify) requested_element_free);
  return dr;
}

void
idw_doc_request_free (IdwDocRequest *doc_request)
{
  if (doc_request == NULL)
    return;
  g_free (doc_request->doctype);
  g_ptr_array_unref (doc_request->elements);
  g_free (doc_request);
}

void
idw_doc_request_add (IdwDocRequest *doc_request,
                     const char    *name_space,
                     const char    *element,
                     gboolean       intent_to_retain)
{
  IdwRequestedElement *e;

  g_return_if_fail (doc_request != NULL);
  g_return_if_fail (name_space != NULL && element != NULL);

  for (guint i = 0; i < doc_request->elements->len; i++)
    {
      e = g_ptr_array_index (doc_request->elements, i);
      if (g_str_equal (e->name_space, name_space) && g_str_equal (e->element, element))
        return;
    }
  e = g_new0 (IdwRequestedElement, 1);
  e->name_space = g_strdup (name_space);
  e->element = g_strdup (element);
  e->intent_to_retain = intent_to_retain;
  g_ptr_array_add (doc_request->elements, e);
}

GStrv
idw_doc_request_get_paths (IdwDocRequest *doc_request)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (doc_request != NULL, NULL);

  for (guint i = 0; i < doc_request->elements->len; i++)
    {
      IdwRequestedElement *e = g_ptr_array_index (doc_request->elements, i);

      g_autofree char *path = idw_element_path_new (e->name_space, e->element);

      g_strv_builder_add (builder, path);
    }
  return g_strv_builder_end (builder);
}

IdwDeviceRequest *
idw_device_request_new (void)
{
  IdwDeviceRequest *request = g_new0 (IdwDeviceRequest, 1);

  request->version = g_strdup ("1.0");
  request->doc_requests = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_doc_request_free);
  return request;
}

void
idw_device_request_free (IdwDeviceRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->version);
  g_ptr_array_unref (request->doc_requests);
  g_free (request);
}

void
idw_device_request_add (IdwDeviceRequest *request,
                        IdwDocRequest    *doc_request)
{
  g_return_if_fail (request != NULL);
  g_return_if_fail (doc_request != NULL);

  g_ptr_array_add (request->doc_requests, doc_request);
}

static IdwDocRequest *
doc_request_parse (cbor_item_t  *item,
                   gsize         index,
                   gsize        *total,
                   GError      **error)
{
  g_autofree char *S = g_strdup_printf ("DeviceRequest docRequests[%" G_GSIZE_FORMAT "]", index);
  g_autoptr(cbor_item_t) items_request = NULL;
  g_autoptr(IdwDocRequest) dr = NULL;
  g_autofree char *doctype = NULL;
  cbor_item_t *value;
  cbor_item_t *name_spaces;
  struct cbor_pair *pairs;

  if (!cbor_isa_map (item))
    {
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  value = get_field (item, S, "itemsRequest", "itemsRequest", TRUE, error);
  if (value == NULL)
    return NULL;
  items_request = decode_tag24_field (value, S, "itemsRequest", NULL, error);
  if (items_request == NULL)
    return NULL;
  if (!cbor_isa_map (items_request))
    {
      set_wrong_type (error, S, "itemsRequest", _("a map in tag 24"));
      return NULL;
    }
  doctype = get_text (items_request, S, "itemsRequest.docType", "docType", error);
  if (doctype == NULL)
    return NULL;
  dr = idw_doc_request_new (doctype);

  name_spaces = get_field (items_request, S, "itemsRequest.nameSpaces", "nameSpaces", TRUE, error);
  if (name_spaces == NULL)
    return NULL;
  if (!cbor_isa_map (name_spaces))
    {
      set_wrong_type (error, S, "itemsRequest.nameSpaces", _("a map"));
      return NULL;
    }
  pairs = cbor_map_handle (name_spaces);
  for (gsize i = 0; i < cbor_map_size (name_spaces); i++)
    {
      g_autofree char *ns = cbor_isa_string (pairs[i].key) ? idw_cbor_dup_string (pairs[i].key) : NULL;
      g_autofree char *field = NULL;
      struct cbor_pair *elements;

      if (ns == NULL || ns[0] == '\0')
        {
          set_wrong_type (error, S, "itemsRequest.nameSpaces", _("text keys"));
          return NULL;
        }
      field = g_strdup_printf ("itemsRequest.nameSpaces.%s", ns);
      if (!cbor_isa_map (pairs[i].value))
        {
          set_wrong_type (error, S, field, _("a map"));
          return NULL;
        }
      elements = cbor_map_handle (pairs[i].value);
      *total += cbor_map_size (pairs[i].value);
      if (*total > IDW_MAX_ELEMENTS)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("DeviceRequest: more than %d data elements"), IDW_MAX_ELEMENTS);
          return NULL;
        }
      for (gsize j = 0; j < cbor_map_size (pairs[i].value); j++)
        {
          g_autofree char *element = cbor_isa_string (elements[j].key)
                                     ? idw_cbor_dup_string (elements[j].key) : NULL;
          gboolean retain;

          if (element == NULL || element[0] == '\0' || strchr (element, '/') != NULL)
            {
              set_wrong_type (error, S, field, _("element identifiers as keys"));
              return NULL;
            }
          if (!_idw_cbor_get_bool_safe (elements[j].value, &retain))
            {
              g_autofree char *f = g_strdup_printf ("%s.%s", field, element);

              set_wrong_type (error, S, f, _("a boolean (IntentToRetain)"));
              return NULL;
            }
          idw_doc_request_add (dr, ns, element, retain);
        }
    }
  return g_steal_pointer (&dr);
}

IdwDeviceRequest *
idw_device_request_parse (cbor_item_t  *item,
                          GError      **error)
{
  const char *S = "DeviceRequest";
  g_autoptr(IdwDeviceRequest) request = NULL;
  cbor_item_t *doc_requests;
  cbor_item_t **docs;
  gsize total = 0;

  g_return_val_if_fail (item != NULL, NULL);

  if (!cbor_isa_map (item))
    {
      set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  request = idw_device_request_new ();
  g_free (request->version);
  request->version = get_text (item, S, "version", "version", error);
  if (request->version == NULL)
    return NULL;
  if (!g_str_equal (request->version, "1.0"))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("DeviceRequest version: “%s” is not supported (expected “1.0”)"),
                   request->version);
      return NULL;
    }
  doc_requests = get_field (item, S, "docRequests", "docRequests", TRUE, error);
  if (doc_requests == NULL)
    return NULL;
  if (!cbor_isa_array (doc_requests) || cbor_array_size (doc_requests) == 0)
    {
      set_wrong_type (error, S, "docRequests", _("a non-empty array"));
      return NULL;
    }
  docs = cbor_array_handle (doc_requests);
  for (gsize i = 0; i < cbor_array_size (doc_requests); i++)
    {
      IdwDocRequest *dr = doc_request_parse (docs[i], i, &total, error);

      if (dr == NULL)
        return NULL;
      idw_device_request_add (request, dr);
    }
  return g_steal_pointer (&request);
}

cbor_item_t *
idw_device_request_to_cbor (IdwDeviceRequest *request)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  cbor_item_t *doc_requests = idw_cbor_new_array ();

  g_return_val_if_fail (request != NULL, NULL);

  for (guint i = 0; i < request->doc_requests->len; i++)
    {
      IdwDocRequest *dr = g_ptr_array_index (request->doc_requests, i);
      g_autoptr(cbor_item_t) items_request = idw_cbor_new_map ();
      cbor_item_t *name_spaces = idw_cbor_new_map ();
      cbor_item_t *doc_request = idw_cbor_new_map ();

      for (guint j = 0; j < dr->elements->len; j++)
        {
          IdwRequestedElement *e = g_ptr_array_index (dr->elements, j);
          cbor_item_t *ns = idw_cbor_map_get (name_spaces, e->name_space);

          if (ns == NULL)
            {
              ns = idw_cbor_new_map ();
              idw_cbor_map_add_str (name_spaces, e->name_space, ns);
            }
          idw_cbor_map_add_str (ns, e->element, idw_cbor_new_bool (e->intent_to_retain));
        }
      idw_cbor_map_add_str (items_request, "docType", idw_cbor_new_string (dr->doctype));
      idw_cbor_map_add_str (items_request, "nameSpaces", name_spaces);
      idw_mdoc_cbor_sort_maps (items_request);
      idw_cbor_map_add_str (doc_request, "itemsRequest", idw_cbor_new_tag24 (items_request));
      idw_cbor_array_add (doc_requests, doc_request);
    }
  idw_cbor_map_add_str (map, "version", idw_cbor_new_string (request->version));
  idw_cbor_map_add_str (map, "docRequests", doc_requests);
  idw_mdoc_cbor_sort_maps (map);
  return g_steal_pointer (&map);
}
