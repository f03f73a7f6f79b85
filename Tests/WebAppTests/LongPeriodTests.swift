import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WebApp

/// A period typed in a page, an export or the API is at most three years long: a longer one would take the
/// server's memory and time from every other user.
@Suite(.serialized) struct LongPeriodTests {
    @Test func aPeriodLongerThanThreeYearsIsRefusedInFrenchEverywhere() async throws {
        let f = try Fixture()
        let admin = try f.user("admin-periodes", admin: true)
        try await f.app.application().test(.router) { client in
            for uri in [
                "/tableau-de-bord?periode=1500-01-01..2499-12-31", "/api/v1/revenue?period=1500-01-01..2499-12-31",
                "/exports/restaurants?periode=2020-01-01..2026-10-31", "/proformas?periode=1500-01-01..2499-12-31"
            ] {
                let r = try await send(client, .get, uri, as: admin)
                #expect(r.status == .unprocessableContent, "\(uri): \(r.status)")
                #expect(r.text.contains("trois ans au plus"), "\(uri): \(r.text.prefix(200))")
                #expect(r.text.count < 20_000, "\(uri): \(r.text.count) bytes")
            }
            // Three years is still a period a controller may look at.
            let ok = try await send(client, .get, "/tableau-de-bord?periode=2024-01-01..2026-12-31", as: admin)
            #expect(ok.status == .ok)
        }
    }
}
