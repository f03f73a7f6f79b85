// libxlsxwriter (Debian libxlsxwriter-dev, pkg-config `xlsxwriter`): writes
// XLSX files, with a constant-memory mode that streams rows to a temporary file.
#ifndef ARDOISE_CXLSXWRITER_H
#define ARDOISE_CXLSXWRITER_H
#include <xlsxwriter.h>
#endif
