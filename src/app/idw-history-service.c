/* idw-history-service.c: the app's way to the holder's history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history is encrypted under the wallet key, which comes from the
 * keyring (maybe after an unlock prompt): the first call asks for it, later
 * calls wait for that answer and then use the same IdwHistory. Every file
 * operation runs in a worker thread (idw-history.c's async variants).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-history-service.h"
#include "idw-ui-util.h"

struct _IdwHistoryService
{
  GObject     parent_instance;

  GSettings  *settings;
  IdwHistory *history;
  GPtrArray  *waiting;   /* GTask waiting for the wallet key */
  gboolean    fetching;
};

G_DEFINE_FINAL_TYPE (IdwHistoryService, idw_history_service, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
idw_history_service_dispose (GObject *object)
{
  IdwHistoryService *self = IDW_HISTORY_SERVICE (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->history);
  g_clear_pointer (&self->waiting, g_ptr_array_unref);

  G_OBJECT_CLASS (idw_history_service_parent_class)->dispose (object);
}

static void
idw_history_service_class_init (IdwHistoryServiceClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = idw_history_service_dispose;

  /**
   * IdwHistoryService::changed:
   *
   * An entry was recorded or deleted, or the history cleared.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
idw_history_service_init (IdwHistoryService *self)
{
  self->settings = g_settings_new (APP_ID);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * idw_history_service_get_default:
 *
 * Returns: (transfer none): the app's history service.
 */
IdwHistoryService *
idw_history_service_get_default (void)
{
  static IdwHistoryService *service;

  if (service == NULL)
    service = g_object_new (IDW_TYPE_HISTORY_SERVICE, NULL);
  return service;
}

gboolean
idw_history_service_get_recording (IdwHistoryService *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_SERVICE (self), FALSE);

  return g_settings_get_boolean (self->settings, "record-history");
}

/* ---- The history, once the wallet key is there ------------------------- */

static void
wallet_key_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(IdwHistoryService) self = user_data;
  g_autoptr(IdwWalletKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) waiting = NULL;

  key = idw_keystore_get_wallet_key_finish (result, &error);
  self->fetching = FALSE;
  if (key != NULL && self->history == NULL)
    self->history = idw_history_new (NULL, key);

  waiting = g_steal_pointer (&self->waiting);
  self->waiting = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < waiting->len; i++)
    {
      GTask *task = g_ptr_array_index (waiting, i);

      if (self->history != NULL)
        g_task_return_pointer (task, g_object_ref (self->history), g_object_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

/* The history (transfer full) to @callback, through get_history_finish(). */
static void
get_history (IdwHistoryService   *self,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

  if (self->history != NULL)
    {
      g_task_return_pointer (task, g_object_ref (self->history), g_object_unref);
      return;
    }
  g_ptr_array_add (self->waiting, g_object_ref (task));
  if (!self->fetching)
    {
      self->fetching = TRUE;
      idw_keystore_get_wallet_key (NULL, wallet_key_cb, g_object_ref (self));
    }
}

static IdwHistory *
get_history_finish (IdwHistoryService  *self,
                    GAsyncResult       *result,
                    GError            **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- Recording ---------------------------------------------------------- */

typedef struct
{
  IdwHistoryService *service;
  IdwHistoryEntry   *entry;
  GWeakRef           report_to;
} Record;

static void
record_free (Record *record)
{
  g_clear_object (&record->service);
  g_clear_object (&record->entry);
  g_weak_ref_clear (&record->report_to);
  g_free (record);
}

static void
record_failed (Record       *record,
               const GError *error)
{
  g_autoptr(GtkWidget) widget = g_weak_ref_get (&record->report_to);
  g_autofree char *message = NULL;

  /* Translators: %s is why */
  message = g_strdup_printf (_("This was not added to your history: %s"), error->message);
  if (widget != NULL)
    idw_ui_add_toast (widget, idw_ui_toast_new (message));
  else
    g_message ("%s", message);
}

static void
record_done (Record       *record,
             const GError *error)
{
  if (error != NULL)
    record_failed (record, error);
  else
    g_signal_emit (record->service, signals[SIGNAL_CHANGED], 0);

  record_free (record);
  if (g_application_get_default () != NULL)
    g_application_release (g_application_get_default ());
}

static void
appended_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Record *record = user_data;
  g_autoptr(GError) error = NULL;

  idw_history_append_finish (IDW_HISTORY (source), result, &error);
  record_done (record, error);
}

static void
record_history_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  IdwHistoryService *self = IDW_HISTORY_SERVICE (source);
  Record *record = user_data;
  g_autoptr(IdwHistory) history = NULL;
  g_autoptr(GError) error = NULL;

  history = get_history_finish (self, result, &error);
  if (history == NULL)
    {
      record_done (record, error);
      return;
    }
  idw_history_append (history, record->entry, NULL, appended_cb, record);
}

void
idw_history_service_record (IdwHistoryService *self,
                            IdwHistoryEntry   *entry,
                            GtkWidget         *report_to)
{
  Record *record;

  g_return_if_fail (IDW_IS_HISTORY_SERVICE (self));
  g_return_if_fail (IDW_IS_HISTORY_ENTRY (entry));

  if (!idw_history_service_get_recording (self))
    return;

  record = g_new0 (Record, 1);
  record->service = g_object_ref (self);
  record->entry = g_object_ref (entry);
  g_weak_ref_init (&record->report_to, report_to);

  /* Written even when the window closes meanwhile. */
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  get_history (self, record_history_cb, record);
}

void
idw_history_service_record_presentation (IdwHistoryService  *self,
                                         const char         *credential_id,
                                         const char         *credential_name,
                                         IdwCredential      *credential,
                                         const char * const *paths,
                                         IdwHistoryChannel   channel,
                                         const char         *verifier,
                                         IdwHistoryOutcome   outcome,
                                         GtkWidget          *report_to)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(IdwHistoryEntry) entry = NULL;

  g_return_if_fail (IDW_IS_HISTORY_SERVICE (self));
  g_return_if_fail (IDW_IS_CREDENTIAL (credential));

  /* A credential from outside the wallet has no history. */
  if (credential_id == NULL || !idw_history_service_get_recording (self))
    return;

  now = g_date_time_new_now_utc ();
  entry = idw_history_entry_new (now, credential_id, credential_name,
                                 idw_credential_get_doctype (credential), paths, channel,
                                 verifier, outcome);
  idw_history_service_record (self, entry, report_to);
}

