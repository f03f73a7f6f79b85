/// What a cover is, defined once: a ticket whose self-service and brasserie lines (`SELF`, `BRASS`) sum to
/// more than zero. Cafeteria lines (`CAFET`) never make a cover. The ledger's revenue scan (covers per client,
/// site, day and category, what contracts bill) and its daily aggregate (covers per activity, what the
/// dashboards show) both count with it; only the frozen migration that first filled the aggregate keeps its
/// own SQL of the same rule.
public enum Covers {
    private static let selfService: [UInt8] = Array("SELF".utf8), brasserie: [UInt8] = Array("BRASS".utf8)

    /// Whether lines of `activity` (its UTF-8 bytes) count towards a cover.
    public static func counts(activity: UnsafeBufferPointer<UInt8>) -> Bool {
        activity.elementsEqual(selfService) || activity.elementsEqual(brasserie)
    }

    /// Whether lines of `activity` count towards a cover.
    public static func counts(activity: String) -> Bool {
        activity.utf8.elementsEqual(selfService) || activity.utf8.elementsEqual(brasserie)
    }

    /// Whether a ticket whose counted lines sum to `cents` is a cover.
    public static func isCover(countedCents cents: Int64) -> Bool { cents > 0 }
}
