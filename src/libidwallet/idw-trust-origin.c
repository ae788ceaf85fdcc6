/* idw-trust-origin.c: where a trust anchor came from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-trust-origin.h"

struct _IdwTrustOrigin
{
  gatomicrefcount  ref_count;
  char            *provider;
  GDateTime       *date;
  gboolean         has_issue_id;
  guint64          issue_id;
  GDateTime       *next_update;
};

G_DEFINE_BOXED_TYPE (IdwTrustOrigin, idw_trust_origin,
                     idw_trust_origin_ref, idw_trust_origin_unref)

/**
 * idw_trust_origin_new:
 * @provider: the list's provider (vicalProvider)
 * @date: the list's date
 * @has_issue_id: whether the list has an issue ID
 * @issue_id: its vicalIssueID
 * @next_update: (nullable): when the provider will publish the next list
 *
 * Returns: (transfer full): a new origin
 */
IdwTrustOrigin *
idw_trust_origin_new (const char *provider,
                      GDateTime  *date,
                      gboolean    has_issue_id,
                      guint64     issue_id,
                      GDateTime  *next_update)
{
  IdwTrustOrigin *self;

  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (date != NULL, NULL);

  self = g_new0 (IdwTrustOrigin, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->provider = g_strdup (provider);
  self->date = g_date_time_ref (date);
  self->has_issue_id = has_issue_id;
  self->issue_id = has_issue_id ? issue_id : 0;
  self->next_update = next_update != NULL ? g_date_time_ref (next_update) : NULL;

  return self;
}

IdwTrustOrigin *
idw_trust_origin_ref (IdwTrustOrigin *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
idw_trust_origin_unref (IdwTrustOrigin *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->provider);
  g_date_time_unref (self->date);
  g_clear_pointer (&self->next_update, g_date_time_unref);
  g_free (self);
}

const char *
idw_trust_origin_get_provider (IdwTrustOrigin *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->provider;
}

GDateTime *
idw_trust_origin_get_date (IdwTrustOrigin *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->date;
}

gboolean
idw_trust_origin_get_issue_id (IdwTrustOrigin *self,
                               guint64        *out_issue_id)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (out_issue_id != NULL)
    *out_issue_id = self->issue_id;

  return self->has_issue_id;
}

GDateTime *
idw_trust_origin_get_next_update (IdwTrustOrigin *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->next_update;
}

static gboolean
date_time_equal0 (GDateTime *a,
                  GDateTime *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_date_time_equal (a, b);
}

/**
 * idw_trust_origin_equal:
 * @a: (nullable): an origin
 * @b: (nullable): another
 *
 * Returns: whether both name the same list (provider, date, issue ID and
 *   next update), or both are %NULL
 */
gboolean
idw_trust_origin_equal (IdwTrustOrigin *a,
                        IdwTrustOrigin *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_str_equal (a->provider, b->provider)
         && g_date_time_equal (a->date, b->date)
         && a->has_issue_id == b->has_issue_id
         && a->issue_id == b->issue_id
         && date_time_equal0 (a->next_update, b->next_update);
}

/**
 * idw_trust_origin_compare:
 * @a: an origin
 * @b: another, of the same provider
 *
 * Which of two versions of a provider's list is newer: by date, then by
 * issue ID when both have one. The trust store replaces a list only with a
 * newer one.
 *
 * Returns: < 0 when @a is older, 0 when neither is newer, > 0 when @a is
 *   newer
 */
int
idw_trust_origin_compare (IdwTrustOrigin *a,
                          IdwTrustOrigin *b)
{
  int cmp;

  g_return_val_if_fail (a != NULL && b != NULL, 0);

  cmp = g_date_time_compare (a->date, b->date);
  if (cmp != 0)
    return cmp;
  if (a->has_issue_id && b->has_issue_id && a->issue_id != b->issue_id)
    return a->issue_id < b->issue_id ? -1 : 1;

  return 0;
}

static JsonNode *
time_node (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *text = NULL;
  JsonNode *node;

  if (datetime == NULL)
    return json_node_new (JSON_NODE_NULL);

  utc = g_date_time_to_utc (datetime);
  text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return node;
}

/**
 * idw_trust_origin_to_json_node:
 * @self: an origin
 *
 * Returns: (transfer full): `{"kind": "vical", "provider", "date",
 *   "issueID", "nextUpdate"}`, absent values as null
 */
JsonNode *
idw_trust_origin_to_json_node (IdwTrustOrigin *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, "vical");
  json_builder_set_member_name (builder, "provider");
  json_builder_add_string_value (builder, self->provider);
  json_builder_set_member_name (builder, "date");
  json_builder_add_value (builder, time_node (self->date));
  json_builder_set_member_name (builder, "issueID");
  /* JSON numbers are doubles for many readers; issue IDs are small. */
  if (self->has_issue_id && self->issue_id <= G_MAXINT64)
    json_builder_add_int_value (builder, (gint64) self->issue_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "nextUpdate");
  json_builder_add_value (builder, time_node (self->next_update));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
