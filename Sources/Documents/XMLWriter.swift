/// A tiny XML writer: elements in the order they are written, two-space
/// indentation, text and attributes escaped. Enough for CII and XMP, whose
/// element order is fixed by their schemas, so no XML library is needed.
struct XMLWriter {
    private(set) var text = ""
    private var depth = 0
    private var open: [String] = []

    init(declaration: Bool = true) {
        if declaration { text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" }
    }

    /// Escapes `&`, `<`, `>` and `"`, and drops control characters XML 1.0 forbids.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func attributes(_ attrs: KeyValuePairs<String, String>) -> String {
        attrs.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    /// Opens `<name attrs>` on its own line.
    mutating func start(_ name: String, _ attrs: KeyValuePairs<String, String> = [:]) {
        text += "\(indent)<\(name)\(Self.attributes(attrs))>\n"
        open.append(name)
        depth += 1
    }

    /// Closes the innermost open element.
    mutating func end() {
        guard let name = open.popLast() else { return }
        depth -= 1
        text += "\(indent)</\(name)>\n"
    }

    /// `<name attrs>value</name>` on one line.
    mutating func leaf(_ name: String, _ value: String, _ attrs: KeyValuePairs<String, String> = [:]) {
        text += "\(indent)<\(name)\(Self.attributes(attrs))>\(Self.escape(value))</\(name)>\n"
    }

    /// `<name attrs/>`.
    mutating func empty(_ name: String, _ attrs: KeyValuePairs<String, String> = [:]) {
        text += "\(indent)<\(name)\(Self.attributes(attrs))/>\n"
    }

    /// Opens `name`, runs `body`, closes it.
    mutating func element(
        _ name: String, _ attrs: KeyValuePairs<String, String> = [:], _ body: (inout XMLWriter) -> Void
    ) {
        start(name, attrs)
        body(&self)
        end()
    }
}
