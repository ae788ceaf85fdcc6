/* idw-ui-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include <stdio.h>
#include <string.h>

#include "idw-ui-util.h"

char *
idw_ui_escape_text (const char *text)
{
  return idw_text_escape (text);
}

char *
idw_ui_escape_markup (const char *text)
{
  g_autofree char *plain = idw_ui_escape_text (text);

  return plain != NULL ? g_markup_escape_text (plain, -1) : NULL;
}

AdwToast *
idw_ui_toast_new (const char *title)
{
  /* libadwaita 1.2 always parses a toast's title as markup. */
  g_autofree char *markup = idw_ui_escape_markup (title);

  return adw_toast_new (markup != NULL ? markup : "");
}

char *
idw_ui_element_label (const char *name_space,
                      const char *element)
{
  g_autofree char *label = idw_element_get_label (name_space, element);

  return idw_ui_escape_text (label);
}

GdkTexture *
idw_ui_texture_from_value (cbor_item_t *value)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;

  if (value == NULL || !cbor_isa_bytestring (value))
    return NULL;

  bytes = idw_cbor_dup_bytes (value);
  if (bytes == NULL)
    return NULL;

  texture = gdk_texture_new_from_bytes (bytes, &error);
  if (texture == NULL)
    g_debug ("Cannot show an image element: %s", error->message);

  return texture;
}

static cbor_item_t *
find_value (IdwCredential *credential,
            const char    *element)
{
  const char *main_ns = idw_doctype_get_namespace (idw_credential_get_doctype (credential));
  g_auto(GStrv) namespaces = NULL;

  if (main_ns != NULL && idw_credential_has_element (credential, main_ns, element))
    return idw_credential_get_value (credential, main_ns, element);

  namespaces = idw_credential_list_namespaces (credential);
  for (guint i = 0; namespaces[i] != NULL; i++)
    if (idw_credential_has_element (credential, namespaces[i], element))
      return idw_credential_get_value (credential, namespaces[i], element);

  return NULL;
}

GdkTexture *
idw_ui_credential_portrait (IdwCredential *credential)
{
  return idw_ui_texture_from_value (find_value (credential, "portrait"));
}

char *
idw_ui_credential_dup_text (IdwCredential *credential,
                            const char    *element)
{
  cbor_item_t *value = find_value (credential, element);

  g_autofree char *text = NULL;

  if (value == NULL || !cbor_isa_string (value))
    return NULL;

  text = idw_cbor_dup_string (value);
  return idw_ui_escape_text (text);
}

static gboolean
is_wide_script (const char *text)
{
  return text != NULL && *text != '\0' && g_unichar_iswide (g_utf8_get_char (text));
}

char *
idw_ui_credential_national_name (IdwCredential *credential)
{
  const char *family_element = NULL;
  const char *given_element = NULL;
  g_autofree char *family = NULL;
  g_autofree char *given = NULL;

  if (!idw_doctype_get_name_elements (idw_credential_get_doctype (credential), IDW_NAME_SCRIPT_NATIONAL,
                                      &family_element, &given_element))
    return NULL;

  family = idw_ui_credential_dup_text (credential, family_element);
  given = idw_ui_credential_dup_text (credential, given_element);

  if (family != NULL && given != NULL)
    {
      /* Chinese, Japanese and Korean names are written family name first,
       * without a space. */
      if (is_wide_script (family))
        return g_strconcat (family, given, NULL);
      /* Translators: a person's name, %1$s given names, %2$s family name */
      return g_strdup_printf (_("%1$s %2$s"), given, family);
    }

  return family != NULL ? g_steal_pointer (&family) : g_steal_pointer (&given);
}

char *
idw_ui_credential_title (IdwCredential *credential)
{
  char *name = idw_ui_credential_national_name (credential);

  if (name == NULL)
    {
      g_autofree char *holder = idw_credential_dup_holder_name (credential);

      name = idw_ui_escape_text (holder);
    }
  if (name == NULL)
    name = idw_ui_escape_text (idw_credential_get_display_name (credential));

  return name;
}


char *
idw_ui_format_date (GDateTime *datetime)
{
  if (datetime == NULL)
    return g_strdup ("—");

  return idw_format_date (datetime, FALSE);
}

/* alpha-2 code → English short name, from Debian's (and the GNOME
 * runtime's) iso-codes; NULL when it is not installed. */
