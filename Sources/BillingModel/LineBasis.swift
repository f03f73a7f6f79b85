/// What a document line was computed from, as the engine knew it when it made
/// the line: stored with the line in typed columns (`invoice_line.basis_kind`,
/// `basis_category`, `basis_rate`, `basis_guests`, beside its site, service
/// period, order and revision), so that no reader ever recovers it from the
/// line's explanation, whose words may change.
public struct LineBasis: Sendable, Hashable {
    /// The kind of contract term (or other source) that made the line.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case subsidyPerCover = "subsidy_per_cover"
        case subsidyCappedByTray = "subsidy_capped_by_tray"
        case subsidyAsRecorded = "subsidy_as_recorded"
        case guestMeals = "guest_meals"
        case admissionFee = "admission_fee"
        case cafeteriaParticipation = "cafeteria_participation"
        case flatFee = "flat_fee"
        case floorFee = "floor_fee"
        case tieredFee = "tiered_fee"
        case minimumGuarantee = "minimum_guarantee"
        /// A line of an event order, as the contract priced it.
        case eventOrder = "event_order"
        /// The delivery fee of an event order.
        case deliveryFee = "delivery_fee"
        /// A line of a credit note made from an issued invoice: it credits a line of that invoice.
        case credit
        /// A line typed in by a person (a manual document, a line added to a proforma).
        case typedIn = "typed_in"
    }

    public var kind: Kind
    /// The one diner category the line counts (nil: every category).
    public var category: String?
    /// Only the ticket lines at this VAT rate (the terms that bill TTC amounts per rate); nil: every rate.
    public var rate: VATRate?
    /// Whether guest tickets count when `category` is nil.
    public var guests: Bool

    public init(_ kind: Kind, category: String? = nil, rate: VATRate? = nil, guests: Bool = true) {
        self.kind = kind
        self.category = category
        self.rate = rate
        self.guests = guests
    }
}
