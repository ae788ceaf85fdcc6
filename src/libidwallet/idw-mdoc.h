/* idw-mdoc.h: placeholder until the mdoc module lands */
#pragma once
