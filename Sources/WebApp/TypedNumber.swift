/// Numbers as the team types them in the forms, in the notation the app shows: `1 234,56`, `1234,56`, `5,5`
/// (a dot is accepted too: `1234.56`). Spaces of any kind group thousands; a comma is the decimal mark. A text
/// holding both a comma and a dot is ambiguous (`1.234,56` or `1,234.56`?) and refused rather than guessed.
enum TypedNumber {
    /// The number in the dot notation the parsers read (`1234.56`), or nil when it is ambiguous.
    static func canonical(_ text: String) -> String? {
        let compact = text.filter { !$0.isWhitespace }
        if compact.contains(",") && compact.contains(".") { return nil }
        return compact.replacingOccurrences(of: ",", with: ".")
    }
}
