/* idw-qr-zxing.cpp: zxing-cpp behind two C functions, for idw-qr.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built only when meson finds zxing-cpp (HAVE_ZXING). Nothing C++ escapes:
 * every exception ends here as "no code".
 */
#include "config.h"

/* text() as UTF-8 (zxing-cpp 1.x; the default from 2.0). */
#define ZX_USE_UTF8 1

#include <ZXing/ReadBarcode.h>
#include <ZXing/ZXVersion.h>

#include "idw-qr-private.h"

char *
_idw_qr_zxing_read (const guint8 *gray,
                    int           width,
                    int           height,
                    int           stride)
{
  try
    {
      ZXing::ImageView image (gray, width, height, ZXing::ImageFormat::Lum, stride);
#if ZXING_VERSION_MAJOR > 2 || (ZXING_VERSION_MAJOR == 2 && ZXING_VERSION_MINOR >= 2)
      ZXing::ReaderOptions options;
#else
      ZXing::DecodeHints options;
#endif

      /* QR codes only; otherwise its defaults (try harder, rotated,
       * downscaled). */
      options.setFormats (ZXing::BarcodeFormat::QRCode);

      /* A Result in 1.x, a Barcode from 2.3 on. */
      auto result = ZXing::ReadBarcode (image, options);

      if (!result.isValid ())
        return NULL;
      return g_strdup (result.text ().c_str ());
    }
  catch (...)
    {
      return NULL;
    }
}

const char *
_idw_qr_zxing_version (void)
{
  return "zxing-cpp " G_STRINGIFY (ZXING_VERSION_MAJOR) "." G_STRINGIFY (ZXING_VERSION_MINOR) "."
         G_STRINGIFY (ZXING_VERSION_PATCH);
}
