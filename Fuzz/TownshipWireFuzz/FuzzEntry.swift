import NIOCore

/// libFuzzer's entry point. The first input byte picks the receiver's configuration
/// (`FuzzConfiguration`); the rest is the byte stream that receiver reads from its peer.
@_cdecl("LLVMFuzzerTestOneInput")
public func townshipWireFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let configuration = FuzzConfiguration(byte: input[0])
    let stream = ByteBuffer(bytes: input.dropFirst())
    FuzzSink.absorb(DecoderProperties.check(stream, configuration))
    return 0
}

/// `TWP_FUZZ_WRITE_SEEDS=DIR` makes the fuzzer binary write its seed corpus and exit, so the
/// seeds come from our own serializer without a second (unsanitised) build.
@_cdecl("LLVMFuzzerInitialize")
public func townshipWireFuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> CInt {
    SeedCorpus.writeIfRequested()
    return 0
}
