import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML document for the Open311 tests: elements with their children and text.
/// Parsing fails (nil) on anything not well-formed, which is itself under test.
final class Open311XMLTree: NSObject, XMLParserDelegate {
    final class Element {
        let name: String
        var children: [Element] = []
        var text = ""
        init(name: String) { self.name = name }

        func child(_ name: String) -> Element? { children.first { $0.name == name } }
        func all(_ name: String) -> [Element] { children.filter { $0.name == name } }
        var childNames: [String] { children.map(\.name) }
    }

    private var stack: [Element] = []
    private(set) var root: Element?

    static func parse(_ text: String) -> Element? {
        let tree = Open311XMLTree()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = tree
        guard parser.parse() else { return nil }
        return tree.root
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        let element = Element(name: elementName)
        if let parent = stack.last { parent.children.append(element) } else { root = element }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        _ = stack.popLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
