import Foundation
import Hummingbird
import NIOCore

/// The two formats GeoReport v2 serves every resource in, chosen by the URL's extension
/// (`services.json`, `services.xml`).
public enum Open311Format: String, Sendable, CaseIterable {
    case json, xml

    /// The format a path asks for by its extension; JSON when it names none (an unknown route).
    static func of(path: String) -> Open311Format {
        path.hasSuffix(".xml") ? .xml : .json
    }

    var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .xml: "text/xml; charset=utf-8"
        }
    }
}

/// A value of a GeoReport v2 answer, rendered either as JSON or as the spec's XML layout.
/// A list knows the element name of its items in XML (`<service_requests><request>…`), which
/// JSON drops (a plain array).
public indirect enum Open311Value: Sendable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    /// JSON `null`, an empty element in XML.
    case null
    case record([(String, Open311Value)])
    /// Items, each an `<item>` element in XML.
    case list(item: String, [Open311Value])

    /// `.string` for a non-empty text, `.null` otherwise.
    static func text(_ value: String?) -> Open311Value {
        guard let value, !value.isEmpty else { return .null }
        return .string(value)
    }

    var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .integer(let value): .integer(value)
        case .number(let value): .number(value)
        case .bool(let value): .bool(value)
        case .null: .null
        case .record(let members): .object(members.map { ($0.0, $0.1.json) })
        case .list(_, let items): .array(items.map(\.json))
        }
    }

    /// The element's content (its children or its escaped text).
    func renderXMLContent(into out: inout String) {
        switch self {
        case .string(let text): out += Open311XML.escaped(text)
        case .integer(let value): out += "\(value)"
        case .number(let value): if value.isFinite { out += "\(value)" }
        case .bool(let value): out += value ? "true" : "false"
        case .null: break
        case .record(let members):
            for (name, value) in members { value.renderXMLElement(name, into: &out) }
        case .list(let item, let items):
            for value in items { value.renderXMLElement(item, into: &out) }
        }
    }

    func renderXMLElement(_ name: String, into out: inout String) {
        if case .null = self {
            out += "<\(name)/>"
            return
        }
        out += "<\(name)>"
        renderXMLContent(into: &out)
        out += "</\(name)>"
    }
}

/// One GeoReport v2 answer: the XML root element's name and the content. In JSON the root
/// disappears (the spec's JSON is the bare array or object).
public struct Open311Document: Sendable {
    public var root: String
    public var body: Open311Value

    public init(root: String, body: Open311Value) {
        self.root = root
        self.body = body
    }

    public func render(_ format: Open311Format) -> String {
        switch format {
        case .json: return body.json.render()
        case .xml:
            var out = #"<?xml version="1.0" encoding="UTF-8"?>"#
            body.renderXMLElement(root, into: &out)
            return out
        }
    }

    func response(_ format: Open311Format, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: format.contentType, .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: render(format))))
    }
}

enum Open311XML {
    /// Text as XML character data: the five markup characters as entities; characters XML 1.0
    /// cannot carry at all (controls other than tab, newline and return, lone surrogates are
    /// impossible in a Swift String, U+FFFE/U+FFFF) as U+FFFD, so a stored description can
    /// never make the document ill-formed.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