static GHashTable *
load_country_names (void)
{
  const char * const *dirs = g_get_system_data_dirs ();
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; dirs[i] != NULL && g_hash_table_size (names) == 0; i++)
    {
      g_autofree char *path = g_build_filename (dirs[i], "iso-codes", "json", "iso_3166-1.json", NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *root;
      JsonArray *countries;

      if (!json_parser_load_from_mapped_file (parser, path, NULL))
        continue;
      root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ? json_node_get_object (json_parser_get_root (parser)) : NULL;
      countries = root != NULL && json_object_has_member (root, "3166-1") ? json_object_get_array_member (root, "3166-1") : NULL;
      for (guint j = 0; countries != NULL && j < json_array_get_length (countries); j++)
        {
          JsonObject *country = json_array_get_object_element (countries, j);
          const char *code = country != NULL ? json_object_get_string_member_with_default (country, "alpha_2", NULL) : NULL;
          /* "Bolivia" rather than "Bolivia, Plurinational State of". */
          const char *name = country != NULL ? json_object_get_string_member_with_default (country, "common_name", NULL) : NULL;

          if (name == NULL && country != NULL)
            name = json_object_get_string_member_with_default (country, "name", NULL);
          if (code != NULL && name != NULL)
            g_hash_table_insert (names, g_strdup (code), g_strdup (name));
        }
    }

  return names;
}

const char *
idw_ui_country_name (const char *code)
{
  static GHashTable *names;
  static gsize loaded;
  const char *name;

  if (code == NULL)
    return NULL;
  if (g_once_init_enter (&loaded))
    {
      names = load_country_names ();
      g_once_init_leave (&loaded, 1);
    }

  name = g_hash_table_lookup (names, code);
  return name != NULL ? g_dgettext ("iso_3166-1", name) : NULL;
}

char *
idw_ui_format_value (const char  *name_space,
                     const char  *element,
                     cbor_item_t *value)
{
  g_autofree char *text = NULL;

  /* "China", not "CN": iso-codes has the names and their translations. */
  if (idw_element_get_kind (name_space, element) == IDW_VALUE_KIND_COUNTRY && cbor_isa_string (value))
    {
      g_autofree char *code = idw_cbor_dup_string (value);
      const char *name = idw_ui_country_name (code);

      if (name != NULL)
        return idw_ui_escape_text (name);
    }

  /* On a card a tdate reads as its day; the engine adds the time. */
  if (idw_cbor_untag (value, IDW_CBOR_TAG_TDATE) != NULL)
    {
      g_autoptr(GDateTime) dt = idw_cbor_get_tdate (value, "value", NULL);

      if (dt != NULL)
        return idw_ui_format_date (dt);
    }

  text = idw_element_format_value (name_space, element, value);
  return idw_ui_escape_text (text);
}

char *
idw_ui_credential_validity (IdwCredential *credential)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GDateTime *from = idw_credential_get_valid_from (credential);
  GDateTime *until = idw_credential_get_valid_until (credential);
  g_autofree char *from_str = idw_ui_format_date (from);
  g_autofree char *until_str = idw_ui_format_date (until);

  /* The issuer's signature (the MSO's validityInfo) makes this digital
   * copy valid; the document itself has its own date of expiry. */
  if (from != NULL && g_date_time_compare (now, from) < 0)
    /* Translators: %s is a date; the digital copy in the wallet, as opposed to the document's own date of expiry */
    return g_strdup_printf (_("Digital copy valid from %s"), from_str);
  if (until != NULL && g_date_time_compare (now, until) > 0)
    /* Translators: %s is a date; the digital copy in the wallet, as opposed to the document's own date of expiry */
    return g_strdup_printf (_("Digital copy expired on %s"), until_str);

  /* Translators: %s is a date; the digital copy in the wallet, as opposed to the document's own date of expiry */
  return g_strdup_printf (_("Digital copy valid until %s"), until_str);
}

/* The document's own date of expiry (expiry_date), or NULL. */
static GDateTime *
credential_document_expiry (IdwCredential *credential)
{
  const char *ns = idw_doctype_get_namespace (idw_credential_get_doctype (credential));
  cbor_item_t *value = ns != NULL ? idw_credential_get_value (credential, ns, "expiry_date") : NULL;
  g_autoptr(GDate) date = NULL;

  if (value == NULL)
    return NULL;
  date = idw_cbor_get_full_date (value, "expiry_date", NULL);
  if (date == NULL)
    return NULL;

  /* The document is valid through its date of expiry. */
  return g_date_time_new_utc (g_date_get_year (date), g_date_get_month (date), g_date_get_day (date), 23, 59, 59);
}

