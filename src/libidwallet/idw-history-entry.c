/* idw-history-entry.c: one entry of the holder's history, and its CBOR and
 * JSON forms (docs/store.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An entry is immutable once made. Its CBOR map is both the history file's
 * item and the backup's; everything read from CBOR is checked against the
 * limits of idw-history.h, since a backup comes from outside.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-history.h"
#include "idw-history-private.h"

/* ---- Names -------------------------------------------------------------- */

static const char * const channel_names[] = {
  [IDW_HISTORY_CHANNEL_QR] = "qr",
  [IDW_HISTORY_CHANNEL_TEXT] = "text",
  [IDW_HISTORY_CHANNEL_REPLY] = "reply",
};

static const char * const outcome_names[] = {
  [IDW_HISTORY_OUTCOME_SHARED] = "shared",
  [IDW_HISTORY_OUTCOME_DECLINED] = "declined",
};

/**
 * idw_history_channel_to_string:
 * @channel: a channel
 *
 * Returns: its name in the JSON and CBOR forms ("qr", "text", "reply").
 */
const char *
idw_history_channel_to_string (IdwHistoryChannel channel)
{
  g_return_val_if_fail ((guint) channel < G_N_ELEMENTS (channel_names), NULL);

  return channel_names[channel];
}

/**
 * idw_history_channel_from_string:
 * @name: (nullable): a channel's name
 * @channel: (out): the channel
 *
 * Returns: %FALSE when @name is %NULL or names no channel.
 */
gboolean
idw_history_channel_from_string (const char        *name,
                                 IdwHistoryChannel *channel)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (channel_names); i++)
    {
      if (strcmp (name, channel_names[i]) == 0)
        {
          *channel = (IdwHistoryChannel) i;
          return TRUE;
        }
    }
  return FALSE;
}

/**
 * idw_history_outcome_to_string:
 * @outcome: an outcome
 *
 * Returns: its name in the JSON and CBOR forms ("shared", "declined").
 */
const char *
idw_history_outcome_to_string (IdwHistoryOutcome outcome)
{
  g_return_val_if_fail ((guint) outcome < G_N_ELEMENTS (outcome_names), NULL);

  return outcome_names[outcome];
}

/**
 * idw_history_outcome_from_string:
 * @name: (nullable): an outcome's name
 * @outcome: (out): the outcome
 *
 * Returns: %FALSE when @name is %NULL or names no outcome.
 */
