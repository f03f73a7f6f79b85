import Demo
import Foundation
import Testing

/// The full-size benchmark runs only when asked, in a release build:
/// `ARDOISE_BENCH=/tmp/bench swift test -c release --filter BenchmarkTests`.
@Suite struct BenchmarkTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["ARDOISE_BENCH"] != nil))
    func importBenchmark() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ARDOISE_BENCH"] ?? "/tmp/ardoise-bench")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let report = try ImportBenchmark.run(directory: dir)
        print(report)
        #expect(report.contains("0 refused"))
    }
}
