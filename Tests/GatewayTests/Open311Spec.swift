import Foundation
import Testing

/// GeoReport v2's tables (wiki.open311.org/GeoReport_v2), and a reader that sees a JSON or an
/// XML answer the same way, so each test checks both formats field by field.
enum Open311Spec {
    static let serviceFields = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
    static let definitionFields = ["service_code", "attributes"]
    static let attributeFields = ["variable", "code", "datatype", "required", "datatype_description", "order", "description", "values"]
    static let valueFields = ["key", "name"]
    static let requestFields = [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description", "agency_responsible",
        "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address", "address_id", "zipcode",
        "lat", "long", "media_url",
    ]
    static let postFields = ["service_request_id", "service_notice", "account_id"]
    static let discoveryFields = ["changeset", "contact", "key_service", "endpoints"]
    static let endpointFields = ["specification", "url", "changeset", "type", "formats"]
    static let errorFields = ["code", "description"]
    /// The fields the spec types as booleans (JSON true/false, XML "true"/"false").
    static let booleanFields: Set<String> = ["metadata", "variable", "required"]

    /// One record (a JSON object or an XML element) with its fields as text: JSON strings as
    /// they are, numbers and booleans as XML writes them, null and empty elements as nil.
    struct Record {
        var names: [String]
        var fields: [String: String?]
        var nested: [String: [Record]]
        var texts: [String: [String]]

        subscript(_ name: String) -> String? { fields[name] ?? nil }

        init(json: [String: Any]) {
            names = Array(json.keys)
            fields = [:]
            nested = [:]
            texts = [:]
            for (key, value) in json {
                switch value {
                case let text as String: fields[key] = .some(text)
                case is NSNull: fields[key] = .some(nil)
                case let list as [[String: Any]]: nested[key] = list.map(Record.init(json:)); fields[key] = .some(nil)
                case let list as [String]: texts[key] = list; fields[key] = .some(nil)
                case let number as NSNumber:
                    if Open311Spec.booleanFields.contains(key), let bool = value as? Bool {
                        fields[key] = .some(bool ? "true" : "false")
                    } else if let integer = value as? Int, Double(integer) == number.doubleValue {
                        fields[key] = .some("\(integer)")
                    } else {
                        fields[key] = .some("\(number.doubleValue)")
                    }
                default: fields[key] = .some("\(value)")
                }
            }
        }

        /// `lists` names the children that are lists, with their items' element name.
        init(xml: Open311XMLTree.Element, lists: [String: String] = [:]) {
            names = xml.childNames
            fields = [:]
            nested = [:]
            texts = [:]
            for child in xml.children {
                if let item = lists[child.name] {
                    let items = child.all(item)
                    if items.allSatisfy({ $0.children.isEmpty }) && item == "format" {
                        texts[child.name] = items.map(\.text)
                    } else {
                        nested[child.name] = items.map { Record(xml: $0, lists: lists) }
                    }
                    fields[child.name] = .some(nil)
                } else {
                    fields[child.name] = .some(child.text.isEmpty ? nil : child.text)
                }
            }
        }
    }

    static let lists = ["attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"]

    /// The records of a list answer (`<root><item>…` or a JSON array); nil when the answer is
    /// not one.
    static func records(_ body: String, _ format: String, root: String, item: String) -> [Record]? {
        if format == "json" {
            guard let array = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]] else { return nil }
            return array.map(Record.init(json:))
        }
        guard let tree = Open311XMLTree.parse(body), tree.name == root, tree.children.allSatisfy({ $0.name == item }) else { return nil }
        return tree.children.map { Record(xml: $0, lists: lists) }
    }

    /// The record of an object answer (`<root>…` or a JSON object).
    static func record(_ body: String, _ format: String, root: String) -> Record? {
        if format == "json" {
            guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
            return Record(json: object)
        }
        guard let tree = Open311XMLTree.parse(body), tree.name == root else { return nil }
        return Record(xml: tree, lists: lists)
    }

    /// The record has exactly the spec's fields (in the spec's order, in XML).
    static func expectFields(_ record: Record, _ fields: [String], _ format: String, sourceLocation: SourceLocation = #_sourceLocation) {
        if format == "xml" {
            #expect(record.names == fields, sourceLocation: sourceLocation)
        } else {
            #expect(Set(record.names) == Set(fields), sourceLocation: sourceLocation)
        }
    }

    /// A GeoReport error answer: the status, one error with that code and a description.
    static func expectError(_ response: HTTPTestClient.Response, _ status: Int, _ format: String = "json", sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(response.body)", sourceLocation: sourceLocation)
        let errors = records(response.body, format, root: "errors", item: "error")
        #expect(errors?.count == 1, "not GeoReport's error format: \(response.body)", sourceLocation: sourceLocation)
        if let error = errors?.first {
            expectFields(error, errorFields, format, sourceLocation: sourceLocation)
            #expect(error["code"] == "\(status)", sourceLocation: sourceLocation)
            #expect(error["description"]?.isEmpty == false, sourceLocation: sourceLocation)
        }
        let type = response.headers["content-type"] ?? ""
        #expect(type.hasPrefix(format == "xml" ? "text/xml" : "application/json"), "\(type)", sourceLocation: sourceLocation)
    }
}
