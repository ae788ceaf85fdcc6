/* idw-credential-row.c: one ID in the wallet's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder's name (in national characters and Latin letters), the
 * document and its issuer, the validity, a swatch in the document type's
 * colours, and tags for what needs saying: expired or not yet valid, from
 * a test issuer, revoked or suspended by the issuer (as its revocation
 * list last said: the wallet view tells the row), not presentable from
 * this device. Everything shown comes
 * from the credential and is escaped: the row has no markup.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-credential-row.h"
#include "idw-ui-util.h"

struct _IdwCredentialRow
{
  AdwActionRow   parent_instance;

  IdwStoreEntry *entry;
  gboolean       can_present;

  GtkWidget     *swatch;
  GtkBox        *tags;
  /* Not in the row until they apply. */
  GtkWidget     *expired_tag;
  GtkWidget     *revoked_tag;
  GtkWidget     *suspended_tag;
  GtkWidget     *not_yet_valid_tag;
  GtkWidget     *test_issuer_tag;
  GtkWidget     *no_key_tag;
};

G_DEFINE_FINAL_TYPE (IdwCredentialRow, idw_credential_row, ADW_TYPE_ACTION_ROW)

enum {
  PROP_0,
  PROP_ENTRY,
  PROP_CAN_PRESENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
idw_credential_row_new (IdwStoreEntry *entry,
                        gboolean       can_present)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (entry), NULL);
  g_return_val_if_fail (idw_store_entry_get_credential (entry) != NULL, NULL);

  return g_object_new (IDW_TYPE_CREDENTIAL_ROW,
                       "entry", entry,
                       "can-present", can_present,
                       NULL);
}

IdwStoreEntry *
idw_credential_row_get_entry (IdwCredentialRow *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL_ROW (self), NULL);

  return self->entry;
}

const char *
idw_credential_row_get_id (IdwCredentialRow *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL_ROW (self), NULL);

  return idw_store_entry_get_id (self->entry);
}

gboolean
idw_credential_row_get_can_present (IdwCredentialRow *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL_ROW (self), FALSE);

  return self->can_present;
}

static char *
dup_issuer_name (IdwCredential *credential)
{
  IdwCertificate *ds = idw_credential_get_ds_certificate (credential);
  char *name = idw_ui_credential_dup_text (credential, "issuing_authority");
  g_autofree char *from_certificate = NULL;

  if (name != NULL)
    return name;

  if (ds != NULL)
    from_certificate = idw_certificate_get_organization (ds);
  if (from_certificate == NULL && ds != NULL)
    from_certificate = idw_certificate_get_common_name (ds);
  if (from_certificate != NULL)
    return idw_ui_escape_text (from_certificate);

  return g_strdup (_("Unknown issuer"));
}

/* A tag is a warning seen at a glance ("Test issuer"): screen readers
 * get the row's tags as its description. */
static void
update_description (IdwCredentialRow *self)
{
  g_autoptr(GString) description = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tags)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!GTK_IS_LABEL (child) || !gtk_widget_get_visible (child))
        continue;
      if (description->len > 0)
        g_string_append (description, ", ");
      g_string_append (description, gtk_label_get_text (GTK_LABEL (child)));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->tags), description->len > 0);
  idw_ui_set_description (GTK_WIDGET (self), description->len > 0 ? description->str : NULL);
}

static void
add_tag (IdwCredentialRow *self,
         GtkWidget        *tag)
{
  gtk_box_append (self->tags, tag);
  update_description (self);
}

/* A tag that warns of a revocation comes first: it matters most. Once in
 * the row it stays there, shown or hidden. */
static void
show_status_tag (IdwCredentialRow *self,
                 GtkWidget        *tag,
                 gboolean          shown)
{
  if (gtk_widget_get_parent (tag) != GTK_WIDGET (self->tags))
    {
      if (!shown)
        return;
      gtk_box_prepend (self->tags, tag);
    }
  gtk_widget_set_visible (tag, shown);
  update_description (self);
}

void
idw_credential_row_set_status (IdwCredentialRow    *self,
                               IdwCredentialStatus *status)
{
  gboolean revoked, suspended;

  g_return_if_fail (IDW_IS_CREDENTIAL_ROW (self));

  suspended = status != NULL && status->status == IDW_TOKEN_STATUS_SUSPENDED;
  /* Any other value that is not valid is as bad as revoked. */
  revoked = status != NULL && !suspended && status->status != IDW_TOKEN_STATUS_VALID;
  show_status_tag (self, self->suspended_tag, suspended);
  show_status_tag (self, self->revoked_tag, revoked);
}

