// Wrappers for the OpenSSL 3 macros Swift cannot import, plus constants built from macros.
#ifndef C_TOWNSHIP_OPENSSL_SHIMS_H
#define C_TOWNSHIP_OPENSSL_SHIMS_H
#include <stdint.h>
#include <openssl/ssl.h>
#include <openssl/bio.h>
#include <openssl/x509v3.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

int township_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version);
int township_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version);
long township_SSL_CTX_set_mode(SSL_CTX *ctx, long mode);
long township_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode);
uint64_t township_SSL_OP_NO_COMPRESSION(void);
uint64_t township_SSL_OP_NO_RENEGOTIATION(void);
uint64_t township_SSL_OP_CIPHER_SERVER_PREFERENCE(void);

void township_BIO_set_retry_read(BIO *bio);
void township_BIO_clear_retry_flags(BIO *bio);

void township_OPENSSL_free(void *pointer);

// sk_GENERAL_NAME_* are type-checked macros over OPENSSL_sk_*.
int township_sk_GENERAL_NAME_num(const GENERAL_NAMES *names);
const GENERAL_NAME *township_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index);
void township_GENERAL_NAMES_free(GENERAL_NAMES *names);

/// The subject alternative names of `certificate`, or NULL; free with township_GENERAL_NAMES_free.
GENERAL_NAMES *township_X509_get_subject_alt_names(X509 *certificate);

/// For a GEN_URI name: its bytes and length; NULL otherwise.
const unsigned char *township_GENERAL_NAME_uri(const GENERAL_NAME *name, int *length);

// Session tickets encrypted under our own rotating keys (SSL_CTX_set_tlsext_ticket_key_evp_cb
// is a macro).
typedef int (*township_ticket_key_cb)(SSL *ssl, unsigned char *key_name, unsigned char *iv,
                                      EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac, int encrypt);
long township_SSL_CTX_set_tlsext_ticket_key_evp_cb(SSL_CTX *ctx, township_ticket_key_cb callback);

/// Sets up a ticket's AES-256-CBC cipher and HMAC-SHA256 from 32-byte keys. Encrypting, it
/// fills `iv` (16 bytes) with random bytes first. Returns 1, or 0 on failure.
int township_ticket_crypto_init(EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac,
                                const unsigned char *aes_key, const unsigned char *hmac_key,
                                unsigned char *iv, int encrypt);

#endif