static GtkWidget *warning_group_new (const char *title,
                                     const char *body,
                                     const char *css_class);

gboolean
idw_ui_credential_expiry_warning (IdwCredential  *credential,
                                  char          **out_title,
                                  char          **out_body)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) document_expiry = credential_document_expiry (credential);
  GDateTime *from = idw_credential_get_valid_from (credential);
  GDateTime *until = idw_credential_get_valid_until (credential);
  char *title = NULL;
  char *body = NULL;

  if (document_expiry != NULL && g_date_time_compare (now, document_expiry) > 0)
    {
      g_autofree char *date = idw_ui_format_date (document_expiry);

      title = g_strdup (_("This ID Has Expired"));
      /* Translators: %s is a date, the document's own "Date of expiry" */
      body = g_strdup_printf (_("Its date of expiry was %s. Verifiers will refuse it: ask the issuer for a new one."),
                              date);
    }
  else if (until != NULL && g_date_time_compare (now, until) > 0)
    {
      g_autofree char *date = idw_ui_format_date (until);

      title = g_strdup (_("This Digital Copy Has Expired"));
      /* Translators: %s is a date */
      body = g_strdup_printf (_("The issuer’s signature ran out on %s. Verifiers will refuse this copy: ask the issuer for a new one."),
                              date);
    }
  else if (from != NULL && g_date_time_compare (now, from) < 0)
    {
      g_autofree char *date = idw_ui_format_date (from);

      title = g_strdup (_("This Digital Copy Is Not Valid Yet"));
      /* Translators: %s is a date */
      body = g_strdup_printf (_("Verifiers will refuse it until %s."), date);
    }

  if (title == NULL)
    return FALSE;
  if (out_title != NULL)
    *out_title = title;
  else
    g_free (title);
  if (out_body != NULL)
    *out_body = body;
  else
    g_free (body);
  return TRUE;
}

GtkWidget *
idw_ui_expiry_warning_new (IdwCredential *credential)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (!idw_ui_credential_expiry_warning (credential, &title, &body))
    return NULL;
  return warning_group_new (title, body, "idw-expiry-warning");
}

gboolean
idw_ui_credential_status_warning (IdwCredentialStatus  *status,
                                  char                **out_title,
                                  char                **out_body)
{
  g_autofree char *checked = NULL;
  char *title;
  char *body;

  if (status == NULL || status->status == IDW_TOKEN_STATUS_VALID)
    return FALSE;

  checked = idw_ui_format_date (status->checked);
  switch (status->status)
    {
    case IDW_TOKEN_STATUS_INVALID:
      title = g_strdup (_("Revoked by the Issuer"));
      /* Translators: %s is the date the wallet read the issuer's revocation list */
      body = g_strdup_printf (_("Verifiers that check revocation will refuse this ID. Ask the issuer for a new one. Checked on %s."),
                              checked);
      break;
    case IDW_TOKEN_STATUS_SUSPENDED:
      title = g_strdup (_("Suspended by the Issuer"));
      /* Translators: %s is the date the wallet read the issuer's revocation list */
      body = g_strdup_printf (_("Verifiers that check revocation will refuse this ID until the issuer lifts the suspension. Checked on %s."),
                              checked);
      break;
    default:
      title = g_strdup (_("Not Valid, Says the Issuer"));
      /* Translators: %s is the date the wallet read the issuer's revocation list */
      body = g_strdup_printf (_("The issuer’s revocation list marks this ID as not valid: verifiers that check it will refuse this ID. Checked on %s."),
                              checked);
      break;
    }

  if (out_title != NULL)
    *out_title = title;
  else
    g_free (title);
  if (out_body != NULL)
    *out_body = body;
  else
    g_free (body);
  return TRUE;
}

/* A warning as one boxed row with an error icon. */
static GtkWidget *
warning_group_new (const char *title,
                   const char *body,
                   const char *css_class)
{
  GtkWidget *group;
  GtkWidget *row;
  GtkWidget *icon;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), body);
  gtk_widget_add_css_class (row, css_class);
  icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (icon, "error");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  group = adw_preferences_group_new ();
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return group;
}

