#include "CTownshipOpenSSLShims.h"

int township_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_min_proto_version(ctx, version);
}

int township_SSL_CTX_set_max_proto_version(SSL_CTX *ctx, int version) {
    return (int)SSL_CTX_set_max_proto_version(ctx, version);
}

long township_SSL_CTX_set_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_mode(ctx, mode);
}

long township_SSL_CTX_set_session_cache_mode(SSL_CTX *ctx, long mode) {
    return SSL_CTX_set_session_cache_mode(ctx, mode);
}

uint64_t township_SSL_OP_NO_COMPRESSION(void) { return SSL_OP_NO_COMPRESSION; }
uint64_t township_SSL_OP_NO_RENEGOTIATION(void) { return SSL_OP_NO_RENEGOTIATION; }
uint64_t township_SSL_OP_CIPHER_SERVER_PREFERENCE(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }

void township_BIO_set_retry_read(BIO *bio) { BIO_set_retry_read(bio); }
void township_BIO_clear_retry_flags(BIO *bio) { BIO_clear_retry_flags(bio); }

void township_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

int township_sk_GENERAL_NAME_num(const GENERAL_NAMES *names) {
    return sk_GENERAL_NAME_num(names);
}

const GENERAL_NAME *township_sk_GENERAL_NAME_value(const GENERAL_NAMES *names, int index) {
    return sk_GENERAL_NAME_value(names, index);
}

void township_GENERAL_NAMES_free(GENERAL_NAMES *names) {
    GENERAL_NAMES_free(names);
}

GENERAL_NAMES *township_X509_get_subject_alt_names(X509 *certificate) {
    return (GENERAL_NAMES *)X509_get_ext_d2i(certificate, NID_subject_alt_name, NULL, NULL);
}

const unsigned char *township_GENERAL_NAME_uri(const GENERAL_NAME *name, int *length) {
    if (name == NULL || name->type != GEN_URI || name->d.uniformResourceIdentifier == NULL) {
        return NULL;
    }
    *length = ASN1_STRING_length(name->d.uniformResourceIdentifier);
    return ASN1_STRING_get0_data(name->d.uniformResourceIdentifier);
}
