/* idw-device-signed.h: DeviceSigned and DeviceAuthentication (ISO/IEC 18013-5 8.3.2.1.2.2, 9.1.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose.h"

G_BEGIN_DECLS

/* ---- DeviceSigned and DeviceAuthentication ---------------------------- */

/**
 * IdwDeviceSigned:
 * @name_spaces_bytes: the inner bytes of DeviceNameSpacesBytes (`#6.24`)
 * @name_spaces: those bytes decoded (a map)
 * @device_signature: deviceAuth.deviceSignature (COSE_Sign1), or NULL
 * @device_mac: deviceAuth.deviceMac (COSE_Mac0), or NULL
 *
 * Exactly one of @device_signature and @device_mac is set.
 */
typedef struct
{
  GBytes      *name_spaces_bytes;
  cbor_item_t *name_spaces;
  cbor_item_t *device_signature;
  cbor_item_t *device_mac;
} IdwDeviceSigned;

/* `DeviceAuthenticationBytes = #6.24(bstr .cbor ["DeviceAuthentication",
 * SessionTranscript, DocType, DeviceNameSpacesBytes])`, encoded. The
 * transcript is spliced in as the bytes given (@session_transcript is the
 * plain CBOR of SessionTranscript), so a reader's exact encoding survives. */
GBytes               *idw_device_authentication_bytes     (GBytes        *session_transcript,
                                                           const char    *doctype,
                                                           GBytes        *device_name_spaces_bytes);
/* Signs DeviceAuthenticationBytes with @device_key (a key that signs:
 * Ed25519 or P-256, the protected alg -8 or -7 from the key) into a
 * deviceSignature with detached payload, over empty device namespaces.
 * Errors from idw_cose_sign1_create(). */
IdwDeviceSigned      *idw_device_signed_new_signature     (IdwKey        *device_key,
                                                           GBytes        *session_transcript,
                                                           const char    *doctype,
                                                           GError       **error);
IdwDeviceSigned      *idw_device_signed_parse             (cbor_item_t   *item,
                                                           GError       **error);
cbor_item_t          *idw_device_signed_to_cbor           (IdwDeviceSigned *device_signed);
void                  idw_device_signed_free              (IdwDeviceSigned *device_signed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwDeviceSigned, idw_device_signed_free)

G_END_DECLS
