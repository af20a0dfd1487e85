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

long township_SSL_CTX_set_tlsext_ticket_key_evp_cb(SSL_CTX *ctx, township_ticket_key_cb callback) {
    return SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, callback);
}

int township_ticket_crypto_init(EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac,
                                const unsigned char *aes_key, const unsigned char *hmac_key,
                                unsigned char *iv, int encrypt) {
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (encrypt) {
        if (RAND_bytes(iv, 16) != 1) return 0;
        if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, aes_key, iv) != 1) return 0;
    } else {
        if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, aes_key, iv) != 1) return 0;
    }
    if (EVP_MAC_init(mac, hmac_key, 32, params) != 1) return 0;
    return 1;
}
