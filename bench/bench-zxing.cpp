/* bench-zxing.cpp: zxing-cpp behind a C function, for the decoder benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* text() as UTF-8, not UTF-16 (zxing-cpp 1.4; the default from 2.0). */
#define ZX_USE_UTF8 1

#include <ZXing/ZXVersion.h>
#include <ZXing/ReadBarcode.h>

#include "bench-zxing.h"

char *
bench_zxing_decode (const guint8 *gray,
                    int           width,
                    int           height,
                    int           stride)
{
  ZXing::ImageView image (gray, width, height, ZXing::ImageFormat::Lum, stride);
  /* Its defaults otherwise (try harder, rotated, downscaled), as an app
   * would use it. zxing-cpp 2.2 renamed DecodeHints (kept, deprecated). */
#if ZXING_VERSION_MAJOR > 2 || (ZXING_VERSION_MAJOR == 2 && ZXING_VERSION_MINOR >= 2)
  ZXing::ReaderOptions hints;
#else
  ZXing::DecodeHints hints;
#endif

  hints.setFormats (ZXing::BarcodeFormat::QRCode);

  try
    {
      ZXing::Result result = ZXing::ReadBarcode (image, hints);

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
bench_zxing_version (void)
{
  return "zxing-cpp " G_STRINGIFY (ZXING_VERSION_MAJOR) "." G_STRINGIFY (ZXING_VERSION_MINOR) "." G_STRINGIFY (ZXING_VERSION_PATCH);
}