GtkWidget *
idw_ui_status_warning_new (IdwCredentialStatus *status)
{
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (!idw_ui_credential_status_warning (status, &title, &body))
    return NULL;
  return warning_group_new (title, body, "idw-status-warning");
}

char *
idw_ui_format_fingerprint (const char *hex)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; hex != NULL && hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
    }

  return g_string_free (out, FALSE);
}

const char *
idw_ui_namespace_title (const char *name_space)
{
  const char *title = idw_namespace_get_title (name_space);

  return title != NULL ? title : name_space;
}

const char *
idw_ui_doctype_style (const char *doctype)
{
  if (g_strcmp0 (doctype, IDW_DOCTYPE_MDL) == 0)
    return "mdl";
  if (g_strcmp0 (doctype, IDW_DOCTYPE_EU_PID) == 0)
    return "pid";
  if (g_strcmp0 (doctype, IDW_DOCTYPE_PHOTO_ID) == 0)
    return "photo-id";
  return "other";
}

gboolean
idw_ui_owns_focus (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  return focus == NULL || !gtk_widget_get_mapped (focus) || gtk_widget_is_ancestor (focus, widget);
}

/* The accessible description a widget has of its own, which an
 * announcement borrows for a moment (GTK 4.8 cannot read it back). */
#define OWN_DESCRIPTION "idw-own-description"
#define ANNOUNCED_ON "idw-announced-on"

