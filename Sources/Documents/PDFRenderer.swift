import BillingModel
import CPangoCairo

/// Why a document could not be rendered: an internal failure of cairo, never the document's content.
public struct RenderError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Renders an `InvoiceDocument` to an A4 PDF in French with cairo and pango.
///
/// Cairo's PDF surface embeds subsets of the fonts used (DejaVu Sans, from
/// Debian `fonts-dejavu-core`). Lines flow over as many pages as needed: each
/// page repeats the table header, the totals and the legal mentions close the
/// last page, and every page says "Page i/N". Where the page breaks fall does
/// not depend on N (the footer's place is fixed), so a document expected to
/// fit on one page is drawn at once as "Page 1/1" and kept when it did; any
/// other is laid out once to count its pages, on the same kind of surface so
/// the breaks are the same, then drawn. The bytes are the same either way.
public struct PDFRenderer: Sendable {
    /// The font family; must cover French accents, `€` and U+202F.
    public var fontFamily: String

    public init(fontFamily: String = "DejaVu Sans") {
        self.fontFamily = fontFamily
    }

    /// The PDF bytes of `document`.
    public func render(_ document: InvoiceDocument) throws(RenderError) -> [UInt8] {
        if let problem = document.problems.first { throw RenderError(problem) }
        if document.lines.count <= PDFRenderer.linesSurelyOnOnePage {
            let drawn = try pass(document, totalPages: 1)
            if drawn.pages == 1 { return drawn.bytes }
        }
        let pages = try pass(document, totalPages: nil).pages
        return try pass(document, totalPages: pages).bytes
    }

    /// Documents with at most this many lines are drawn at once as one page (the month's documents have five
    /// lines on average; a page holds about twenty): a longer one would be drawn twice, so it is counted first.
    static let linesSurelyOnOnePage = 12

    /// The bytes as every document was made before: counted, then drawn laying each measured text out again.
    /// Tests compare `render` with it.
    func renderCountingFirst(_ document: InvoiceDocument) throws(RenderError) -> [UInt8] {
        if let problem = document.problems.first { throw RenderError(problem) }
        let pages = try pass(document, totalPages: nil, keepingMeasured: false).pages
        return try pass(document, totalPages: pages, keepingMeasured: false).bytes
    }

    private func pass(
        _ document: InvoiceDocument, totalPages: Int?,
        keepingMeasured: Bool = true
    ) throws(RenderError) -> (pages: Int, bytes: [UInt8]) {
        let sink = ByteSink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        guard
            let surface = cairo_pdf_surface_create_for_stream(
                { closure, data, length in
                    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                    Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                        .bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                    return CAIRO_STATUS_SUCCESS
                }, unmanaged.toOpaque(), Page.width, Page.height)
        else { throw RenderError("cairo could not create a PDF surface") }
        defer { cairo_surface_destroy(surface) }
        // Fixed dates so the same document always gives the same bytes.
        let date = "\(document.issueDate.description)T00:00:00Z"
        cairo_pdf_surface_set_metadata(
            surface, CAIRO_PDF_METADATA_TITLE,
            "\(document.isProforma ? "Proforma" : document.kind.frenchTitle) \(document.number)")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, document.seller.legalName)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Ardoise")
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date)
        guard let cr = cairo_create(surface) else { throw RenderError("cairo could not create a context") }
        defer { cairo_destroy(cr) }
        var page = Page(cr: cr, family: fontFamily, draw: totalPages != nil)
        page.keepsMeasured = keepingMeasured
        defer { page.release() }
        let count = page.layOut(document, totalPages: totalPages ?? 0)
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw RenderError("cairo: \(String(cString: cairo_status_to_string(status)))")
        }
        return (count, sink.bytes)
    }
}

/// Collects what cairo writes.
private final class ByteSink {
    var bytes: [UInt8] = []
}

/// The drawing state of one rendering pass.
private struct Page {
    static let width = 595.276  // A4 in points
    static let height = 841.89
    static let margin = 42.0
    static let footerTop = height - 48
    static let contentWidth = width - 2 * margin

