/* idw-issuer-signed.c: IssuerSignedItem and IssuerSigned (ISO/IEC 18013-5 8.3.2.1.2.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The data elements the issuer signed, as a Document carries them; the MSO
 * (idw-mso.c) holds a digest of each IssuerSignedItemBytes:
 *
 *   IssuerSigned = {
 *     ? "nameSpaces" : IssuerNameSpaces,
 *     "issuerAuth" : IssuerAuth             ; COSE_Sign1 over the MSO
 *   }
 *   IssuerNameSpaces = { + NameSpace => [ + IssuerSignedItemBytes ] }
 *   IssuerSignedItemBytes = #6.24(bstr .cbor IssuerSignedItem)
 *   IssuerSignedItem = {
 *     "digestID" : uint,
 *     "random" : bstr,
 *     "elementIdentifier" : DataElementIdentifier,
 *     "elementValue" : DataElementValue
 *   }
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-doctype.h"
#include "idw-error.h"
#include "idw-issuer-signed.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"

#define MIN_RANDOM_LENGTH 16

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
  item->encoded = _idw_mdoc_tag24_encoding (inner);
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
  map = _idw_mdoc_decode_tag24_field (item, structure, NULL, &inner, error);
  if (map == NULL)
    return NULL;
  if (!cbor_isa_map (map))
    {
      _idw_mdoc_set_wrong_type (error, structure, NULL, _("a map"));
      return NULL;
    }

  result = issuer_signed_item_alloc ();

  value = _idw_mdoc_get_field (map, structure, "digestID", "digestID", TRUE, error);
  if (value == NULL)
    return NULL;
  if (!idw_cbor_get_uint (value, &result->digest_id))
    {
      _idw_mdoc_set_wrong_type (error, structure, "digestID", _("an unsigned integer"));
      return NULL;
    }

  value = _idw_mdoc_get_field (map, structure, "random", "random", TRUE, error);
  if (value == NULL)
    return NULL;
  result->random = cbor_isa_bytestring (value) ? idw_cbor_dup_bytes (value) : NULL;
  if (result->random == NULL)
    {
      _idw_mdoc_set_wrong_type (error, structure, "random", _("a byte string"));
      return NULL;
    }
  if (g_bytes_get_size (result->random) < MIN_RANDOM_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s random: expected at least %d bytes, found %zu"),
                   structure, MIN_RANDOM_LENGTH, g_bytes_get_size (result->random));
      return NULL;
    }

  result->element_identifier = _idw_mdoc_get_text (map, structure, "elementIdentifier",
                                                   "elementIdentifier", error);
  if (result->element_identifier == NULL)
    return NULL;
  if (result->element_identifier[0] == '\0' || strchr (result->element_identifier, '/') != NULL)
    {
      _idw_mdoc_set_wrong_type (error, structure, "elementIdentifier",
                                _("a non-empty identifier without “/”"));
      return NULL;
    }

  value = _idw_mdoc_get_field (map, structure, "elementValue", "elementValue", TRUE, error);
  if (value == NULL)
    return NULL;
  result->element_value = cbor_incref (value);
  result->encoded = _idw_mdoc_tag24_encoding (inner);

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
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }

  issuer_auth = _idw_mdoc_get_field (item, S, "issuerAuth", "issuerAuth", TRUE, error);
  if (issuer_auth == NULL)
    return NULL;
  if (!_idw_mdoc_is_cose_array (issuer_auth))
    {
      _idw_mdoc_set_wrong_type (error, S, "issuerAuth", _("a COSE_Sign1 array"));
      return NULL;
    }
  result = idw_issuer_signed_new (issuer_auth);

  name_spaces = _idw_mdoc_get_field (item, S, "nameSpaces", "nameSpaces", FALSE, error);
  if (name_spaces == NULL)
    return g_steal_pointer (&result);
  if (!cbor_isa_map (name_spaces))
    {
      _idw_mdoc_set_wrong_type (error, S, "nameSpaces", _("a map"));
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
          _idw_mdoc_set_wrong_type (error, S, "nameSpaces", _("text keys"));
          return NULL;
        }
      field = g_strdup_printf ("nameSpaces.%s", ns);
      if (!cbor_isa_array (pairs[i].value) || cbor_array_size (pairs[i].value) == 0)
        {
          _idw_mdoc_set_wrong_type (error, S, field, _("a non-empty array"));
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
