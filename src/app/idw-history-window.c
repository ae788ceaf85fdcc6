/* idw-history-window.c: the holder's history, day by day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window reads the whole history (newest first) through the app's
 * IdwHistoryService and draws it again whenever the service says it
 * changed, the filter changes or recording is switched. Deleting hides the
 * entry at once and deletes it when its Undo toast goes; entries waiting
 * so stay hidden across redraws. The history's folder is watched too, for
 * what the CLI records while the window is open: a short while after the
 * last change the folder's state is compared with the one the history was
 * read at, and it is read again when they differ (so the app's own writes,
 * which the service announces, are not read twice).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "idw-history-service.h"
#include "idw-history-window.h"
#include "idw-ui-util.h"
#include "idw-undo-toast.h"

struct _IdwHistoryWindow
{
  AdwWindow             parent_instance;

  IdwHistoryService    *service;
  GSettings            *settings;
  GCancellable         *cancellable;
  GPtrArray            *entries;      /* IdwHistoryEntry, newest first; NULL until read */
  GHashTable           *pending;      /* entry id → TRUE: waiting for its Undo to expire */
  GPtrArray            *filter_ids;   /* the dropdown's items: "" (all), then credential ids */
  char                 *filter;       /* credential id, or NULL for all */
  char                 *filter_name;
  GPtrArray            *day_groups;   /* the AdwPreferencesGroup of each day shown */
  gboolean              updating_filter;
  GFileMonitor         *monitor;      /* the history's folder */
  char                 *state;        /* idw_history_get_state() at the last read */

  AdwWindowTitle       *window_title;
  GtkDropDown          *filter_dropdown;
  GtkStringList        *filter_names;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkSpinner           *spinner;
  AdwStatusPage        *empty_page;
  GtkWidget            *turn_on_button;
  AdwStatusPage        *error_page;
  GtkWidget            *days_box;
  GtkWidget            *off_label;
};

G_DEFINE_FINAL_TYPE (IdwHistoryWindow, idw_history_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_toast (IdwHistoryWindow *self,
            const char       *title)
{
  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), idw_ui_toast_new (title));
}

/* ---- What an entry says ------------------------------------------------ */

/* "Shown as a QR code", "Sent to Lotus Hotel", "Declined Lotus Hotel’s
 * request": the verifier's name as it gave it, escaped. */
static char *
describe (IdwHistoryEntry *entry)
{
  g_autofree char *verifier = idw_ui_escape_text (idw_history_entry_get_verifier (entry));

  if (idw_history_entry_get_outcome (entry) == IDW_HISTORY_OUTCOME_DECLINED)
    return verifier != NULL
           /* Translators: %s is who asked, as it named itself */
           ? g_strdup_printf (_("Declined %s’s request"), verifier)
           : g_strdup (_("Declined a request"));

  switch (idw_history_entry_get_channel (entry))
    {
    case IDW_HISTORY_CHANNEL_QR:
      return g_strdup (_("Shown as a QR code"));
    case IDW_HISTORY_CHANNEL_TEXT:
      return g_strdup (_("Copied as text"));
    case IDW_HISTORY_CHANNEL_REPLY:
      return verifier != NULL
             /* Translators: %s is who asked, as it named itself */
             ? g_strdup_printf (_("Sent to %s"), verifier)
             : g_strdup (_("Sent in reply to a request"));
    default:
      g_assert_not_reached ();
    }
}