gboolean
idw_history_outcome_from_string (const char        *name,
                                 IdwHistoryOutcome *outcome)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (outcome_names); i++)
    {
      if (strcmp (name, outcome_names[i]) == 0)
        {
          *outcome = (IdwHistoryOutcome) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* ---- IdwHistoryEntry ---------------------------------------------------- */

struct _IdwHistoryEntry
{
  GObject            parent_instance;

  char              *id;
  GDateTime         *time;
  char              *credential_id;
  char              *credential_name;
  char              *doctype;
  GStrv              elements;
  IdwHistoryChannel  channel;
  char              *verifier;
  IdwHistoryOutcome  outcome;
};

G_DEFINE_FINAL_TYPE (IdwHistoryEntry, idw_history_entry, G_TYPE_OBJECT)

static void
idw_history_entry_finalize (GObject *object)
{
  IdwHistoryEntry *self = IDW_HISTORY_ENTRY (object);

  g_free (self->id);
  g_clear_pointer (&self->time, g_date_time_unref);
  g_free (self->credential_id);
  g_free (self->credential_name);
  g_free (self->doctype);
  g_strfreev (self->elements);
  g_free (self->verifier);

  G_OBJECT_CLASS (idw_history_entry_parent_class)->finalize (object);
}

static void
idw_history_entry_class_init (IdwHistoryEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_history_entry_finalize;
}

static void
idw_history_entry_init (IdwHistoryEntry *self)
{
}

static char *
new_random_id (void)
{
  guint8 raw[IDW_HISTORY_ID_BYTES];
  char *id = g_malloc (IDW_HISTORY_ID_LEN + 1);

  randombytes_buf (raw, sizeof raw);
  for (guint i = 0; i < IDW_HISTORY_ID_BYTES; i++)
    g_snprintf (id + 2 * i, 3, "%02x", raw[i]);
  return id;
}

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != IDW_HISTORY_ID_LEN)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

/* Whole seconds in UTC: what the file keeps. */
static GDateTime *
whole_seconds_utc (GDateTime *time)
{
  return g_date_time_new_from_unix_utc (g_date_time_to_unix (time));
}

static IdwHistoryEntry *
entry_new_take (char              *id,
                GDateTime         *time,
                const char        *credential_id,
                const char        *credential_name,
                const char        *doctype,
                const char * const *elements,
                IdwHistoryChannel  channel,
                const char        *verifier,
                IdwHistoryOutcome  outcome)
{
  IdwHistoryEntry *self = g_object_new (IDW_TYPE_HISTORY_ENTRY, NULL);

  self->id = id;
  self->time = time;
  self->credential_id = g_strdup (credential_id);
  self->credential_name = g_strdup (credential_name != NULL ? credential_name : "");
  self->doctype = g_strdup (doctype != NULL ? doctype : "");
  self->elements = elements != NULL ? g_strdupv ((GStrv) elements) : g_new0 (char *, 1);
  self->channel = channel;
  self->verifier = verifier != NULL && *verifier != '\0' ? g_strdup (verifier) : NULL;
  self->outcome = outcome;
  return self;
}

/**
 * idw_history_entry_new:
 * @time: when it happened (kept in UTC, whole seconds)
 * @credential_id: the credential's store id
 * @credential_name: (nullable): its name as the holder saw it
 * @doctype: (nullable): its document type
 * @elements: (nullable) (array zero-terminated=1): what was shared, as
 *   "NAMESPACE/ELEMENT"
 * @channel: how
 * @verifier: (nullable): the name a request gave ("" is none)
 * @outcome: shared or declined
 *
 * A new entry with a fresh random id. Limits are checked when the entry is
 * added to a history (IDW_ERROR_HISTORY), not here.
 *
 * Returns: (transfer full): the entry.
 */
IdwHistoryEntry *
idw_history_entry_new (GDateTime          *time,
                       const char         *credential_id,
                       const char         *credential_name,
                       const char         *doctype,
                       const char * const *elements,
                       IdwHistoryChannel   channel,
                       const char         *verifier,
                       IdwHistoryOutcome   outcome)
{
  g_return_val_if_fail (time != NULL, NULL);
  g_return_val_if_fail (credential_id != NULL, NULL);
  g_return_val_if_fail ((guint) channel < G_N_ELEMENTS (channel_names), NULL);
  g_return_val_if_fail ((guint) outcome < G_N_ELEMENTS (outcome_names), NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");

  return entry_new_take (new_random_id (), whole_seconds_utc (time), credential_id,
                         credential_name, doctype, elements, channel, verifier, outcome);
}

/**
 * idw_history_entry_get_id:
 * @self: an entry
 *
 * Returns: its id: 32 lowercase hex digits, unique in a history.
 */
const char *
idw_history_entry_get_id (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return self->id;
}

/**
 * idw_history_entry_get_time:
 * @self: an entry
 *
 * Returns: (transfer none): when it happened, in UTC.
 */
GDateTime *
idw_history_entry_get_time (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return self->time;
}

/**
 * idw_history_entry_get_credential_id:
 * @self: an entry
 *
 * Returns: the store id of the credential, as `id-wallet-cli list` prints
 *   it (the credential may have been deleted since).
 */
const char *
idw_history_entry_get_credential_id (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return self->credential_id;
}

/**
 * idw_history_entry_get_credential_name:
 * @self: an entry
 *
 * Returns: the credential's name when the entry was made (may be "").
 */
const char *
idw_history_entry_get_credential_name (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return self->credential_name;
}

/**
 * idw_history_entry_get_doctype:
 * @self: an entry
 *
 * Returns: the credential's document type (may be "").
 */
const char *
idw_history_entry_get_doctype (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return self->doctype;
}

/**
 * idw_history_entry_get_elements:
 * @self: an entry
 *
 * Returns: (array zero-terminated=1): what was shared, "NAMESPACE/ELEMENT"
 *   each; empty for a declined request.
 */
const char * const *
idw_history_entry_get_elements (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return (const char * const *) self->elements;
}

/**
 * idw_history_entry_get_channel:
 * @self: an entry
 *
 * Returns: how the credential was shown.
 */
IdwHistoryChannel
idw_history_entry_get_channel (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), IDW_HISTORY_CHANNEL_QR);

  return self->channel;
}

