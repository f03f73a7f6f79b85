import Benchmarks
import Foundation
import Testing

@Suite struct BenchmarksTests {
    @Test func lintBenchmarkReportsItsFigures() {
        let report = LintBenchmark.run(files: 12, seed: 3, repetitions: 1)
        #expect(report.contains("files: 12 contracts, 0 diagnostics"), "\(report)")
        #expect(report.contains("files/s"))
        #expect(report.contains("target (1,000 files in under 1 s)"))
    }

    @Test func evaluationBenchmarkReportsItsFigures() {
        let report = EvaluationBenchmark.run(iterations: 3)
        #expect(report.contains("ACME (worked example): 5 lines"), "\(report)")
        #expect(report.contains("RICH"), "\(report)")
        #expect(report.contains("ns per evaluation"))
        #expect(report.contains("ratio"))
        #expect(report.contains("target (compiled at most 2× the hand-written"))
    }
}

@Suite struct GenerationBenchmarkTests {
    @Test func generationBenchmarkReportsItsFigures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-generate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try GenerationBenchmark.run(directory: dir, sites: 2, clients: 8)
        #expect(report.contains("generate 2026-10: 8 clients"), "\(report)")
        #expect(report.contains("validation of the"))
        #expect(report.contains("sqlite3 aggregation by client and category"))
        #expect(report.contains("ratio generate / sqlite3"))
        #expect(report.contains("targets: under 3 s"))
    }
}

/// `bench entries` posts a billed month's documents again on a copy whose journal is emptied: the copy must
/// clear everything posting writes (the entries' hash chain and VAT on receipts included), or it stops.
@Suite struct EntriesBenchmarkTests {
    @Test func entriesBenchmarkPostsTheMonthAgainAndReportsItsFigures() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-entries-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let report = try EntriesBenchmark.run(directory: dir, sites: 2, clients: 8)
        #expect(report.contains("issued documents to the sales journal (one transaction)"), "\(report)")
        #expect(report.contains("FEC of November"), "\(report)")
        #expect(report.contains("entries + FEC for"), "\(report)")
    }
}