/* The details shared, by their labels: "Family name, Age over 18". */
static char *
describe_elements (IdwHistoryEntry *entry)
{
  const char * const *elements = idw_history_entry_get_elements (entry);
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; elements[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;
      g_autofree char *label = NULL;

      if (idw_element_path_split (elements[i], &ns, &element))
        label = idw_ui_element_label (ns, element);
      else
        label = idw_ui_escape_text (elements[i]);
      /* Translators: what separates the details shared, "Family name, Age over 18" */
      g_string_append_printf (out, "%s%s", i > 0 ? _(", ") : "", label);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The ID's name as recorded, with its kind of document when the name does
 * not say it: two IDs of one holder may share a nickname. Escaped. */
static char *
credential_name (IdwHistoryEntry *entry)
{
  const char *name = idw_history_entry_get_credential_name (entry);
  const char *document = idw_doctype_get_display_name (idw_history_entry_get_doctype (entry));
  g_autofree char *shown = NULL;

  if (name == NULL || *name == '\0')
    return idw_ui_escape_text (document);
  shown = idw_ui_escape_text (name);
  if (document == NULL || strstr (name, document) != NULL)
    return g_steal_pointer (&shown);
  /* Translators: an ID's name and its kind of document: "Zhang Wei (demo) · Photo ID" */
  return g_strdup_printf (_("%1$s · %2$s"), shown, document);
}

/* ---- Drawing ------------------------------------------------------------- */

static gboolean
shown (IdwHistoryWindow *self,
       IdwHistoryEntry  *entry)
{
  if (g_hash_table_contains (self->pending, idw_history_entry_get_id (entry)))
    return FALSE;
  return self->filter == NULL
         || g_strcmp0 (idw_history_entry_get_credential_id (entry), self->filter) == 0;
}

GPtrArray *
idw_history_window_dup_shown (IdwHistoryWindow *self)
{
  GPtrArray *out;

  g_return_val_if_fail (IDW_IS_HISTORY_WINDOW (self), NULL);

  if (self->entries == NULL)
    return NULL;
  out = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->entries->len; i++)
    {
      IdwHistoryEntry *entry = g_ptr_array_index (self->entries, i);

      if (shown (self, entry))
        g_ptr_array_add (out, g_object_ref (entry));
    }
  return out;
}

static void
delete_clicked_cb (GtkButton        *button,
                   IdwHistoryWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "idw-entry-id");

  idw_history_window_delete_entry (self, id);
}

static GtkWidget *
entry_row_new (IdwHistoryWindow *self,
               IdwHistoryEntry  *entry)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (idw_history_entry_get_time (entry));
  g_autofree char *title = describe (entry);
  g_autofree char *name = credential_name (entry);
  g_autofree char *time = g_date_time_format (local, "%H:%M");
  g_autofree char *details = describe_elements (entry);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  if (*details != '\0')
    /* Translators: the time, the ID's name, then the details shared:
     * "14:05 · Mobile driving licence, Erika Mustermann\nFamily name, Age over 18" */
    subtitle = g_strdup_printf (_("%1$s · %2$s\n%3$s"), time, name, details);
  else
    /* Translators: the time and the ID's name: "14:05 · Mobile driving licence, Erika Mustermann" */
    subtitle = g_strdup_printf (_("%1$s · %2$s"), time, name);

  /* The verifier's name and the ID's are text, never markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("Delete Entry"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Delete Entry"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, title,
                                  -1);
  g_object_set_data_full (G_OBJECT (button), "idw-entry-id",
                          g_strdup (idw_history_entry_get_id (entry)), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (delete_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data_full (G_OBJECT (row), "idw-entry-id",
                          g_strdup (idw_history_entry_get_id (entry)), g_free);

  return row;
}

/* "Today", "Yesterday", else the date in full. */
static char *
day_title (GDateTime *local,
           GDateTime *today)
{
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (today, -1);
  int y, m, d;

  g_date_time_get_ymd (local, &y, &m, &d);
  if (g_date_time_get_year (today) == y && g_date_time_get_month (today) == m
      && g_date_time_get_day_of_month (today) == d)
    return g_strdup (_("Today"));
  if (g_date_time_get_year (yesterday) == y && g_date_time_get_month (yesterday) == m
      && g_date_time_get_day_of_month (yesterday) == d)
    return g_strdup (_("Yesterday"));
  return idw_ui_format_date (local);
}

static void
show_empty (IdwHistoryWindow *self)
{
  gboolean recording = idw_history_service_get_recording (self->service);

  if (!recording)
    {
      adw_status_page_set_title (self->empty_page, _("Recording Is Off"));
      adw_status_page_set_description (self->empty_page,
                                       _("Turn recording on to keep a private record of what you share: "
                                         "when, which details, and with whom."));
    }
  else if (self->filter != NULL)
    {
      adw_status_page_set_title (self->empty_page, _("No History for This ID"));
      adw_status_page_set_description (self->empty_page,
                                       _("When you show or send this ID, what you shared is listed here."));
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _("No History"));
      adw_status_page_set_description (self->empty_page,
                                       _("When you show or send an ID, what you shared is listed here: "
                                         "when, which details, and with whom."));
    }
  gtk_widget_set_visible (self->turn_on_button, !recording);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
