import Foundation
import Testing
@testable import IntakeService

/// Ledger hashes go on the wire as bytes, decoded from the hex the ledger keeps (`Hex.decode`,
/// on UTF-8 bytes since it runs for every submission inside the writer's transaction).
@Suite struct HexMappingTests {
    @Test func hexDigitsOfEitherCaseDecodeToTheirBytes() {
        #expect(Hex.decode("00ff10aB") == Data([0x00, 0xFF, 0x10, 0xAB]))
        #expect(Hex.decode("") == Data())
        let bytes = Data((0...255).map { UInt8($0) })
        #expect(Hex.decode(Hex.encode(bytes)) == bytes)
    }

    @Test func anOddLengthOrANonHexCharacterIsRefused() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("+f") == nil)
        #expect(Hex.decode("é0") == nil, "two UTF-8 bytes, neither a hex digit")
        #expect(Hex.decode("0 ") == nil)
    }
}
