/* idw-present-page.c: choose what to share, then show it as a QR code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-history-service.h"
#include "idw-present-page.h"
#include "idw-qr-pane.h"
#include "idw-ui-util.h"

struct _IdwPresentPage
{
  AdwBin               parent_instance;

  IdwCredential       *credential;
  IdwKey              *device_key;
  char                *credential_id;    /* in the wallet: recorded in the history */
  char                *credential_name;
  GSettings           *settings;
  GHashTable          *switches;      /* path → GtkSwitch */
  GPtrArray           *paths;         /* every path, in order */
  char                *summary;
  gboolean             updating;

  guint                tick_id;
  guint                remaining;
  guint                interval;
  guint                inhibit_cookie;
  GtkApplication      *inhibit_app;
  GtkWindow           *window;
  gulong               fullscreen_handler;

  GtkStack            *stack;
  GtkToggleButton     *full_button;
  GtkToggleButton     *name_photo_button;
  GtkToggleButton     *age_button;
  AdwPreferencesGroup *elements_group;
  GtkLabel            *summary_label;
  IdwQrView           *qr_view;
  GtkLevelBar         *countdown_bar;
  GtkLabel            *countdown_label;
  GtkLabel            *qr_summary_label;
  GtkWidget           *fullscreen_button;
  GtkWidget           *fullscreen_button_narrow;
  GtkWidget           *qr_overlay;
  GtkWidget           *qr_controls;
  GtkWidget           *leave_fullscreen_button;
};

G_DEFINE_FINAL_TYPE (IdwPresentPage, idw_present_page, ADW_TYPE_BIN)

static void
show_toast (IdwPresentPage *self,
            const char     *title)
{
  idw_ui_add_toast (GTK_WIDGET (self), idw_ui_toast_new (title));
}

GStrv
idw_present_page_dup_paths (IdwPresentPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (IDW_IS_PRESENT_PAGE (self), NULL);

  for (guint i = 0; i < self->paths->len; i++)
    {
      const char *path = g_ptr_array_index (self->paths, i);
      GtkSwitch *sw = g_hash_table_lookup (self->switches, path);

      if (gtk_switch_get_active (sw))
        g_strv_builder_add (builder, path);
    }

  return g_strv_builder_end (builder);
}

const char *
idw_present_page_get_summary (IdwPresentPage *self)
{
  g_return_val_if_fail (IDW_IS_PRESENT_PAGE (self), NULL);

  return self->summary;
}

static gboolean
same_paths (const char * const *a,
            const char * const *b)
{
  if (g_strv_length ((GStrv) a) != g_strv_length ((GStrv) b))
    return FALSE;

  for (guint i = 0; a[i] != NULL; i++)
    if (!g_strv_contains (b, a[i]))
      return FALSE;

  return TRUE;
}

/* Up to this many details are named in the summary; more are counted, so
 * that the summary stays one line beside the code (the switches above it,
 * its tooltip and its accessible description name them all). */
#define SUMMARY_MAX_NAMES 3

/* "Shares: …" or "Shares 14 details" for @paths, and in @full all of
 * their names ("Shares: …"), or NULL when the summary names them all. */
static char *
summarize (GStrv   paths,
           char  **full)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint n = 0;

  *full = NULL;
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;
      g_autofree char *label = NULL;

      if (!idw_element_path_split (paths[i], &ns, &element))
        continue;
      label = idw_ui_element_label (ns, element);
      if (names->len > 0)
        /* Translators: separates the names of the details in a list */
        g_string_append (names, _(", "));
      g_string_append (names, label);
      n++;
    }

  if (n == 0)
    return g_strdup (_("Nothing selected: choose at least one detail to share."));

  if (n > SUMMARY_MAX_NAMES)
    {
      /* Translators: %s is a list of details, "Family name, Given name, Portrait" */
      *full = g_strdup_printf (_("Shares: %s"), names->str);
      /* Translators: %u is a number of details of the ID (name, birth date…), more than 3 */
      return g_strdup_printf (ngettext ("Shares %u detail", "Shares %u details", n), n);
    }

  /* Translators: %s is a list of details, "Family name, Given name, Portrait" */
  return g_strdup_printf (_("Shares: %s"), names->str);
}

