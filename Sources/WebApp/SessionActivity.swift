import Foundation
import Synchronization

/// When each web session was last used, so that a session left alone longer than the idle timeout is closed
/// even before its lifetime ends (a forgotten open screen in an office). Kept in the server's memory, not in
/// the ledger: writing the ledger on every page would move its change counter and empty the page cache every
/// minute; a restart gives open sessions a fresh idle period, never a longer lifetime.
final class SessionActivity: Sendable {
    let idleTimeout: TimeInterval
    private let lastSeen = Mutex<[String: Date]>([:])

    init(idleTimeout: TimeInterval) { self.idleTimeout = idleTimeout }

    /// Records a use of the session at `now`; false when it had been idle too long (the caller closes it).
    func touch(_ token: String, now: Date) -> Bool {
        lastSeen.withLock { seen in
            if let last = seen[token], now.timeIntervalSince(last) > idleTimeout {
                seen[token] = nil
                return false
            }
            seen[token] = now
            if seen.count > 100_000 { seen = seen.filter { now.timeIntervalSince($0.value) <= idleTimeout } }
            return true
        }
    }

    func forget(_ token: String) { _ = lastSeen.withLock { $0.removeValue(forKey: token) } }
}
