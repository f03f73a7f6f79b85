/// Which terms of the contract catalogue (T1–T20 of `grammar/contract-terms.md`) a set of
/// contracts uses, with the variants that matter (`T8:in advance`,
/// `T10:volume`, …): how a rules folder shows it can express the whole catalogue.
public enum CatalogueCoverage {
    public static func terms(usedBy contracts: some Sequence<Contract>) -> Set<String> {
        var used: Set<String> = []
        for c in contracts {
            used.insert("T15")
            used.insert("T16:\(c.cadence.rawValue)")
            used.insert(c.automaticValidation ? "T17:auto" : "T17:accountant")
            if c.perSite { used.insert("T18:site") }
            if c.validUntil != nil || c.validFrom.dayOfMonth != 1
                || c.terms.contains(where: { $0.validFrom != nil || $0.validUntil != nil })
            {
                used.insert("T20")
            }
            if case .daysThenEndOfMonth = c.payment { used.insert("T15a") }
            if case .endOfMonthThenDays = c.payment { used.insert("T15b") }
            if !c.notBilled.isEmpty { used.insert("T1") }
            for t in c.terms {
                if t.payer != nil { used.insert("T18:payer") }
                if t.revision != nil { used.insert("T14") }
                switch t.rule {
                case .subsidyPerCover(_, let cats):
                    used.insert("T2")
                    if cats.contains(where: { !($0.price?.changes.isEmpty ?? true) }) { used.insert("T13") }
                case .subsidyAsRecorded: used.insert("T3")
                case .subsidyCappedByTray: used.insert("T4")
                case .guestMeals: used.insert("T5")
                case .admissionFee(let price, _, let share):
                    used.insert("T6")
                    if share != .full { used.insert("T6:share") }
                    if !price.changes.isEmpty { used.insert("T13") }
                case .cafeteriaParticipation: used.insert("T7")
                case .flatFee(_, let per, _, let timing):
                    used.insert("T8:\(timing.rawValue)")
                    if per == .quarter { used.insert("T16:quarterly fee") }
                    if c.validFrom.dayOfMonth != 1 { used.insert("T12") }
                case .floorFee: used.insert("T9")
                case .tieredFee(let mode, _, _, _): used.insert("T10:\(mode.rawValue)")
                case .minimumGuarantee: used.insert("T11")
                case .events(let e):
                    used.insert("T19:\(e.grouping.rawValue)")
                    if e.discount != nil { used.insert("T19:discount") }
                    if e.deliveryFee != nil { used.insert("T19:delivery fee") }
                }
            }
        }
        return used
    }
}
