/* idw-device-response.c: Document and DeviceResponse (ISO/IEC 18013-5 8.3.2.1.2.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the holder's device returns: documents, each with the elements the
 * issuer signed (idw-issuer-signed.c) and the device's authentication
 * (idw-device-signed.c):
 *
 *   DeviceResponse = {
 *     "version" : tstr,                     ; "1.0"
 *     ? "documents" : [ + Document ],
 *     ? "documentErrors" : [ + DocumentError ],
 *     "status" : uint
 *   }
 *   Document = {
 *     "docType" : DocType,
 *     "issuerSigned" : IssuerSigned,
 *     "deviceSigned" : DeviceSigned,        ; absent in an mdoc file
 *     ? "errors" : Errors
 *   }
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-device-response.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"

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
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  doctype = _idw_mdoc_get_text (item, S, "docType", "docType", error);
  if (doctype == NULL)
    return NULL;

  value = _idw_mdoc_get_field (item, S, "issuerSigned", "issuerSigned", TRUE, error);
  if (value == NULL)
    return NULL;
  issuer_signed = idw_issuer_signed_parse (value, flags, error);
  if (issuer_signed == NULL)
    return NULL;

  value = _idw_mdoc_get_field (item, S, "deviceSigned", "deviceSigned", FALSE, error);
  if (value != NULL)
    {
      device_signed = idw_device_signed_parse (value, error);
      if (device_signed == NULL)
        return NULL;
    }

  value = _idw_mdoc_get_field (item, S, "errors", "errors", FALSE, error);
  if (value != NULL && !cbor_isa_map (value))
    {
      _idw_mdoc_set_wrong_type (error, S, "errors", _("a map"));
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
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  response = idw_device_response_new ();
  g_free (response->version);
  response->version = _idw_mdoc_get_text (item, S, "version", "version", error);
  if (response->version == NULL)
    return NULL;
  if (!g_str_equal (response->version, "1.0"))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("DeviceResponse version: “%s” is not supported (expected “1.0”)"),
                   response->version);
      return NULL;
    }

  documents = _idw_mdoc_get_field (item, S, "documents", "documents", FALSE, error);
  if (documents != NULL)
    {
      cbor_item_t **docs;

      if (!cbor_isa_array (documents))
        {
          _idw_mdoc_set_wrong_type (error, S, "documents", _("an array"));
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

  value = _idw_mdoc_get_field (item, S, "documentErrors", "documentErrors", FALSE, error);
  if (value != NULL && !cbor_isa_array (value))
    {
      _idw_mdoc_set_wrong_type (error, S, "documentErrors", _("an array"));
      return NULL;
    }

  value = _idw_mdoc_get_field (item, S, "status", "status", TRUE, error);
  if (value == NULL)
    return NULL;
  if (!idw_cbor_get_uint (value, &response->status))
    {
      _idw_mdoc_set_wrong_type (error, S, "status", _("an unsigned integer"));
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
