import BillingModel

/// VAT on receipts ("TVA sur les encaissements", CGI art. 269-2-c): the VAT
/// of services is due when the customer pays, not when the invoice is issued
/// (unless the seller opted for VAT on debits). Invoicing credits it to a
/// "pending" account of its rate (`445741` for 20 %…); each payment moves
/// its share to the output VAT account. Goods keep their VAT at invoicing.
public enum VATOnReceipts {
    /// The part of a rate's VAT that is due on receipt: all of it when every
    /// line at that rate sells services, none when none does, else the
    /// services' share of the rate's base (half away from zero, the one
    /// rounding of the project), so goods and services at one rate split exactly.
    public static func pendingPart(vat: Money, base: Money, servicesNet: Money) -> Money {
        if servicesNet == base { return vat }
        if servicesNet.isZero || base.isZero { return .zero }
        let share = divideRoundingHalfAwayFromZero(Int128(vat.cents) * Int128(servicesNet.cents), Int128(base.cents))
        // |servicesNet| ≤ |base| for lines of one sign; a discount line may make the share larger: never more than the VAT.
        let bounded = vat.cents >= 0 ? min(max(share, 0), Int128(vat.cents)) : max(min(share, 0), Int128(vat.cents))
        return Money(cents: Int64(bounded))
    }

    /// The VAT collected once `paid` of what the invoice owes (`due`, its TTC
    /// less its credit notes) has been paid: `pending × paid / due`, half away
    /// from zero, cumulative (so the shares of successive payments add up to
    /// the cent); all of it once the invoice is paid in full, nothing before a payment.
    public static func collected(pending: Money, paid: Money, due: Money) -> Money {
        guard pending.cents > 0, paid.cents > 0 else { return .zero }
        guard paid.cents < due.cents else { return pending }
        let share = divideRoundingHalfAwayFromZero(Int128(pending.cents) * Int128(paid.cents), Int128(due.cents))
        return Money(cents: Int64(min(share, Int128(pending.cents))))
    }
}