void
idw_ui_set_description (GtkWidget  *widget,
                        const char *description)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (description != NULL && *description != '\0')
    {
      g_object_set_data_full (G_OBJECT (widget), OWN_DESCRIPTION, g_strdup (description), g_free);
      gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      description, -1);
    }
  else
    {
      g_object_set_data (G_OBJECT (widget), OWN_DESCRIPTION, NULL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
restore_description (GtkWidget *widget)
{
  const char *own = g_object_get_data (G_OBJECT (widget), OWN_DESCRIPTION);

  if (own != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, own, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

/* The focus left the widget that said the message: it gets its own
 * description back (restored while it had the focus, a screen reader would
 * say it again). */
static void
announce_focus_moved_cb (GtkRoot    *root,
                         GParamSpec *pspec,
                         gpointer    data)
{
  GWeakRef *ref = g_object_get_data (G_OBJECT (root), ANNOUNCED_ON);
  g_autoptr(GtkWidget) widget = ref != NULL ? g_weak_ref_get (ref) : NULL;

  if (widget != NULL && widget == gtk_root_get_focus (root))
    return;

  if (widget != NULL)
    restore_description (widget);
  g_signal_handlers_disconnect_by_func (root, announce_focus_moved_cb, data);
  g_object_set_data (G_OBJECT (root), ANNOUNCED_ON, NULL);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

void
idw_ui_announce (GtkWidget  *widget,
                 const char *message)
{
  GtkRoot *root;
  GtkWidget *focus;
  GWeakRef *ref;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  root = gtk_widget_get_root (widget);
  if (root == NULL || message == NULL || *message == '\0')
    return;

  focus = gtk_root_get_focus (root);

  /* The last message's widget gets its description back, unless it is
   * the one to say this message too. */
  ref = g_object_get_data (G_OBJECT (root), ANNOUNCED_ON);
  if (ref != NULL)
    {
      g_autoptr(GtkWidget) last = g_weak_ref_get (ref);

      if (last != NULL && last != focus)
        restore_description (last);
      g_signal_handlers_disconnect_by_func (root, announce_focus_moved_cb, NULL);
      g_object_set_data (G_OBJECT (root), ANNOUNCED_ON, NULL);
    }

  if (focus == NULL)
    return;

  /* Cleared first: the same text twice in a row would not be said again. */

  gtk_accessible_reset_property (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_accessible_update_property (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);

  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, focus);
  g_object_set_data_full (G_OBJECT (root), ANNOUNCED_ON, ref, weak_ref_free);
  g_signal_connect (root, "notify::focus-widget", G_CALLBACK (announce_focus_moved_cb), NULL);
}

static void
private_text_saved_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* The instance's open save chooser: its only reference, so that the
 * chooser goes with the instance. */
#define SAVE_CHOOSER_KEY "idw-ui-save-chooser"

typedef struct
{
  gpointer   instance;
  void     (*chosen) (gpointer instance,
                      GFile   *file);
} SaveChoice;

static void
save_choice_free (gpointer  data,
                  GClosure *closure)
{
  g_free (data);
}

static void
destroy_chooser (gpointer data)
{
  gtk_native_dialog_destroy (data);
  g_object_unref (data);
}

static void
save_chosen_cb (GtkNativeDialog *native,
                int              response,
                SaveChoice      *choice)
{
  gpointer instance = choice->instance;
  void (*chosen) (gpointer, GFile *) = choice->chosen;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  /* Destroys the chooser (the emission keeps it alive until it returns). */
  g_object_set_data (instance, SAVE_CHOOSER_KEY, NULL);
  if (file != NULL)
    chosen (instance, file);
}

void
idw_ui_choose_save_file (GtkWidget     *widget,
                         const char    *title,
                         const char    *accept_label,
                         const char    *suggested_name,
                         GtkFileFilter *filter,
                         void         (*chosen) (gpointer instance,
                                                 GFile   *file),
                         gpointer       instance)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *native;
  SaveChoice *choice;

  if (g_object_get_data (instance, SAVE_CHOOSER_KEY) != NULL)
    return;

  native = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), suggested_name);

  choice = g_new0 (SaveChoice, 1);
  choice->instance = instance;
  choice->chosen = chosen;
  g_signal_connect_data (native, "response", G_CALLBACK (save_chosen_cb), choice, save_choice_free, 0);
  g_object_set_data_full (instance, SAVE_CHOOSER_KEY, native, destroy_chooser);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

typedef struct
{
  GWeakRef   instance;
  void     (*settled) (gpointer instance);
  char      *name;
  guint      timeout_id;
} FolderWatch;

static void
folder_watch_free (gpointer data,
                   GClosure *closure)
{
  FolderWatch *watch = data;

  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  g_weak_ref_clear (&watch->instance);
  g_free (watch->name);
  g_free (watch);
}

static gboolean
folder_settled_cb (gpointer data)
{
  FolderWatch *watch = data;
  g_autoptr(GObject) instance = g_weak_ref_get (&watch->instance);

  watch->timeout_id = 0;
  if (instance != NULL)
    watch->settled (instance);
  return G_SOURCE_REMOVE;
}

static gboolean
file_is_named (GFile      *file,
               const char *name)
{
  g_autofree char *basename = file != NULL ? g_file_get_basename (file) : NULL;

  return g_strcmp0 (basename, name) == 0;
}

static void
folder_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   FolderWatch       *watch)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  if (watch->name != NULL && !file_is_named (file, watch->name) && !file_is_named (other_file, watch->name))
    return;
  g_clear_handle_id (&watch->timeout_id, g_source_remove);
  watch->timeout_id = g_timeout_add (IDW_UI_FOLDER_SETTLE_MS, folder_settled_cb, watch);
}

GFileMonitor *
idw_ui_monitor_folder (const char  *path,
                       const char  *name,
                       void       (*settled) (gpointer instance),
                       gpointer     instance)
{
  g_autoptr(GFile) folder = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  GFileMonitor *monitor;
  FolderWatch *watch;

  monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (monitor == NULL)
    {
      g_debug ("Cannot watch “%s”: %s", path, error->message);
      return NULL;
    }
  watch = g_new0 (FolderWatch, 1);
  g_weak_ref_init (&watch->instance, instance);
  watch->settled = settled;
  watch->name = g_strdup (name);
  /* The watch, and its timeout, go with the monitor. */
  g_signal_connect_data (monitor, "changed", G_CALLBACK (folder_changed_cb), watch, folder_watch_free, 0);
  return monitor;
}

/**
 * idw_ui_save_private_text:
 * @file: where to write
 * @text: (transfer full): the text
 * @task: (transfer full): what to return the result through
 *
 * Writes @text to @file with mode 0600, replacing the file in one step.
 */
void
idw_ui_save_private_text (GFile *file,
                          char  *text,
                          GTask *task)
{
  g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                       G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                       g_task_get_cancellable (task), private_text_saved_cb, task);
}