static void
set_summary (GtkLabel   *label,
             const char *summary,
             const char *full)
{
  gtk_label_set_label (label, summary);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), full);
  if (full != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    full, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
update_summary (IdwPresentPage *self)
{
  g_auto(GStrv) selected = idw_present_page_dup_paths (self);
  g_autofree char *full = NULL;
  static const struct {
    IdwPreset preset;
    gsize     offset;
  } presets[] = {
    { IDW_PRESET_FULL, G_STRUCT_OFFSET (IdwPresentPage, full_button) },
    { IDW_PRESET_NAME_PHOTO, G_STRUCT_OFFSET (IdwPresentPage, name_photo_button) },
    { IDW_PRESET_AGE_OVER_18, G_STRUCT_OFFSET (IdwPresentPage, age_button) },
  };

  g_free (self->summary);
  self->summary = summarize (selected, &full);

  set_summary (self->summary_label, self->summary, full);
  set_summary (self->qr_summary_label, self->summary, full);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "present.show-qr", selected[0] != NULL);

  /* The preset buttons say which preset the switches match, if any. */
  self->updating = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    {
      GtkToggleButton *button = G_STRUCT_MEMBER (GtkToggleButton *, self, presets[i].offset);
      g_auto(GStrv) preset_paths = idw_credential_get_preset_paths (self->credential, presets[i].preset);

      gtk_toggle_button_set_active (button,
                                    preset_paths[0] != NULL &&
                                    same_paths ((const char * const *) selected,
                                                (const char * const *) preset_paths));
    }
  self->updating = FALSE;
}

/**
 * idw_present_page_set_preset:
 *
 * Returns: %FALSE when the credential holds none of the preset's elements
 */
gboolean
idw_present_page_set_preset (IdwPresentPage *self,
                             IdwPreset       preset)
{
  g_auto(GStrv) preset_paths = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (IDW_IS_PRESENT_PAGE (self), FALSE);

  preset_paths = idw_credential_get_preset_paths (self->credential, preset);
  if (preset_paths[0] == NULL)
    return FALSE;

  self->updating = TRUE;
  g_hash_table_iter_init (&iter, self->switches);
  while (g_hash_table_iter_next (&iter, &key, &value))
    gtk_switch_set_active (value, g_strv_contains ((const char * const *) preset_paths, key));
  self->updating = FALSE;

  update_summary (self);

  return TRUE;
}

/* A preset is a radio button for assistive technologies: named by its
 * label (GTK 4.8 names a button with a label child "GtkToggleButton"), and
 * checked or not as it shows. */
static void
update_preset_accessible (GtkToggleButton *button)
{
  GtkWidget *child = gtk_button_get_child (GTK_BUTTON (button));

  if (GTK_IS_LABEL (child))
    gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    gtk_label_get_text (GTK_LABEL (child)), -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_CHECKED,
                               gtk_toggle_button_get_active (button), -1);
}

static void
preset_toggled_cb (IdwPresentPage  *self,
                   GtkToggleButton *button)
{
  update_preset_accessible (button);
  if (self->updating || !gtk_toggle_button_get_active (button))
    return;

  if (button == self->full_button)
    idw_present_page_set_preset (self, IDW_PRESET_FULL);
  else if (button == self->name_photo_button)
    idw_present_page_set_preset (self, IDW_PRESET_NAME_PHOTO);
  else if (button == self->age_button)
    idw_present_page_set_preset (self, IDW_PRESET_AGE_OVER_18);
}

static void
switch_changed_cb (IdwPresentPage *self)
{
  if (!self->updating)
    update_summary (self);
}

