/* idwallet.h: the ID Wallet engine, all of it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib/GIO only, no GTK. The app, the CLI and the benchmarks include this.
 */
#pragma once

#include "idw-error.h"
#include "idw-text.h"
#include "idw-cbor.h"
#include "idw-key.h"
#include "idw-cose.h"
#include "idw-x509.h"
#include "idw-trust-origin.h"
#include "idw-vical.h"
#include "idw-transport.h"
#include "idw-status-list.h"
#include "idw-status-token.h"
#include "idw-status-fetcher.h"
#include "idw-qr.h"
#include "idw-animation.h"
#include "idw-doctype.h"
#include "idw-cbor-json.h"
#include "idw-mdoc.h"
#include "idw-credential.h"
#include "idw-credential-request.h"
#include "idw-credential-status.h"
#include "idw-issue.h"
#include "idw-issuer-status.h"
#include "idw-envelope.h"
#include "idw-present.h"
#include "idw-input.h"
#include "idw-verdict.h"
#include "idw-verifier.h"
#include "idw-keystore.h"
#include "idw-tpm.h"
#include "idw-store.h"
#include "idw-store-import.h"
#include "idw-history.h"
#include "idw-trust-store.h"
#include "idw-request-store.h"
#include "idw-backup.h"
#include "idw-verifier-log.h"
