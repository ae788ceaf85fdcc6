/* idw-doctype.h: the catalogue of known document types and data elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Knows ISO/IEC 18013-5 mDL (org.iso.18013.5.1.mDL), the EU PID
 * (eu.europa.ec.eudi.pid.1) and the ISO/IEC TS 23220-4 Annex C photo ID
 * (org.iso.23220.photoid.1, with the ISO/IEC TS 23220-2 elements in
 * org.iso.23220.1, its own in org.iso.23220.photoid.1, and what a Chinese
 * resident identity card holds beyond them in ID Wallet's
 * io.github.idwallet.cn.1): for each element a translatable label and a
 * value kind that decides the CBOR type when issuing and the rendering when
 * displaying. Anything not in the catalogue is handled generically, never
 * refused.
 *
 * Elements are named by a path "namespace/element"; element identifiers
 * never contain '/', so a path is split at its last '/'.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

#define IDW_DOCTYPE_MDL          "org.iso.18013.5.1.mDL"
#define IDW_NAMESPACE_MDL        "org.iso.18013.5.1"
#define IDW_DOCTYPE_EU_PID       "eu.europa.ec.eudi.pid.1"
#define IDW_NAMESPACE_EU_PID     "eu.europa.ec.eudi.pid.1"
#define IDW_DOCTYPE_PHOTO_ID     "org.iso.23220.photoid.1"
#define IDW_NAMESPACE_PHOTO_ID   "org.iso.23220.1"
/* ISO/IEC TS 23220-4 Table C.2: the elements only a photo ID defines. */
#define IDW_NAMESPACE_PHOTO_ID_SPECIFIC "org.iso.23220.photoid.1"
/* Ours: what a 居民身份证 holds that no standard element means (民族). */
#define IDW_NAMESPACE_CN_RESIDENT_ID    "io.github.idwallet.cn.1"

/**
 * IdwValueKind:
 * @IDW_VALUE_KIND_ANY: not in the catalogue: any CBOR value, shown generically
 * @IDW_VALUE_KIND_TEXT: a text string
 * @IDW_VALUE_KIND_FULL_DATE: a date, tag 1004 "YYYY-MM-DD"
 * @IDW_VALUE_KIND_TDATE: a date and time, tag 0 RFC 3339
 * @IDW_VALUE_KIND_TDATE_OR_FULL_DATE: either of the above (issued as a full-date
 *   when the JSON gives a plain date, as a tdate when it gives a time)
 * @IDW_VALUE_KIND_BOOL: a boolean
 * @IDW_VALUE_KIND_UINT: an unsigned integer
 * @IDW_VALUE_KIND_IMAGE: a byte string holding a JPEG or JPEG 2000 image
 * @IDW_VALUE_KIND_BYTES: any other byte string
 * @IDW_VALUE_KIND_COUNTRY: an ISO 3166-1 alpha-2 country code (text)
 * @IDW_VALUE_KIND_SEX: an ISO/IEC 5218 sex code (0, 1, 2 or 9)
 * @IDW_VALUE_KIND_DRIVING_PRIVILEGES: an array of maps with
 *   vehicle_category_code and optional issue_date, expiry_date (full-dates)
 *   and codes
 * @IDW_VALUE_KIND_ARRAY: an array (of text or any values), issued from a
 *   JSON array
 * @IDW_VALUE_KIND_MAP: a map, issued from a JSON object
 *
 * What kind of value a data element holds.
 */
typedef enum
{
  IDW_VALUE_KIND_ANY,
  IDW_VALUE_KIND_TEXT,
  IDW_VALUE_KIND_FULL_DATE,
  IDW_VALUE_KIND_TDATE,
  IDW_VALUE_KIND_TDATE_OR_FULL_DATE,
  IDW_VALUE_KIND_BOOL,
  IDW_VALUE_KIND_UINT,
  IDW_VALUE_KIND_IMAGE,
  IDW_VALUE_KIND_BYTES,
  IDW_VALUE_KIND_COUNTRY,
  IDW_VALUE_KIND_SEX,
  IDW_VALUE_KIND_DRIVING_PRIVILEGES,
  IDW_VALUE_KIND_ARRAY,
  IDW_VALUE_KIND_MAP,
} IdwValueKind;

/**
 * IdwNameScript:
 * @IDW_NAME_SCRIPT_NATIONAL: the name in the script of the issuing country,
 *   as the ID itself writes it ("张", "伟")
 * @IDW_NAME_SCRIPT_LATIN: the name in Latin letters ("Zhang", "Wei")
 *
 * Which of a holder's written names to look for.
 */
typedef enum
{
  IDW_NAME_SCRIPT_NATIONAL,
  IDW_NAME_SCRIPT_LATIN,
} IdwNameScript;

