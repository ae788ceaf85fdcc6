/* idw-clipboard.c: what the clipboard or a drop offers, read one way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-clipboard.h"

static gboolean
formats_have_files (GdkContentFormats *formats)
{
  return gdk_content_formats_contain_gtype (formats, GDK_TYPE_FILE_LIST) ||
         gdk_content_formats_contain_mime_type (formats, "text/uri-list");
}

static gboolean
formats_have_picture (GdkContentFormats *formats)
{
  gsize n_types = 0;
  const char * const *types;

  if (gdk_content_formats_contain_gtype (formats, GDK_TYPE_TEXTURE))
    return TRUE;

  types = gdk_content_formats_get_mime_types (formats, &n_types);
  for (gsize i = 0; i < n_types; i++)
    if (g_str_has_prefix (types[i], "image/"))
      return TRUE;

  return FALSE;
}

static gboolean
formats_have_text (GdkContentFormats *formats)
{
  return gdk_content_formats_contain_gtype (formats, G_TYPE_STRING) ||
         gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8") ||
         gdk_content_formats_contain_mime_type (formats, "text/plain");
}

gboolean
idw_clipboard_offers (GdkContentFormats   *formats,
                      IdwClipboardFormats  accepted)
{
  g_return_val_if_fail (formats != NULL, FALSE);

  return ((accepted & (IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_ALL_FILES)) && formats_have_files (formats)) ||
         ((accepted & IDW_CLIPBOARD_PICTURE) && formats_have_picture (formats)) ||
         ((accepted & IDW_CLIPBOARD_TEXT) && formats_have_text (formats));
}

/* Calls @func with the first file of @files, or with each. */
static gboolean
take_files (GSList              *files,
            IdwClipboardFormats  accepted,
            IdwClipboardFunc     func,
            gpointer             user_data)
{
  gboolean taken = FALSE;

  if (!(accepted & IDW_CLIPBOARD_ALL_FILES))
    return func (files->data, NULL, NULL, IDW_CLIPBOARD_READ_OK, user_data);

  for (GSList *l = files; l != NULL; l = l->next)
    taken |= func (l->data, NULL, NULL, IDW_CLIPBOARD_READ_OK, user_data);

  return taken;
}

/* ---- The clipboard --------------------------------------------------- */

typedef struct
{
  IdwClipboardFormats  accepted;
  GCancellable        *cancellable;
  IdwClipboardFunc     func;
  gpointer             user_data;
  GDestroyNotify       destroy;
} ClipboardRead;

static void
clipboard_read_free (ClipboardRead *read)
{
  if (read->destroy != NULL)
    read->destroy (read->user_data);
  g_clear_object (&read->cancellable);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ClipboardRead, clipboard_read_free)

static void
text_read (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(ClipboardRead) read = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  read->func (NULL, NULL, text, text != NULL ? IDW_CLIPBOARD_READ_OK : IDW_CLIPBOARD_READ_NO_TEXT,
              read->user_data);
}

static void
texture_read (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  g_autoptr(ClipboardRead) read = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (source),
                                                                      result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  read->func (NULL, texture, NULL, texture != NULL ? IDW_CLIPBOARD_READ_OK : IDW_CLIPBOARD_READ_NO_PICTURE,
              read->user_data);
}

static void
files_read (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(ClipboardRead) read = data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (source), result, &error);
  GSList *files;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (value == NULL || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ||
      (files = g_value_get_boxed (value)) == NULL)
    {
      GCancellable *cancellable = read->cancellable;

      /* Not files after all: the text it also offers. */
      gdk_clipboard_read_text_async (GDK_CLIPBOARD (source), cancellable,
                                     text_read, g_steal_pointer (&read));
      return;
    }

  take_files (files, read->accepted, read->func, read->user_data);
}

gboolean
idw_clipboard_read (GdkClipboard        *clipboard,
                    IdwClipboardFormats  accepted,
                    GCancellable        *cancellable,
                    IdwClipboardFunc     func,
                    gpointer             user_data,
                    GDestroyNotify       destroy)
{
  GdkContentFormats *formats;
  ClipboardRead *read;

  g_return_val_if_fail (GDK_IS_CLIPBOARD (clipboard), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  formats = gdk_clipboard_get_formats (clipboard);
  if (!idw_clipboard_offers (formats, accepted))
    return FALSE;

  read = g_new0 (ClipboardRead, 1);
  read->accepted = accepted;
  read->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  read->func = func;
  read->user_data = user_data;
  read->destroy = destroy;

  /* A copied file offers its path as text too: the file comes first. */
  if (idw_clipboard_offers (formats, accepted & (IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_ALL_FILES)))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    cancellable, files_read, read);
  else if (idw_clipboard_offers (formats, accepted & IDW_CLIPBOARD_PICTURE))
    gdk_clipboard_read_texture_async (clipboard, cancellable, texture_read, read);
  else
    gdk_clipboard_read_text_async (clipboard, cancellable, text_read, read);

  return TRUE;
}

/* ---- Drops ----------------------------------------------------------- */

typedef struct
{
  IdwClipboardFormats  accepted;
  IdwClipboardFunc     func;
  gpointer             user_data;
} DropData;

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         DropData      *data)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      return take_files (files, data->accepted, data->func, data->user_data);
    }

  if (G_VALUE_HOLDS (value, GDK_TYPE_TEXTURE) && g_value_get_object (value) != NULL)
    return data->func (NULL, g_value_get_object (value), NULL, IDW_CLIPBOARD_READ_OK, data->user_data);

  if (G_VALUE_HOLDS (value, G_TYPE_STRING) && g_value_get_string (value) != NULL)
    return data->func (NULL, NULL, g_value_get_string (value), IDW_CLIPBOARD_READ_OK, data->user_data);

  return FALSE;
}

GtkDropTarget *
idw_clipboard_drop_target_new (IdwClipboardFormats  accepted,
                               IdwClipboardFunc     func,
                               gpointer             user_data)
{
  GtkDropTarget *drop;
  DropData *data;
  GType types[3];
  gsize n_types = 0;

  g_return_val_if_fail (func != NULL, NULL);

  /* In this order: a drop offering several gets the first of these. */
  if (accepted & (IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_ALL_FILES))
    types[n_types++] = GDK_TYPE_FILE_LIST;
  if (accepted & IDW_CLIPBOARD_PICTURE)
    types[n_types++] = GDK_TYPE_TEXTURE;
  if (accepted & IDW_CLIPBOARD_TEXT)
    types[n_types++] = G_TYPE_STRING;

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, n_types);

  data = g_new0 (DropData, 1);
  data->accepted = accepted;
  data->func = func;
  data->user_data = user_data;
  g_signal_connect_data (drop, "drop", G_CALLBACK (on_drop), data,
                         (GClosureNotify) (void (*) (void)) g_free, 0);

  return drop;
}
