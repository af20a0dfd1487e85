/// Finds where a JSON text breaks and says so in plain words, with line and column: Foundation
/// only reports "NSCocoaErrorDomain Code=3840" (or a character offset), which an operator
/// editing a configuration file cannot act on.
public enum JSONSyntaxCheck {
    /// Nil when `bytes` is one well-formed JSON value; otherwise "line L, column C: what is wrong".
    public static func firstError(in bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        do {
            scanner.skipWhitespace()
            try scanner.value(depth: 0)
            scanner.skipWhitespace()
            if !scanner.atEnd { throw scanner.error("unexpected \(scanner.describeCurrent()) after the end of the JSON value") }
            return nil
        } catch let error as Scanner.SyntaxError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    private struct Scanner {
        struct SyntaxError: Error { let message: String }

        let bytes: [UInt8]
        var index = 0
        /// Nesting beyond this is refused rather than risking the stack.
        static let maxDepth = 100

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[index] }

        func error(_ what: String) -> SyntaxError {
            var line = 1, column = 1
            for byte in bytes[..<min(index, bytes.count)] {
                if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return SyntaxError(message: "line \(line), column \(column): \(what)")
        }

        func describeCurrent() -> String {
            guard let byte = current else { return "end of file" }
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") ? "whitespace" : "byte 0x\(String(byte, radix: 16))"
        }

        mutating func skipWhitespace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected '\(literal)' but found \(describeCurrent())") }
                index += 1
            }
        }

        mutating func value(depth: Int) throws {
            guard depth < Self.maxDepth else { throw error("nested deeper than \(Self.maxDepth) levels") }
            guard let byte = current else { throw error("the file ends where a value was expected") }
            switch byte {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try expect("true")
            case UInt8(ascii: "f"): try expect("false")
            case UInt8(ascii: "n"): try expect("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default:
                throw error("expected a value (a string in double quotes, a number, true, false, null, an object or a list) but found \(describeCurrent())")
            }
        }

        mutating func object(depth: Int) throws {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "}") { index += 1; return }
            while true {
                guard current == UInt8(ascii: "\"") else {
                    throw error("expected a key in double quotes but found \(describeCurrent())")
                }
                let keyStart = index
                try string()
                let key = String(decoding: bytes[(keyStart + 1)..<(index - 1)], as: UTF8.self)
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\" but found \(describeCurrent())") }
                index += 1
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "}") { throw error("a comma before '}' (trailing commas are not JSON)") }
                case UInt8(ascii: "}"): index += 1; return
                default: throw error("expected ',' or '}' after the value of \"\(key)\" but found \(describeCurrent())")
                }
            }
        }

        mutating func array(depth: Int) throws {
            index += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") { index += 1; return }
            while true {
                try value(depth: depth + 1)
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","):
                    index += 1
                    skipWhitespace()
                    if current == UInt8(ascii: "]") { throw error("a comma before ']' (trailing commas are not JSON)") }
                case UInt8(ascii: "]"): index += 1; return
                default: throw error("expected ',' or ']' in a list but found \(describeCurrent())")
                }
            }
        }

        mutating func string() throws {
            index += 1
            while let byte = current {
                switch byte {
                case UInt8(ascii: "\""): index += 1; return
                case UInt8(ascii: "\\"):
                    index += 1
                    guard let escaped = current, "\"\\/bfnrtu".utf8.contains(escaped) else {
                        throw error("unknown escape \\\(describeCurrent()) in a string")
                    }
                    index += 1
                    if escaped == UInt8(ascii: "u") {
                        for _ in 0..<4 {
                            guard let hex = current, (hex >= 0x30 && hex <= 0x39) || (hex | 0x20 >= 0x61 && hex | 0x20 <= 0x66) else {
                                throw error("\\u must be followed by four hexadecimal digits")
                            }
                            index += 1
                        }
                    }
                case 0x00..<0x20: throw error("a line break or control character inside a string (strings end with '\"' on the same line)")
                default: index += 1
                }
            }
            throw error("the file ends inside a string (a missing '\"')")
        }

        mutating func number() throws {
            if current == UInt8(ascii: "-") { index += 1 }
            func digits() throws {
                guard let d = current, d >= 0x30 && d <= 0x39 else { throw error("expected a digit but found \(describeCurrent())") }
                while let d = current, d >= 0x30 && d <= 0x39 { index += 1 }
            }
            if current == UInt8(ascii: "0") { index += 1 } else { try digits() }
            if current == UInt8(ascii: ".") { index += 1; try digits() }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
        }
    }
}