    let cr: OpaquePointer
    let draw: Bool
    var layout: OpaquePointer?
    var fonts: [String: OpaquePointer] = [:]
    /// Set on the probe that measures what its drawing page draws next (`measure`): each text it lays out is
    /// kept in `kept`, so that drawing it shows the same layout instead of laying the text out again.
    var keeping = false
    /// Whether `measure` keeps what it lays out for drawing.
    var keepsMeasured = true
    /// Layouts measured and not drawn yet, by what was laid out (the same text, box and font lay out the same).
    var kept: [LayoutKey: OpaquePointer] = [:]
    let family: String
    var y = margin
    var pageNumber = 1

    init(cr: OpaquePointer, family: String, draw: Bool) {
        self.cr = cr
        self.family = family
        self.draw = draw
        layout = pango_cairo_create_layout(cr)
    }

    mutating func release() {
        if let layout { g_object_unref(UnsafeMutableRawPointer(layout)) }
        for l in kept.values { g_object_unref(UnsafeMutableRawPointer(l)) }
        for f in fonts.values { pango_font_description_free(f) }
    }

    struct LayoutKey: Hashable {
        var text: String
        var width: Double
        var size: Double
        var bold: Bool
        var align: Align
    }

    enum Align { case left, right, center }

    mutating func font(_ size: Double, bold: Bool) -> OpaquePointer? {
        let key = "\(family)\(bold ? " Bold" : "") \(size)"
        if let f = fonts[key] { return f }
        let f = pango_font_description_from_string(key)
        fonts[key] = f
        return f
    }

    /// Lays out `text` in a box; draws it when drawing; returns its height.
    @discardableResult
    mutating func text(
        _ text: String, x: Double, y: Double, width: Double, size: Double = 8.5, bold: Bool = false,
        align: Align = .left, gray: Double = 0
    ) -> Double {
        guard let shared = layout else { return 0 }
        let key = LayoutKey(text: text, width: width, size: size, bold: bold, align: align)
        if draw, let measured = kept.removeValue(forKey: key) {
            defer { g_object_unref(UnsafeMutableRawPointer(measured)) }
            return show(measured, x: x, y: y, gray: gray)
        }
        if keeping, kept[key] != nil { return height(of: kept[key]) }
        var layout = shared
        if keeping, let context = pango_layout_get_context(shared), let own = pango_layout_new(context) {
            layout = own
            kept[key] = own
        }
        pango_layout_set_font_description(layout, font(size, bold: bold))
        pango_layout_set_width(layout, Int32(width * 1024))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        switch align {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        }
        pango_layout_set_text(layout, text, -1)
        return show(layout, x: x, y: y, gray: gray)
    }