void
idw_ui_add_toast (GtkWidget *widget,
                  AdwToast  *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  const char *title = adw_toast_get_title (toast);
  g_autofree char *text = NULL;

  /* A toast's title is markup, or a label of its own: a screen reader
   * gets the text. */
  if (title != NULL && !pango_parse_markup (title, -1, 0, NULL, &text, NULL, NULL))
    text = g_strdup (title);
  if (text == NULL && GTK_IS_LABEL (adw_toast_get_custom_title (toast)))
    text = g_strdup (gtk_label_get_text (GTK_LABEL (adw_toast_get_custom_title (toast))));
  if (text != NULL)
    idw_ui_announce (widget, text);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

gboolean
idw_ui_split_suffix_mnemonic (const char  *label,
                              char       **out_text,
                              guint       *out_keyval)
{
  static const char * const opens[] = { "(_", "\xef\xbc\x88_" };   /* ( and （ */
  static const char * const closes[] = { ")", "\xef\xbc\x89" };   /* ) and ） */
  static const char * const tails[] = { "", "…", "...", ":", "：" };

  if (label == NULL)
    return FALSE;

  for (guint t = 0; t < G_N_ELEMENTS (tails); t++)
    for (guint o = 0; o < G_N_ELEMENTS (opens); o++)
      for (guint c = 0; c < G_N_ELEMENTS (closes); c++)
        {
          gsize len = strlen (label);
          gsize tail_len = strlen (tails[t]);
          gsize close_len = strlen (closes[c]);
          gsize open_len = strlen (opens[o]);
          gsize end;
          char key;
          g_autofree char *head = NULL;

          if (len < open_len + 1 + close_len + tail_len || !g_str_has_suffix (label, tails[t]))
            continue;
          end = len - tail_len;
          if (strncmp (label + end - close_len, closes[c], close_len) != 0)
            continue;
          key = label[end - close_len - 1];
          if (!g_ascii_isalnum (key) || end - close_len - 1 < open_len ||
              strncmp (label + end - close_len - 1 - open_len, opens[o], open_len) != 0)
            continue;

          head = g_strndup (label, end - close_len - 1 - open_len);
          g_strchomp (head);
          /* A label that is only the suffix, or Latin text, is not one. */
          if (*head == '\0' || strchr (head, '_') != NULL)
            continue;
          if (out_text != NULL)
            *out_text = g_strconcat (head, tails[t], NULL);
          if (out_keyval != NULL)
            *out_keyval = gdk_keyval_to_lower (gdk_unicode_to_keyval (g_ascii_tolower (key)));
          return TRUE;
        }

  return FALSE;
}

static gboolean
press_pill_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   data)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_is_sensitive (widget))
    return FALSE;

  return gtk_widget_mnemonic_activate (widget, FALSE);
}

static GtkLabel *
find_underlined_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *label = find_underlined_label (child);

      if (label != NULL)
        return label;
    }

  return NULL;
}

/* A pill button's "(_P)" suffix goes; Alt+P stays. */
static void
fix_pill_mnemonic (GtkWidget *widget)
{
  GtkLabel *label;
  g_autofree char *text = NULL;
  guint keyval = 0;
  GtkEventController *controller;

  if (!gtk_widget_has_css_class (widget, "pill"))
    return;

  label = find_underlined_label (widget);
  if (label == NULL || !idw_ui_split_suffix_mnemonic (gtk_label_get_label (label), &text, &keyval))
    return;

  /* The label's own mnemonic goes with its underline; a shortcut of the
   * window's kind for mnemonics (Alt+key) takes its place. */
  gtk_label_set_use_underline (label, FALSE);
  gtk_label_set_label (label, text);
  controller = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (gtk_mnemonic_trigger_new (keyval),
                                                          gtk_callback_action_new (press_pill_cb, NULL, NULL)));
  gtk_widget_add_controller (widget, controller);
}

static void
name_button_from_label (GtkButton *button)
{
  GtkWidget *child = gtk_button_get_child (button);

  /* The child is the button's own label: naming the button after it alone
   * keeps GTK from adding the text as written, access key mark and all. */
  if (gtk_button_get_label (button) == NULL || !GTK_IS_LABEL (child))
    return;

  gtk_accessible_reset_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY, child, NULL, -1);
}

/* An icon button without a name of its own: GTK 4.8 labels a button by
 * its child, and calls it "GtkImage". Its tooltip names it, and
 * libadwaita 1.2's toast close button, which has none, is "Dismiss". */
