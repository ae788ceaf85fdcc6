/* test-doctype.c: the catalogue of document types and data elements
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>

#include "mdoc-test-util.h"

static void
test_doctypes (void)
{
  const char * const *known = idw_doctype_list_known ();

  g_assert_cmpuint (g_strv_length ((char **) known), ==, 3);
  g_assert_true (idw_doctype_is_known (IDW_DOCTYPE_MDL));
  g_assert_true (idw_doctype_is_known (IDW_DOCTYPE_EU_PID));
  g_assert_true (idw_doctype_is_known (IDW_DOCTYPE_PHOTO_ID));
  g_assert_false (idw_doctype_is_known ("org.example.card"));
  g_assert_false (idw_doctype_is_known (NULL));

  g_assert_cmpstr (idw_doctype_get_display_name (IDW_DOCTYPE_MDL), ==, "Mobile driving licence");
  g_assert_cmpstr (idw_doctype_get_display_name (IDW_DOCTYPE_EU_PID), ==, "EU personal ID");
  g_assert_cmpstr (idw_doctype_get_display_name (IDW_DOCTYPE_PHOTO_ID), ==, "Photo ID");
  g_assert_cmpstr (idw_doctype_get_display_name ("org.example.card"), ==, "org.example.card");

  g_assert_cmpstr (idw_doctype_get_namespace (IDW_DOCTYPE_MDL), ==, "org.iso.18013.5.1");
  g_assert_cmpstr (idw_doctype_get_namespace (IDW_DOCTYPE_EU_PID), ==, "eu.europa.ec.eudi.pid.1");
  g_assert_cmpstr (idw_doctype_get_namespace (IDW_DOCTYPE_PHOTO_ID), ==, "org.iso.23220.1");
  g_assert_null (idw_doctype_get_namespace ("org.example.card"));
  g_assert_cmpstr (idw_doctype_for_namespace ("org.iso.23220.1"), ==, IDW_DOCTYPE_PHOTO_ID);
  g_assert_null (idw_doctype_for_namespace ("org.iso.18013.5.1.US"));
}

static void
test_mdl_table5 (void)
{
  static const struct { const char *id; IdwValueKind kind; } table5[] = {
    { "family_name", IDW_VALUE_KIND_TEXT },
    { "given_name", IDW_VALUE_KIND_TEXT },
    { "birth_date", IDW_VALUE_KIND_FULL_DATE },
    { "issue_date", IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
    { "expiry_date", IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
    { "issuing_country", IDW_VALUE_KIND_COUNTRY },
    { "issuing_authority", IDW_VALUE_KIND_TEXT },
    { "document_number", IDW_VALUE_KIND_TEXT },
    { "portrait", IDW_VALUE_KIND_IMAGE },
    { "driving_privileges", IDW_VALUE_KIND_DRIVING_PRIVILEGES },
    { "un_distinguishing_sign", IDW_VALUE_KIND_TEXT },
    { "administrative_number", IDW_VALUE_KIND_TEXT },
    { "sex", IDW_VALUE_KIND_SEX },
    { "height", IDW_VALUE_KIND_UINT },
    { "weight", IDW_VALUE_KIND_UINT },
    { "eye_colour", IDW_VALUE_KIND_TEXT },
    { "hair_colour", IDW_VALUE_KIND_TEXT },
    { "birth_place", IDW_VALUE_KIND_TEXT },
    { "resident_address", IDW_VALUE_KIND_TEXT },
    { "portrait_capture_date", IDW_VALUE_KIND_TDATE },
    { "age_in_years", IDW_VALUE_KIND_UINT },
    { "age_birth_year", IDW_VALUE_KIND_UINT },
    { "age_over_18", IDW_VALUE_KIND_BOOL },
    { "age_over_21", IDW_VALUE_KIND_BOOL },
    { "age_over_65", IDW_VALUE_KIND_BOOL },
    { "issuing_jurisdiction", IDW_VALUE_KIND_TEXT },
    { "nationality", IDW_VALUE_KIND_COUNTRY },
    { "resident_city", IDW_VALUE_KIND_TEXT },
    { "resident_state", IDW_VALUE_KIND_TEXT },
    { "resident_postal_code", IDW_VALUE_KIND_TEXT },
    { "resident_country", IDW_VALUE_KIND_COUNTRY },
    { "family_name_national_character", IDW_VALUE_KIND_TEXT },
    { "given_name_national_character", IDW_VALUE_KIND_TEXT },
    { "signature_usual_mark", IDW_VALUE_KIND_IMAGE },
  };
  const char * const *listed = idw_namespace_list_elements (IDW_NAMESPACE_MDL);

  g_assert_nonnull (listed);
  for (gsize i = 0; i < G_N_ELEMENTS (table5); i++)
    {
      g_autofree char *label = idw_element_get_label (IDW_NAMESPACE_MDL, table5[i].id);

      g_assert_true (idw_element_is_known (IDW_NAMESPACE_MDL, table5[i].id));
      g_assert_cmpint (idw_element_get_kind (IDW_NAMESPACE_MDL, table5[i].id), ==, table5[i].kind);
      g_assert_true (g_strv_contains (listed, table5[i].id));
      /* Every known element has a real label, not its identifier. */
      g_assert_null (strchr (label, '_'));
    }
  g_assert_null (idw_namespace_list_elements ("org.example"));
}

