/* idw-status-list.h: the Token Status List (draft-ietf-oauth-status-list)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

/**
 * IdwTokenStatus:
 * @IDW_TOKEN_STATUS_VALID: 0x00, valid
 * @IDW_TOKEN_STATUS_INVALID: 0x01, invalid: revoked for good
 * @IDW_TOKEN_STATUS_SUSPENDED: 0x02, suspended: may become valid again
 *
 * The status values the draft registers (§7.1). A list of 4 or 8 bits per
 * entry may hold others (0x03 application specific, the rest reserved).
 */
typedef enum
{
  IDW_TOKEN_STATUS_VALID     = 0,
  IDW_TOKEN_STATUS_INVALID   = 1,
  IDW_TOKEN_STATUS_SUSPENDED = 2,
} IdwTokenStatus;

/* Limits of a status list that is read (DESIGN §4 style: each has a test).
 * 2^20 entries of 8 bits, the largest of the draft's examples, fit. */
#define IDW_MAX_STATUS_LIST_COMPRESSED (512 * 1024)   /* the "lst" byte string */
#define IDW_MAX_STATUS_LIST_INFLATED   (1024 * 1024)  /* after inflating it */

typedef struct _IdwStatusList IdwStatusList;

/* A list of @size entries of @bits each (1, 2, 4 or 8), all 0 (valid).
 * Errors: IDW_ERROR_UNSUPPORTED (bits), IDW_ERROR_LIMIT (size). */
IdwStatusList *idw_status_list_new                 (guint           bits,
                                                    guint64         size,
                                                    GError        **error);
void           idw_status_list_free                (IdwStatusList  *list);
IdwStatusList *idw_status_list_copy                (IdwStatusList  *list);
guint          idw_status_list_get_bits            (IdwStatusList  *list);
/* The number of entries (a whole number of bytes' worth). */
guint64        idw_status_list_get_size            (IdwStatusList  *list);
/* Grows the list to at least @size entries (never shrinks); new entries
 * are valid. Errors: IDW_ERROR_LIMIT. */
gboolean       idw_status_list_ensure_size         (IdwStatusList  *list,
                                                    guint64         size,
                                                    GError        **error);
/* Errors: IDW_ERROR_LIMIT (@index out of range). */
gboolean       idw_status_list_get                 (IdwStatusList  *list,
                                                    guint64         index,
                                                    guint          *out_status,
                                                    GError        **error);
/* Errors: IDW_ERROR_LIMIT (@index out of range), IDW_ERROR_UNSUPPORTED
 * (@status does not fit in the list's bits). */
gboolean       idw_status_list_set                 (IdwStatusList  *list,
                                                    guint64         index,
                                                    guint           status,
                                                    GError        **error);
/* aggregation_uri, or NULL. */
const char    *idw_status_list_get_aggregation_uri (IdwStatusList  *list);
void           idw_status_list_set_aggregation_uri (IdwStatusList  *list,
                                                    const char     *uri);

/* StatusList = { "bits": 1 / 2 / 4 / 8, "lst": bstr (zlib), ?
 * "aggregation_uri": tstr }. Refuses "lst" above
 * IDW_MAX_STATUS_LIST_COMPRESSED and stops inflating as soon as it passes
 * IDW_MAX_STATUS_LIST_INFLATED. Errors: IDW_ERROR_WRONG_TYPE,
 * IDW_ERROR_MISSING_FIELD, IDW_ERROR_UNSUPPORTED (bits),
 * IDW_ERROR_LIMIT, IDW_ERROR_MALFORMED (a corrupt zlib stream). */
IdwStatusList *idw_status_list_parse               (cbor_item_t    *item,
                                                    GError        **error);
IdwStatusList *idw_status_list_decode              (GBytes         *data,
                                                    GError        **error);
/* The StatusList map, "lst" compressed at zlib's best level (as the
 * draft's examples). */
cbor_item_t   *idw_status_list_to_cbor             (IdwStatusList  *list);
GBytes        *idw_status_list_encode              (IdwStatusList  *list);

/* A stable name: "valid", "invalid", "suspended", or NULL for others. */
const char    *idw_token_status_to_string          (guint           status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwStatusList, idw_status_list_free)

G_END_DECLS