static void
fill_elements (IdwPresentPage *self)
{
  g_auto(GStrv) paths = idw_credential_list_paths (self->credential);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;
      g_autofree char *label = NULL;
      g_autofree char *value = NULL;
      GtkWidget *row, *sw;

      if (!idw_element_path_split (paths[i], &ns, &element))
        continue;

      label = idw_ui_element_label (ns, element);
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      if (idw_element_get_kind (ns, element) != IDW_VALUE_KIND_IMAGE)
        {
          value = idw_ui_format_value (ns, element,
                                            idw_credential_get_value (self->credential, ns, element));
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
        }

      sw = gtk_switch_new ();
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      g_signal_connect_object (sw, "notify::active", G_CALLBACK (switch_changed_cb),
                               self, G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      /* The row names the switch after its title and describes it with
       * the value (labelled-by and described-by); a label of its own would
       * make GTK say the name twice. */
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      /* One Tab per detail: the switch, named by the detail, takes the
       * focus; the row around it does not. */
      gtk_widget_set_focusable (row, FALSE);
      adw_preferences_group_add (self->elements_group, row);

      g_ptr_array_add (self->paths, g_strdup (paths[i]));
      g_hash_table_insert (self->switches, g_strdup (paths[i]), sw);
    }
}

GtkWidget *
idw_present_page_new (IdwCredential *credential,
                      IdwKey        *device_key)
{
  IdwPresentPage *self;
  g_auto(GStrv) age = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (device_key != NULL, NULL);

  self = g_object_new (IDW_TYPE_PRESENT_PAGE, NULL);
  self->credential = g_object_ref (credential);
  self->device_key = idw_key_ref (device_key);

  fill_elements (self);

  /* Warned before sharing an ID a verifier will refuse, above the choice. */
  {
    GtkWidget *warning = idw_ui_expiry_warning_new (credential);
    GtkWidget *presets = gtk_widget_get_parent (GTK_WIDGET (self->full_button));

    if (warning != NULL)
      gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (presets)), warning,
                                  gtk_widget_get_prev_sibling (presets));
  }

  /* "Age over 18" only where the issuer vouches for it. */
  age = idw_credential_get_preset_paths (credential, IDW_PRESET_AGE_OVER_18);
  gtk_widget_set_visible (GTK_WIDGET (self->age_button), age[0] != NULL);

  if (age[0] != NULL)
    idw_present_page_set_preset (self, IDW_PRESET_AGE_OVER_18);
  else
    idw_present_page_set_preset (self, IDW_PRESET_NAME_PHOTO);
  update_summary (self);

  return GTK_WIDGET (self);
}

/**
 * idw_present_page_set_history_source:
 * @credential_id: (nullable): the wallet's id of the credential
 * @credential_name: (nullable): its name, as the history keeps it
 *
 * What each presentation is recorded under in the history (unless
 * recording is off). Without an id, nothing is recorded.
 */
void
idw_present_page_set_history_source (IdwPresentPage *self,
                                     const char     *credential_id,
                                     const char     *credential_name)
{
  g_return_if_fail (IDW_IS_PRESENT_PAGE (self));

  g_free (self->credential_id);
  g_free (self->credential_name);
  self->credential_id = g_strdup (credential_id);
  self->credential_name = g_strdup (credential_name);
}

static void
record (IdwPresentPage     *self,
        const char * const *paths,
        IdwHistoryChannel   channel)
{
  idw_history_service_record_presentation (idw_history_service_get_default (),
                                           self->credential_id, self->credential_name,
                                           self->credential, paths, channel, NULL,
                                           IDW_HISTORY_OUTCOME_SHARED, GTK_WIDGET (self));
}

void
idw_present_page_set_status (IdwPresentPage      *self,
                             IdwCredentialStatus *status)
{
  GtkWidget *warning;
  GtkWidget *presets;

  g_return_if_fail (IDW_IS_PRESENT_PAGE (self));

  warning = idw_ui_status_warning_new (status);
  if (warning == NULL)
    return;
  presets = gtk_widget_get_parent (GTK_WIDGET (self->full_button));
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (presets)), warning,
                              gtk_widget_get_prev_sibling (presets));
}