draw_days (IdwHistoryWindow *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  AdwPreferencesGroup *group = NULL;
  int group_y = 0, group_m = 0, group_d = 0;
  guint n_shown = 0;

  for (guint i = 0; i < self->day_groups->len; i++)
    gtk_box_remove (GTK_BOX (self->days_box), g_ptr_array_index (self->day_groups, i));
  g_ptr_array_set_size (self->day_groups, 0);

  if (self->entries == NULL)
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      IdwHistoryEntry *entry = g_ptr_array_index (self->entries, i);
      g_autoptr(GDateTime) local = NULL;
      int y, m, d;

      if (!shown (self, entry))
        continue;
      n_shown++;

      local = g_date_time_to_local (idw_history_entry_get_time (entry));
      g_date_time_get_ymd (local, &y, &m, &d);
      if (group == NULL || y != group_y || m != group_m || d != group_d)
        {
          g_autofree char *title = day_title (local, now);
          /* A group's title is markup in libadwaita 1.2. */
          g_autofree char *markup = g_markup_escape_text (title, -1);

          group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
          adw_preferences_group_set_title (group, markup);
          gtk_box_append (GTK_BOX (self->days_box), GTK_WIDGET (group));
          g_ptr_array_add (self->day_groups, group);
          group_y = y;
          group_m = m;
          group_d = d;
        }
      adw_preferences_group_add (group, entry_row_new (self, entry));
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", n_shown > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.clear", self->entries->len > 0);
  if (n_shown == 0)
    {
      show_empty (self);
      return;
    }
  gtk_widget_set_visible (self->off_label, !idw_history_service_get_recording (self->service));
  gtk_stack_set_visible_child_name (self->stack, "list");
}

/* GTK 4.8 names a drop-down's button after its type: it gets the
 * drop-down's name, and says what is chosen as its description. */
static void
name_filter_button (IdwHistoryWindow *self)
{
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (self->filter_dropdown));
  guint selected = gtk_drop_down_get_selected (self->filter_dropdown);
  const char *chosen = NULL;

  if (!GTK_IS_TOGGLE_BUTTON (button))
    return;
  if (selected < g_list_model_get_n_items (G_LIST_MODEL (self->filter_names)))
    chosen = gtk_string_list_get_string (self->filter_names, selected);
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show History For"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, chosen != NULL ? chosen : "",
                                  -1);
}

/* The dropdown: "All IDs", then each ID in the history (by its newest
 * name), and the one filtered on when it has no entry yet. */
static void
fill_filter (IdwHistoryWindow *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;

  g_ptr_array_set_size (self->filter_ids, 1);
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      IdwHistoryEntry *entry = g_ptr_array_index (self->entries, i);
      const char *id = idw_history_entry_get_credential_id (entry);
      gboolean known = FALSE;

      for (guint j = 1; j < self->filter_ids->len && !known; j++)
        known = g_str_equal (g_ptr_array_index (self->filter_ids, j), id);
      if (known)
        continue;
      g_ptr_array_add (self->filter_ids, g_strdup (id));
      g_ptr_array_add (names, credential_name (entry));
    }
  if (self->filter != NULL)
    {
      for (guint j = 1; j < self->filter_ids->len; j++)
        if (g_str_equal (g_ptr_array_index (self->filter_ids, j), self->filter))
          selected = j;
      if (selected == 0)
        {
          g_ptr_array_add (self->filter_ids, g_strdup (self->filter));
          g_ptr_array_add (names, self->filter_name != NULL ? idw_ui_escape_text (self->filter_name)
                                                            : g_strdup (_("This ID")));
          selected = self->filter_ids->len - 1;
        }
    }
  g_ptr_array_add (names, NULL);

  self->updating_filter = TRUE;
  gtk_string_list_splice (self->filter_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->filter_names)) - 1,
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->filter_dropdown, selected);
  self->updating_filter = FALSE;
  name_filter_button (self);
}

static void
redraw (IdwHistoryWindow *self)
{
  fill_filter (self);
  draw_days (self);
}

static void
filter_selected_cb (IdwHistoryWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->filter_dropdown);
  const char *id;

  name_filter_button (self);
  if (self->updating_filter || selected >= self->filter_ids->len)
    return;
  id = g_ptr_array_index (self->filter_ids, selected);
  g_clear_pointer (&self->filter, g_free);
  if (*id != '\0')
    self->filter = g_strdup (id);
  draw_days (self);
}

/* ---- Reading ------------------------------------------------------------- */

static void
show_error (IdwHistoryWindow *self,
            const GError     *error)
{
  g_autofree char *message = idw_ui_escape_markup (error->message);
  g_autofree char *description = NULL;

  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_HISTORY))
    /* Translators: %s is why the history cannot be read */
    description = g_strdup_printf (_("%s\n\nClearing it starts a new history; the next presentation does so too, "
                                     "and keeps the damaged file."), message);
  else
    description = g_steal_pointer (&message);
  adw_status_page_set_description (self->error_page, description);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.clear", TRUE);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(IdwHistoryWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  entries = idw_history_service_list_finish (IDW_HISTORY_SERVICE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);
  if (entries == NULL)
    {
      g_clear_pointer (&self->entries, g_ptr_array_unref);
      draw_days (self);
      show_error (self, error);
    }
  else
    {
      g_clear_pointer (&self->entries, g_ptr_array_unref);
      self->entries = entries;
      redraw (self);
    }
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void reload (IdwHistoryWindow *self);

