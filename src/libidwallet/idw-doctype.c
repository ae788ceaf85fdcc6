/* idw-doctype.c: the catalogue of known document types and data elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <langinfo.h>
#include <locale.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-doctype.h"
#include "idw-mdoc-private.h"

/* How a text value is shown, beyond its kind. */
typedef enum
{
  DISPLAY_AS_IS,
  DISPLAY_CN_CITIZEN_ID,  /* grouped when it is a GB 11643 number */
} ElementDisplay;

typedef struct
{
  const char     *id;
  const char     *label;
  IdwValueKind    kind;
  ElementDisplay  display;
} ElementInfo;

typedef struct
{
  const char        *name_space;
  const char        *doctype;
  /* NULL for a main namespace, which takes the document type's name. */
  const char        *title;
  const ElementInfo *elements;
} NamespaceInfo;

typedef struct
{
  const char         *doctype;
  const char         *name;
  const char * const *name_spaces;  /* the main one first */
  const char * const *card_elements;
  /* In the main namespace: { family, given } in each IdwNameScript. */
  const char         *names[2][2];
} DoctypeInfo;

/* ISO/IEC 18013-5:2021 Table 5, in the order a card shows them. */
static const ElementInfo mdl_elements[] = {
  { "family_name", N_("Family name"), IDW_VALUE_KIND_TEXT },
  { "given_name", N_("Given names"), IDW_VALUE_KIND_TEXT },
  { "family_name_national_character", N_("Family name (national characters)"), IDW_VALUE_KIND_TEXT },
  { "given_name_national_character", N_("Given names (national characters)"), IDW_VALUE_KIND_TEXT },
  { "birth_date", N_("Date of birth"), IDW_VALUE_KIND_FULL_DATE },
  { "birth_place", N_("Place of birth"), IDW_VALUE_KIND_TEXT },
  { "portrait", N_("Portrait"), IDW_VALUE_KIND_IMAGE },
  { "portrait_capture_date", N_("Portrait taken on"), IDW_VALUE_KIND_TDATE },
  { "sex", N_("Sex"), IDW_VALUE_KIND_SEX },
  { "height", N_("Height (cm)"), IDW_VALUE_KIND_UINT },
  { "weight", N_("Weight (kg)"), IDW_VALUE_KIND_UINT },
  { "eye_colour", N_("Eye colour"), IDW_VALUE_KIND_TEXT },
  { "hair_colour", N_("Hair colour"), IDW_VALUE_KIND_TEXT },
  { "nationality", N_("Nationality"), IDW_VALUE_KIND_COUNTRY },
  { "age_in_years", N_("Age in years"), IDW_VALUE_KIND_UINT },
  { "age_birth_year", N_("Year of birth"), IDW_VALUE_KIND_UINT },
  { "age_over_18", NULL, IDW_VALUE_KIND_BOOL },
  { "age_over_21", NULL, IDW_VALUE_KIND_BOOL },
  { "age_over_65", NULL, IDW_VALUE_KIND_BOOL },
  { "resident_address", N_("Address"), IDW_VALUE_KIND_TEXT },
  { "resident_city", N_("City"), IDW_VALUE_KIND_TEXT },
  { "resident_state", N_("State or region"), IDW_VALUE_KIND_TEXT },
  { "resident_postal_code", N_("Postal code"), IDW_VALUE_KIND_TEXT },
  { "resident_country", N_("Country of residence"), IDW_VALUE_KIND_COUNTRY },
  { "document_number", N_("Licence number"), IDW_VALUE_KIND_TEXT },
  { "administrative_number", N_("Administrative number"), IDW_VALUE_KIND_TEXT },
  { "issue_date", N_("Date of issue"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "expiry_date", N_("Date of expiry"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "issuing_country", N_("Issuing country"), IDW_VALUE_KIND_COUNTRY },
  { "issuing_authority", N_("Issuing authority"), IDW_VALUE_KIND_TEXT },
  { "issuing_jurisdiction", N_("Issuing jurisdiction"), IDW_VALUE_KIND_TEXT },
  { "un_distinguishing_sign", N_("UN distinguishing sign"), IDW_VALUE_KIND_TEXT },
  { "driving_privileges", N_("Driving privileges"), IDW_VALUE_KIND_DRIVING_PRIVILEGES },
  { "signature_usual_mark", N_("Signature"), IDW_VALUE_KIND_IMAGE },
  { NULL }
};

/* The EU PID rule book (ARF), namespace eu.europa.ec.eudi.pid.1. */
static const ElementInfo pid_elements[] = {
  { "family_name", N_("Family name"), IDW_VALUE_KIND_TEXT },
  { "given_name", N_("Given names"), IDW_VALUE_KIND_TEXT },
  { "family_name_birth", N_("Family name at birth"), IDW_VALUE_KIND_TEXT },
  { "given_name_birth", N_("Given names at birth"), IDW_VALUE_KIND_TEXT },
  { "birth_date", N_("Date of birth"), IDW_VALUE_KIND_FULL_DATE },
  { "birth_place", N_("Place of birth"), IDW_VALUE_KIND_TEXT },
  { "birth_country", N_("Country of birth"), IDW_VALUE_KIND_COUNTRY },
  { "birth_state", N_("State of birth"), IDW_VALUE_KIND_TEXT },
  { "birth_city", N_("City of birth"), IDW_VALUE_KIND_TEXT },
  { "portrait", N_("Portrait"), IDW_VALUE_KIND_IMAGE },
  { "sex", N_("Sex"), IDW_VALUE_KIND_SEX },
  { "nationality", N_("Nationality"), IDW_VALUE_KIND_COUNTRY },
  { "age_in_years", N_("Age in years"), IDW_VALUE_KIND_UINT },
  { "age_birth_year", N_("Year of birth"), IDW_VALUE_KIND_UINT },
  { "age_over_18", NULL, IDW_VALUE_KIND_BOOL },
  { "age_over_21", NULL, IDW_VALUE_KIND_BOOL },
  { "age_over_65", NULL, IDW_VALUE_KIND_BOOL },
  { "resident_address", N_("Address"), IDW_VALUE_KIND_TEXT },
  { "resident_street", N_("Street"), IDW_VALUE_KIND_TEXT },
  { "resident_house_number", N_("House number"), IDW_VALUE_KIND_TEXT },
  { "resident_postal_code", N_("Postal code"), IDW_VALUE_KIND_TEXT },
  { "resident_city", N_("City"), IDW_VALUE_KIND_TEXT },
  { "resident_state", N_("State or region"), IDW_VALUE_KIND_TEXT },
  { "resident_country", N_("Country of residence"), IDW_VALUE_KIND_COUNTRY },
  { "personal_administrative_number", N_("Personal number"), IDW_VALUE_KIND_TEXT },
  { "email_address", N_("Email address"), IDW_VALUE_KIND_TEXT },
  { "mobile_phone_number", N_("Mobile phone number"), IDW_VALUE_KIND_TEXT },
  { "document_number", N_("Document number"), IDW_VALUE_KIND_TEXT },
  { "administrative_number", N_("Administrative number"), IDW_VALUE_KIND_TEXT },
  { "issuance_date", N_("Date of issue"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "expiry_date", N_("Date of expiry"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "issuing_authority", N_("Issuing authority"), IDW_VALUE_KIND_TEXT },
  { "issuing_country", N_("Issuing country"), IDW_VALUE_KIND_COUNTRY },
  { "issuing_jurisdiction", N_("Issuing jurisdiction"), IDW_VALUE_KIND_TEXT },
  { NULL }
};

/* ISO/IEC TS 23220-2 as ISO/IEC TS 23220-4 Annex C Table C.1 lists it for
 * the photo ID, namespace org.iso.23220.1. The second edition's
 * identifiers: family_name and given_name in any script, with a Latin-1
 * copy beside them. The first edition's "_unicode" names are still known,
 * so that IDs issued to it read as well. */
static const ElementInfo photoid_elements[] = {
  { "family_name", N_("Family name"), IDW_VALUE_KIND_TEXT },
  { "given_name", N_("Given names"), IDW_VALUE_KIND_TEXT },
  { "family_name_latin1", N_("Family name (Latin letters)"), IDW_VALUE_KIND_TEXT },
  { "given_name_latin1", N_("Given names (Latin letters)"), IDW_VALUE_KIND_TEXT },
  { "family_name_unicode", N_("Family name"), IDW_VALUE_KIND_TEXT },
  { "given_name_unicode", N_("Given names"), IDW_VALUE_KIND_TEXT },
  { "family_name_viz", N_("Family name (as printed)"), IDW_VALUE_KIND_TEXT },
  { "given_name_viz", N_("Given names (as printed)"), IDW_VALUE_KIND_TEXT },
  { "name_at_birth", N_("Name at birth"), IDW_VALUE_KIND_TEXT },
  { "birth_date", N_("Date of birth"), IDW_VALUE_KIND_FULL_DATE },
  { "birthplace", N_("Place of birth"), IDW_VALUE_KIND_TEXT },
  { "portrait", N_("Portrait"), IDW_VALUE_KIND_IMAGE },
  { "portrait_capture_date", N_("Portrait taken on"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "enrolment_portrait_image", N_("Enrolment photo"), IDW_VALUE_KIND_IMAGE },
  { "sex", N_("Sex"), IDW_VALUE_KIND_SEX },
  { "nationality", N_("Nationality"), IDW_VALUE_KIND_COUNTRY },
  { "age_in_years", N_("Age in years"), IDW_VALUE_KIND_UINT },
  { "age_birth_year", N_("Year of birth"), IDW_VALUE_KIND_UINT },
  { "age_over_18", NULL, IDW_VALUE_KIND_BOOL },
  { "age_over_21", NULL, IDW_VALUE_KIND_BOOL },
  { "age_over_65", NULL, IDW_VALUE_KIND_BOOL },
  { "resident_address", N_("Address"), IDW_VALUE_KIND_TEXT },
  { "resident_address_unicode", N_("Address"), IDW_VALUE_KIND_TEXT },
  { "resident_city", N_("City"), IDW_VALUE_KIND_TEXT },
  { "resident_city_unicode", N_("City"), IDW_VALUE_KIND_TEXT },
  { "resident_city_latin1", N_("City (Latin letters)"), IDW_VALUE_KIND_TEXT },
  { "resident_postal_code", N_("Postal code"), IDW_VALUE_KIND_TEXT },
  { "resident_country", N_("Country of residence"), IDW_VALUE_KIND_COUNTRY },
  { "document_number", N_("Document number"), IDW_VALUE_KIND_TEXT },
  { "issue_date", N_("Date of issue"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "expiry_date", N_("Date of expiry"), IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
  { "issuing_authority", N_("Issuing authority"), IDW_VALUE_KIND_TEXT },
  { "issuing_authority_unicode", N_("Issuing authority"), IDW_VALUE_KIND_TEXT },
  { "issuing_country", N_("Issuing country"), IDW_VALUE_KIND_COUNTRY },
  { "issuing_subdivision", N_("Issuing region"), IDW_VALUE_KIND_TEXT },
  { NULL }
};

/* ISO/IEC TS 23220-4 Annex C Table C.2, namespace org.iso.23220.photoid.1:
 * the elements defined for the photo ID alone. person_id is the holder's
 * number for life, the 公民身份号码 of a 居民身份证. */
static const ElementInfo photoid_specific_elements[] = {
  { "person_id", N_("Personal ID number"), IDW_VALUE_KIND_TEXT, DISPLAY_CN_CITIZEN_ID },
  { "birth_country", N_("Country of birth"), IDW_VALUE_KIND_COUNTRY },
  { "birth_state", N_("State of birth"), IDW_VALUE_KIND_TEXT },
  { "birth_city", N_("City of birth"), IDW_VALUE_KIND_TEXT },
  { "administrative_number", N_("Administrative number"), IDW_VALUE_KIND_TEXT },
  { "resident_street", N_("Street"), IDW_VALUE_KIND_TEXT },
  { "resident_house_number", N_("House number"), IDW_VALUE_KIND_TEXT },
  { "resident_state", N_("State or region"), IDW_VALUE_KIND_TEXT },
  { "travel_document_type", N_("Travel document type"), IDW_VALUE_KIND_TEXT },
  { "travel_document_number", N_("Travel document number"), IDW_VALUE_KIND_TEXT },
  { "travel_document_mrz", N_("Machine-readable zone"), IDW_VALUE_KIND_TEXT },
  { NULL }
};

/* ID Wallet's namespace io.github.idwallet.cn.1, for what a Chinese
 * resident identity card (居民身份证) holds and no standard element means:
 * the holder's ethnic group (民族), one of the 56 recognised, as the card
 * prints it ("汉"). It is neither nationality (citizenship) nor anything
 * else of ISO/IEC 23220-2, so it gets an element of its own rather than
 * bend a standard one; Annex C lets an issuer add namespaces. */
static const ElementInfo cn_resident_id_elements[] = {
  { "ethnic_group", N_("Ethnic group"), IDW_VALUE_KIND_TEXT },
  { NULL }
};

static const NamespaceInfo namespaces[] = {
  { IDW_NAMESPACE_MDL, IDW_DOCTYPE_MDL, NULL, mdl_elements },
  { IDW_NAMESPACE_EU_PID, IDW_DOCTYPE_EU_PID, NULL, pid_elements },
  { IDW_NAMESPACE_PHOTO_ID, IDW_DOCTYPE_PHOTO_ID, NULL, photoid_elements },
  /* Translators: the title of a group of a photo ID's details, below the
   * group titled "Photo ID" */
  { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, IDW_DOCTYPE_PHOTO_ID, N_("Further Details"), photoid_specific_elements },
  /* Translators: the title of a group of details that only a Chinese
   * resident identity card (居民身份证) holds */
  { IDW_NAMESPACE_CN_RESIDENT_ID, IDW_DOCTYPE_PHOTO_ID, N_("Resident Identity Card"), cn_resident_id_elements },
};

static const char * const mdl_namespaces[] = { IDW_NAMESPACE_MDL, NULL };
static const char * const pid_namespaces[] = { IDW_NAMESPACE_EU_PID, NULL };
static const char * const photoid_namespaces[] = {
  IDW_NAMESPACE_PHOTO_ID, IDW_NAMESPACE_PHOTO_ID_SPECIFIC, IDW_NAMESPACE_CN_RESIDENT_ID, NULL
};

static const char * const mdl_card[] = {
  IDW_NAMESPACE_MDL "/birth_date", IDW_NAMESPACE_MDL "/document_number",
  IDW_NAMESPACE_MDL "/nationality", IDW_NAMESPACE_MDL "/sex", NULL
};
static const char * const pid_card[] = {
  IDW_NAMESPACE_EU_PID "/birth_date", IDW_NAMESPACE_EU_PID "/document_number",
  IDW_NAMESPACE_EU_PID "/nationality", IDW_NAMESPACE_EU_PID "/sex", NULL
};
/* What the front of a 居民身份证 shows, the ID number last as there. */
static const char * const photoid_card[] = {
  IDW_NAMESPACE_PHOTO_ID "/birth_date", IDW_NAMESPACE_PHOTO_ID "/sex",
  IDW_NAMESPACE_CN_RESIDENT_ID "/ethnic_group", IDW_NAMESPACE_PHOTO_ID "/nationality",
  IDW_NAMESPACE_PHOTO_ID "/document_number", IDW_NAMESPACE_PHOTO_ID_SPECIFIC "/person_id", NULL
};
static const char * const no_card[] = { NULL };

static const DoctypeInfo doctypes[] = {
  { IDW_DOCTYPE_MDL, N_("Mobile driving licence"), mdl_namespaces, mdl_card,
    { { "family_name_national_character", "given_name_national_character" },
      { "family_name", "given_name" } } },
  { IDW_DOCTYPE_EU_PID, N_("EU personal ID"), pid_namespaces, pid_card,
    { { NULL, NULL }, { "family_name", "given_name" } } },
  /* A photo ID's family_name is in the holder's own script. */
  { IDW_DOCTYPE_PHOTO_ID, N_("Photo ID"), photoid_namespaces, photoid_card,
    { { "family_name", "given_name" }, { "family_name_latin1", "given_name_latin1" } } },
};

static const char * const known_doctypes[] = {
  IDW_DOCTYPE_MDL, IDW_DOCTYPE_EU_PID, IDW_DOCTYPE_PHOTO_ID, NULL
};

static const char * const name_photo_elements[] = {
  "family_name", "given_name", "portrait",
  "family_name_national_character", "given_name_national_character",
  "family_name_latin1", "given_name_latin1", "family_name_unicode", "given_name_unicode", NULL
};

static const char * const age_over_18_elements[] = { "age_over_18", NULL };

static const DoctypeInfo *
find_doctype (const char *doctype)
{
  if (doctype == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (doctypes); i++)
    if (g_str_equal (doctypes[i].doctype, doctype))
      return &doctypes[i];
  return NULL;
}

static const NamespaceInfo *
find_namespace (const char *name_space)
{
  if (name_space == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (namespaces); i++)
    if (g_str_equal (namespaces[i].name_space, name_space))
      return &namespaces[i];
  return NULL;
}

/* age_over_NN: "age_over_" and exactly two digits. */
static gboolean
parse_age_over (const char *element,
                guint      *out_age)
{
  const char *p;

  if (!g_str_has_prefix (element, "age_over_"))
    return FALSE;
  p = element + strlen ("age_over_");
  if (!g_ascii_isdigit (p[0]) || !g_ascii_isdigit (p[1]) || p[2] != '\0')
    return FALSE;
  if (out_age != NULL)
    *out_age = (guint) (p[0] - '0') * 10 + (guint) (p[1] - '0');
  return TRUE;
}

static const ElementInfo *
find_element (const char *name_space,
              const char *element)
{
  const NamespaceInfo *info = find_namespace (name_space);

  if (info == NULL || element == NULL)
    return NULL;
  for (const ElementInfo *e = info->elements; e->id != NULL; e++)
    if (g_str_equal (e->id, element))
      return e;
  return NULL;
}

const char * const *
idw_doctype_list_known (void)
{
  return known_doctypes;
}

gboolean
idw_doctype_is_known (const char *doctype)
{
  return find_doctype (doctype) != NULL;
}

const char *
idw_doctype_get_display_name (const char *doctype)
{
  const DoctypeInfo *info = find_doctype (doctype);

  if (info == NULL)
    return doctype;
  return _(info->name);
}

const char *
idw_doctype_get_namespace (const char *doctype)
{
  const DoctypeInfo *info = find_doctype (doctype);

  return info != NULL ? info->name_spaces[0] : NULL;
}

const char *
idw_doctype_for_namespace (const char *name_space)
{
  const NamespaceInfo *info = find_namespace (name_space);

  return info != NULL ? info->doctype : NULL;
}

const char * const *
idw_doctype_list_namespaces (const char *doctype)
{
  const DoctypeInfo *info = find_doctype (doctype);

  return info != NULL ? info->name_spaces : NULL;
}

/**
 * idw_doctype_get_name_elements:
 * @doctype: a document type
 * @script: which written form of the name
 * @out_family: (out) (optional): the family name's element identifier
 * @out_given: (out) (optional): the given names' element identifier
 *
 * Says where a document type keeps the holder's name in @script, in its
 * main namespace: an mDL writes the national characters in
 * family_name_national_character and Latin letters in family_name, a photo
 * ID any script in family_name and Latin letters in family_name_latin1. An
 * unknown type is read as an mDL.
 *
 * Returns: %FALSE (outputs untouched) when @doctype writes no name in
 *   @script
 */
gboolean
idw_doctype_get_name_elements (const char    *doctype,
                               IdwNameScript  script,
                               const char   **out_family,
                               const char   **out_given)
{
  const DoctypeInfo *info = find_doctype (doctype);

  g_return_val_if_fail (script == IDW_NAME_SCRIPT_NATIONAL || script == IDW_NAME_SCRIPT_LATIN, FALSE);

  if (info == NULL)
    info = find_doctype (IDW_DOCTYPE_MDL);
  if (info->names[script][0] == NULL)
    return FALSE;
  if (out_family != NULL)
    *out_family = info->names[script][0];
  if (out_given != NULL)
    *out_given = info->names[script][1];
  return TRUE;
}

const char * const *
idw_doctype_get_card_elements (const char *doctype)
{
  const DoctypeInfo *info = find_doctype (doctype);

  return info != NULL ? info->card_elements : no_card;
}

const char *
idw_namespace_get_title (const char *name_space)
{
  const NamespaceInfo *info = find_namespace (name_space);

  if (info == NULL)
    return NULL;
  if (info->title != NULL)
    return _(info->title);
  return idw_doctype_get_display_name (info->doctype);
}

/* Whether @name_space defines the age_over_NN pattern. */
static gboolean
has_age_over (const char *name_space)
{
  return find_element (name_space, "age_over_18") != NULL;
}

gboolean
idw_element_is_known (const char *name_space,
                      const char *element)
{
  if (find_element (name_space, element) != NULL)
    return TRUE;
  return element != NULL && has_age_over (name_space) && parse_age_over (element, NULL);
}

IdwValueKind
idw_element_get_kind (const char *name_space,
                      const char *element)
{
  const ElementInfo *e = find_element (name_space, element);

  if (e != NULL)
    return e->kind;
  if (idw_element_is_known (name_space, element))
    return IDW_VALUE_KIND_BOOL;  /* age_over_NN */
  return IDW_VALUE_KIND_ANY;
}

char *
idw_element_get_label (const char *name_space,
                       const char *element)
{
  const ElementInfo *e = find_element (name_space, element);
  guint age;
  char *label;

  g_return_val_if_fail (element != NULL, NULL);

  if (e != NULL && e->label != NULL)
    return g_strdup (_(e->label));
  if (has_age_over (name_space) && parse_age_over (element, &age))
    /* Translators: %u is an age in years, as in "Age over 18" */
    return g_strdup_printf (_("Age over %u"), age);

  /* Unknown elements keep their identifier, made readable. */
  label = g_strdup (element);
  g_strdelimit (label, "_", ' ');
  return label;
}

const char * const *
idw_namespace_list_elements (const char *name_space)
{
  static GHashTable *lists;  /* name_space → const char ** (never freed) */
  const NamespaceInfo *info = find_namespace (name_space);
  const char **ids;

  if (info == NULL)
    return NULL;

  if (g_once_init_enter (&lists))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      for (gsize i = 0; i < G_N_ELEMENTS (namespaces); i++)
        {
          GPtrArray *array = g_ptr_array_new ();

          for (const ElementInfo *e = namespaces[i].elements; e->id != NULL; e++)
            g_ptr_array_add (array, (gpointer) e->id);
          g_ptr_array_add (array, NULL);
          g_hash_table_insert (table, (gpointer) namespaces[i].name_space,
                               g_ptr_array_free (array, FALSE));
        }
      g_once_init_leave (&lists, table);
    }

  ids = g_hash_table_lookup (lists, info->name_space);
  return (const char * const *) ids;
}

/* ---- Display ------------------------------------------------------------ */

/* Whether LC_TIME writes month names in English (or is the C locale). */
static gboolean
lc_time_is_english (void)
{
  const char *lc_time = setlocale (LC_TIME, NULL);

  return lc_time == NULL || strcmp (lc_time, "C") == 0 || strcmp (lc_time, "POSIX") == 0
         || g_str_has_prefix (lc_time, "C.") || g_str_has_prefix (lc_time, "en_");
}

/* The locale's own date form (nl_langinfo (D_FMT)) with the year in full:
 * "%Y年%m月%d日", "%d.%m.%Y". */
static char *
locale_date_format (void)
{
  const char *d_fmt = nl_langinfo (D_FMT);
  GString *format;

  if (d_fmt == NULL || *d_fmt == '\0' || !g_utf8_validate (d_fmt, -1, NULL))
    return g_strdup ("%Y-%m-%d");

  format = g_string_new (d_fmt);
  g_string_replace (format, "%y", "%Y", 0);
  return g_string_free (format, FALSE);
}

static char *
format_date_as_is (GDateTime *datetime,
                   gboolean   with_time)
{
  const char *english = with_time ? "%-d %B %Y %H:%M" : "%-d %B %Y";
  const char *format;
  g_autofree char *own = NULL;

  if (with_time)
    /* xgettext:no-c-format */
    /* Translators: how your language writes a date and a time of day, in
     * g_date_time_format() codes: %Y the year, %-m the month's number,
     * %B its name, %-d the day, %H:%M the time. Write the whole date in
     * your language's order; Chinese: "%Y年%-m月%-d日 %H:%M". */
    format = _("%-d %B %Y %H:%M");
  else
    /* xgettext:no-c-format */
    /* Translators: how your language writes a date, in g_date_time_format()
     * codes: %Y the year, %-m the month's number, %B its name, %-d the
     * day. Write the whole date in your language's order; English "17 May
     * 1990" is "%-d %B %Y", Chinese "1990年5月17日" is "%Y年%-m月%-d日". */
    format = _("%-d %B %Y");

  /* Untranslated (no catalogue for the language, or none found) while the
   * locale names months in another language: the English order around a
   * translated month ("5 十二月 2029") reads as neither, so use the
   * locale's own form. */
  if (strcmp (format, english) == 0 && !lc_time_is_english ())
    {
      g_autofree char *date_format = locale_date_format ();

      own = with_time ? g_strconcat (date_format, " %H:%M", NULL) : g_steal_pointer (&date_format);
      format = own;
    }

  return g_date_time_format (datetime, format);
}

/**
 * idw_format_date:
 * @datetime: a time
 * @with_time: whether to add the local time of day
 *
 * Formats @datetime in local time for people, with the year in full (an ID
 * is read for years, and the locale's short "%x" form gives two-digit
 * years in many locales): "17 May 1990", "1990年5月17日".
 *
 * Returns: (transfer full): the text
 */
char *
idw_format_date (GDateTime *datetime,
                 gboolean   with_time)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (datetime);

  return format_date_as_is (local, with_time);
}

static char *
format_datetime_local (GDateTime *dt,
                       gboolean   with_time)
{
  return idw_format_date (dt, with_time);
}

static char *
format_full_date (GDate *date)
{
  /* Noon UTC, so that no time zone moves a calendar date to another day. */
  g_autoptr(GDateTime) dt = g_date_time_new_utc (g_date_get_year (date), g_date_get_month (date),
                                                 g_date_get_day (date), 12, 0, 0);

  if (dt == NULL)
    return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date),
                            g_date_get_month (date), g_date_get_day (date));
  /* A calendar date has no time zone: format it as it is. */
  return format_date_as_is (dt, FALSE);
}

static char *
format_date_value (cbor_item_t *value)
{
  g_autoptr(GError) error = NULL;

  if (idw_cbor_untag (value, IDW_CBOR_TAG_FULL_DATE) != NULL)
    {
      GDate *date = idw_cbor_get_full_date (value, "value", &error);

      if (date != NULL)
        {
          char *str = format_full_date (date);

          g_date_free (date);
          return str;
        }
      return NULL;
    }
  if (idw_cbor_untag (value, IDW_CBOR_TAG_TDATE) != NULL)
    {
      g_autoptr(GDateTime) dt = idw_cbor_get_tdate (value, "value", &error);

      return dt != NULL ? format_datetime_local (dt, TRUE) : NULL;
    }
  if (cbor_isa_string (value))
    {
      /* Untagged: a date when it reads as one. */
      g_autofree char *str = idw_cbor_dup_string (value);
      GDate *date;

      if (str != NULL && strlen (str) == 10)
        {
          date = idw_cbor_get_full_date (value, "value", NULL);
          if (date != NULL)
            {
              char *out = format_full_date (date);

              g_date_free (date);
              return out;
            }
        }
      else if (str != NULL)
        {
          g_autoptr(GDateTime) dt = idw_cbor_get_tdate (value, "value", NULL);

          if (dt != NULL)
            return format_datetime_local (dt, TRUE);
        }
    }
  return NULL;
}

/* A citizen identity number of the People's Republic of China (GB 11643):
 * a six-digit region, the date of birth as YYYYMMDD, a three-digit sequence
 * and a check character (ISO 7064 MOD 11-2), shown in those groups with the
 * last two together as printed on the card: "110101 19900517 1234". NULL for
 * anything else, which is then shown as it is. */
static char *
format_cn_citizen_id (cbor_item_t *value)
{
  static const guint weights[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
  static const char check[] = "10X98765432";
  g_autofree char *text = cbor_isa_string (value) ? idw_cbor_dup_string (value) : NULL;
  guint sum = 0;

  if (text == NULL || strlen (text) != 18)
    return NULL;
  for (guint i = 0; i < 17; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return NULL;
      sum += (guint) (text[i] - '0') * weights[i];
    }
  if (g_ascii_toupper (text[17]) != check[sum % 11])
    return NULL;

  return g_strdup_printf ("%.6s %.8s %.4s", text, text + 6, text + 14);
}

static char *
format_sex (cbor_item_t *value)
{
  guint64 code;

  if (!idw_cbor_get_uint (value, &code))
    return NULL;
  switch (code)
    {
    case 0:
      return g_strdup (C_("sex", "Not known"));
    case 1:
      return g_strdup (C_("sex", "Male"));
    case 2:
      return g_strdup (C_("sex", "Female"));
    case 9:
      return g_strdup (C_("sex", "Not applicable"));
    default:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, code);
    }
}

static char *
format_driving_privileges (cbor_item_t *value)
{
  g_autoptr(GString) out = g_string_new (NULL);
  cbor_item_t **items;
  gsize n;

  if (!cbor_isa_array (value))
    return NULL;
  items = cbor_array_handle (value);
  n = cbor_array_size (value);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *category = idw_cbor_dup_string (idw_cbor_map_get (items[i], "vehicle_category_code"));
      cbor_item_t *expiry = idw_cbor_map_get (items[i], "expiry_date");

      if (category == NULL)
        return NULL;
      if (out->len > 0)
        g_string_append (out, ", ");
      g_string_append (out, category);
      if (expiry != NULL)
        {
          g_autofree char *until = format_date_value (expiry);

          if (until != NULL)
            /* Translators: a driving privilege category and its expiry, "B (until 20/10/2024)" */
            g_string_append_printf (out, _(" (until %s)"), until);
        }
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static char *
format_generic (cbor_item_t *value)
{
  if (cbor_isa_string (value))
    {
      char *str = idw_cbor_dup_string (value);

      /* A text holding U+0000 has no C string: show it escaped, in
       * diagnostic notation, rather than return NULL (found by fuzzing). */
      return str != NULL ? str : idw_cbor_to_diagnostic (value);
    }
  if (cbor_isa_uint (value) || cbor_isa_negint (value))
    {
      gint64 v;
      guint64 u;

      if (idw_cbor_get_uint (value, &u))
        return g_strdup_printf ("%" G_GUINT64_FORMAT, u);
      if (idw_cbor_get_int (value, &v))
        return g_strdup_printf ("%" G_GINT64_FORMAT, v);
    }
  {
    gboolean b;

    if (_idw_cbor_get_bool_safe (value, &b))
      return g_strdup (b ? _("Yes") : _("No"));
  }
  if (cbor_isa_bytestring (value))
    {
      g_autoptr(GBytes) bytes = idw_cbor_dup_bytes (value);
      gsize n = bytes != NULL ? g_bytes_get_size (bytes) : 0;

      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu byte", "%zu bytes", n), n);
    }
  if (cbor_isa_tag (value))
    {
      char *date = format_date_value (value);

      if (date != NULL)
        return date;
    }
  if (cbor_isa_array (value))
    {
      g_autoptr(GString) out = g_string_new (NULL);
      cbor_item_t **items = cbor_array_handle (value);
      gboolean all_strings = TRUE;

      for (gsize i = 0; i < cbor_array_size (value); i++)
        if (!cbor_isa_string (items[i]))
          all_strings = FALSE;
      if (all_strings)
        {
          for (gsize i = 0; i < cbor_array_size (value); i++)
            {
              g_autofree char *s = idw_cbor_dup_string (items[i]);

              if (i > 0)
                g_string_append (out, ", ");
              g_string_append (out, s != NULL ? s : "");
            }
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
    }
  return idw_cbor_to_diagnostic (value);
}

char *
idw_element_format_value (const char  *name_space,
                          const char  *element,
                          cbor_item_t *value)
{
  char *out = NULL;

  g_return_val_if_fail (value != NULL, g_strdup (""));

  switch (idw_element_get_kind (name_space, element))
    {
    case IDW_VALUE_KIND_FULL_DATE:
      /* ISO/IEC TS 23220-2 6.3.1.1.3 allows a birth date of which a part is
       * unknown as { "birth_date": full-date, ? "approximate_mask": tstr }. */
      if (cbor_isa_map (value) && idw_cbor_map_get (value, "birth_date") != NULL)
        out = format_date_value (idw_cbor_map_get (value, "birth_date"));
      else
        out = format_date_value (value);
      break;
    case IDW_VALUE_KIND_TDATE:
    case IDW_VALUE_KIND_TDATE_OR_FULL_DATE:
      out = format_date_value (value);
      break;
    case IDW_VALUE_KIND_SEX:
      out = format_sex (value);
      break;
    case IDW_VALUE_KIND_DRIVING_PRIVILEGES:
      out = format_driving_privileges (value);
      break;
    case IDW_VALUE_KIND_IMAGE:
      if (cbor_isa_bytestring (value))
        {
          g_autoptr(GBytes) bytes = idw_cbor_dup_bytes (value);
          gsize n = bytes != NULL ? g_bytes_get_size (bytes) : 0;

          out = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Image (%zu byte)",
                                              "Image (%zu bytes)", n), n);
        }
      break;
    case IDW_VALUE_KIND_TEXT:
      {
        const ElementInfo *e = find_element (name_space, element);

        if (e != NULL && e->display == DISPLAY_CN_CITIZEN_ID)
          out = format_cn_citizen_id (value);
      }
      break;
    case IDW_VALUE_KIND_ANY:
    case IDW_VALUE_KIND_BOOL:
    case IDW_VALUE_KIND_UINT:
    case IDW_VALUE_KIND_BYTES:
    case IDW_VALUE_KIND_COUNTRY:
    case IDW_VALUE_KIND_ARRAY:
    case IDW_VALUE_KIND_MAP:
    default:
      break;
    }

  /* A value of an unexpected type is still shown, generically. */
  if (out == NULL)
    out = format_generic (value);
  return out;
}

/* ---- Paths ------------------------------------------------------------- */

char *
idw_element_path_new (const char *name_space,
                      const char *element)
{
  return g_strconcat (name_space, "/", element, NULL);
}

gboolean
idw_element_path_split (const char  *path,
                        char       **out_name_space,
                        char       **out_element)
{
  const char *slash;

  if (path == NULL)
    return FALSE;
  slash = strrchr (path, '/');
  if (slash == NULL || slash == path || slash[1] == '\0')
    return FALSE;
  if (out_name_space != NULL)
    *out_name_space = g_strndup (path, (gsize) (slash - path));
  if (out_element != NULL)
    *out_element = g_strdup (slash + 1);
  return TRUE;
}

/* ---- Presets ------------------------------------------------------------ */

const char *
idw_preset_to_string (IdwPreset preset)
{
  switch (preset)
    {
    case IDW_PRESET_FULL:
      return "full";
    case IDW_PRESET_NAME_PHOTO:
      return "name-photo";
    case IDW_PRESET_AGE_OVER_18:
      return "age-over-18";
    default:
      return NULL;
    }
}

gboolean
idw_preset_from_string (const char *str,
                        IdwPreset  *out_preset)
{
  static const IdwPreset all[] = { IDW_PRESET_FULL, IDW_PRESET_NAME_PHOTO, IDW_PRESET_AGE_OVER_18 };

  if (str == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (str, idw_preset_to_string (all[i])))
      {
        if (out_preset != NULL)
          *out_preset = all[i];
        return TRUE;
      }
  return FALSE;
}

const char *
idw_preset_get_label (IdwPreset preset)
{
  switch (preset)
    {
    case IDW_PRESET_FULL:
      return _("Full ID");
    case IDW_PRESET_NAME_PHOTO:
      return _("Name and photo");
    case IDW_PRESET_AGE_OVER_18:
      return _("Age over 18");
    default:
      return NULL;
    }
}

static gboolean
preset_selects (IdwPreset   preset,
                const char *element)
{
  switch (preset)
    {
    case IDW_PRESET_FULL:
      return TRUE;
    case IDW_PRESET_NAME_PHOTO:
      return g_strv_contains (name_photo_elements, element);
    case IDW_PRESET_AGE_OVER_18:
      return g_strv_contains (age_over_18_elements, element);
    default:
      return FALSE;
    }
}

GStrv
idw_preset_get_elements (IdwPreset           preset,
                         const char         *doctype,
                         const char * const *available)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (available != NULL)
    {
      for (gsize i = 0; available[i] != NULL; i++)
        {
          g_autofree char *element = NULL;

          if (idw_element_path_split (available[i], NULL, &element)
              && preset_selects (preset, element))
            g_strv_builder_add (builder, available[i]);
        }
    }
  else
    {
      const DoctypeInfo *info = find_doctype (doctype);

      for (guint i = 0; info != NULL && info->name_spaces[i] != NULL; i++)
        {
          const NamespaceInfo *ns = find_namespace (info->name_spaces[i]);

          for (const ElementInfo *e = ns != NULL ? ns->elements : NULL; e != NULL && e->id != NULL; e++)
            if (preset_selects (preset, e->id))
              {
                g_autofree char *path = idw_element_path_new (ns->name_space, e->id);

                g_strv_builder_add (builder, path);
              }
        }
    }
  return g_strv_builder_end (builder);
}
