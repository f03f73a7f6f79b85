// Cairo (PDF surface, image surface) and Pango (text layout) for the invoice renderer.
#ifndef ARDOISE_CPANGOCAIRO_H
#define ARDOISE_CPANGOCAIRO_H
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#endif
