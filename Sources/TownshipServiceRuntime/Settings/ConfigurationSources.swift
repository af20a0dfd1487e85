import Configuration
import SystemPackage

/// The configuration of a service, highest priority first: `TOWNSHIP_*` environment
/// variables, then the JSON file given with `--config` (if any).
public enum ConfigurationSources {
    public static func reader(configFile: String?) async throws -> ConfigReader {
        var providers: [any ConfigProvider] = [
            KeyMappingProvider(upstream: EnvironmentVariablesProvider()) { key in key.prepending(["township"]) }
        ]
        if let configFile {
            providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(configFile)))
        }
        return ConfigReader(providers: providers)
    }
}