/**
 * IdwPreset:
 * @IDW_PRESET_FULL: everything the credential holds ("full")
 * @IDW_PRESET_NAME_PHOTO: family and given name, portrait, and the
 *   names in the other script when present ("name-photo")
 * @IDW_PRESET_AGE_OVER_18: only age_over_18 ("age-over-18")
 *
 * The disclosure presets offered to the holder and to a remote verifier.
 */
typedef enum
{
  IDW_PRESET_FULL,
  IDW_PRESET_NAME_PHOTO,
  IDW_PRESET_AGE_OVER_18,
} IdwPreset;

/* Document types. */

/* The known document types, NULL-terminated (static). */
const char * const *idw_doctype_list_known          (void);
gboolean            idw_doctype_is_known            (const char         *doctype);
/* Translated display name ("Mobile driving licence"); @doctype itself for
 * an unknown type. */
const char         *idw_doctype_get_display_name    (const char         *doctype);
/* The main namespace of a known type (static), NULL for an unknown type. */
const char         *idw_doctype_get_namespace       (const char         *doctype);
/* The known type that @name_space belongs to (main or not), or NULL. */
const char         *idw_doctype_for_namespace       (const char         *name_space);
/* The namespaces of a known type, main first (static, NULL-terminated), or
 * NULL for an unknown type. */
const char * const *idw_doctype_list_namespaces     (const char         *doctype);
/* The element identifiers (in the main namespace) that hold the family and
 * given names in @script; for an unknown type those of ISO/IEC 18013-5.
 * FALSE when the type writes no name in @script. */
gboolean            idw_doctype_get_name_elements   (const char         *doctype,
                                                     IdwNameScript       script,
                                                     const char        **out_family,
                                                     const char        **out_given);
/* The element paths a card shows under the name, in order, those the ID
 * holds (static, NULL-terminated); for an unknown type an empty list. */
const char * const *idw_doctype_get_card_elements   (const char         *doctype);

/* Data elements. */

/* Whether the catalogue knows @element in @name_space (age_over_NN counts
 * for any two-digit NN in the namespaces that define age_over_18). */
gboolean            idw_element_is_known            (const char         *name_space,
                                                     const char         *element);
/* IDW_VALUE_KIND_ANY when unknown. */
IdwValueKind        idw_element_get_kind            (const char         *name_space,
                                                     const char         *element);
/* Translated label ("Family name", "Age over 21"); for an unknown element
 * its identifier with underscores shown as spaces. */
char               *idw_element_get_label           (const char         *name_space,
                                                     const char         *element);
/* A title for a group of @name_space's elements: the document type's name
 * for a main namespace ("Photo ID"), a title of its own for another known
 * one; NULL for an unknown namespace. */
const char         *idw_namespace_get_title         (const char         *name_space);
/* The catalogue's elements of @name_space in display order (static,
 * NULL-terminated; age_over_18/21/65 stand for the pattern), or NULL for an
 * unknown namespace. */
const char * const *idw_namespace_list_elements     (const char         *name_space);

/* A date (and time) in local time for people, year in full. */
char               *idw_format_date                 (GDateTime          *datetime,
                                                     gboolean            with_time);
/* A value for people: localised dates, "Yes"/"No", sex names, driving
 * privilege categories, "Image (1042 bytes)" for images, a Chinese citizen
 * ID number in groups ("110101 19900517 1234"), diagnostic notation for
 * anything else. Never NULL; only for showing (the value itself is
 * unchanged). */
char               *idw_element_format_value        (const char         *name_space,
                                                     const char         *element,
                                                     cbor_item_t        *value);

/* Element paths "namespace/element". */

char               *idw_element_path_new            (const char         *name_space,
                                                     const char         *element);
/* Splits at the last '/'. FALSE (outputs untouched) when there is no '/'
 * or either side is empty. */
gboolean            idw_element_path_split          (const char         *path,
                                                     char              **out_name_space,
                                                     char              **out_element);

/* Presets. */

/* "full", "name-photo", "age-over-18". */
const char         *idw_preset_to_string            (IdwPreset           preset);
gboolean            idw_preset_from_string          (const char         *str,
                                                     IdwPreset          *out_preset);
/* Translated ("Full ID", "Name and photo", "Age over 18"). */
const char         *idw_preset_get_label            (IdwPreset           preset);
/* The element paths of @preset. With @available (paths the credential
 * holds, NULL-terminated) the result is the subset of @available the preset
 * selects, matching names in any namespace; without it, the catalogue's
 * elements for @doctype (empty for "full" on an unknown type). Never NULL. */
GStrv               idw_preset_get_elements         (IdwPreset           preset,
                                                     const char         *doctype,
                                                     const char * const *available);

G_END_DECLS
