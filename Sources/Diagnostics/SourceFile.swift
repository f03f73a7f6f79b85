/// The text of one input file (a contract, a settings file, an imported file),
/// with what it takes to turn byte offsets into lines and columns.
public struct SourceFile: Sendable {
    /// The path as the user named it; printed in every diagnostic.
    public let path: String
    public let text: String
    /// UTF-8 offset of the start of each line.
    public let lineStarts: [Int]
    public let utf8: [UInt8]
    /// Whether each line is plain ASCII: its columns are then byte offsets, found without
    /// decoding the line (a 100 KB line with thousands of diagnostics stays linear).
    let asciiLines: [Bool]

    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.utf8 = Array(text.utf8)
        var starts = [0]
        var ascii: [Bool] = []
        var lineASCII = true
        for (i, b) in utf8.enumerated() {
            if b == 10 {
                starts.append(i + 1)
                ascii.append(lineASCII)
                lineASCII = true
            } else if b >= 0x80 {
                lineASCII = false
            }
        }
        ascii.append(lineASCII)
        self.lineStarts = starts
        self.asciiLines = ascii
    }

    /// 1-based line and column (in characters) of a UTF-8 offset.
    public func location(ofOffset offset: Int) -> SourceLocation {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        let clamped = min(max(offset, start), utf8.count)
        if lo < asciiLines.count, asciiLines[lo] {
            return SourceLocation(line: lo + 1, column: clamped - start + 1, offset: offset)
        }
        let prefix = String(decoding: utf8[start..<clamped], as: UTF8.self)
        return SourceLocation(line: lo + 1, column: prefix.count + 1, offset: offset)
    }

    /// The text of 1-based line `line`, without its line break.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] : utf8.count
        while end > start, utf8[end - 1] == 10 || utf8[end - 1] == 13 { end -= 1 }
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }

    /// The range from one UTF-8 offset to another.
    public func range(from start: Int, to end: Int) -> SourceRange {
        SourceRange(start: location(ofOffset: start), end: location(ofOffset: max(start, end)))
    }

    /// The range of 1-based line/column positions (columns in characters).
    public func range(line: Int, column: Int, length: Int = 1) -> SourceRange {
        let start = SourceLocation(line: line, column: column, offset: -1)
        return SourceRange(start: start, end: SourceLocation(line: line, column: column + max(length, 1), offset: -1))
    }
}

/// A 1-based line and column (columns count characters, as editors do).
public struct SourceLocation: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int
    /// UTF-8 offset in the file, -1 when unknown.
    public var offset: Int
    public init(line: Int, column: Int, offset: Int = -1) {
        self.line = line
        self.column = column
        self.offset = offset
    }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A span of source text; `end` is exclusive.
public struct SourceRange: Hashable, Sendable {
    public var start: SourceLocation
    public var end: SourceLocation
    public init(start: SourceLocation, end: SourceLocation) {
        self.start = start
        self.end = end
    }
}
