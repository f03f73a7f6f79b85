/// Splits a PiElectronique file into records by RFC 4180 rules with `;`:
/// quoted fields may hold `;`, doubled quotes and line breaks. Streams over a
/// `ChunkReader`; fields are unescaped into `scratch`, the record's raw bytes
/// stay in the reader's window until the next call.
struct CSVScanner {
    var reader: ChunkReader
    /// Next unread byte in `reader.buffer`.
    private var pos = 0
    /// Physical line of the next record (the header is line 1).
    private var line = 1
    private var started = false

    // The current record.
    private(set) var recordLine = 0
    private(set) var rawStart = 0
    private(set) var rawEnd = 0
    private(set) var fields: [Range<Int>] = []
    private(set) var scratch: [UInt8] = []
    private(set) var unterminatedQuote = false

    /// Records longer than this are not register rows: the file is refused.
    static let maximumRecordLength = 16 << 20

    init(reader: ChunkReader) {
        self.reader = reader
        fields.reserveCapacity(32)
    }

    var size: Int64 { reader.size }
    mutating func digest() -> String { reader.digest() }

    /// Moves to the next record; false at end of file. Blank lines are skipped.
    mutating func next() throws -> Bool {
        if !started {
            started = true
            _ = try reader.fill(keepingFrom: 0)
            // An optional UTF-8 byte-order mark.
            if reader.end >= 3, reader.buffer[0] == 0xEF, reader.buffer[1] == 0xBB, reader.buffer[2] == 0xBF { pos = 3 }
        }
        while true {
            if pos >= reader.end {
                if reader.atEOF { return false }
                if try !reader.fill(keepingFrom: pos) { return false }
                pos = 0
                continue
            }
            if scratch.count < reader.buffer.count { scratch = [UInt8](repeating: 0, count: reader.buffer.count) }
            let eof = reader.atEOF
            let outcome: (rawEnd: Int, next: Int, newlines: Int, unterminated: Bool)? =
                reader.buffer.withUnsafeBufferPointer { b in
                    scratch.withUnsafeMutableBufferPointer { s in
                        guard let bp = b.baseAddress, let sp = s.baseAddress else { return nil }
                        return CSVScanner.scan(bp, from: pos, end: reader.end, eof: eof, scratch: sp, fields: &fields)
                    }
                }
            guard let o = outcome else {
                // The record runs past the window: read more and scan it again.
                if reader.end - pos > CSVScanner.maximumRecordLength {
                    throw Refusal(reason: "a record starting at line \(line) is longer than 16 MiB")
                }
                // At end of file `fill` only sets `atEOF`, and the scan ends the record there.
                _ = try reader.fill(keepingFrom: pos)
                pos = 0
                continue
            }
            recordLine = line
            rawStart = pos
            rawEnd = o.rawEnd
            unterminatedQuote = o.unterminated
            line += o.newlines
            pos = o.next
            // A blank line is no record.
            if rawEnd == rawStart { continue }
            return true
        }
    }

    /// The raw bytes of the current record, line breaks inside quotes included.
    var raw: ArraySlice<UInt8> { reader.buffer[rawStart..<rawEnd] }

    /// Scans one record from `from`; nil when more bytes are needed.
    private static func scan(
        _ buf: UnsafePointer<UInt8>, from: Int, end: Int, eof: Bool,
        scratch: UnsafeMutablePointer<UInt8>, fields: inout [Range<Int>]
    )
        -> (rawEnd: Int, next: Int, newlines: Int, unterminated: Bool)?
    {
        fields.removeAll(keepingCapacity: true)
        var i = from
        var o = 0
        var fieldStart = 0
        var newlines = 0
        while true {
            if i < end && buf[i] == Bytes.quote {
                i += 1
                while true {
                    if i >= end {
                        guard eof else { return nil }
                        fields.append(fieldStart..<o)
                        return (end, end, newlines, true)
                    }
                    let c = buf[i]
                    if c == Bytes.quote {
                        if i + 1 < end {
                            if buf[i + 1] == Bytes.quote {
                                scratch[o] = Bytes.quote; o += 1; i += 2
                                continue
                            }
                            i += 1
                            break
                        }
                        guard eof else { return nil }
                        i += 1
                        break
                    }
                    if c == Bytes.lf { newlines += 1 }
                    scratch[o] = c; o += 1; i += 1
                }
            }
            // Unquoted bytes (or bytes after a closing quote, kept as written).
            while i < end {
                let c = buf[i]
                if c == Bytes.semicolon || c == Bytes.lf { break }
                scratch[o] = c; o += 1; i += 1
            }
            if i >= end {
                guard eof else { return nil }
                var fe = o
                var rawEnd = end
                if rawEnd > from, buf[rawEnd - 1] == Bytes.cr, fe > fieldStart, scratch[fe - 1] == Bytes.cr {
                    fe -= 1; rawEnd -= 1
                }
                fields.append(fieldStart..<fe)
                return (rawEnd, end, newlines, false)
            }
            if buf[i] == Bytes.semicolon {
                fields.append(fieldStart..<o)
                fieldStart = o
                i += 1
                continue
            }
            // Line feed: end of record; a CR just before it belongs to the terminator.
            var fe = o
            var rawEnd = i
            if i > from, buf[i - 1] == Bytes.cr, fe > fieldStart, scratch[fe - 1] == Bytes.cr {
                fe -= 1; rawEnd -= 1
            }
            fields.append(fieldStart..<fe)
            return (rawEnd, i + 1, newlines + 1, false)
        }
    }
}