IdwQrView *
idw_present_page_get_qr_view (IdwPresentPage *self)
{
  g_return_val_if_fail (IDW_IS_PRESENT_PAGE (self), NULL);

  return self->qr_view;
}

gboolean
idw_present_page_is_showing_qr (IdwPresentPage *self)
{
  g_return_val_if_fail (IDW_IS_PRESENT_PAGE (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "qr") == 0;
}

static void
update_countdown (IdwPresentPage *self)
{
  g_autofree char *text = NULL;

  /* Translators: %u is a number of seconds */
  text = g_strdup_printf (_("Refreshes in %u s"), self->remaining);
  gtk_label_set_label (self->countdown_label, text);
  gtk_level_bar_set_value (self->countdown_bar, self->remaining);
}

/* Signs a fresh presentation (presentedAt now) with everything chosen,
 * the portrait too, and draws it: the view animates what does not fit one
 * code. */
static gboolean
sign (IdwPresentPage *self)
{
  g_auto(GStrv) paths = idw_present_page_dup_paths (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (paths[0] == NULL)
    return FALSE;

  text = idw_present_text (self->credential, self->device_key,
                           (const char * const *) paths, NULL, NULL, &error);
  if (text == NULL || !idw_qr_view_set_text (self->qr_view, text, &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_LIMIT) ||
          g_error_matches (error, IDW_ERROR, IDW_ERROR_TOO_LARGE_FOR_QR))
        message = g_strdup (_("That is too much to show as a QR code, even an animated one. Choose fewer details."));
      else
        /* Translators: %s is an error message */
        message = g_strdup_printf (_("Could not sign the presentation: %s"), error->message);
      show_toast (self, message);
      return FALSE;
    }

  self->remaining = self->interval;
  update_countdown (self);

  return TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  IdwPresentPage *self = user_data;

  if (self->remaining > 1)
    {
      self->remaining--;
      update_countdown (self);
      return G_SOURCE_CONTINUE;
    }

  if (!sign (self))
    {
      self->tick_id = 0;
      idw_present_page_show_choice (self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
uninhibit (IdwPresentPage *self)
{
  if (self->inhibit_cookie != 0)
    gtk_application_uninhibit (self->inhibit_app, self->inhibit_cookie);
  self->inhibit_cookie = 0;
  g_clear_object (&self->inhibit_app);
}

/* Whether the session can keep the screen on: GNOME's session manager, or
 * the Inhibit portal. Without either, gtk_application_inhibit() only
 * warns, so the first QR code shown asks the bus once. */
typedef enum
{
  INHIBIT_UNKNOWN,
  INHIBIT_PROBING,
  INHIBIT_AVAILABLE,
  INHIBIT_UNAVAILABLE,
} InhibitSupport;

static InhibitSupport inhibit_support = INHIBIT_UNKNOWN;

static void inhibit (IdwPresentPage *self);

static void
portal_inhibit_probed_cb (GObject      *source,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(IdwPresentPage) self = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  inhibit_support = reply != NULL ? INHIBIT_AVAILABLE : INHIBIT_UNAVAILABLE;
  if (idw_present_page_is_showing_qr (self) && gtk_widget_get_mapped (GTK_WIDGET (self)))
    inhibit (self);
}

static void
session_manager_probed_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(IdwPresentPage) self = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  gboolean has_owner = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  if (has_owner)
    {
      inhibit_support = INHIBIT_AVAILABLE;
      if (idw_present_page_is_showing_qr (self) && gtk_widget_get_mapped (GTK_WIDGET (self)))
        inhibit (self);
      return;
    }

  g_dbus_connection_call (G_DBUS_CONNECTION (source),
                          "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", "org.freedesktop.portal.Inhibit", "version"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          NULL, portal_inhibit_probed_cb, g_steal_pointer (&self));
}

static gboolean
probe_inhibit_support (IdwPresentPage *self,
                       GtkApplication *app)
{
  GDBusConnection *bus;

  if (inhibit_support == INHIBIT_AVAILABLE)
    return TRUE;
  if (inhibit_support != INHIBIT_UNKNOWN)
    return FALSE;

  bus = g_application_get_dbus_connection (G_APPLICATION (app));
  if (bus == NULL)
    {
      inhibit_support = INHIBIT_UNAVAILABLE;
      return FALSE;
    }

  inhibit_support = INHIBIT_PROBING;
  g_dbus_connection_call (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", "org.gnome.SessionManager"),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, session_manager_probed_cb, g_object_ref (self));
  return FALSE;
}

static void
inhibit (IdwPresentPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *app;

  if (self->inhibit_cookie != 0 || !GTK_IS_WINDOW (root))
    return;

  app = gtk_window_get_application (GTK_WINDOW (root));
  if (app == NULL || !probe_inhibit_support (self, app))
    return;

  /* The screen must not blank while someone scans the code. */
  self->inhibit_app = g_object_ref (app);
  self->inhibit_cookie = gtk_application_inhibit (app, GTK_WINDOW (root),
                                                  GTK_APPLICATION_INHIBIT_IDLE,
                                                  _("Showing an ID as a QR code"));
}

static void
stop_showing (IdwPresentPage *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  uninhibit (self);
  idw_qr_view_clear (self->qr_view);
  if (self->window != NULL && gtk_window_is_fullscreen (self->window))
    gtk_window_unfullscreen (self->window);
}

/**
 * idw_present_page_show_qr:
 *
 * Signs the chosen details and shows them as a QR code, re-signed every
 * `refresh-interval` seconds while shown.
 *
 * Returns: %FALSE when nothing is selected or signing failed (a toast says why)
 */
gboolean
idw_present_page_show_qr (IdwPresentPage *self)
{
  g_return_val_if_fail (IDW_IS_PRESENT_PAGE (self), FALSE);

  self->interval = g_settings_get_uint (self->settings, "refresh-interval");
  gtk_level_bar_set_max_value (self->countdown_bar, self->interval);

  if (!sign (self))
    return FALSE;

  /* Once per showing: the refreshes every few seconds re-sign the same
   * presentation. */
  {
    g_auto(GStrv) paths = idw_present_page_dup_paths (self);

    record (self, (const char * const *) paths, IDW_HISTORY_CHANNEL_QR);
  }

  gtk_stack_set_visible_child_name (self->stack, "qr");
  g_clear_handle_id (&self->tick_id, g_source_remove);
  self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
  inhibit (self);
  /* The focus goes to the code: screen readers say what it is, and Enter
   * makes it fill the screen. */
  gtk_widget_grab_focus (GTK_WIDGET (self->qr_view));

  return TRUE;
}

/**
 * idw_present_page_focus_default:
 *
 * Puts the keyboard focus where the page starts: on the choice, on the
 * preset chosen (what to share comes first); on the code, on the code.
 */
void
idw_present_page_focus_default (IdwPresentPage *self)
{
  GtkToggleButton *presets[3];

  g_return_if_fail (IDW_IS_PRESENT_PAGE (self));

  if (idw_present_page_is_showing_qr (self))
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->qr_view));
      return;
    }

  presets[0] = self->full_button;
  presets[1] = self->name_photo_button;
  presets[2] = self->age_button;
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (gtk_toggle_button_get_active (presets[i]) && gtk_widget_get_visible (GTK_WIDGET (presets[i])) &&
        gtk_widget_grab_focus (GTK_WIDGET (presets[i])))
      return;

  gtk_widget_child_focus (GTK_WIDGET (self), GTK_DIR_TAB_FORWARD);
}

void
idw_present_page_show_choice (IdwPresentPage *self)
{
  GtkRoot *root;
  GtkWidget *focus;
  gboolean had_focus;

  g_return_if_fail (IDW_IS_PRESENT_PAGE (self));

  root = gtk_widget_get_root (GTK_WIDGET (self));
  focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self));

  stop_showing (self);
  gtk_stack_set_visible_child_name (self->stack, "choice");

  /* "Change" leads back to the choice, with the focus. */
  if (had_focus)
    idw_present_page_focus_default (self);
}

