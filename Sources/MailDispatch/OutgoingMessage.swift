import Foundation

/// A file attached to a message.
public struct Attachment: Sendable, Hashable {
    public var fileName: String
    /// `application/pdf`, `application/xml`.
    public var mimeType: String
    public var bytes: [UInt8]

    public init(fileName: String, mimeType: String, bytes: [UInt8]) {
        self.fileName = fileName
        self.mimeType = mimeType
        self.bytes = bytes
    }
}

/// One e-mail to send: an invoice to a client's billing contacts.
public struct OutgoingMessage: Sendable, Hashable {
    /// Stable per document (`<FA-2026-000142@ardoise.serenest.example>`), so a
    /// repeated delivery is recognisable as the same message by the receiver.
    public var messageID: String
    public var from: String
    public var to: [String]
    public var subject: String
    /// The French plain-text body.
    public var body: String
    public var attachments: [Attachment]
    /// The `Date:` header.
    public var date: Date

    public init(
        messageID: String, from: String, to: [String], subject: String, body: String,
        attachments: [Attachment] = [], date: Date
    ) {
        self.messageID = messageID
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.attachments = attachments
        self.date = date
    }

    /// The RFC 5322 / MIME message: multipart/mixed, a UTF-8 text part and
    /// base64 attachments, CRLF line ends, the subject as RFC 2047 encoded words
    /// when it is not plain ASCII.
    public func mime() -> [UInt8] {
        let boundary = "=_ardoise_" + MIME.hexDigest(messageID)
        var out = ""
        func header(_ name: String, _ value: String) { out += "\(name): \(value)\r\n" }
        header("Date", MIME.rfc5322Date(date))
        header("From", from)
        header("To", to.joined(separator: ", "))
        header("Subject", MIME.encodedWords(subject))
        header("Message-ID", messageID.hasPrefix("<") ? messageID : "<\(messageID)>")
        header("MIME-Version", "1.0")
        header("Content-Type", "multipart/mixed; boundary=\"\(boundary)\"")
        out += "\r\n"
        out += "--\(boundary)\r\n"
        out += "Content-Type: text/plain; charset=UTF-8\r\n"
        out += "Content-Transfer-Encoding: base64\r\n\r\n"
        out += MIME.base64Lines(Array(body.utf8))
        for a in attachments {
            let name = MIME.parameter(a.fileName)
            out += "--\(boundary)\r\n"
            out += "Content-Type: \(a.mimeType); name=\(name)\r\n"
            out += "Content-Disposition: attachment; filename=\(name)\r\n"
            out += "Content-Transfer-Encoding: base64\r\n\r\n"
            out += MIME.base64Lines(a.bytes)
        }
        out += "--\(boundary)--\r\n"
        return Array(out.utf8)
    }
}

enum MIME {
    /// Base64 in lines of 76 characters, each ending with CRLF.
    static func base64Lines(_ bytes: [UInt8]) -> String {
        let text = Array(Data(bytes).base64EncodedString().utf8)
        var out = ""
        out.reserveCapacity(text.count + text.count / 38 + 2)
        var start = 0
        while start < text.count {
            let end = min(start + 76, text.count)
            out += String(decoding: text[start..<end], as: UTF8.self) + "\r\n"
            start = end
        }
        return out
    }

    /// The text itself when printable ASCII, else `=?UTF-8?B?...?=` words of at
    /// most 75 characters, cut between characters (RFC 2047 §5).
    static func encodedWords(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 45 bytes of UTF-8 give 60 base64 characters: 72 with the delimiters.
        for c in text {
            let bytes = Array(String(c).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A quoted MIME parameter; RFC 2047-encoded when not ASCII (what mail clients read).
    static func parameter(_ value: String) -> String {
        let ascii = value.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 && $0 != "\"" && $0 != "\\" }
        return ascii ? "\"\(value)\"" : "\"\(encodedWords(value).replacingOccurrences(of: "\r\n ", with: " "))\""
    }

    /// `Mon, 02 Nov 2026 09:30:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return f.string(from: date)
    }

    /// A 64-bit FNV-1a digest in hex, for a boundary that is stable per message.
    static func hexDigest(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