/* Called once the history's folder is quiet again after a change. */
static void
folder_settled (gpointer instance)
{
  IdwHistoryWindow *self = instance;
  g_autofree char *state = idw_history_get_state (NULL, NULL);

  if (state == NULL || g_strcmp0 (state, self->state) != 0)
    reload (self);
}

/* Takes the folder's state before it is read, and watches the folder as it
 * is now (a restore may have swapped the one watched before). */
static void
watch_folder (IdwHistoryWindow *self)
{
  g_autofree char *directory = idw_history_get_default_directory ();

  g_free (self->state);
  self->state = idw_history_get_state (directory, NULL);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  self->monitor = idw_ui_monitor_folder (directory, NULL, folder_settled, self);
}

static void
reload (IdwHistoryWindow *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  watch_folder (self);

  /* A spinner the first time only: afterwards the old list stays until
   * the new one is there. */
  if (self->entries == NULL)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  idw_history_service_list (self->service, self->cancellable, listed_cb, g_object_ref (self));
}

/* ---- Deleting ------------------------------------------------------------ */

typedef struct
{
  IdwHistoryWindow  *window;   /* weak */
  IdwHistoryService *service;
  char              *entry_id;
} PendingDelete;

static void
pending_delete_free (gpointer data)
{
  PendingDelete *pending = data;

  g_clear_weak_pointer (&pending->window);
  g_clear_object (&pending->service);
  g_free (pending->entry_id);
  g_free (pending);
}

static void
deleted_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(IdwHistoryWindow) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);
  if (!idw_history_service_delete_finish (IDW_HISTORY_SERVICE (source), result, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is why */
      message = g_strdup_printf (_("Could not delete the entry: %s"), error->message);
      if (self != NULL)
        show_toast (self, message);
      else
        g_message ("%s", message);
    }
  if (g_application_get_default () != NULL)
    g_application_release (g_application_get_default ());
}

static void
undo_toast_done (gboolean undone,
                 gpointer user_data)
{
  PendingDelete *pending = user_data;
  GWeakRef *weak;

  if (pending->window != NULL)
    g_hash_table_remove (pending->window->pending, pending->entry_id);

  if (undone)
    {
      if (pending->window != NULL)
        draw_days (pending->window);
      return;
    }

  /* Deleted even when the window is gone by now; the app waits for it. */
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, pending->window);
  idw_history_service_delete (pending->service, pending->entry_id, NULL, deleted_cb, weak);
}

void
idw_history_window_delete_entry (IdwHistoryWindow *self,
                                 const char       *entry_id)
{
  PendingDelete *pending;

  g_return_if_fail (IDW_IS_HISTORY_WINDOW (self));
  g_return_if_fail (entry_id != NULL);

  if (g_hash_table_contains (self->pending, entry_id))
    return;

  pending = g_new0 (PendingDelete, 1);
  g_set_weak_pointer (&pending->window, self);
  pending->service = g_object_ref (self->service);
  pending->entry_id = g_strdup (entry_id);
  g_hash_table_add (self->pending, g_strdup (entry_id));

  draw_days (self);
  idw_undo_toast_show (GTK_WIDGET (self->toast_overlay), _("Entry deleted"),
                       undo_toast_done, pending, pending_delete_free);
}

/* ---- Clearing -------------------------------------------------------------- */

static void
cleared_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(IdwHistoryWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!idw_history_service_clear_finish (IDW_HISTORY_SERVICE (source), result, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is why */
      message = g_strdup_printf (_("Could not clear the history: %s"), error->message);
      show_toast (self, message);
      return;
    }
  show_toast (self, _("History cleared"));
}