static void
show_entry (IdwCredentialRow *self)
{
  IdwCredential *credential = idw_store_entry_get_credential (self->entry);
  /* What the credential says, escaped (the row has no markup). */
  g_autofree char *national = idw_ui_credential_national_name (credential);
  g_autofree char *raw_latin = idw_credential_dup_holder_name (credential);
  g_autofree char *latin = idw_ui_escape_text (raw_latin);
  g_autofree char *document = idw_ui_escape_text (idw_credential_get_display_name (credential));
  g_autofree char *issuer = dup_issuer_name (credential);
  g_autofree char *validity = idw_ui_credential_validity (credential);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GDateTime *from = idw_credential_get_valid_from (credential);
  GDateTime *until = idw_credential_get_valid_until (credential);

  g_autofree char *nickname = idw_ui_escape_text (idw_store_entry_get_nickname (self->entry));
  g_autofree char *holder = NULL;

  if (national != NULL && latin != NULL && g_strcmp0 (national, latin) != 0)
    /* Translators: a name in national characters and in Latin letters, "张伟 (Zhang Wei)" */
    holder = g_strdup_printf (_("%1$s (%2$s)"), national, latin);
  else if (national != NULL)
    holder = g_steal_pointer (&national);
  else if (latin != NULL)
    holder = g_steal_pointer (&latin);

  /* The name the person gave the ID on import tells apart two IDs of one
   * holder; the holder's name then comes first below it. */
  if (nickname != NULL && *nickname != '\0' && holder != NULL && g_strcmp0 (nickname, holder) != 0)
    {
      title = g_steal_pointer (&nickname);
      /* Translators: the holder's name, the document type and its issuer, then the validity, "张伟 (Zhang Wei)\nMobile driving licence · Demo Issuer\nValid until …" */
      subtitle = g_strdup_printf (_("%1$s\n%2$s · %3$s\n%4$s"), holder, document, issuer, validity);
    }
  else
    {
      if (nickname != NULL && *nickname != '\0')
        title = g_steal_pointer (&nickname);
      else if (holder != NULL)
        title = g_steal_pointer (&holder);
      else
        title = g_strdup (_("Unnamed ID"));
      /* Translators: the document type and its issuer, then the validity, "Mobile driving licence · Demo Issuer" */
      subtitle = g_strdup_printf (_("%1$s · %2$s\n%3$s"), document, issuer, validity);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle);

  gtk_widget_add_css_class (self->swatch, idw_ui_doctype_style (idw_credential_get_doctype (credential)));

  if (until != NULL && g_date_time_compare (now, until) > 0)
    add_tag (self, self->expired_tag);
  else if (from != NULL && g_date_time_compare (now, from) < 0)
    add_tag (self, self->not_yet_valid_tag);
  if (idw_credential_is_test_issuer (credential))
    add_tag (self, self->test_issuer_tag);
  if (!self->can_present)
    {
      if (idw_store_entry_get_reissue_needed (self->entry))
        gtk_label_set_label (GTK_LABEL (self->no_key_tag), _("Re-issue needed on this device"));
      add_tag (self, self->no_key_tag);
    }
}

static void
idw_credential_row_constructed (GObject *object)
{
  IdwCredentialRow *self = IDW_CREDENTIAL_ROW (object);

  G_OBJECT_CLASS (idw_credential_row_parent_class)->constructed (object);

  show_entry (self);
}

static void
idw_credential_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  IdwCredentialRow *self = IDW_CREDENTIAL_ROW (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;
    case PROP_CAN_PRESENT:
      g_value_set_boolean (value, self->can_present);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_credential_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  IdwCredentialRow *self = IDW_CREDENTIAL_ROW (object);

  switch (prop_id)
    {
    case PROP_ENTRY:
      self->entry = g_value_dup_object (value);
      break;
    case PROP_CAN_PRESENT:
      self->can_present = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_credential_row_dispose (GObject *object)
{
  IdwCredentialRow *self = IDW_CREDENTIAL_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_CREDENTIAL_ROW);
  g_clear_object (&self->entry);

  G_OBJECT_CLASS (idw_credential_row_parent_class)->dispose (object);
}

static void
idw_credential_row_class_init (IdwCredentialRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = idw_credential_row_constructed;
  object_class->get_property = idw_credential_row_get_property;
  object_class->set_property = idw_credential_row_set_property;
  object_class->dispose = idw_credential_row_dispose;

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL,
                         IDW_TYPE_STORE_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_PRESENT] =
    g_param_spec_boolean ("can-present", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-credential-row.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, swatch);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, tags);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, expired_tag);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, revoked_tag);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, suspended_tag);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, not_yet_valid_tag);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, test_issuer_tag);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRow, no_key_tag);
}

static void
idw_credential_row_init (IdwCredentialRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