static void
test_other_catalogues (void)
{
  static const char * const pid[] = {
    "family_name", "given_name", "birth_date", "age_over_18", "age_in_years", "birth_place",
    "nationality", "resident_address", "resident_city", "resident_postal_code", "resident_country",
    "sex", "issuance_date", "expiry_date", "issuing_authority", "issuing_country",
    "document_number", "portrait", NULL
  };
  static const char * const photo[] = {
    "family_name", "given_name", "birth_date", "portrait", "issue_date", "expiry_date",
    "issuing_authority", "issuing_country", "document_number", "sex", "nationality",
    "age_over_18", NULL
  };

  for (gsize i = 0; pid[i] != NULL; i++)
    g_assert_true (idw_element_is_known (IDW_NAMESPACE_EU_PID, pid[i]));
  for (gsize i = 0; photo[i] != NULL; i++)
    g_assert_true (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID, photo[i]));
  g_assert_cmpint (idw_element_get_kind (IDW_NAMESPACE_EU_PID, "issuance_date"), ==,
                   IDW_VALUE_KIND_TDATE_OR_FULL_DATE);
  g_assert_cmpint (idw_element_get_kind (IDW_NAMESPACE_PHOTO_ID, "portrait"), ==, IDW_VALUE_KIND_IMAGE);
}

/* ISO/IEC TS 23220-4 Annex C: Table C.1 (ISO/IEC TS 23220-2 elements, in
 * org.iso.23220.1), Table C.2 (org.iso.23220.photoid.1), and ours for what
 * a 居民身份证 holds beyond them. */
