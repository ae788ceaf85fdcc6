/* fuzz-tpm-attest.c: a TPM's certification of a device key, as an issuer
 * reads it (idw-tpm-attest.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks the mode:
 *   0  the rest as a TPMT_PUBLIC
 *   1  the rest as a TPMS_ATTEST
 *   2  the rest as a TPMT_SIGNATURE
 *   3  a whole certification: the rest is split into attest, signature,
 *      akPublic, keyPublic and ekCertificate, each after a 2-byte
 *      big-endian length (a missing part is empty; ekCertificate is left
 *      out when empty), checked against the device key and binding of the
 *      corpus's certification with one CA (the fuzzing IACA)
 *   4  the rest as a --tpm-ca file
 * Nothing may crash or leak; every failure is an IDW_ERROR. The corpus
 * holds a real certification made by swtpm (README.md).
 */
#include "config.h"

#include "idw-tpm-attest.h"

#include "fuzz-common.h"

/* The device key and binding the corpus's certification was made for. */
static const guint8 device_x[32] = {
  0xd4, 0xa9, 0x4e, 0x4a, 0x7e, 0xf9, 0xd6, 0x55, 0xe6, 0xe8, 0xe6, 0x60, 0xcb, 0x4f, 0x10, 0x28,
  0x96, 0xf7, 0x95, 0xf7, 0xed, 0x29, 0xdf, 0x43, 0xde, 0x2f, 0xa5, 0xa4, 0x80, 0xc6, 0x22, 0xd0,
};
static const guint8 device_y[32] = {
  0xa1, 0x8a, 0xda, 0x03, 0xdd, 0x1c, 0x6d, 0xb3, 0x1f, 0x8e, 0xa1, 0x1a, 0xcb, 0x05, 0x0a, 0x32,
  0xc7, 0x67, 0x1e, 0xee, 0x28, 0xa3, 0x25, 0x7b, 0xfd, 0x49, 0xb3, 0x30, 0xa5, 0xa6, 0xbf, 0xd8,
};
static guint8 binding[32];

static IdwKey *device_key;
static IdwTpmCaList *cas;
static GDateTime *now;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;

  fuzz_init (argv);
  for (gsize i = 0; i < sizeof binding; i++)
    binding[i] = (guint8) (0xa0 + i);

  device_key = idw_key_new_ec_public (IDW_CURVE_P256, device_x, 32, device_y, 32, &error);
  if (device_key == NULL)
    g_error ("the corpus's device key: %s", error->message);

  cas = idw_tpm_ca_list_new ();
  if (!idw_tpm_ca_list_add_data (cas, (const guint8 *) FUZZ_ANCHOR_PEM, strlen (FUZZ_ANCHOR_PEM), &error))
    g_error ("fuzz CA: %s", error->message);
  now = fuzz_now ();
  return 0;
}

static void
check_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == IDW_ERROR);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

static GBytes *
take_part (const uint8_t **data,
           size_t         *size)
{
  size_t len;
  GBytes *part;

  if (*size < 2)
    {
      *size = 0;
      return g_bytes_new (NULL, 0);
    }
  len = ((size_t) (*data)[0] << 8) | (*data)[1];
  *data += 2;
  *size -= 2;
  len = MIN (len, *size);
  part = g_bytes_new (*data, len);
  *data += len;
  *size -= len;
  return part;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  uint8_t mode;

  if (size < 1)
    return 0;
  mode = data[0];
  data++;
  size--;

  switch (mode)
    {
    case 0:
      {
        IdwTpmPublic public;
        guint8 name[34];

        if (!idw_tpm_parse_public (data, size, "keyPublic", &public, &error))
          check_error (error);
        else
          idw_tpm_public_name (data, size, name);
      }
      break;

    case 1:
      {
        IdwTpmAttest attest;

        if (!idw_tpm_parse_attest (data, size, &attest, &error))
          check_error (error);
        else
          {
            g_assert_true (attest.extra_data_len <= 66);
            g_assert_true (attest.name_len <= 68);
            g_assert_true (attest.extra_data == NULL
                           || (attest.extra_data >= data && attest.extra_data + attest.extra_data_len <= data + size));
          }
      }
      break;

    case 2:
      {
        guint8 raw[64];

        if (!idw_tpm_parse_signature (data, size, raw, &error))
          check_error (error);
      }
      break;

    case 3:
      {
        g_autoptr(IdwTpmCertification) certification = g_new0 (IdwTpmCertification, 1);
        g_auto(IdwTpmCertificationResult) result = { 0 };
        gboolean with_cas;

        certification->attest = take_part (&data, &size);
        certification->signature = take_part (&data, &size);
        certification->ak_public = take_part (&data, &size);
        certification->key_public = take_part (&data, &size);
        certification->ek_certificate = take_part (&data, &size);
        if (g_bytes_get_size (certification->ek_certificate) == 0)
          g_clear_pointer (&certification->ek_certificate, g_bytes_unref);
        /* With the CA when anything is left over. */
        with_cas = size > 0;

        if (!idw_tpm_certification_verify (certification, device_key, binding, sizeof binding,
                                           with_cas ? cas : NULL, now, &result, &error))
          check_error (error);
        else
          g_assert_nonnull (result.ak_fingerprint);
      }
      break;

    case 4:
      {
        g_autoptr(IdwTpmCaList) list = idw_tpm_ca_list_new ();

        if (!idw_tpm_ca_list_add_data (list, data, size, &error))
          check_error (error);
        else
          g_assert_cmpuint (idw_tpm_ca_list_get_size (list), >, 0);
      }
      break;

    default:
      break;
    }
  return 0;
}
