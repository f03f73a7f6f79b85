import BillingModel
import Dashboards
import Foundation
import Ledger

/// What the web app keeps between requests (`WebApp.cachedParts`): finished parts of pages and
/// answers, until the ledger changes (any commit, from this process or another). Each key holds
/// everything the part depends on besides the ledger: a user's scope and rights, never the user.
enum CachedPart: Hashable, Sendable {
    /// Whether the scope has no revenue in the month (the dashboard then opens on the month before).
    case monthIsEmpty(Period, ClientScope)
    /// The dashboard page's content (figures, choosers and charts), without the layout (which names the user).
    case dashboard(Period, Selection)
    /// The body of `GET /api/v1/revenue`.
    case revenue(Period, Selection)
    /// A page of a document list (its content, without the layout) for a query string, a scope (nil: every
    /// client) and whether the user may write (selection boxes, with `WebApp.csrfMark` for the session's token).
    case list(path: String, query: String, scope: Set<String>?, canWrite: Bool)
    /// The home page's line on a month's closing as of a day (its checks evaluate the month, and a day moves the
    /// month shown and what is late: kept until the ledger changes or the day does).
    case closingState(Period, Day)
    /// The home page's line on payments no invoice matched (every payment is read to find them).
    case unmatchedPayments
    /// The closing screen's content for a month, as of a day (its checks evaluate the whole month), with or without
    /// the write right's actions (`WebApp.csrfMark` for the session's token).
    case closingPage(Period, Day, canWrite: Bool)
}

extension WebApp {
    /// Stands for the session's CSRF token in a kept page part; replaced by the token on each request.
    static let csrfMark = "csrf-of-the-session-" + Accounts.randomToken()

    /// A kept part of a page: rendered by `render` (with `csrfMark` where the session's CSRF token goes) when the
    /// ledger changed since it was kept, then the session's token put in. Kept in pieces cut at the mark, so
    /// that a request only joins them (searching tens of kilobytes for the mark on each request cost more
    /// than the rest of the request).
    func kept(_ key: CachedPart, csrf: String, _ render: () throws -> String) throws -> String {
        try cachedParts.value(key) { try render().components(separatedBy: Self.csrfMark) }.joined(separator: csrf)
    }

    /// The pager of a paged list (nil when it has one page): "page 2 sur 13 (100 sur 1286)" and links to
    /// the previous and next pages that keep the list's filters.
    func pager(_ result: DocumentPage, path: String, filters: [(String, String?)]) -> [String: Any]? {
        guard result.pageCount > 1 else { return nil }
        func link(_ n: Int) -> String {
            var items = URLComponents()
            items.queryItems =
                filters.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
                + [URLQueryItem(name: "page", value: String(n))]
            return path + "?" + (items.percentEncodedQuery ?? "page=\(n)")
        }
        var pager: [String: Any] = [
            "label": "page \(result.page) sur \(result.pageCount) (\(result.documents.count) sur \(result.count))"
        ]
        if result.page > 1 { pager["previous"] = link(result.page - 1) }
        if result.page < result.pageCount { pager["next"] = link(result.page + 1) }
        return pager
    }
}