static void
test_photo_id (void)
{
  static const struct { const char *ns; const char *id; IdwValueKind kind; } elements[] = {
    { IDW_NAMESPACE_PHOTO_ID, "family_name", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "given_name", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "family_name_latin1", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "given_name_latin1", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "family_name_unicode", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "given_name_unicode", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "family_name_viz", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "birth_date", IDW_VALUE_KIND_FULL_DATE },
    { IDW_NAMESPACE_PHOTO_ID, "birthplace", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "portrait", IDW_VALUE_KIND_IMAGE },
    { IDW_NAMESPACE_PHOTO_ID, "enrolment_portrait_image", IDW_VALUE_KIND_IMAGE },
    { IDW_NAMESPACE_PHOTO_ID, "issue_date", IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
    { IDW_NAMESPACE_PHOTO_ID, "expiry_date", IDW_VALUE_KIND_TDATE_OR_FULL_DATE },
    { IDW_NAMESPACE_PHOTO_ID, "issuing_authority", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "issuing_authority_unicode", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "issuing_country", IDW_VALUE_KIND_COUNTRY },
    { IDW_NAMESPACE_PHOTO_ID, "age_over_18", IDW_VALUE_KIND_BOOL },
    { IDW_NAMESPACE_PHOTO_ID, "sex", IDW_VALUE_KIND_SEX },
    { IDW_NAMESPACE_PHOTO_ID, "resident_address", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID, "resident_city_latin1", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "birth_country", IDW_VALUE_KIND_COUNTRY },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "birth_state", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "birth_city", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "administrative_number", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "resident_street", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "resident_house_number", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "resident_state", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "travel_document_mrz", IDW_VALUE_KIND_TEXT },
    { IDW_NAMESPACE_CN_RESIDENT_ID, "ethnic_group", IDW_VALUE_KIND_TEXT },
  };
  const char * const *name_spaces = idw_doctype_list_namespaces (IDW_DOCTYPE_PHOTO_ID);
  g_autofree char *person_id = idw_element_get_label (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id");
  g_autofree char *ethnic = idw_element_get_label (IDW_NAMESPACE_CN_RESIDENT_ID, "ethnic_group");
  g_autofree char *latin = idw_element_get_label (IDW_NAMESPACE_PHOTO_ID, "family_name_latin1");

  for (gsize i = 0; i < G_N_ELEMENTS (elements); i++)
    {
      g_autofree char *label = idw_element_get_label (elements[i].ns, elements[i].id);

      g_assert_true (idw_element_is_known (elements[i].ns, elements[i].id));
      g_assert_cmpint (idw_element_get_kind (elements[i].ns, elements[i].id), ==, elements[i].kind);
      g_assert_true (g_strv_contains (idw_namespace_list_elements (elements[i].ns), elements[i].id));
      g_assert_null (strchr (label, '_'));
    }
  g_assert_cmpstr (person_id, ==, "Personal ID number");
  g_assert_cmpstr (ethnic, ==, "Ethnic group");
  g_assert_cmpstr (latin, ==, "Family name (Latin letters)");
  /* Identifiers of the other catalogues, or of none, are not taken in. */
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID, "birth_place"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID, "family_name_national_character"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "family_name"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID, "ethnic_group"));
  /* age_over_NN lives where age_over_18 does. */
  g_assert_true (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID, "age_over_16"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "age_over_16"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_CN_RESIDENT_ID, "age_over_18"));

  g_assert_nonnull (name_spaces);
  g_assert_cmpuint (g_strv_length ((char **) name_spaces), ==, 3);
  g_assert_cmpstr (name_spaces[0], ==, "org.iso.23220.1");
  g_assert_cmpstr (name_spaces[1], ==, "org.iso.23220.photoid.1");
  g_assert_cmpstr (name_spaces[2], ==, "io.github.idwallet.cn.1");
  g_assert_cmpstr (idw_doctype_get_namespace (IDW_DOCTYPE_PHOTO_ID), ==, "org.iso.23220.1");
  g_assert_cmpstr (idw_doctype_for_namespace ("org.iso.23220.photoid.1"), ==, IDW_DOCTYPE_PHOTO_ID);
  g_assert_cmpstr (idw_doctype_for_namespace ("io.github.idwallet.cn.1"), ==, IDW_DOCTYPE_PHOTO_ID);
  g_assert_cmpuint (g_strv_length ((char **) idw_doctype_list_namespaces (IDW_DOCTYPE_MDL)), ==, 1);
  g_assert_null (idw_doctype_list_namespaces ("org.example.card"));

  g_assert_cmpstr (idw_namespace_get_title (IDW_NAMESPACE_PHOTO_ID), ==, "Photo ID");
  g_assert_cmpstr (idw_namespace_get_title (IDW_NAMESPACE_MDL), ==, "Mobile driving licence");
  g_assert_cmpstr (idw_namespace_get_title (IDW_NAMESPACE_PHOTO_ID_SPECIFIC), ==, "Further Details");
  g_assert_cmpstr (idw_namespace_get_title (IDW_NAMESPACE_CN_RESIDENT_ID), ==, "Resident Identity Card");
  g_assert_null (idw_namespace_get_title ("org.example"));
}

