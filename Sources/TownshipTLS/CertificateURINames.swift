import COpenSSL
import CTownshipOpenSSLShims

/// The URI subject alternative names of a certificate, and the identity they carry: a
/// certificate's identity is its single URI SAN in `spiffe://` form (SPIFFE X.509-SVID,
/// spec §1). None, several, or one in another scheme: no identity.
struct CertificateURINames {
    let uris: [String]

    /// The SPIFFE ID, if the certificate has exactly one URI SAN and it is a `spiffe://` URI.
    var identity: String? {
        guard uris.count == 1, let only = uris.first, only.hasPrefix("spiffe://") else { return nil }
        return only
    }

    /// - Parameter certificate: an `X509*`.
    init(of certificate: OpaquePointer) {
        var uris: [String] = []
        if let names = township_X509_get_subject_alt_names(certificate) {
            defer { township_GENERAL_NAMES_free(names) }
            for index in 0..<township_sk_GENERAL_NAME_num(names) {
                var length: Int32 = 0
                guard let name = township_sk_GENERAL_NAME_value(names, index),
                    let bytes = township_GENERAL_NAME_uri(name, &length)
                else {
                    continue
                }
                uris.append(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(max(length, 0))), as: UTF8.self))
            }
        }
        self.uris = uris
    }
}