/**
 * idw_history_entry_get_verifier:
 * @self: an entry
 *
 * Returns: (nullable): the name the verifier's request gave (unverified),
 *   or %NULL.
 */
const char *
idw_history_entry_get_verifier (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  return self->verifier;
}

/**
 * idw_history_entry_get_outcome:
 * @self: an entry
 *
 * Returns: whether the holder shared or declined.
 */
IdwHistoryOutcome
idw_history_entry_get_outcome (IdwHistoryEntry *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), IDW_HISTORY_OUTCOME_SHARED);

  return self->outcome;
}

/**
 * idw_history_name_for_credential:
 * @credential: a credential
 * @nickname: (nullable): the name the holder gave it ("" is none)
 *
 * The name an entry keeps for @credential, so that the app and the CLI
 * record the same one.
 *
 * Returns: (transfer full): @nickname when given; else "Document, Holder"
 *   ("Mobile driving licence, Erika Mustermann"); else the document's name.
 */
char *
idw_history_name_for_credential (IdwCredential *credential,
                                 const char    *nickname)
{
  g_autofree char *holder = NULL;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);

  if (nickname != NULL && *nickname != '\0')
    return g_strdup (nickname);
  holder = idw_credential_dup_holder_name (credential);
  if (holder == NULL || *holder == '\0')
    return g_strdup (idw_credential_get_display_name (credential));
  /* TRANSLATORS: an ID's name in the history: "Mobile driving licence,
   * Erika Mustermann" */
  return g_strdup_printf (C_("history", "%s, %s"),
                          idw_credential_get_display_name (credential), holder);
}

gint
_idw_history_entry_compare_time (IdwHistoryEntry *a,
                                 IdwHistoryEntry *b)
{
  return g_date_time_compare (a->time, b->time);
}

/* ---- Limits ------------------------------------------------------------ */

static gboolean
check_text (const char  *field,
            const char  *text,
            GError     **error)
{
  if (strlen (text) > IDW_HISTORY_MAX_TEXT)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   /* TRANSLATORS: %s is a field's name ("verifier"), %d a number of bytes */
                   _("History entry: the %s is longer than %d bytes."),
                   field, IDW_HISTORY_MAX_TEXT);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry: the %s is not valid UTF-8."), field);
      return FALSE;
    }
  return TRUE;
}

/* "NAMESPACE/ELEMENT": both parts non-empty. */
static gboolean
element_is_valid (const char *path)
{
  const char *slash = strchr (path, '/');

  return slash != NULL && slash != path && slash[1] != '\0';
}

gboolean
_idw_history_entry_check (IdwHistoryEntry  *self,
                          GError          **error)
{
  guint n_elements = g_strv_length (self->elements);

  if (!check_text ("credential", self->credential_id, error)
      || !check_text ("credentialName", self->credential_name, error)
      || !check_text ("docType", self->doctype, error)
      || (self->verifier != NULL && !check_text ("verifier", self->verifier, error)))
    return FALSE;

  if (*self->credential_id == '\0')
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY,
                           _("History entry: the credential is missing."));
      return FALSE;
    }

  if (n_elements > IDW_HISTORY_MAX_ELEMENTS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry: more than %d elements."), IDW_HISTORY_MAX_ELEMENTS);
      return FALSE;
    }
  for (guint i = 0; i < n_elements; i++)
    {
      if (!check_text ("element", self->elements[i], error))
        return FALSE;
      if (!element_is_valid (self->elements[i]))
        {
          g_autofree char *shown = g_strescape (self->elements[i], NULL);

          g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                       _("History entry: the element “%s” is not of the form NAMESPACE/ELEMENT."),
                       shown);
          return FALSE;
        }
    }
  return TRUE;
}

/* ---- CBOR --------------------------------------------------------------- */

