/* idw-ui-util.h: small helpers the wallet's pages share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

/* What a credential, a presentation, a certificate or a request says is
 * shown as it is, never interpreted.
 *
 * idw_ui_escape_text() makes @text safe to show as plain text: each C0
 * control character (\n, \t, \r for those three, \x1b style for the
 * rest), DEL (\x7f), C1 control character (\u0085), bidirectional
 * embedding, override and isolate (U+202A–U+202E, U+2066–U+2069) and line
 * or paragraph separator (U+2028, U+2029) becomes a visible escape, and
 * each byte that is not UTF-8 becomes \xNN: a value stays on its own line
 * and cannot reorder what is around it. NULL gives NULL.
 *
 * Rows (AdwPreferencesRow:use-markup), labels and dialogs that show such
 * text keep markup off. Where libadwaita 1.2 always parses markup (AdwToast
 * titles, AdwPreferencesGroup titles and descriptions, AdwStatusPage
 * descriptions), use idw_ui_escape_markup(): the same, escaped for Pango.
 *
 * The helpers below that return text for people (the credential's texts,
 * values and labels) return it escaped already. */
char       *idw_ui_escape_text             (const char    *text);
char       *idw_ui_escape_markup           (const char    *text);
/* A toast that says @title literally. */
AdwToast   *idw_ui_toast_new               (const char    *title);
/* Sets @widget's accessible description (NULL: none), which
 * idw_ui_announce() gives back after borrowing it. */
void        idw_ui_set_description         (GtkWidget     *widget,
                                            const char    *description);
/* Has a screen reader say @message now, without moving the focus: GTK 4.8
 * has no announcement API, and Orca says a change of the focused widget's
 * description. The widget that has the focus in @widget's window carries
 * @message as its description until the focus leaves it. */
void        idw_ui_announce                (GtkWidget     *widget,
                                            const char    *message);
/* Writes @text (taken) to @file, readable by its owner only and replaced
 * at once, then returns TRUE or the error through @task (taken). For
 * exports of what a person shared or checked. */
void        idw_ui_save_private_text       (GFile         *file,
                                            char          *text,
                                            GTask         *task);
/* Asks where to save, in a modal file chooser over @widget's window:
 * @title, @accept_label ("_Save", "_Export"), the @suggested_name and,
 * when given, @filter. @chosen (@instance, file) is called with the file
 * picked; not when the chooser is cancelled, nor once @instance is gone
 * (the chooser goes with it). While one is open for @instance, asking
 * again does nothing. */
void        idw_ui_choose_save_file        (GtkWidget     *widget,
                                            const char    *title,
                                            const char    *accept_label,
                                            const char    *suggested_name,
                                            GtkFileFilter *filter,
                                            void         (*chosen) (gpointer instance,
                                                                    GFile   *file),
                                            gpointer       instance);
/* Watches the folder @path (it need not exist yet) for changes made by
 * anyone: @settled (@instance) is called once things are quiet again,
 * IDW_UI_FOLDER_SETTLE_MS after the last change (a write is a temporary
 * file, then a rename), never after @instance is gone; with @name, only
 * changes to the entry of that name count. Returns the monitor, or NULL
 * when the folder cannot be watched, which is said at debug level (the
 * caller then stays as fresh as its last read). */
#define IDW_UI_FOLDER_SETTLE_MS 200
GFileMonitor *idw_ui_monitor_folder        (const char    *path,
                                            const char    *name,
                                            void         (*settled) (gpointer instance),
                                            gpointer       instance);
/* Shows @toast (transfer full) on the toast overlay nearest above
 * @widget (or @widget itself), and has a screen reader say it: pages talk
 * to no window, whichever holds them. */
void        idw_ui_add_toast               (GtkWidget     *widget,
                                            AdwToast      *toast);
/* An element's label, escaped: for an element the catalogue does not know,
 * it is the credential's identifier. */
char       *idw_ui_element_label           (const char    *name_space,
                                            const char    *element);

/* A texture from a byte-string element value (JPEG, PNG …), or NULL. */
GdkTexture *idw_ui_texture_from_value      (cbor_item_t   *value);
/* The credential's portrait as a texture, or NULL. */
GdkTexture *idw_ui_credential_portrait     (IdwCredential *credential);
/* A text element of the credential's main namespace (any namespace for an
 * unknown type), escaped for display, or NULL. */