static void
test_names_and_card (void)
{
  const char *family = NULL, *given = NULL;
  const char * const *card = idw_doctype_get_card_elements (IDW_DOCTYPE_PHOTO_ID);
  const char * const *mdl_card = idw_doctype_get_card_elements (IDW_DOCTYPE_MDL);

  g_assert_true (idw_doctype_get_name_elements (IDW_DOCTYPE_PHOTO_ID, IDW_NAME_SCRIPT_NATIONAL, &family, &given));
  g_assert_cmpstr (family, ==, "family_name");
  g_assert_cmpstr (given, ==, "given_name");
  g_assert_true (idw_doctype_get_name_elements (IDW_DOCTYPE_PHOTO_ID, IDW_NAME_SCRIPT_LATIN, &family, &given));
  g_assert_cmpstr (family, ==, "family_name_latin1");
  g_assert_cmpstr (given, ==, "given_name_latin1");
  g_assert_true (idw_doctype_get_name_elements (IDW_DOCTYPE_MDL, IDW_NAME_SCRIPT_NATIONAL, &family, &given));
  g_assert_cmpstr (family, ==, "family_name_national_character");
  g_assert_cmpstr (given, ==, "given_name_national_character");
  g_assert_true (idw_doctype_get_name_elements (IDW_DOCTYPE_MDL, IDW_NAME_SCRIPT_LATIN, &family, NULL));
  g_assert_cmpstr (family, ==, "family_name");
  g_assert_false (idw_doctype_get_name_elements (IDW_DOCTYPE_EU_PID, IDW_NAME_SCRIPT_NATIONAL, &family, &given));
  g_assert_cmpstr (family, ==, "family_name");
  /* An unknown type is read as an mDL. */
  g_assert_true (idw_doctype_get_name_elements ("org.example.card", IDW_NAME_SCRIPT_NATIONAL, &family, NULL));
  g_assert_cmpstr (family, ==, "family_name_national_character");

  /* The photo ID's card: its front, the ID number last. */
  g_assert_cmpstr (card[0], ==, "org.iso.23220.1/birth_date");
  g_assert_true (g_strv_contains (card, "io.github.idwallet.cn.1/ethnic_group"));
  g_assert_cmpstr (card[g_strv_length ((char **) card) - 1], ==, "org.iso.23220.photoid.1/person_id");
  for (gsize i = 0; card[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;

      g_assert_true (idw_element_path_split (card[i], &ns, &element));
      g_assert_true (idw_element_is_known (ns, element));
    }
  g_assert_cmpstr (mdl_card[0], ==, "org.iso.18013.5.1/birth_date");
  g_assert_true (g_strv_contains (mdl_card, "org.iso.18013.5.1/document_number"));
  g_assert_null (idw_doctype_get_card_elements ("org.example.card")[0]);
}

/* The 18-digit number of a 居民身份证 reads in its groups (region, date of
 * birth, sequence and check), only where it is one. */
static void
test_format_citizen_id (void)
{
  static const struct { const char *value; const char *shown; } cases[] = {
    { "990101199005171231", "990101 19900517 1231" },
    /* GB 11643's own example, whose check character is X */
    { "11010519491231002X", "110105 19491231 002X" },
    { "11010519491231002x", "110105 19491231 002x" },
    /* a wrong check character: shown as it is */
    { "990101199005171232", "990101199005171232" },
    { "99010119900517123", "99010119900517123" },
    { "9901011990051712311", "9901011990051712311" },
    { "A90101199005171231", "A90101199005171231" },
    { "X-4711", "X-4711" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(cbor_item_t) value = idw_cbor_new_string (cases[i].value);
      g_autofree char *shown = idw_element_format_value (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id", value);
      g_autofree char *document = idw_element_format_value (IDW_NAMESPACE_PHOTO_ID, "document_number", value);
      g_autofree char *elsewhere = idw_element_format_value ("org.example", "person_id", value);
      g_autofree char *raw = idw_cbor_dup_string (value);

      g_assert_cmpstr (shown, ==, cases[i].shown);
      /* Only the personal ID number is grouped, and only for showing. */
      g_assert_cmpstr (document, ==, cases[i].value);
      g_assert_cmpstr (elsewhere, ==, cases[i].value);
      g_assert_cmpstr (raw, ==, cases[i].value);
    }

  {
    g_autoptr(cbor_item_t) number = idw_cbor_new_int (42);
    g_autofree char *shown = idw_element_format_value (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id", number);

    g_assert_cmpstr (shown, ==, "42");
  }
}

/* ISO/IEC TS 23220-2 6.3.1.1.3: a birth date partly unknown is a map. */
static void
test_format_birth_date_map (void)
{
  g_autoptr(GDate) date = g_date_new_dmy (17, 5, 1990);
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(cbor_item_t) plain = idw_cbor_new_full_date (date);
  g_autofree char *from_map = NULL;
  g_autofree char *from_plain = NULL;

  idw_cbor_map_add_str (map, "birth_date", idw_cbor_new_full_date (date));
  idw_cbor_map_add_str (map, "approximate_mask", idw_cbor_new_string ("00001111"));
  from_map = idw_element_format_value (IDW_NAMESPACE_PHOTO_ID, "birth_date", map);
  from_plain = idw_element_format_value (IDW_NAMESPACE_PHOTO_ID, "birth_date", plain);
  g_assert_cmpstr (from_map, ==, from_plain);
}

static void
test_photo_id_presets (void)
{
  static const char * const held[] = {
    "org.iso.23220.1/family_name", "org.iso.23220.1/given_name",
    "org.iso.23220.1/family_name_latin1", "org.iso.23220.1/given_name_latin1",
    "org.iso.23220.1/birth_date", "org.iso.23220.1/portrait", "org.iso.23220.1/sex",
    "org.iso.23220.1/age_over_18", "org.iso.23220.1/resident_address",
    "org.iso.23220.photoid.1/person_id", "io.github.idwallet.cn.1/ethnic_group", NULL
  };
  g_auto(GStrv) age = idw_preset_get_elements (IDW_PRESET_AGE_OVER_18, IDW_DOCTYPE_PHOTO_ID, held);
  g_auto(GStrv) name_photo = idw_preset_get_elements (IDW_PRESET_NAME_PHOTO, IDW_DOCTYPE_PHOTO_ID, held);
  g_auto(GStrv) full = idw_preset_get_elements (IDW_PRESET_FULL, IDW_DOCTYPE_PHOTO_ID, held);
  g_auto(GStrv) catalogue = idw_preset_get_elements (IDW_PRESET_FULL, IDW_DOCTYPE_PHOTO_ID, NULL);

  g_assert_cmpuint (g_strv_length (age), ==, 1);
  g_assert_cmpstr (age[0], ==, "org.iso.23220.1/age_over_18");

  g_assert_cmpuint (g_strv_length (name_photo), ==, 5);
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.23220.1/family_name"));
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.23220.1/given_name_latin1"));
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.23220.1/portrait"));
  g_assert_false (g_strv_contains ((const char * const *) name_photo, "org.iso.23220.photoid.1/person_id"));

  g_assert_cmpuint (g_strv_length (full), ==, g_strv_length ((char **) held));
  /* Without the held list, "full" is every namespace of the type. */
  g_assert_true (g_strv_contains ((const char * const *) catalogue, "org.iso.23220.photoid.1/person_id"));
  g_assert_true (g_strv_contains ((const char * const *) catalogue, "io.github.idwallet.cn.1/ethnic_group"));
  g_assert_true (g_strv_contains ((const char * const *) catalogue, "org.iso.23220.1/family_name"));
}

static void
test_age_over_pattern (void)
{
  g_autofree char *label16 = idw_element_get_label (IDW_NAMESPACE_MDL, "age_over_16");
  g_autofree char *label_pid = idw_element_get_label (IDW_NAMESPACE_EU_PID, "age_over_70");

  g_assert_true (idw_element_is_known (IDW_NAMESPACE_MDL, "age_over_16"));
  g_assert_cmpint (idw_element_get_kind (IDW_NAMESPACE_MDL, "age_over_16"), ==, IDW_VALUE_KIND_BOOL);
  g_assert_cmpstr (label16, ==, "Age over 16");
  g_assert_cmpstr (label_pid, ==, "Age over 70");
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_MDL, "age_over_1"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_MDL, "age_over_123"));
  g_assert_false (idw_element_is_known (IDW_NAMESPACE_MDL, "age_over_ab"));
  g_assert_false (idw_element_is_known ("org.example", "age_over_18"));
}

static void
test_unknown_elements (void)
{
  g_autofree char *label = idw_element_get_label ("org.iso.18013.5.1.US", "organ_donor");
  g_autofree char *label2 = idw_element_get_label (IDW_NAMESPACE_MDL, "something_new");

  g_assert_false (idw_element_is_known ("org.iso.18013.5.1.US", "organ_donor"));
  g_assert_cmpint (idw_element_get_kind ("org.iso.18013.5.1.US", "organ_donor"), ==, IDW_VALUE_KIND_ANY);
  g_assert_cmpstr (label, ==, "organ donor");
  g_assert_cmpstr (label2, ==, "something new");
}

static void
test_format_value (void)
{
  g_autoptr(cbor_item_t) yes = idw_cbor_new_bool (TRUE);
  g_autoptr(cbor_item_t) sex = idw_cbor_new_int (2);
  g_autoptr(cbor_item_t) odd_sex = idw_cbor_new_int (7);
  g_autoptr(cbor_item_t) height = idw_cbor_new_int (172);
  g_autoptr(cbor_item_t) name = idw_cbor_new_string ("Doe");
  g_autoptr(cbor_item_t) image = idw_cbor_new_bytes ((const guint8 *) "\xff\xd8\xff\xe0", 4);
  g_autoptr(cbor_item_t) privileges = idw_cbor_new_array ();
  g_autoptr(cbor_item_t) wrong = idw_cbor_new_int (5);
  g_autoptr(cbor_item_t) unknown = idw_cbor_new_map ();
  g_autoptr(GDate) date = g_date_new_dmy (17, 5, 1990);
  g_autoptr(cbor_item_t) birth = idw_cbor_new_full_date (date);
  cbor_item_t *a = idw_cbor_new_map ();
  cbor_item_t *b = idw_cbor_new_map ();
  g_autofree char *s1 = NULL, *s2 = NULL, *s3 = NULL, *s4 = NULL, *s5 = NULL, *s6 = NULL;
  g_autofree char *s7 = NULL, *s8 = NULL, *s9 = NULL, *s10 = NULL;

  idw_cbor_map_add_str (a, "vehicle_category_code", idw_cbor_new_string ("A"));
  idw_cbor_map_add_str (b, "vehicle_category_code", idw_cbor_new_string ("B"));
  idw_cbor_array_add (privileges, a);
  idw_cbor_array_add (privileges, b);
  idw_cbor_map_add_int (unknown, 1, idw_cbor_new_string ("x"));

  s1 = idw_element_format_value (IDW_NAMESPACE_MDL, "age_over_18", yes);
  g_assert_cmpstr (s1, ==, "Yes");
  s2 = idw_element_format_value (IDW_NAMESPACE_MDL, "sex", sex);
  g_assert_cmpstr (s2, ==, "Female");
  s3 = idw_element_format_value (IDW_NAMESPACE_MDL, "height", height);
  g_assert_cmpstr (s3, ==, "172");
  s4 = idw_element_format_value (IDW_NAMESPACE_MDL, "family_name", name);
  g_assert_cmpstr (s4, ==, "Doe");
  s5 = idw_element_format_value (IDW_NAMESPACE_MDL, "portrait", image);
  g_assert_cmpstr (s5, ==, "Image (4 bytes)");
  s6 = idw_element_format_value (IDW_NAMESPACE_MDL, "driving_privileges", privileges);
  g_assert_cmpstr (s6, ==, "A, B");
  /* A value of the wrong type is still shown. */
  s7 = idw_element_format_value (IDW_NAMESPACE_MDL, "birth_date", wrong);
  g_assert_cmpstr (s7, ==, "5");
  s8 = idw_element_format_value ("org.example", "thing", unknown);
  g_assert_nonnull (s8);
  g_assert_cmpuint (strlen (s8), >, 0);
  s9 = idw_element_format_value (IDW_NAMESPACE_MDL, "birth_date", birth);
  g_assert_nonnull (strstr (s9, "90"));
  s10 = idw_element_format_value (IDW_NAMESPACE_MDL, "sex", odd_sex);
  g_assert_cmpstr (s10, ==, "7");
}

/* Found by tests/fuzz/fuzz-cbor: a text string holding U+0000 (which CBOR
 * allows) was shown as NULL. It now shows escaped, in diagnostic notation. */
static void
test_format_value_nul (void)
{
  static const guint8 input[] = {
    0x71, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x12,
    'd', 'e', '~', 't', 'i', 'f', 'i', 'e', 'r',
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) value = idw_cbor_decode (input, sizeof input, &error);
  g_autofree char *name = NULL;
  g_autofree char *unknown = NULL;

  g_assert_no_error (error);
  name = idw_element_format_value (IDW_NAMESPACE_MDL, "family_name", value);
  g_assert_cmpstr (name, ==, "\"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0012de~tifier\"");
  unknown = idw_element_format_value ("org.example", "thing", value);
  g_assert_cmpstr (unknown, ==, name);
}

static char *
to_json (cbor_item_t *item)
{
  g_autoptr(JsonNode) node = idw_cbor_value_to_json (item);

  return json_to_string (node, FALSE);
}

static void
test_value_to_json (void)
{
  g_autoptr(GDate) date = g_date_new_dmy (20, 10, 2019);
  g_autoptr(GDateTime) dt = test_date ("2020-10-01T13:30:02Z");
  g_autoptr(cbor_item_t) full_date = idw_cbor_new_full_date (date);
  g_autoptr(cbor_item_t) tdate = idw_cbor_new_tdate (dt);
  g_autoptr(cbor_item_t) bytes = idw_cbor_new_bytes ((const guint8 *) "\x01\x02\x03", 3);
  g_autoptr(cbor_item_t) negative = idw_cbor_new_int (-5);
  g_autoptr(cbor_item_t) big = cbor_build_uint64 (G_MAXUINT64);
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(cbor_item_t) epoch = NULL;
  g_autoptr(cbor_item_t) half = cbor_build_float8 (0.5);
  g_autofree char *j1 = NULL, *j2 = NULL, *j3 = NULL, *j4 = NULL, *j5 = NULL, *j6 = NULL;
  g_autofree char *j7 = NULL, *j8 = NULL;
  cbor_item_t *array = idw_cbor_new_array ();

  {
    g_autoptr(cbor_item_t) secs = idw_cbor_new_int (0);

    epoch = cbor_build_tag (1, secs);
  }
  idw_cbor_array_add (array, idw_cbor_new_null ());
  idw_cbor_array_add (array, idw_cbor_new_bool (FALSE));
  idw_cbor_map_add_str (map, "list", array);
  idw_cbor_map_add_int (map, 7, idw_cbor_new_string ("seven"));

  j1 = to_json (full_date);
  g_assert_cmpstr (j1, ==, "\"2019-10-20\"");
  j2 = to_json (tdate);
  g_assert_cmpstr (j2, ==, "\"2020-10-01T13:30:02Z\"");
  j3 = to_json (bytes);
  g_assert_cmpstr (j3, ==, "\"AQID\"");
  j4 = to_json (negative);
  g_assert_cmpstr (j4, ==, "-5");
  j5 = to_json (map);
  g_assert_cmpstr (j5, ==, "{\"list\":[null,false],\"7\":\"seven\"}");
  j6 = to_json (big);
  g_assert_cmpstr (j6, ==, "\"18446744073709551615\"");
  j7 = to_json (epoch);
  g_assert_cmpstr (j7, ==, "\"1970-01-01T00:00:00Z\"");
  j8 = to_json (half);
  g_assert_cmpstr (j8, ==, "0.5");
}

static void
test_paths (void)
{
  g_autofree char *path = idw_element_path_new ("org.iso.18013.5.1", "family_name");
  g_autofree char *ns = NULL;
  g_autofree char *element = NULL;

  g_assert_cmpstr (path, ==, "org.iso.18013.5.1/family_name");
  g_assert_true (idw_element_path_split (path, &ns, &element));
  g_assert_cmpstr (ns, ==, "org.iso.18013.5.1");
  g_assert_cmpstr (element, ==, "family_name");
  g_assert_false (idw_element_path_split ("family_name", NULL, NULL));
  g_assert_false (idw_element_path_split ("/family_name", NULL, NULL));
  g_assert_false (idw_element_path_split ("org.iso.18013.5.1/", NULL, NULL));
  g_assert_false (idw_element_path_split (NULL, NULL, NULL));
}

static void
test_presets (void)
{
  IdwPreset preset;
  g_auto(GStrv) age_mdl = idw_preset_get_elements (IDW_PRESET_AGE_OVER_18, IDW_DOCTYPE_MDL, NULL);
  g_auto(GStrv) age_pid = idw_preset_get_elements (IDW_PRESET_AGE_OVER_18, IDW_DOCTYPE_EU_PID, NULL);
  g_auto(GStrv) age_photo = idw_preset_get_elements (IDW_PRESET_AGE_OVER_18, IDW_DOCTYPE_PHOTO_ID, NULL);
  g_auto(GStrv) name_photo = idw_preset_get_elements (IDW_PRESET_NAME_PHOTO, IDW_DOCTYPE_MDL, NULL);
  g_auto(GStrv) full_unknown = idw_preset_get_elements (IDW_PRESET_FULL, "org.example", NULL);
  g_auto(GStrv) full_mdl = idw_preset_get_elements (IDW_PRESET_FULL, IDW_DOCTYPE_MDL, NULL);
  static const char * const available[] = {
    "org.example/family_name", "org.example/age_over_18", "org.example/portrait",
    "org.example/given_name_national_character", "org.example/shoe_size", NULL
  };
  g_auto(GStrv) chosen = idw_preset_get_elements (IDW_PRESET_NAME_PHOTO, "org.example.x", available);
  g_auto(GStrv) age_chosen = idw_preset_get_elements (IDW_PRESET_AGE_OVER_18, "org.example.x", available);
  g_auto(GStrv) all = idw_preset_get_elements (IDW_PRESET_FULL, "org.example.x", available);

  g_assert_true (idw_preset_from_string ("age-over-18", &preset));
  g_assert_cmpint (preset, ==, IDW_PRESET_AGE_OVER_18);
  g_assert_true (idw_preset_from_string ("name-photo", &preset));
  g_assert_cmpint (preset, ==, IDW_PRESET_NAME_PHOTO);
  g_assert_true (idw_preset_from_string ("full", &preset));
  g_assert_cmpint (preset, ==, IDW_PRESET_FULL);
  g_assert_false (idw_preset_from_string ("everything", &preset));
  g_assert_cmpstr (idw_preset_to_string (IDW_PRESET_NAME_PHOTO), ==, "name-photo");
  g_assert_cmpstr (idw_preset_get_label (IDW_PRESET_AGE_OVER_18), ==, "Age over 18");

  g_assert_cmpuint (g_strv_length (age_mdl), ==, 1);
  g_assert_cmpstr (age_mdl[0], ==, "org.iso.18013.5.1/age_over_18");
  g_assert_cmpstr (age_pid[0], ==, "eu.europa.ec.eudi.pid.1/age_over_18");
  g_assert_cmpstr (age_photo[0], ==, "org.iso.23220.1/age_over_18");
  g_assert_cmpuint (g_strv_length (name_photo), ==, 5);
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.18013.5.1/portrait"));
  g_assert_cmpuint (g_strv_length (full_unknown), ==, 0);
  g_assert_cmpuint (g_strv_length (full_mdl), ==, g_strv_length ((char **) idw_namespace_list_elements (IDW_NAMESPACE_MDL)));

  g_assert_cmpuint (g_strv_length (chosen), ==, 3);
  g_assert_cmpstr (chosen[0], ==, "org.example/family_name");
  g_assert_cmpstr (chosen[1], ==, "org.example/portrait");
  g_assert_cmpstr (chosen[2], ==, "org.example/given_name_national_character");
  g_assert_cmpuint (g_strv_length (age_chosen), ==, 1);
  g_assert_cmpuint (g_strv_length (all), ==, 5);
}

/* Dates in the locale's words. The engine's catalogue is not bound here, so
 * the format is untranslated, as under a language without a translation or
 * with the catalogue not found: in English that is "5 December 2029"; in a
 * locale that names months in another language, the locale's own form with
 * the year in full, never "5 十二月 2029". */
static void
test_format_date (void)
{
  g_autoptr(GDateTime) when = g_date_time_new_utc (2029, 12, 5, 12, 0, 0);
  g_autofree char *saved = g_strdup (setlocale (LC_TIME, NULL));
  g_autofree char *english = NULL;
  g_autofree char *chinese = NULL;
  g_autofree char *chinese_time = NULL;
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autofree char *time_of_day = g_date_time_format (local, "%H:%M");
  g_autofree char *expected_time = g_strdup_printf ("2029年12月05日 %s", time_of_day);

  g_assert_nonnull (setlocale (LC_TIME, "C.UTF-8"));
  english = idw_format_date (when, FALSE);
  g_assert_cmpstr (english, ==, "5 December 2029");

  if (setlocale (LC_TIME, "zh_CN.UTF-8") == NULL)
    {
      /* meson test provides the locale (LOCPATH): there it must work. */
      if (g_getenv ("LOCPATH") != NULL)
        g_test_fail_printf ("no zh_CN.UTF-8 locale in LOCPATH %s", g_getenv ("LOCPATH"));
      else
        g_test_skip ("no zh_CN.UTF-8 locale");
      setlocale (LC_TIME, saved);
      return;
    }
  chinese = idw_format_date (when, FALSE);
  chinese_time = idw_format_date (when, TRUE);
  setlocale (LC_TIME, saved);

  g_assert_cmpstr (chinese, ==, "2029年12月05日");
  g_assert_cmpstr (chinese_time, ==, expected_time);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/doctype/doctypes", test_doctypes);
  g_test_add_func ("/doctype/mdl-table5", test_mdl_table5);
  g_test_add_func ("/doctype/other-catalogues", test_other_catalogues);
  g_test_add_func ("/doctype/photo-id", test_photo_id);
  g_test_add_func ("/doctype/names-and-card", test_names_and_card);
  g_test_add_func ("/doctype/format-citizen-id", test_format_citizen_id);
  g_test_add_func ("/doctype/format-birth-date-map", test_format_birth_date_map);
  g_test_add_func ("/doctype/photo-id-presets", test_photo_id_presets);
  g_test_add_func ("/doctype/age-over-pattern", test_age_over_pattern);
  g_test_add_func ("/doctype/unknown-elements", test_unknown_elements);
  g_test_add_func ("/doctype/format-value", test_format_value);
  g_test_add_func ("/doctype/format-value-nul", test_format_value_nul);
  g_test_add_func ("/doctype/format-date", test_format_date);
  g_test_add_func ("/doctype/value-to-json", test_value_to_json);
  g_test_add_func ("/doctype/paths", test_paths);
  g_test_add_func ("/doctype/presets", test_presets);

  return g_test_run ();
}