cbor_item_t *
_idw_history_entry_to_item (IdwHistoryEntry *self)
{
  cbor_item_t *map = idw_cbor_new_map ();
  cbor_item_t *elements = idw_cbor_new_array ();

  for (guint i = 0; self->elements[i] != NULL; i++)
    idw_cbor_array_add (elements, idw_cbor_new_string (self->elements[i]));

  /* Core deterministic order: shorter keys first, then bytewise. */
  idw_cbor_map_add_str (map, "id", idw_cbor_new_string (self->id));
  idw_cbor_map_add_str (map, "time", idw_cbor_new_tdate (self->time));
  idw_cbor_map_add_str (map, "channel", idw_cbor_new_string (channel_names[self->channel]));
  idw_cbor_map_add_str (map, "docType", idw_cbor_new_string (self->doctype));
  idw_cbor_map_add_str (map, "outcome", idw_cbor_new_string (outcome_names[self->outcome]));
  idw_cbor_map_add_str (map, "elements", elements);
  if (self->verifier != NULL)
    idw_cbor_map_add_str (map, "verifier", idw_cbor_new_string (self->verifier));
  idw_cbor_map_add_str (map, "credential", idw_cbor_new_string (self->credential_id));
  idw_cbor_map_add_str (map, "credentialName", idw_cbor_new_string (self->credential_name));
  return map;
}

/**
 * idw_history_entry_to_cbor:
 * @self: an entry
 *
 * Returns: (transfer full): the entry's HistoryEntry map (docs/store.md),
 *   keys in core deterministic order.
 */
GBytes *
idw_history_entry_to_cbor (IdwHistoryEntry *self)
{
  g_autoptr(cbor_item_t) map = NULL;

  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (self), NULL);

  map = _idw_history_entry_to_item (self);
  return idw_cbor_encode (map);
}

static gboolean
set_field_error (const char  *field,
                 const char  *expected,
                 GError     **error)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
               /* TRANSLATORS: "History entry id: expected 32 hex digits" */
               _("History entry %s: expected %s"), field, expected);
  return FALSE;
}

/* A required (or, with @optional, absent → NULL) text field. */
static gboolean
get_text (cbor_item_t  *map,
          const char   *key,
          gboolean      optional,
          char        **out,
          GError      **error)
{
  cbor_item_t *item = idw_cbor_map_get (map, key);
  g_autofree char *text = NULL;

  *out = NULL;
  if (item == NULL && optional)
    return TRUE;
  if (item == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry %s: missing"), key);
      return FALSE;
    }
  text = idw_cbor_dup_string (item);
  if (text == NULL)
    return set_field_error (key, _("a text string"), error);
  if (!check_text (key, text, error))
    return FALSE;
  *out = g_steal_pointer (&text);
  return TRUE;
}

/**
 * idw_history_entry_from_cbor:
 * @cbor: a HistoryEntry map's encoding
 * @error: return location for a #GError
 *
 * Reads an entry, checking every field and limit; unknown keys are
 * ignored (a newer version may add some).
 *
 * Returns: (transfer full): the entry, or %NULL with IDW_ERROR_HISTORY
 *   (not CBOR, a field missing or of the wrong type, an unknown channel or
 *   outcome, a limit broken).
 */
