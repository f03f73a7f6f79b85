import BillingModel
import Foundation

/// Makes the Factur-X PDF of a document: the cairo PDF turned into a PDF/A-3b
/// with the CII XML embedded as `factur-x.xml`.
///
/// Cairo writes a plain PDF and knows nothing of PDF/A, so we append a PDF
/// incremental update (new objects, an xref section, a trailer with /Prev):
/// the XMP metadata (PDF/A-3 B and the Factur-X extension schema), an sRGB
/// output intent, the embedded file with /AFRelationship /Data, a new /Info
/// matching the XMP, and a new catalog with /Metadata, /OutputIntents, /AF and
/// /Names /EmbeddedFiles; and each CID font cairo wrote without /CIDToGIDMap
/// again with `/CIDToGIDMap /Identity` (ISO 19005-3 §6.2.11.3.2 wants it
/// explicit; cairo's subsets number their glyphs as their CIDs, so Identity is
/// what a reader assumes anyway). Incremental updates are allowed by PDF/A-3. This is a
/// few hundred lines of our own instead of qpdf: no second C++ library to link
/// or to install at run time, and the output is byte-for-byte reproducible.
public struct FacturX: Sendable {
    /// The embedded file's name, fixed by the Factur-X specification.
    public static let fileName = "factur-x.xml"
    /// Where Debian keeps a free sRGB ICC profile: `icc-profiles-free`, then colord, then ghostscript.
    public static let sRGBProfilePaths = [
        "/usr/share/color/icc/sRGB.icc",
        "/usr/share/color/icc/colord/sRGB.icc",
        "/usr/share/ghostscript/iccprofiles/srgb.icc"
    ]

    /// The ICC profile of the output intent (sRGB IEC 61966-2.1).
    public var iccProfile: [UInt8]
    public var renderer: PDFRenderer

    public init(iccProfile: [UInt8], renderer: PDFRenderer = PDFRenderer()) {
        self.iccProfile = iccProfile
        self.renderer = renderer
    }

    /// A Factur-X maker with the first sRGB profile found in `sRGBProfilePaths`.
    public static func withSystemProfile(renderer: PDFRenderer = PDFRenderer()) throws(RenderError) -> FacturX {
        for path in sRGBProfilePaths {
            if let data = FileManager.default.contents(atPath: path), !data.isEmpty {
                return FacturX(iccProfile: [UInt8](data), renderer: renderer)
            }
        }
        throw RenderError(
            "no sRGB ICC profile found in \(sRGBProfilePaths.joined(separator: ", ")): install icc-profiles-free")
    }

    /// The Factur-X PDF of `document`, and the CII XML it embeds.
    public func render(_ document: InvoiceDocument) throws(RenderError) -> (pdf: [UInt8], xml: String) {
        if document.isProforma { throw RenderError("a proforma is not an invoice: it has no Factur-X e-invoice") }
        let xml = CrossIndustryInvoice.xml(document)
        let pdf = try renderer.render(document)
        return (try attach(xml: Array(xml.utf8), to: pdf, document: document), xml)
    }