char       *idw_ui_credential_dup_text     (IdwCredential *credential,
                                            const char    *element);
/* The name in national characters ("张伟"), or NULL when the credential has
 * none. */
char       *idw_ui_credential_national_name (IdwCredential *credential);
/* The name to show first: national characters, else "Given Family", else
 * the document type's name. */
char       *idw_ui_credential_title        (IdwCredential *credential);
/* The country's name in the user's language from its ISO 3166-1 alpha-2
 * code ("CN" → "China", "中国"), or NULL for a code iso-codes does not
 * know (or without iso-codes). Not escaped: it is not the credential's. */
const char *idw_ui_country_name            (const char    *code);
/* A localised date. */
char       *idw_ui_format_date             (GDateTime     *datetime);
/* An element's value for people: dates in full ("17 May 1990"), the rest
 * as idw_element_format_value() writes it, escaped. */
char       *idw_ui_format_value            (const char    *name_space,
                                            const char    *element,
                                            cbor_item_t   *value);
/* The digital copy's validity (the issuer's signature, not the document's
 * date of expiry): "Digital copy valid until 17 May 2031", "… expired on …",
 * "… valid from …". */
char       *idw_ui_credential_validity     (IdwCredential *credential);
/* Whether the holder should be warned before presenting: the document's
 * date of expiry or the signature's validUntil passed, or its validFrom
 * still ahead. A heading and a sentence, escaped. */
gboolean    idw_ui_credential_expiry_warning (IdwCredential *credential,
                                              char         **out_title,
                                              char         **out_body);
/* That warning as a boxed row, or NULL when there is none. */
GtkWidget  *idw_ui_expiry_warning_new      (IdwCredential *credential);
/* What the issuer's revocation list says of the holder's own ID, when it
 * is something to warn of (revoked, suspended, or another value that is
 * not valid): a heading ("Revoked by the Issuer") and a sentence that
 * names when it was checked. FALSE for a valid ID. */
gboolean    idw_ui_credential_status_warning (IdwCredentialStatus *status,
                                              char               **out_title,
                                              char               **out_body);
/* That warning as a boxed row, or NULL when there is none. */
GtkWidget  *idw_ui_status_warning_new      (IdwCredentialStatus *status);
/* Hex in groups of four, for reading aloud. */
char       *idw_ui_format_fingerprint      (const char    *hex);
/* A heading for a namespace: the document type's name for a known one,
 * the identifier otherwise (not escaped: it may be the credential's). */
const char *idw_ui_namespace_title         (const char    *name_space);
/* A CSS class for the card's colours: "mdl", "pid", "photo-id" or "other". */
const char *idw_ui_doctype_style           (const char    *doctype);

/* Once installed, buttons and lists are fixed up when they are shown:
 * - Chinese and Japanese translations mark an access key as a suffix,
 *   "出示(_P)", which a pill button would show as "出示(P)": a pill button
 *   drops such a suffix from its label and keeps the access key (Alt+P
 *   still presses it);
 * - GTK 4.8 names a button whose label has an access key by the label as
 *   written ("_Paste"), followed by the text again: screen readers say
 *   "underscore Paste Paste"; such a button is named by its label widget
 *   alone ("Paste");
 * - a list in a preferences group or an expander row, and an expander
 *   row itself, is named by the group's or row's title, not "GtkListBox";
 * - a stack's page is named by its title, not "GtkStackPage";
 * - an icon button without a name is named by its tooltip (a toast's close
 *   button: "Dismiss"), not "GtkImage". */
void        idw_ui_install_widget_fixes    (void);
/* "出示(_P)…" → "出示…" and 'p'; FALSE when @label has no such suffix. */
gboolean    idw_ui_split_suffix_mnemonic   (const char    *label,
                                            char         **out_text,
                                            guint         *out_keyval);

/* Whether the keyboard focus belongs to @widget's pages: inside it, or
 * nowhere (on a page that just went away), so a view may move it. */
gboolean    idw_ui_owns_focus              (GtkWidget     *widget);

G_END_DECLS