IdwHistoryEntry *
idw_history_entry_from_cbor (GBytes  *cbor,
                             GError **error)
{
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (cbor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  map = idw_cbor_decode_bytes (cbor, &local_error);
  if (map == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry: %s"), local_error->message);
      return NULL;
    }
  return _idw_history_entry_from_item (map, error);
}

IdwHistoryEntry *
_idw_history_entry_from_item (cbor_item_t  *map,
                              GError      **error)
{
  g_autofree char *id = NULL;
  g_autofree char *credential_id = NULL;
  g_autofree char *credential_name = NULL;
  g_autofree char *doctype = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *channel_name = NULL;
  g_autofree char *outcome_name = NULL;
  g_autoptr(GDateTime) time = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(IdwHistoryEntry) entry = NULL;
  IdwHistoryChannel channel;
  IdwHistoryOutcome outcome;
  cbor_item_t *item;

  if (!cbor_isa_map (map))
    {
      set_field_error ("", _("a map"), error);
      return NULL;
    }

  if (!get_text (map, "id", FALSE, &id, error))
    return NULL;
  if (!id_is_valid (id))
    {
      set_field_error ("id", _("32 lowercase hex digits"), error);
      return NULL;
    }

  item = idw_cbor_map_get (map, "time");
  if (item == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY, _("History entry %s: missing"), "time");
      return NULL;
    }
  time = idw_cbor_get_tdate (item, "History entry time", &local_error);
  if (time == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY, local_error->message);
      return NULL;
    }

  if (!get_text (map, "channel", FALSE, &channel_name, error)
      || !get_text (map, "outcome", FALSE, &outcome_name, error)
      || !get_text (map, "docType", FALSE, &doctype, error)
      || !get_text (map, "verifier", TRUE, &verifier, error)
      || !get_text (map, "credential", FALSE, &credential_id, error)
      || !get_text (map, "credentialName", FALSE, &credential_name, error))
    return NULL;

  if (!idw_history_channel_from_string (channel_name, &channel))
    {
      g_autofree char *shown = g_strescape (channel_name, NULL);

      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry channel: unknown channel “%s”"), shown);
      return NULL;
    }
  if (!idw_history_outcome_from_string (outcome_name, &outcome))
    {
      g_autofree char *shown = g_strescape (outcome_name, NULL);

      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry outcome: unknown outcome “%s”"), shown);
      return NULL;
    }

  item = idw_cbor_map_get (map, "elements");
  if (item == NULL || !cbor_isa_array (item))
    {
      set_field_error ("elements", _("an array of text strings"), error);
      return NULL;
    }
  if (cbor_array_size (item) > IDW_HISTORY_MAX_ELEMENTS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
                   _("History entry: more than %d elements."), IDW_HISTORY_MAX_ELEMENTS);
      return NULL;
    }
  elements = g_ptr_array_new_with_free_func (g_free);
  for (gsize i = 0; i < cbor_array_size (item); i++)
    {
      g_autoptr(cbor_item_t) element = cbor_array_get (item, i);
      char *text = idw_cbor_dup_string (element);

      if (text == NULL)
        {
          set_field_error ("elements", _("an array of text strings"), error);
          return NULL;
        }
      g_ptr_array_add (elements, text);
    }
  g_ptr_array_add (elements, NULL);

  entry = entry_new_take (g_steal_pointer (&id), g_steal_pointer (&time), credential_id,
                          credential_name, doctype, (const char * const *) elements->pdata,
                          channel, verifier, outcome);
  if (!_idw_history_entry_check (entry, error))
    return NULL;
  return g_steal_pointer (&entry);
}

/* ---- JSON --------------------------------------------------------------- */

static char *
format_rfc3339 (GDateTime *time)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

/**
 * idw_history_to_json:
 * @entries: (element-type IdwHistoryEntry): entries
 *
 * The JSON of `id-wallet-cli history --json` and of the app's export: an
 * array of objects {"id", "time" (RFC 3339, UTC), "credential",
 * "credentialName", "docType", "elements", "channel", "verifier" (string
 * or null), "outcome"}, in the order of @entries.
 *
 * Returns: (transfer full): pretty-printed UTF-8 JSON ending in a newline.
 */
char *
idw_history_to_json (GPtrArray *entries)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (entries != NULL, NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      IdwHistoryEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *time = format_rfc3339 (entry->time);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, entry->id);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, time);
      json_builder_set_member_name (builder, "credential");
      json_builder_add_string_value (builder, entry->credential_id);
      json_builder_set_member_name (builder, "credentialName");
      json_builder_add_string_value (builder, entry->credential_name);
      json_builder_set_member_name (builder, "docType");
      json_builder_add_string_value (builder, entry->doctype);
      json_builder_set_member_name (builder, "elements");
      json_builder_begin_array (builder);
      for (guint j = 0; entry->elements[j] != NULL; j++)
        json_builder_add_string_value (builder, entry->elements[j]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "channel");
      json_builder_add_string_value (builder, channel_names[entry->channel]);
      json_builder_set_member_name (builder, "verifier");
      if (entry->verifier != NULL)
        json_builder_add_string_value (builder, entry->verifier);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, outcome_names[entry->outcome]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}