static void
show_qr_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  idw_present_page_show_qr (IDW_PRESENT_PAGE (widget));
}

static void
show_choice_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  idw_present_page_show_choice (IDW_PRESENT_PAGE (widget));
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (widget);
  g_auto(GStrv) paths = idw_present_page_dup_paths (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (paths[0] == NULL)
    return;

  /* Signed afresh: the text is pasted later than the code is shown. */
  text = idw_present_text (self->credential, self->device_key,
                           (const char * const *) paths, NULL, NULL, &error);
  if (text == NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is an error message */
      message = g_strdup_printf (_("Could not sign the presentation: %s"), error->message);
      show_toast (self, message);
      return;
    }

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), text);
  show_toast (self, _("Copied"));
  record (self, (const char * const *) paths, IDW_HISTORY_CHANNEL_TEXT);
}

static void
window_fullscreened_cb (IdwPresentPage *self)
{
  gboolean fullscreen = gtk_window_is_fullscreen (self->window);
  GtkWidget *buttons[] = { self->fullscreen_button, self->fullscreen_button_narrow };

  /* Fullscreen is for the code alone, on white, as large as the display
   * allows (the window hides its bars); a small button, Esc or a click on
   * the code leaves it. */
  gtk_widget_set_visible (self->qr_controls, !fullscreen);
  gtk_widget_set_visible (self->leave_fullscreen_button, fullscreen);
  /* The focus may have been on a button now hidden: on the code, Esc,
   * Enter and Space still reach the page. */
  if (fullscreen && idw_present_page_is_showing_qr (self))
    gtk_widget_grab_focus (GTK_WIDGET (self->qr_view));
  if (fullscreen)
    gtk_widget_add_css_class (self->qr_overlay, "idw-qr-fullscreen");
  else
    gtk_widget_remove_css_class (self->qr_overlay, "idw-qr-fullscreen");

  /* The button follows what the window manager did, not what was asked. */
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      gtk_button_set_icon_name (GTK_BUTTON (buttons[i]),
                                fullscreen ? "view-restore-symbolic" : "view-fullscreen-symbolic");
      gtk_widget_set_tooltip_text (buttons[i],
                                   fullscreen ? _("Leave Fullscreen (Esc)") : _("Fullscreen (F11)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (buttons[i]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      fullscreen ? _("Leave Fullscreen") : _("Fullscreen"),
                                      -1);
    }
}

