import Foundation
import Testing
import TownshipCatalogue
import TownshipProtos

/// Where the catalogue's programs show up in deploy/.
enum CatalogueFiles {
    /// Every program with an executable: the built services and the gateway.
    static let programs = ServiceCatalogue.built.map(\.name) + [ServiceCatalogue.Gateway.name]
    static let deploy = SuiteProcesses.repository.appendingPathComponent("deploy")
    static let unitTemplate = deploy.appendingPathComponent("systemd/township@.service")

    static func example(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: deploy.appendingPathComponent("\(name).example.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}

/// The one catalogue against everything else that lists the suite's services: the protos'
/// services (the generated method tables), the systemd unit and the example configurations.
@Suite struct CatalogueTests {
    @Test func everyBuiltServiceServesAProtoServiceAndEveryProtoServiceIsCatalogued() {
        for service in ServiceCatalogue.built {
            #expect(TownshipServiceTables.methodsByService[service.protoService]?.isEmpty == false,
                    "\(service.name): no generated method table for \(service.protoService)")
        }
        let catalogued = Set(ServiceCatalogue.services.map(\.protoService))
        for protoService in TownshipServiceTables.methodsByService.keys {
            #expect(catalogued.contains(protoService), "\(protoService) is in the protos but not in ServiceCatalogue")
        }
    }

    @Test func namesPortsAndDatabasesAreDistinct() {
        let services = ServiceCatalogue.services
        let ports = services.flatMap { [$0.rpcPort, $0.metricsPort] } + [ServiceCatalogue.Gateway.httpPort, ServiceCatalogue.Gateway.metricsPort]
        #expect(Set(ports).count == ports.count)
        #expect(Set(services.map(\.name) + [ServiceCatalogue.Gateway.name]).count == services.count + 1)
        #expect(Set(services.map(\.databaseFile)).count == services.count)
        #expect(Set(services.map(\.protoService)).count == services.count)
    }

    /// Each built service's example configuration uses its catalogued ports; the gateway's
    /// lists every catalogued service as a backend on its port (planned ones commented out).
    @Test func theExampleConfigurationsUseTheCataloguedPorts() throws {
        for service in ServiceCatalogue.built {
            let example = try CatalogueFiles.example(service.name)
            #expect((example["rpc"] as? [String: Any])?["port"] as? Int == service.rpcPort, "\(service.name).example.json rpc.port")
            #expect((example["metrics"] as? [String: Any])?["port"] as? Int == service.metricsPort, "\(service.name).example.json metrics.port")
        }
        let gateway = try CatalogueFiles.example(ServiceCatalogue.Gateway.name)
        #expect((gateway["http"] as? [String: Any])?["port"] as? Int == ServiceCatalogue.Gateway.httpPort)
        #expect((gateway["metrics"] as? [String: Any])?["port"] as? Int == ServiceCatalogue.Gateway.metricsPort)
        let backends = try #require(gateway["backends"] as? [String: Any])
        let backendSections = backends.filter { !$0.key.hasPrefix("_") && $0.value is [String: Any] }.keys
        #expect(Set(backendSections) == Set(ServiceCatalogue.services.map(\.name)))
        for service in ServiceCatalogue.services {
            let backend = try #require(backends[service.name] as? [String: Any])
            let key = service.isBuilt ? "endpoints" : "_endpoints"
            #expect(backend[key] as? [String] == ["127.0.0.1:\(service.rpcPort)"], "gateway.example.json backends.\(service.name).\(key)")
        }
    }

    /// One templated unit serves every program: nothing in it names a particular one.
    @Test func theUnitIsOneTemplateForEveryProgram() throws {
        let unit = try String(contentsOf: CatalogueFiles.unitTemplate, encoding: .utf8)
        let lines = unit.split(separator: "\n").filter { !$0.hasPrefix("#") }
        for program in CatalogueFiles.programs {
            #expect(!lines.contains { $0.contains(program) }, "the template names \(program)")
        }
        let others = try FileManager.default.contentsOfDirectory(atPath: CatalogueFiles.unitTemplate.deletingLastPathComponent().path)
        #expect(others == ["township@.service"])
    }
}