/* ---- List, delete, clear ---------------------------------------------- */

typedef enum
{
  OP_LIST,
  OP_DELETE,
  OP_CLEAR,
} Op;

typedef struct
{
  Op    op;
  char *entry_id;
} OpData;

static void
op_data_free (OpData *data)
{
  g_free (data->entry_id);
  g_free (data);
}

static void
op_list_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = idw_history_list_finish (IDW_HISTORY (source), result, &error);

  if (entries == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

static void
op_changed_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  IdwHistoryService *self = g_task_get_source_object (task);
  OpData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (data->op == OP_DELETE)
    ok = idw_history_delete_finish (IDW_HISTORY (source), result, &error);
  else
    ok = idw_history_clear_finish (IDW_HISTORY (source), result, &error);

  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

static void
op_history_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  OpData *data = g_task_get_task_data (task);
  g_autoptr(IdwHistory) history = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  history = get_history_finish (IDW_HISTORY_SERVICE (source), result, &error);
  if (history == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (data->op)
    {
    case OP_LIST:
      idw_history_list (history, cancellable, op_list_cb, g_steal_pointer (&task));
      break;
    case OP_DELETE:
      idw_history_delete (history, data->entry_id, cancellable, op_changed_cb, g_steal_pointer (&task));
      break;
    case OP_CLEAR:
      idw_history_clear (history, cancellable, op_changed_cb, g_steal_pointer (&task));
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
run_op (IdwHistoryService   *self,
        Op                   op,
        const char          *entry_id,
        gpointer             source_tag,
        GCancellable        *cancellable,
        GAsyncReadyCallback  callback,
        gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  OpData *data = g_new0 (OpData, 1);

  data->op = op;
  data->entry_id = g_strdup (entry_id);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) op_data_free);
  get_history (self, op_history_cb, task);
}

void
idw_history_service_list (IdwHistoryService   *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (IDW_IS_HISTORY_SERVICE (self));

  run_op (self, OP_LIST, NULL, idw_history_service_list, cancellable, callback, user_data);
}

GPtrArray *
idw_history_service_list_finish (IdwHistoryService  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
idw_history_service_delete (IdwHistoryService   *self,
                            const char          *entry_id,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (IDW_IS_HISTORY_SERVICE (self));
  g_return_if_fail (entry_id != NULL);

  run_op (self, OP_DELETE, entry_id, idw_history_service_delete, cancellable, callback, user_data);
}

gboolean
idw_history_service_delete_finish (IdwHistoryService  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
idw_history_service_clear (IdwHistoryService   *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (IDW_IS_HISTORY_SERVICE (self));

  run_op (self, OP_CLEAR, NULL, idw_history_service_clear, cancellable, callback, user_data);
}

gboolean
idw_history_service_clear_finish (IdwHistoryService  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