static void
clear_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   IdwHistoryWindow *self)
{
  if (g_strcmp0 (response, "clear") != 0)
    return;
  idw_history_service_clear (self->service, NULL, cleared_cb, g_object_ref (self));
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwHistoryWindow *self = IDW_HISTORY_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Clear History?"),
                                   _("Everything recorded of what you shared, for every ID, will be deleted. "
                                     "This cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "clear", _("_Clear"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "clear",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (clear_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Exporting ----------------------------------------------------------- */

void
idw_history_window_export (IdwHistoryWindow    *self,
                           GFile               *file,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GPtrArray) entries = NULL;
  GTask *task;

  g_return_if_fail (IDW_IS_HISTORY_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, idw_history_window_export);
  entries = idw_history_window_dup_shown (self);
  if (entries == NULL)
    entries = g_ptr_array_new ();
  /* What was shared with whom: readable by its owner only. */
  idw_ui_save_private_text (file, idw_history_to_json (entries), task);
}

gboolean
idw_history_window_export_finish (IdwHistoryWindow  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  IdwHistoryWindow *self = IDW_HISTORY_WINDOW (source);
  g_autoptr(GError) error = NULL;

  if (!idw_history_window_export_finish (self, result, &error))
    {
      g_autofree char *message = NULL;

      /* Translators: %s is why */
      message = g_strdup_printf (_("Could not export the history: %s"), error->message);
      show_toast (self, message);
      return;
    }
  show_toast (self, _("History exported"));
}

static void
export_chosen (gpointer  instance,
               GFile    *file)
{
  idw_history_window_export (instance, file, export_done_cb, NULL);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  /* Translators: the file name an exported history is saved under */
  const char *name = _("id-wallet-history.json");

  idw_ui_choose_save_file (widget, _("Export History"), _("_Export"), name, NULL, export_chosen, widget);
}

static void
turn_on_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  IdwHistoryWindow *self = IDW_HISTORY_WINDOW (widget);

  g_settings_set_boolean (self->settings, "record-history", TRUE);
}

/* ---- The window ---------------------------------------------------------- */

IdwHistoryWindow *
idw_history_window_new (GtkWindow *parent)
{
  return g_object_new (IDW_TYPE_HISTORY_WINDOW,
                       "transient-for", parent,
                       "application", parent != NULL ? gtk_window_get_application (parent) : NULL,
                       NULL);
}

void
idw_history_window_set_filter (IdwHistoryWindow *self,
                               const char       *credential_id,
                               const char       *name)
{
  g_return_if_fail (IDW_IS_HISTORY_WINDOW (self));

  g_clear_pointer (&self->filter, g_free);
  g_clear_pointer (&self->filter_name, g_free);
  if (credential_id != NULL && *credential_id != '\0')
    {
      self->filter = g_strdup (credential_id);
      self->filter_name = g_strdup (name);
    }
  if (self->entries != NULL)
    redraw (self);
  else
    fill_filter (self);
}

const char *
idw_history_window_get_filter (IdwHistoryWindow *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_WINDOW (self), NULL);

  return self->filter;
}

static void
recording_changed_cb (IdwHistoryWindow *self)
{
  if (self->entries != NULL)
    draw_days (self);
}

static void
idw_history_window_dispose (GObject *object)
{
  IdwHistoryWindow *self = IDW_HISTORY_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->monitor != NULL)
    g_file_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_HISTORY_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (idw_history_window_parent_class)->dispose (object);
}

static void
idw_history_window_finalize (GObject *object)
{
  IdwHistoryWindow *self = IDW_HISTORY_WINDOW (object);

  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->filter_ids, g_ptr_array_unref);
  g_clear_pointer (&self->day_groups, g_ptr_array_unref);
  g_free (self->filter);
  g_free (self->filter_name);
  g_free (self->state);

  G_OBJECT_CLASS (idw_history_window_parent_class)->finalize (object);
}

static void
idw_history_window_class_init (IdwHistoryWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_history_window_dispose;
  object_class->finalize = idw_history_window_finalize;

  /**
   * IdwHistoryWindow::loaded:
   *
   * The history was read (again) and drawn, or found unreadable.
   */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-history-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, filter_names);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, turn_on_button);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, days_box);
  gtk_widget_class_bind_template_child (widget_class, IdwHistoryWindow, off_label);

  gtk_widget_class_install_action (widget_class, "history.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "history.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "history.turn-on", NULL, turn_on_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
idw_history_window_init (IdwHistoryWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->service = g_object_ref (idw_history_service_get_default ());
  self->settings = g_settings_new (APP_ID);
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->filter_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->filter_ids, g_strdup (""));
  self->day_groups = g_ptr_array_new ();

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.export", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.clear", FALSE);

  name_filter_button (self);
  g_signal_connect_object (self->filter_dropdown, "notify::selected",
                           G_CALLBACK (filter_selected_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->service, "changed", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::record-history",
                           G_CALLBACK (recording_changed_cb), self, G_CONNECT_SWAPPED);

  reload (self);
}
