/* idw-device-signed.c: DeviceSigned and DeviceAuthentication (ISO/IEC 18013-5 8.3.2.1.2.2, 9.1.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the holder's device signs (or MACs) for one session, to show that
 * the presentation comes from the device the credential was issued to:
 *
 *   DeviceSigned = {
 *     "nameSpaces" : DeviceNameSpacesBytes,
 *     "deviceAuth" : DeviceAuth
 *   }
 *   DeviceNameSpacesBytes = #6.24(bstr .cbor DeviceNameSpaces)
 *   DeviceNameSpaces = { * NameSpace => DeviceSignedItems }
 *   DeviceAuth = { "deviceSignature" : DeviceSignature // "deviceMac" : DeviceMac }
 *
 *   DeviceAuthentication = [
 *     "DeviceAuthentication",
 *     SessionTranscript,
 *     DocType,
 *     DeviceNameSpacesBytes
 *   ]
 *   DeviceAuthenticationBytes = #6.24(bstr .cbor DeviceAuthentication)
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-device-signed.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"

/* ---- DeviceSigned and DeviceAuthentication ---------------------------- */

static cbor_item_t *
tag24_item_from_inner (GBytes *inner)
{
  g_autoptr(cbor_item_t) bstr = idw_cbor_new_gbytes (inner);

  return cbor_build_tag (IDW_CBOR_TAG_ENCODED_CBOR, bstr);
}

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
  _idw_mdoc_append_tag24 (inner, data, len);

  _idw_mdoc_append_tag24 (out, inner->data, inner->len);
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
      _idw_mdoc_set_wrong_type (error, S, NULL, _("a map"));
      return NULL;
    }
  ds = device_signed_alloc ();

  value = _idw_mdoc_get_field (item, S, "nameSpaces", "nameSpaces", TRUE, error);
  if (value == NULL)
    return NULL;
  ds->name_spaces = _idw_mdoc_decode_tag24_field (value, S, "nameSpaces", &ds->name_spaces_bytes,
                                                   error);
  if (ds->name_spaces == NULL)
    return NULL;
  if (!cbor_isa_map (ds->name_spaces))
    {
      _idw_mdoc_set_wrong_type (error, S, "nameSpaces", _("a map in tag 24"));
      return NULL;
    }

  device_auth = _idw_mdoc_get_field (item, S, "deviceAuth", "deviceAuth", TRUE, error);
  if (device_auth == NULL)
    return NULL;
  if (!cbor_isa_map (device_auth))
    {
      _idw_mdoc_set_wrong_type (error, S, "deviceAuth", _("a map"));
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
      if (!_idw_mdoc_is_cose_array (signature))
        {
          _idw_mdoc_set_wrong_type (error, S, "deviceAuth.deviceSignature",
                                    _("a COSE_Sign1 array"));
          return NULL;
        }
      ds->device_signature = cbor_incref (signature);
    }
  else
    {
      if (!_idw_mdoc_is_cose_array (mac))
        {
          _idw_mdoc_set_wrong_type (error, S, "deviceAuth.deviceMac", _("a COSE_Mac0 array"));
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