    /// Appends the PDF/A-3 and Factur-X objects to a cairo PDF.
    func attach(xml: [UInt8], to pdf: [UInt8], document d: InvoiceDocument) throws(RenderError) -> [UInt8] {
        let tail = PDFText.ascii(pdf.suffix(2048))
        guard let sx = tail.range(of: "startxref", options: .backwards),
            let prev = Int(tail[sx.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""),
            let tr = tail.range(of: "trailer", options: .backwards),
            let size = PDFText.reference(after: "/Size", in: tail[tr.upperBound...]),
            let root = PDFText.reference(after: "/Root", in: tail[tr.upperBound...])
        else { throw RenderError("unexpected PDF from cairo: no classic trailer") }
        guard let catalog = PDFText.objectDictionary(root, in: pdf) else {
            throw RenderError("unexpected PDF from cairo: catalog \(root) not found")
        }
        guard !catalog.contains("/Metadata"), !catalog.contains("/Names"), !catalog.contains("/AF") else {
            throw RenderError("unexpected PDF from cairo: the catalog already has metadata or names")
        }

        let title = "\(d.kind.frenchTitle) \(d.number)"
        let author = d.seller.legalName
        let producer = "Ardoise (cairo \(String(cString: cairoVersion())))"
        let isoDate = "\(d.issueDate.description)T00:00:00Z"
        let pdfDate = "D:\(d.issueDate.compact)000000Z"
        let xmp = Array(Self.xmp(title: title, author: author, producer: producer, date: isoDate).utf8)

        var out = pdf
        if out.last != 10 { out.append(10) }
        var offsets: [(Int, Int)] = []
        var next = size
        func add(_ dictionary: String, number: Int? = nil, stream: [UInt8]? = nil) -> Int {
            let n =
                number
                ?? {
                    defer { next += 1 }; return next
                }()
            offsets.append((n, out.count))
            out += Array("\(n) 0 obj\n\(dictionary)".utf8)
            if let stream {
                out += Array("\nstream\n".utf8)
                out += stream
                out += Array("\nendstream".utf8)
            }
            out += Array("\nendobj\n".utf8)
            return n
        }
        for font in PDFText.cidFontsWithoutMap(in: pdf) {
            guard let dictionary = PDFText.objectDictionary(font, in: pdf) else {
                throw RenderError("unexpected PDF from cairo: CID font \(font) is not a dictionary")
            }
            _ = add("\(dictionary) /CIDToGIDMap /Identity >>", number: font)
        }
        let metadata = add("<< /Type /Metadata /Subtype /XML /Length \(xmp.count) >>", stream: xmp)
        let icc = add("<< /N 3 /Length \(iccProfile.count) >>", stream: iccProfile)
        let intent = add(
            """
            << /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1) \
            /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) /DestOutputProfile \(icc) 0 R >>
            """)
        let file = add(
            """
            << /Type /EmbeddedFile /Subtype /text#2Fxml /Params << /Size \(xml.count) /ModDate (\(pdfDate)) >> \
            /Length \(xml.count) >>
            """, stream: xml)
        let spec = add(
            """
            << /Type /Filespec /F (\(Self.fileName)) /UF (\(Self.fileName)) /Desc (Factur-X invoice) \
            /AFRelationship /Data /EF << /F \(file) 0 R /UF \(file) 0 R >> >>
            """)
        let info = add(
            """
            << /Title \(PDFText.string(title)) /Author \(PDFText.string(author)) /Creator (Ardoise) \
            /Producer \(PDFText.string(producer)) /CreationDate (\(pdfDate)) /ModDate (\(pdfDate)) >>
            """)
        let newCatalog = """
            \(catalog) /Metadata \(metadata) 0 R /OutputIntents [\(intent) 0 R] /AF [\(spec) 0 R] \
            /Names << /EmbeddedFiles << /Names [(\(Self.fileName)) \(spec) 0 R] >> >> /PageMode /UseAttachments >>
            """
        _ = add(newCatalog, number: root)

        let xref = out.count
        var table = "xref\n0 1\n0000000000 65535 f \n"
        for (n, offset) in offsets.sorted(by: { $0.0 < $1.0 }) {
            table += "\(n) 1\n\(PDFText.pad(offset, 10)) 00000 n \n"
        }
        let id = PDFText.fingerprint(xml + Array(d.number.utf8))
        table += """
            trailer
            << /Size \(next) /Root \(root) 0 R /Info \(info) 0 R /Prev \(prev) /ID [<\(id)> <\(id)>] >>
            startxref
            \(xref)
            %%EOF

            """
        out += Array(table.utf8)
        return out
    }

    /// The XMP packet: PDF/A-3 B identification, Dublin Core, and the Factur-X
    /// extension schema declared as PDF/A requires for non-standard properties.
    static func xmp(title: String, author: String, producer: String, date: String) -> String {
        var w = XMLWriter(declaration: false)
        let fx = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
        w.start("x:xmpmeta", ["xmlns:x": "adobe:ns:meta/"])
        w.start("rdf:RDF", ["xmlns:rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"])
        w.element("rdf:Description", ["rdf:about": "", "xmlns:pdfaid": "http://www.aiim.org/pdfa/ns/id/"]) { w in
            w.leaf("pdfaid:part", "3")
            w.leaf("pdfaid:conformance", "B")
        }
        w.element("rdf:Description", ["rdf:about": "", "xmlns:dc": "http://purl.org/dc/elements/1.1/"]) { w in
            w.leaf("dc:format", "application/pdf")
            w.element("dc:title") { w in w.element("rdf:Alt") { $0.leaf("rdf:li", title, ["xml:lang": "x-default"]) } }
            w.element("dc:creator") { w in w.element("rdf:Seq") { $0.leaf("rdf:li", author) } }
        }
        w.element("rdf:Description", ["rdf:about": "", "xmlns:pdf": "http://ns.adobe.com/pdf/1.3/"]) { w in
            w.leaf("pdf:Producer", producer)
        }
        w.element("rdf:Description", ["rdf:about": "", "xmlns:xmp": "http://ns.adobe.com/xap/1.0/"]) { w in
            w.leaf("xmp:CreatorTool", "Ardoise")
            w.leaf("xmp:CreateDate", date)
            w.leaf("xmp:ModifyDate", date)
        }
        w.element(
            "rdf:Description",
            [
                "rdf:about": "", "xmlns:pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
                "xmlns:pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
                "xmlns:pdfaProperty": "http://www.aiim.org/pdfa/ns/property#"
            ]
        ) { w in
            w.element("pdfaExtension:schemas") { w in
                w.element("rdf:Bag") { w in
                    w.element("rdf:li", ["rdf:parseType": "Resource"]) { w in
                        w.leaf("pdfaSchema:schema", "Factur-X PDFA Extension Schema")
                        w.leaf("pdfaSchema:namespaceURI", fx)
                        w.leaf("pdfaSchema:prefix", "fx")
                        w.element("pdfaSchema:property") { w in
                            w.element("rdf:Seq") { w in
                                for (name, text) in [
                                    ("DocumentFileName", "The name of the embedded XML document"),
                                    (
                                        "DocumentType",
                                        "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"
                                    ),
                                    (
                                        "Version",
                                        "The actual version of the standard applying to the embedded XML document"
                                    ),
                                    ("ConformanceLevel", "The conformance level of the embedded XML document")
                                ] {
                                    w.element("rdf:li", ["rdf:parseType": "Resource"]) { w in
                                        w.leaf("pdfaProperty:name", name)
                                        w.leaf("pdfaProperty:valueType", "Text")
                                        w.leaf("pdfaProperty:category", "external")
                                        w.leaf("pdfaProperty:description", text)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        w.element("rdf:Description", ["rdf:about": "", "xmlns:fx": fx]) { w in
            w.leaf("fx:DocumentType", "INVOICE")
            w.leaf("fx:DocumentFileName", fileName)
            w.leaf("fx:Version", "1.0")
            w.leaf("fx:ConformanceLevel", "EN 16931")
        }
        w.end()
        w.end()
        return "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" + w.text + "<?xpacket end=\"w\"?>"
    }
}

import CPangoCairo

private func cairoVersion() -> UnsafePointer<CChar> { cairo_version_string() }

/// Small helpers for reading cairo's PDF and writing PDF syntax.
enum PDFText {
    /// Bytes as a String, one character per byte (binary-safe for searching ASCII keywords).
    static func ascii(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.map { $0 < 128 ? $0 : 63 }, as: UTF8.self)
    }

    /// The integer after `key` (`/Size 34`, `/Root 33 0 R`).
    static func reference(after key: String, in text: Substring) -> Int? {
        guard let r = text.range(of: key) else { return nil }
        return Int(text[r.upperBound...].split(whereSeparator: \.isWhitespace).first ?? "")
    }

    /// The numbers of the CIDFontType2 font objects that have no /CIDToGIDMap, in order.
    /// Searched in the bytes (the keywords are ASCII): no String of the whole PDF.
    static func cidFontsWithoutMap(in pdf: [UInt8]) -> [Int] {
        let subtype = Array("/Subtype /CIDFontType2".utf8), obj = Array(" 0 obj".utf8), endobj = Array("endobj".utf8)
        let map = Array("/CIDToGIDMap".utf8)
        var out: [Int] = []
        var searchFrom = 0
        while let hit = firstIndex(of: subtype, in: pdf, from: searchFrom, to: pdf.count) {
            searchFrom = hit + subtype.count
            guard let objectStart = lastIndex(of: obj, in: pdf, before: hit),
                let objectEnd = firstIndex(of: endobj, in: pdf, from: searchFrom, to: pdf.count)
            else { continue }
            guard firstIndex(of: map, in: pdf, from: objectStart + obj.count, to: objectEnd) == nil else { continue }
            var first = objectStart
            while first > 0, (48...57).contains(pdf[first - 1]) { first -= 1 }
            if let n = Int(String(decoding: pdf[first..<objectStart], as: UTF8.self)), !out.contains(n) {
                out.append(n)
            }
        }
        return out
    }

    /// The dictionary of object `number` without its closing `>>`.
    static func objectDictionary(_ number: Int, in pdf: [UInt8]) -> String? {
        let header = Array("\n\(number) 0 obj".utf8), endobj = Array("endobj".utf8)
        guard let start = lastIndex(of: header, in: pdf, before: pdf.count),
            let end = firstIndex(of: endobj, in: pdf, from: start + header.count, to: pdf.count)
        else { return nil }
        var body = trimmed(pdf[(start + header.count)..<end])
        guard body.starts(with: [60, 60]), body.reversed().starts(with: [62, 62]) else { return nil }
        body = body.dropLast(2)
        return ascii(trimmed(body))
    }

    /// `bytes` without the ASCII white space at either end (what `.whitespacesAndNewlines` trims of ASCII text).
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func space(_ b: UInt8) -> Bool { b == 32 || (9...13).contains(b) }
        var s = bytes
        while let f = s.first, space(f) { s = s.dropFirst() }
        while let l = s.last, space(l) { s = s.dropLast() }
        return s
    }

    /// The first occurrence of `needle` starting at or after `from` and ending at or before `to`.
    static func firstIndex(of needle: [UInt8], in hay: [UInt8], from: Int, to: Int) -> Int? {
        guard let first = needle.first, to - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= to {
            if hay[i] == first, hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// The last occurrence of `needle` ending at or before `before`.
    static func lastIndex(of needle: [UInt8], in hay: [UInt8], before: Int) -> Int? {
        guard let first = needle.first, before >= needle.count else { return nil }
        var i = before - needle.count
        while i >= 0 {
            if hay[i] == first, hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// A PDF text string: literal when ASCII, else UTF-16BE with a BOM, in hex.
    static func string(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) {
            var out = "("
            for c in s {
                if c == "(" || c == ")" || c == "\\" { out += "\\" }
                out.append(c)
            }
            return out + ")"
        }
        var hex = "<FEFF"
        for unit in s.utf16 { hex += hexByte(UInt8(unit >> 8)) + hexByte(UInt8(unit & 0xFF)) }
        return hex + ">"
    }

    static func hexByte(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// A 128-bit FNV-1a digest in hex: a stable file identifier, not a security hash.
    static func fingerprint(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b ^ UInt64(byte ^ 0x5A)) &* 0x0000_0100_0000_01B3
        }
        var hex = ""
        for v in [a, b] {
            for i in 0..<8 {
                let shift = UInt64(56 - 8 * i)
                hex += hexByte(UInt8(truncatingIfNeeded: v >> shift))
            }
        }
        return hex
    }
}
