/* idw-vical.h: a Verified Issuer Certificate Authority List (ISO/IEC
 * 18013-5 Annex C)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A VICAL is a COSE_Sign1 (tagged 18 or not) whose x5chain carries the
 * list signer's certificate and whose payload is
 *
 *   VICAL = {
 *     "version" : tstr,                    ; "1.0"
 *     "vicalProvider" : tstr,
 *     "date" : tdate,
 *     ? "vicalIssueID" : uint,
 *     ? "nextUpdate" : tdate,
 *     "certificateInfos" : [* CertificateInfo],
 *     ? "extensions" : { * tstr => any },
 *     * tstr => any
 *   }
 *   CertificateInfo = {
 *     "certificate" : bstr,                ; DER, an IACA
 *     "serialNumber" : biguint,
 *     "ski" : bstr,
 *     "docType" : [+ tstr],
 *     ? "certificateProfile" : [+ tstr],
 *     ? "issuingAuthority" : tstr,
 *     ? "issuingCountry" : tstr,
 *     ? "stateOrProvinceName" : tstr,
 *     ? "issuer" : bstr,                   ; DER Name
 *     ? "subject" : bstr,
 *     ? "notBefore" : tdate,
 *     ? "notAfter" : tdate,
 *     ? "extensions" : { * tstr => any },
 *     * tstr => any
 *   }
 *
 * An IdwVical exists only verified: its signature checked with the
 * signer's key, the signer chained to an anchor the caller trusts.
 */
#pragma once

#include <glib-object.h>

#include "idw-certificate.h"
#include "idw-trust-origin.h"

G_BEGIN_DECLS

/**
 * IdwVicalEntry:
 * @certificate: the IACA certificate, a CA
 * @serial_number: serialNumber, unsigned big-endian, as listed
 * @ski: ski, as listed (some lists wrap it in DER)
 * @doc_types: the document types the IACA is listed for (at least one)
 * @certificate_profiles: (nullable): certificateProfile
 * @issuing_authority: (nullable): issuingAuthority
 * @issuing_country: (nullable): issuingCountry
 * @state_or_province_name: (nullable): stateOrProvinceName
 * @issuer: (nullable): issuer, a DER Name
 * @subject: (nullable): subject, a DER Name
 * @not_before: (nullable): notBefore, as listed
 * @not_after: (nullable): notAfter, as listed
 *
 * One CertificateInfo. The certificate is what is trusted; the other
 * fields are kept as the list gives them.
 */
typedef struct
{
  IdwCertificate  *certificate;
  GBytes          *serial_number;
  GBytes          *ski;
  char           **doc_types;
  char           **certificate_profiles;
  char            *issuing_authority;
  char            *issuing_country;
  char            *state_or_province_name;
  GBytes          *issuer;
  GBytes          *subject;
  GDateTime       *not_before;
  GDateTime       *not_after;
} IdwVicalEntry;

#define IDW_TYPE_VICAL (idw_vical_get_type ())
G_DECLARE_FINAL_TYPE (IdwVical, idw_vical, IDW, VICAL, GObject)

IdwVical       *idw_vical_new_from_bytes   (GBytes         *data,
                                            GPtrArray      *anchors,
                                            GPtrArray      *intermediates,
                                            GDateTime      *now,
                                            GError        **error);

const char     *idw_vical_get_version      (IdwVical       *self);
const char     *idw_vical_get_provider     (IdwVical       *self);
/* (transfer none) */
GDateTime      *idw_vical_get_date         (IdwVical       *self);
/* FALSE when the list has no vicalIssueID. */
gboolean        idw_vical_get_issue_id     (IdwVical       *self,
                                            guint64        *out_issue_id);
/* NULL when the list names no next update (transfer none). */
GDateTime      *idw_vical_get_next_update  (IdwVical       *self);
/* (element-type IdwVicalEntry) (transfer none), in list order. */
GPtrArray      *idw_vical_get_entries      (IdwVical       *self);
/* The list signer's certificate and the anchor it chained to (transfer
 * none). */
IdwCertificate *idw_vical_get_signer       (IdwVical       *self);
IdwCertificate *idw_vical_get_anchor       (IdwVical       *self);
/* Provider, date, issue ID and next update (transfer none). */
IdwTrustOrigin *idw_vical_get_origin       (IdwVical       *self);
/* Whether @now is past nextUpdate (a list without one never is). */
gboolean        idw_vical_is_outdated      (IdwVical       *self,
                                            GDateTime      *now);
/* Whole days from the list's date to @now (0 for a list of today). */
gint64          idw_vical_get_age_days     (IdwVical       *self,
                                            GDateTime      *now);

G_END_DECLS