static void
toggle_fullscreen_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (widget);

  if (self->window == NULL || !idw_present_page_is_showing_qr (self))
    return;

  if (gtk_window_is_fullscreen (self->window))
    gtk_window_unfullscreen (self->window);
  else
    gtk_window_fullscreen (self->window);
}

static void
leave_fullscreen_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (widget);

  if (self->window != NULL && gtk_window_is_fullscreen (self->window))
    gtk_window_unfullscreen (self->window);
}

static void
code_clicked_cb (IdwPresentPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "present.leave-fullscreen", NULL);
}

static void
idw_present_page_map (GtkWidget *widget)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (idw_present_page_parent_class)->map (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root) && self->window == NULL)
    {
      self->window = GTK_WINDOW (root);
      self->fullscreen_handler =
        g_signal_connect_object (root, "notify::fullscreened",
                                 G_CALLBACK (window_fullscreened_cb), self,
                                 G_CONNECT_SWAPPED);
    }

  if (idw_present_page_is_showing_qr (self))
    inhibit (self);
}

static void
idw_present_page_unmap (GtkWidget *widget)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (widget);

  /* Off screen, the code is no longer shown: no need to keep the screen on,
   * nor to fill it. */
  uninhibit (self);
  if (self->window != NULL && gtk_window_is_fullscreen (self->window))
    gtk_window_unfullscreen (self->window);

  GTK_WIDGET_CLASS (idw_present_page_parent_class)->unmap (widget);
}

