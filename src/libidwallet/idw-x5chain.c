/* idw-x5chain.c: the x5chain header parameter (COSE label 33, RFC 9360
 * §2) that carries the document signer certificate in issuerAuth
 * (ISO/IEC 18013-5 §9.1.2.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-error.h"
#include "idw-x509.h"

/* A CBOR byte string's content; indefinite strings are joined. */
static GBytes *
dup_cbor_bytes (cbor_item_t *item)
{
  GByteArray *joined;
  cbor_item_t **chunks;
  gsize n;

  if (cbor_bytestring_is_definite (item))
    return g_bytes_new (cbor_bytestring_handle (item), cbor_bytestring_length (item));

  joined = g_byte_array_new ();
  chunks = cbor_bytestring_chunks_handle (item);
  n = cbor_bytestring_chunk_count (item);
  for (gsize i = 0; i < n; i++)
    g_byte_array_append (joined, cbor_bytestring_handle (chunks[i]),
                         (guint) cbor_bytestring_length (chunks[i]));

  return g_byte_array_free_to_bytes (joined);
}

static IdwCertificate *
certificate_from_cbor (cbor_item_t  *item,
                       int           index,
                       GError      **error)
{
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) local_error = NULL;
  IdwCertificate *cert;
  gsize len;
  const guint8 *data;

  if (!cbor_isa_bytestring (item))
    {
      if (index < 0)
        g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                     _("x5chain: expected a byte string or an array of byte strings"));
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                     _("x5chain[%d]: expected a byte string"), index);
      return NULL;
    }

  der = dup_cbor_bytes (item);
  data = g_bytes_get_data (der, &len);
  cert = idw_certificate_new_from_der (data, len, &local_error);
  if (cert == NULL)
    {
      if (index < 0)
        g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                     _("x5chain: %s"), local_error->message);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                     _("x5chain[%d]: %s"), index, local_error->message);
      return NULL;
    }

  return cert;
}

/**
 * idw_x5chain_parse:
 * @x5chain: the x5chain header value (COSE header 33)
 * @error: return location for a #GError
 *
 * Parses one DER byte string or an array of 1 to %IDW_MAX_X5CHAIN of them,
 * leaf (the DS certificate) first. Indefinite-length byte strings are
 * accepted.
 *
 * Returns: (transfer full) (element-type IdwCertificate): the certificates,
 *   or %NULL with %IDW_ERROR_MISSING_FIELD (no @x5chain),
 *   %IDW_ERROR_WRONG_TYPE, %IDW_ERROR_MALFORMED (an empty array),
 *   %IDW_ERROR_LIMIT (too many certificates) or %IDW_ERROR_BAD_CERTIFICATE
 */
GPtrArray *
idw_x5chain_parse (cbor_item_t  *x5chain,
                   GError      **error)
{
  g_autoptr(GPtrArray) chain = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (x5chain == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("x5chain: missing"));
      return NULL;
    }

  chain = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);

  if (cbor_isa_array (x5chain))
    {
      gsize n = cbor_array_size (x5chain);
      cbor_item_t **items = cbor_array_handle (x5chain);

      if (n == 0)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("x5chain: the array of certificates is empty"));
          return NULL;
        }

      if (n > IDW_MAX_X5CHAIN)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("x5chain: %u certificates, more than the %d allowed"),
                       (guint) n, IDW_MAX_X5CHAIN);
          return NULL;
        }

      for (gsize i = 0; i < n; i++)
        {
          IdwCertificate *cert = certificate_from_cbor (items[i], (int) i, error);

          if (cert == NULL)
            return NULL;
          g_ptr_array_add (chain, cert);
        }
    }
  else
    {
      IdwCertificate *cert = certificate_from_cbor (x5chain, -1, error);

      if (cert == NULL)
        return NULL;
      g_ptr_array_add (chain, cert);
    }

  return g_steal_pointer (&chain);
}
