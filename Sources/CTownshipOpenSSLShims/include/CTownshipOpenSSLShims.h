// Wrappers for the OpenSSL 3 macros Swift cannot import. Filled in by the TLS work.
#ifndef C_TOWNSHIP_OPENSSL_SHIMS_H
#define C_TOWNSHIP_OPENSSL_SHIMS_H
#include <openssl/ssl.h>
#endif