static void
idw_present_page_unroot (GtkWidget *widget)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (widget);

  stop_showing (self);
  if (self->window != NULL)
    g_clear_signal_handler (&self->fullscreen_handler, self->window);
  self->window = NULL;

  GTK_WIDGET_CLASS (idw_present_page_parent_class)->unroot (widget);
}

static void
idw_present_page_dispose (GObject *object)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  uninhibit (self);
  /* The template's root is the bin's child: AdwBin must unparent it, or it
   * keeps a dangling pointer (gtk_widget_dispose_template() would do it). */
  adw_bin_set_child (ADW_BIN (self), NULL);

  G_OBJECT_CLASS (idw_present_page_parent_class)->dispose (object);
}

static void
idw_present_page_finalize (GObject *object)
{
  IdwPresentPage *self = IDW_PRESENT_PAGE (object);

  g_clear_object (&self->credential);
  g_clear_pointer (&self->device_key, idw_key_unref);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->switches, g_hash_table_unref);
  g_clear_pointer (&self->paths, g_ptr_array_unref);
  g_clear_pointer (&self->summary, g_free);
  g_clear_pointer (&self->credential_id, g_free);
  g_clear_pointer (&self->credential_name, g_free);

  G_OBJECT_CLASS (idw_present_page_parent_class)->finalize (object);
}

static void
idw_present_page_class_init (IdwPresentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_present_page_dispose;
  object_class->finalize = idw_present_page_finalize;

  widget_class->map = idw_present_page_map;
  widget_class->unmap = idw_present_page_unmap;
  widget_class->unroot = idw_present_page_unroot;

  g_type_ensure (IDW_TYPE_QR_VIEW);
  g_type_ensure (IDW_TYPE_QR_PANE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-present-page.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, full_button);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, name_photo_button);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, age_button);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, elements_group);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, qr_view);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, countdown_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, qr_summary_label);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, fullscreen_button);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, fullscreen_button_narrow);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, qr_overlay);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, qr_controls);
  gtk_widget_class_bind_template_child (widget_class, IdwPresentPage, leave_fullscreen_button);
  gtk_widget_class_bind_template_callback (widget_class, preset_toggled_cb);

  gtk_widget_class_install_action (widget_class, "present.show-qr", NULL, show_qr_action);
  gtk_widget_class_install_action (widget_class, "present.show-choice", NULL, show_choice_action);
  gtk_widget_class_install_action (widget_class, "present.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "present.toggle-fullscreen", NULL, toggle_fullscreen_action);
  gtk_widget_class_install_action (widget_class, "present.leave-fullscreen", NULL, leave_fullscreen_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "present.toggle-fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "present.leave-fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "present.copy", NULL);
}

static void
idw_present_page_init (IdwPresentPage *self)
{
  GtkEventController *keys;
  GtkGesture *click;
  const guint activate_keys[] = { GDK_KEY_Return, GDK_KEY_KP_Enter, GDK_KEY_ISO_Enter, GDK_KEY_space };

  gtk_widget_init_template (GTK_WIDGET (self));

  update_preset_accessible (self->full_button);
  update_preset_accessible (self->name_photo_button);
  update_preset_accessible (self->age_button);

  /* The code takes the focus when it appears; Enter or Space on it fills
   * the screen with it. */
  gtk_widget_set_focusable (GTK_WIDGET (self->qr_view), TRUE);
  keys = gtk_shortcut_controller_new ();
  for (guint i = 0; i < G_N_ELEMENTS (activate_keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (activate_keys[i], 0),
                                                            gtk_named_action_new ("present.toggle-fullscreen")));
  gtk_widget_add_controller (GTK_WIDGET (self->qr_view), keys);

  /* A click or tap on the code leaves fullscreen. */
  click = gtk_gesture_click_new ();
  g_signal_connect_object (click, "released", G_CALLBACK (code_clicked_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->qr_view), GTK_EVENT_CONTROLLER (click));

  self->settings = g_settings_new (APP_ID);
  self->switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->paths = g_ptr_array_new_with_free_func (g_free);
}