    /// Draws a laid-out text when drawing; returns its height.
    private func show(_ layout: OpaquePointer, x: Double, y: Double, gray: Double) -> Double {
        let h = height(of: layout)
        if draw {
            cairo_set_source_rgb(cr, gray, gray, gray)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, layout)
        }
        return h
    }

    private func height(of layout: OpaquePointer?) -> Double {
        var w: Int32 = 0
        var h: Int32 = 0
        pango_layout_get_size(layout, &w, &h)
        return Double(h) / 1024
    }

    func rule(_ y: Double, from x0: Double = margin, to x1: Double = width - margin, weight: Double = 0.5) {
        guard draw else { return }
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3)
        cairo_set_line_width(cr, weight)
        cairo_move_to(cr, x0, y)
        cairo_line_to(cr, x1, y)
        cairo_stroke(cr)
    }

    func fill(_ x: Double, _ y: Double, _ w: Double, _ h: Double, gray: Double) {
        guard draw else { return }
        cairo_set_source_rgb(cr, gray, gray, gray)
        cairo_rectangle(cr, x, y, w, h)
        cairo_fill(cr)
    }

    // Table columns: label, quantity, unit price, VAT rate, net.
    static let columns: [(title: String, width: Double, align: Align)] = [
        ("Désignation", 231, .left), ("Quantité", 60, .right), ("Prix unitaire HT", 84, .right),
        ("TVA", 44, .right), ("Montant HT", 92.276, .right)
    ]

    mutating func row(
        _ cells: [String], y: Double, bold: Bool = false, size: Double = 8.5,
        sub: String? = nil
    ) -> Double {
        var x = Page.margin
        var height = 0.0
        for (i, column) in Page.columns.enumerated() {
            let cell = i < cells.count ? cells[i] : ""
            var h = text(cell, x: x + 3, y: y, width: column.width - 6, size: size, bold: bold, align: column.align)
            if i == 0, let sub {
                h += text(sub, x: x + 3, y: y + h, width: column.width - 6, size: 7, gray: 0.35)
            }
            height = max(height, h)
            x += column.width
        }
        return height
    }

    mutating func tableHeader() {
        let titles = Page.columns.map(\.title)
        let top = y
        let h = measure { $0.row(titles, y: top + 4, bold: true, size: 8) } + 8
        fill(Page.margin, y, Page.contentWidth, h, gray: 0.9)
        _ = row(titles, y: y + 4, bold: true, size: 8)
        y += h
        rule(y)
    }

    mutating func footer(_ d: InvoiceDocument, totalPages: Int) {
        rule(Page.footerTop)
        // The company's registration on every page: legal form, share capital and RCS when the settings give them.
        let legal =
            "\(d.seller.legalName)\(d.seller.legalMention.map { " — \($0)" } ?? " — SIREN \(d.seller.siren)") — TVA \(d.seller.vatNumber)"
        text(legal, x: Page.margin, y: Page.footerTop + 6, width: Page.contentWidth - 80, size: 7, gray: 0.3)
        text(
            "Page \(pageNumber)/\(totalPages)", x: Page.width - Page.margin - 80, y: Page.footerTop + 6, width: 80,
            size: 7, align: .right, gray: 0.3)
    }

    mutating func newPage(_ d: InvoiceDocument, totalPages: Int) {
        footer(d, totalPages: totalPages)
        if draw { cairo_show_page(cr) }
        pageNumber += 1
        y = Page.margin
        let title = "\(d.isProforma ? "Proforma" : d.kind.frenchTitle) n° \(d.number) du \(d.issueDate.french) (suite)"
        y += text(title, x: Page.margin, y: y, width: Page.contentWidth, size: 10, bold: true) + 10
    }

    /// Lays out the whole document; returns the number of pages.
    mutating func layOut(_ d: InvoiceDocument, totalPages: Int) -> Int {
        let half = Page.contentWidth / 2
        let right = Page.margin + half + 20
        // Seller, top left.
        var left = Page.margin
        var ly = y
        ly += text(d.seller.legalName, x: left, y: ly, width: half, size: 13, bold: true) + 2
        for line in addressLines(d.seller.address) { ly += text(line, x: left, y: ly, width: half) }
        ly += text("SIREN : \(d.seller.siren)", x: left, y: ly, width: half)
        ly += text("N° TVA intracommunautaire : \(d.seller.vatNumber)", x: left, y: ly, width: half)
        // Title and references, top right.
        var ry = y
        ry +=
            text(
                d.isProforma ? "PROFORMA" : d.kind == .invoice ? "FACTURE" : "AVOIR", x: right, y: ry, width: half - 20,
                size: 18, bold: true) + 2
        var refs = ["N° : \(d.number)", "Date d'émission : \(d.issueDate.french)"]
        if !d.isProforma, let due = d.paymentDueDate { refs.append("Date d'échéance : \(due.french)") }
        refs.append("Période : \(periodText(d.period))")
        if let po = d.documentPurchaseOrder { refs.append("Bon de commande : \(po)") }
        if let who = d.orderedBy { refs.append("Commandé par : \(who)") }
        if let cc = d.costCenter { refs.append("Centre de coût : \(cc)") }
        for r in refs { ry += text(r, x: right, y: ry, width: half - 20, size: 9) }
        y = max(ly, ry) + 14
        // Buyer box.
        left = right
        var by = y + 6
        by += text("Facturé à", x: left + 8, y: by, width: half - 36, size: 7.5, gray: 0.35)
        by += text(d.buyer.legalName, x: left + 8, y: by, width: half - 36, size: 10, bold: true)
        for line in addressLines(d.buyer.address) { by += text(line, x: left + 8, y: by, width: half - 36) }
        by += text("SIREN : \(d.buyer.siren)", x: left + 8, y: by, width: half - 36)
        if let vat = d.buyer.vatNumber { by += text("N° TVA : \(vat)", x: left + 8, y: by, width: half - 36) }
        if let forWhom = d.billedFor { by += 2 + text(forWhom, x: left + 8, y: by + 2, width: half - 36, bold: true) }
        if draw {
            cairo_set_source_rgb(cr, 0.4, 0.4, 0.4)
            cairo_set_line_width(cr, 0.6)
            cairo_rectangle(cr, left, y, half - 20, by - y + 6)
            cairo_stroke(cr)
        }
        y = by + 18
        if d.isProforma {
            y +=
                text(
                    InvoiceDocument.proformaMention, x: Page.margin, y: y, width: Page.contentWidth, size: 9.5,
                    bold: true) + 8
        }
        if let mention = d.creditedInvoiceMention {
            y += text(mention, x: Page.margin, y: y, width: Page.contentWidth, size: 9.5, bold: true) + 8
        }
        if let place = d.delivery.map(deliveryText) {
            y += text(place, x: Page.margin, y: y, width: Page.contentWidth, size: 9) + 8
        }
        tableHeader()
        // Lines.
        let documentPO = d.documentPurchaseOrder
        for line in d.lines {
            let cells = [
                line.label, frenchInteger(line.quantity), "\(line.unitPrice.french) €",
                "\(line.vatRate.french) %", "\(line.net.french) €"
            ]
            var details: [String] = []
            if let p = line.servicePeriod { details.append("Période : \(periodText(p))") }
            // A discount is shown, never hidden in the net price: the gross price and the discount per unit.
            if let gross = line.grossPrice, let discount = line.discount {
                details.append("Prix brut \(gross.french) € HT, remise \(discount.french) € par unité")
            }
            if let po = line.purchaseOrder, po != documentPO { details.append("Bon de commande : \(po)") }
            // A payer's line: the tickets it counts, group by group, and their total.
            details += line.ticketLines
            let sub = details.isEmpty ? nil : details.joined(separator: "\n")
            let h = measure { $0.row(cells, y: 0, sub: sub) } + 6
            if y + h > Page.footerTop - 8 {
                newPage(d, totalPages: totalPages)
                tableHeader()
            }
            _ = row(cells, y: y + 3, sub: sub)
            y += h
            rule(y, weight: 0.2)
        }
        // Totals and mentions stay together on the last page.
        let closingHeight = measure { $0.closing(d, at: 0) }
        if y + 10 + closingHeight > Page.footerTop - 8 {
            newPage(d, totalPages: totalPages)
        }
        y += 10
        y += closing(d, at: y)
        footer(d, totalPages: totalPages)
        if draw { cairo_show_page(cr) }
        return pageNumber
    }

    /// The height `body` would take, without drawing.
    mutating func measure(_ body: (inout Page) -> Double) -> Double {
        var probe = Page(copying: self, draw: false)
        probe.keeping = draw && keepsMeasured
        let h = body(&probe)
        fonts = probe.fonts
        kept = probe.kept
        return h
    }

    init(copying other: Page, draw: Bool) {
        cr = other.cr
        family = other.family
        self.draw = draw
        layout = other.layout
        fonts = other.fonts
        kept = other.kept
        keepsMeasured = other.keepsMeasured
        y = other.y
        pageNumber = other.pageNumber
    }

    /// The totals per VAT rate, the total TTC and every legal mention; returns its height.
    mutating func closing(_ d: InvoiceDocument, at top: Double) -> Double {
        var ty = top
        let labelX = Page.margin + 250
        let labelW = 170.0
        let amountX = labelX + labelW
        let amountW = Page.width - Page.margin - amountX - 3
        for v in d.totals.breakdown {
            ty += max(
                text("Base HT TVA \(v.rate.french) %", x: labelX, y: ty, width: labelW),
                text("\(v.base.french) €", x: amountX, y: ty, width: amountW, align: .right))
            ty += max(
                text("TVA \(v.rate.french) %", x: labelX, y: ty, width: labelW),
                text("\(v.vat.french) €", x: amountX, y: ty, width: amountW, align: .right))
        }
        ty += 3
        rule(ty, from: labelX)
        ty += 3
        ty += max(
            text("Total HT", x: labelX, y: ty, width: labelW, bold: true),
            text("\(d.totals.totalHT.french) €", x: amountX, y: ty, width: amountW, bold: true, align: .right))
        ty += max(
            text("Total TVA", x: labelX, y: ty, width: labelW, bold: true),
            text("\(d.totals.totalVAT.french) €", x: amountX, y: ty, width: amountW, bold: true, align: .right))
        let ttcTop = ty + 2
        fill(labelX - 3, ttcTop, Page.width - Page.margin - labelX + 3, 18, gray: 0.9)
        // A proforma is not an invoice: nothing is to be paid on it.
        let ttcLabel =
            d.isProforma ? "Total TTC (proforma)" : d.kind == .invoice ? "Total TTC à payer" : "Total TTC de l'avoir"
        ty =
            ttcTop + 3
            + max(
                text(ttcLabel, x: labelX, y: ttcTop + 3, width: labelW, size: 10, bold: true),
                text(
                    "\(d.totals.totalTTC.french) €", x: amountX, y: ttcTop + 3, width: amountW, size: 10,
                    bold: true, align: .right))
        ty += 16
        // A credit note is owed by nobody: no due date, no bank details to pay to, what it is set against.
        // A proforma shows the terms its invoice will have, but no due date and no bank details: it is not to be paid.
        var mentions =
            d.isProforma
            ? ["Conditions de paiement de la future facture : \(d.settlementTerms)."]
            : d.paymentDueDate.map { due in
                [
                    "Conditions de paiement : \(d.paymentTerms). Date d'échéance : \(due.french).",
                    "Règlement par virement — IBAN : \(d.seller.iban) — BIC : \(d.seller.bic)."
                ]
            } ?? ["\(d.settlementTerms)."]
        mentions += [
            d.penaltyMention,
            d.indemnityMention,
            "Escompte : \(d.earlyPaymentDiscount).",
            "Nature de l'opération : \(d.operationMention)"
        ]
        mentions.append(contentsOf: d.notes)
        for m in mentions { ty += text(m, x: Page.margin, y: ty, width: Page.contentWidth, size: 8) + 2 }
        return ty - top
    }
}

private func addressLines(_ a: Address) -> [String] {
    a.lines + ["\(a.postcode) \(a.city)" + (a.countryCode == "FR" ? "" : " (\(a.countryCode))")]
}

/// "Lieu de la prestation : Restaurant LD01 - Tour Alto, 4 place des Saisons, 92400 Courbevoie, pour ACME SA".
func deliveryText(_ to: InvoiceDocument.DeliveryParty) -> String {
    var parts: [String] = []
    if let place = to.place { parts.append(place) }
    if let a = to.address { parts += a.lines + ["\(a.postcode) \(a.city)"] }
    return "Lieu de la prestation : \(parts.joined(separator: ", "))\(parts.isEmpty ? "" : ", ")pour \(to.name)"
}

func periodText(_ p: Period) -> String {
    p.start == p.end ? "le \(p.start.french)" : "du \(p.start.french) au \(p.end.french)"
}

/// `3 520`: an integer with the narrow no-break space French documents group with.
func frenchInteger(_ n: Int) -> String {
    DecimalText.format(Int64(n), scale: 0, minimumFraction: 0, groupSeparator: "\u{202F}")
}
