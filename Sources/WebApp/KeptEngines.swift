import BillingEngine
import BillingModel
import Synchronization
import Workspace

/// The billing engines of this process, per day, actor and kind: `serve` reads its contracts once, at start, and
/// checking and compiling every file of the rules folder (and loading the colour profile of the documents) was
/// most of a request that reads the closing or acts on a document. An engine is a value over the same ledger, so
/// a kept one sees every commit; only its contracts are fixed, as they are for the process.
final class KeptEngines: Sendable {
    struct Key: Hashable {
        var day: Day
        var actor: String
        /// `Installation.billingEngine` (contracts with errors left out) rather than `Installation.engine` (refuses them).
        var lenient: Bool
    }

    private let kept = Mutex<[Key: Engine]>([:])
    /// Days and users are few; past this, start again.
    static let size = 64

    /// The kept engine of `key`, or the one `make` makes (kept when made; a refusal is not kept).
    func engine(_ key: Key, make: () throws -> Engine) throws -> Engine {
        if let engine = kept.withLock({ $0[key] }) { return engine }
        let engine = try make()
        kept.withLock { kept in
            if kept.count >= Self.size { kept.removeAll() }
            kept[key] = engine
        }
        return engine
    }
}

extension WebApp {
    /// The engine acting for `actor` today, refusing when a contract has errors (as `Installation.engine`).
    func engine(actor: String) throws -> Engine {
        try keptEngines.engine(.init(day: today, actor: actor, lenient: false)) {
            try workspace.engine(today: today, actor: actor)
        }
    }

    /// The engine over the contracts without errors (as `Installation.billingEngine`): reports show the others' revenue as unbilled.
    func lenientEngine(actor: String) throws -> Engine {
        try keptEngines.engine(.init(day: today, actor: actor, lenient: true)) {
            try workspace.billingEngine(today: today, actor: actor).engine
        }
    }
}