static void
name_icon_button (GtkButton *button)
{
  GtkWidget *widget = GTK_WIDGET (button);
  GType toast_widget = g_type_from_name ("AdwToastWidget");
  const char *tooltip = gtk_widget_get_tooltip_text (widget);
  const char *name = NULL;

  if (gtk_button_get_label (button) != NULL || !GTK_IS_IMAGE (gtk_button_get_child (button)) ||
      gtk_test_accessible_has_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return;

  if (tooltip != NULL && *tooltip != '\0')
    name = tooltip;
  else if (toast_widget != 0 && gtk_widget_get_ancestor (widget, toast_widget) != NULL)
    /* Translators: what screen readers call a toast's close button */
    name = _("Dismiss");
  else
    return;

  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
button_label_changed_cb (GtkButton  *button,
                         GParamSpec *pspec,
                         gpointer    data)
{
  name_button_from_label (button);
}

/* The title of what a list belongs to: the expander row it is part of,
 * or the preferences group it is the list of. */
static GtkWidget *
list_owner (GtkWidget *list)
{
  for (GtkWidget *w = gtk_widget_get_parent (list); w != NULL; w = gtk_widget_get_parent (w))
    {
      if (ADW_IS_EXPANDER_ROW (w) || ADW_IS_PREFERENCES_GROUP (w))
        return w;
      /* A list inside some other row belongs to that row. */
      if (GTK_IS_LIST_BOX_ROW (w))
        return NULL;
    }

  return NULL;
}

static void
name_from_owner (GtkWidget *widget,
                 GtkWidget *owner)
{
  const char *title = ADW_IS_PREFERENCES_GROUP (owner)
                      ? adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (owner))
                      : adw_preferences_row_get_title (ADW_PREFERENCES_ROW (owner));

  if (title != NULL && *title != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL);
}

static void
owner_title_changed_cb (GtkWidget  *owner,
                        GParamSpec *pspec,
                        GtkWidget  *widget)
{
  name_from_owner (widget, owner);
}

/* GTK 4.8 names a list without a name "GtkListBox", and libadwaita 1.2
 * names neither the list inside a preferences group or an expander row
 * nor the expander row itself: they take the title of the group or row. */
static void
name_list (GtkWidget *widget)
{
  GtkWidget *owner;

  if (ADW_IS_EXPANDER_ROW (widget))
    owner = widget;
  else if (GTK_IS_LIST_BOX (widget))
    owner = list_owner (widget);
  else
    return;

  if (owner == NULL || g_object_get_data (G_OBJECT (widget), "idw-named-from-owner") != NULL ||
      gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return;

  g_object_set_data (G_OBJECT (widget), "idw-named-from-owner", owner);
  name_from_owner (widget, owner);
  g_signal_connect_object (owner, "notify::title", G_CALLBACK (owner_title_changed_cb), widget, 0);
}

/* GTK 4.8 names a stack's page "GtkStackPage", which a screen reader says
 * as the focus enters it: it takes the page's title. */
static void
name_stack_page (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);
  GtkStackPage *page;
  const char *title;

  if (!GTK_IS_STACK (parent))
    return;

  page = gtk_stack_get_page (GTK_STACK (parent), widget);
  title = page != NULL ? gtk_stack_page_get_title (page) : NULL;
  if (title != NULL && *title != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (page), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
}

static gboolean
widget_mapped_hook (GSignalInvocationHint *hint,
                    guint                  n_params,
                    const GValue          *params,
                    gpointer               data)
{
  GtkWidget *widget = g_value_get_object (&params[0]);

  name_stack_page (widget);
  if (!GTK_IS_BUTTON (widget))
    {
      name_list (widget);
      return TRUE;
    }

  fix_pill_mnemonic (widget);
  if (g_object_get_data (G_OBJECT (widget), "idw-named-from-label") != NULL)
    return TRUE;

  g_object_set_data (G_OBJECT (widget), "idw-named-from-label", GINT_TO_POINTER (1));
  name_button_from_label (GTK_BUTTON (widget));
  name_icon_button (GTK_BUTTON (widget));
  g_signal_connect (widget, "notify::label", G_CALLBACK (button_label_changed_cb), NULL);
  g_signal_connect (widget, "notify::use-underline", G_CALLBACK (button_label_changed_cb), NULL);

  return TRUE;
}

void
idw_ui_install_widget_fixes (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      /* The signal exists once the class does. */
      g_type_class_unref (g_type_class_ref (GTK_TYPE_WIDGET));
      g_signal_add_emission_hook (g_signal_lookup ("map", GTK_TYPE_WIDGET), 0, widget_mapped_hook, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}
