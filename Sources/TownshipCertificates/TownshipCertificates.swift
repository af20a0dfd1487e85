/// Namespace placeholder until the module has real content.
public enum TownshipCertificatesModule {}
