// libxml2's lenient HTML parser, for article extraction.
#include <libxml/xmlversion.h>
// Debian builds libxml2 with ICU; its ICU headers clash with Foundation's own
// copy. Nothing here uses libxml2's ICU converters (pages are converted to
// UTF-8 before parsing), so leave them out.
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
