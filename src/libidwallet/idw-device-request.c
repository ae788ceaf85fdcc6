/* idw-device-request.c: DeviceRequest (ISO/IEC 18013-5 8.3.2.1.2.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a reader asks for: per document type, the data elements it wants
 * and whether it will keep them:
 *
 *   DeviceRequest = {
 *     "version" : tstr,                     ; "1.0"
 *     "docRequests" : [ + DocRequest ]
 *   }
 *   DocRequest = {
 *     "itemsRequest" : ItemsRequestBytes,
 *     ? "readerAuth" : ReaderAuth           ; accepted, ignored
 *   }
 *   ItemsRequestBytes = #6.24(bstr .cbor ItemsRequest)
 *   ItemsRequest = {
 *     "docType" : DocType,
 *     "nameSpaces" : { + NameSpace => { + DataElementIdentifier => IntentToRetain } },
 *     ? "requestInfo" : { * tstr => any }
 *   }
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-device-request.h"
#include "idw-doctype.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"

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
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  value = _idw_mdoc_get_field (item, S, "itemsRequest", "itemsRequest", TRUE, error);
  if (value == NULL)
    return NULL;
  items_request = _idw_mdoc_decode_tag24_field (value, S, "itemsRequest", NULL, error);
  if (items_request == NULL)
    return NULL;
  if (!cbor_isa_map (items_request))
    {
      _idw_mdoc_set_wrong_type (error, S, "itemsRequest", _("a map in tag 24"));
      return NULL;
    }
  doctype = _idw_mdoc_get_text (items_request, S, "itemsRequest.docType", "docType", error);
  if (doctype == NULL)
    return NULL;
  dr = idw_doc_request_new (doctype);

  name_spaces = _idw_mdoc_get_field (items_request, S, "itemsRequest.nameSpaces", "nameSpaces", TRUE,
                                     error);
  if (name_spaces == NULL)
    return NULL;
  if (!cbor_isa_map (name_spaces))
    {
      _idw_mdoc_set_wrong_type (error, S, "itemsRequest.nameSpaces", _("a map"));
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
          _idw_mdoc_set_wrong_type (error, S, "itemsRequest.nameSpaces", _("text keys"));
          return NULL;
        }
      field = g_strdup_printf ("itemsRequest.nameSpaces.%s", ns);
      if (!cbor_isa_map (pairs[i].value))
        {
          _idw_mdoc_set_wrong_type (error, S, field, _("a map"));
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
              _idw_mdoc_set_wrong_type (error, S, field, _("element identifiers as keys"));
              return NULL;
            }
          if (!_idw_cbor_get_bool_safe (elements[j].value, &retain))
            {
              g_autofree char *f = g_strdup_printf ("%s.%s", field, element);

              _idw_mdoc_set_wrong_type (error, S, f, _("a boolean (IntentToRetain)"));
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
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  request = idw_device_request_new ();
  g_free (request->version);
  request->version = _idw_mdoc_get_text (item, S, "version", "version", error);
  if (request->version == NULL)
    return NULL;
  if (!g_str_equal (request->version, "1.0"))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("DeviceRequest version: “%s” is not supported (expected “1.0”)"),
                   request->version);
      return NULL;
    }
  doc_requests = _idw_mdoc_get_field (item, S, "docRequests", "docRequests", TRUE, error);
  if (doc_requests == NULL)
    return NULL;
  if (!cbor_isa_array (doc_requests) || cbor_array_size (doc_requests) == 0)
    {
      _idw_mdoc_set_wrong_type (error, S, "docRequests", _("a non-empty array"));
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
