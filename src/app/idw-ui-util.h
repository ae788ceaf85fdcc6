/* idw-ui-util.h: small helpers the wallet's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "idwallet.h"

G_BEGIN_DECLS

/* A texture from a byte-string element value (JPEG, PNG …), or NULL. */
GdkTexture *idw_ui_texture_from_value      (cbor_item_t   *value);
/* The credential's portrait as a texture, or NULL. */
GdkTexture *idw_ui_credential_portrait     (IdwCredential *credential);
/* A text element of the credential's main namespace (any namespace for an
 * unknown type), or NULL. */
char       *idw_ui_credential_dup_text     (IdwCredential *credential,
                                            const char    *element);
/* The name in national characters ("张伟"), or NULL when the credential has
 * none. */
char       *idw_ui_credential_national_name (IdwCredential *credential);
/* The name to show first: national characters, else "Given Family", else
 * the document type's name. */
char       *idw_ui_credential_title        (IdwCredential *credential);
/* A localised date. */
char       *idw_ui_format_date             (GDateTime     *datetime);
/* An element's value for people: dates in full ("17 May 1990"), the rest
 * as idw_element_format_value() writes it. */
char       *idw_ui_format_value            (const char    *name_space,
                                            const char    *element,
                                            cbor_item_t   *value);
/* "Valid until 17/05/2031", "Expired on …", "Valid from …". */
char       *idw_ui_credential_validity     (IdwCredential *credential);
/* Hex in groups of four, for reading aloud. */
char       *idw_ui_format_fingerprint      (const char    *hex);
/* A heading for a namespace: the document type's name for a known one,
 * the identifier otherwise. */
const char *idw_ui_namespace_title         (const char    *name_space);
/* A CSS class for the card's colours: "mdl", "pid", "photo-id" or "other". */
const char *idw_ui_doctype_style           (const char    *doctype);

/* Whether the keyboard focus belongs to @widget's pages: inside it, or
 * nowhere (on a page that just went away), so a view may move it. */
gboolean    idw_ui_owns_focus              (GtkWidget     *widget);

/* What the clipboard (or a drop) offers: files, or a picture. */
gboolean    idw_ui_formats_have_files      (GdkContentFormats *formats);
gboolean    idw_ui_formats_have_image      (GdkContentFormats *formats);

G_END_DECLS
