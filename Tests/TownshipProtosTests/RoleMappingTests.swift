import Testing
import TownshipProtos
import TownshipRoles

/// Roles are declared once, in principal.proto: the generated `TownshipRole` has exactly the
/// proto's roles (plus the in-process `system`), and maps to and from the protobuf enum.
struct RoleMappingTests {
    @Test("every proto role has a TownshipRole and maps back to itself")
    func everyProtoRoleRoundTrips() throws {
        let protoRoles = Township_Common_V1_Role.allCases.filter { $0 != .unspecified }
        #expect(protoRoles.count == TownshipRole.userRoles.count)
        for proto in protoRoles {
            let role = try #require(TownshipRole(proto), "\(proto)")
            #expect(Township_Common_V1_Role(role) == proto)
        }
    }

    @Test("the role names are the proto's, lower-case without the prefix")
    func namesFollowTheProto() throws {
        let set = try DescriptorSet.load()
        let file = try #require(set.file.first { $0.name == "township/common/v1/principal.proto" })
        let declared = try #require(file.enumType.first { $0.name == "Role" })
        let names = declared.value.filter { $0.number != 0 }.map { $0.name.lowercased().replacingOccurrences(of: "role_", with: "") }
        #expect(names == TownshipRole.userRoles.map(\.rawValue))
    }

    @Test("unspecified, unknown numbers and system never become a forwarded role")
    func nothingElseMaps() {
        #expect(TownshipRole(Township_Common_V1_Role.unspecified) == nil)
        #expect(TownshipRole(Township_Common_V1_Role.UNRECOGNIZED(42)) == nil)
        #expect(Township_Common_V1_Role(TownshipRole.system) == .unspecified)
        #expect(TownshipRole.system.protoNumber == nil)
    }
}
