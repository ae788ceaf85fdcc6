/* idw-trust-page.h: the trusted issuers, in Preferences
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_TRUST_PAGE (idw_trust_page_get_type ())
G_DECLARE_FINAL_TYPE (IdwTrustPage, idw_trust_page, IDW, TRUST_PAGE, AdwPreferencesPage)

GtkWidget     *idw_trust_page_new             (void);
IdwTrustStore *idw_trust_page_get_store       (IdwTrustPage *self);
/* Reads a certificate (PEM or DER) and asks whether to trust it, as
 * "Add Issuer…" does after the file is chosen. */
void           idw_trust_page_add_file        (IdwTrustPage *self,
                                               GFile        *file);
/* Verifies the trust list (VICAL) in @vical_file against the
 * certificates in @anchor_file and asks whether to import it, as "Import
 * Trust List…" does after both files are chosen; an error is shown in a
 * dialog and changes nothing. */
void           idw_trust_page_import_list_files (IdwTrustPage *self,
                                                 GFile        *vical_file,
                                                 GFile        *anchor_file);
/* Reads the store again. */
void           idw_trust_page_reload          (IdwTrustPage *self);
/* The number of issuers listed, of lists and added one by one. */
guint          idw_trust_page_get_n_issuers   (IdwTrustPage *self);

G_END_DECLS
