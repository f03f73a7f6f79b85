import BillingModel
import Foundation

/// The faults `examples/formats/pielectronique.md` says registers make, one per row.
public enum RegisterFault: String, CaseIterable, Sendable, Hashable {
    /// `montant_ttc` one cent off `quantite × pu_ttc`: kept as written, with a warning.
    case oneCentMismatch
    /// Bytes that are not UTF-8 (Latin-1 `é`): rejected.
    case invalidUTF8
    /// `site` not the file's: rejected.
    case wrongSite
    /// `date` not the file's: rejected.
    case wrongDate
    /// A client code no settings know: kept, reported as unbilled.
    case unknownClient
    /// A field missing: rejected.
    case wrongFieldCount
    /// `pu_ttc` unreadable: rejected.
    case unparseableAmount
    /// `date` not a date: rejected.
    case unparseableDate

    /// Whether the importer must reject the row.
    public var rejects: Bool { self != .oneCentMismatch && self != .unknownClient }
}

/// A register file written with every fault injected at a known line.
public struct FaultyRegisterFile: Sendable {
    public var url: URL
    public var site: String
    public var day: Day
    /// The physical line of each fault.
    public var lines: [RegisterFault: Int]
    /// Rows the importer must keep, and their sums as written (cents).
    public var validRows: Int
    public var validAmount: Int64
    public var validEmployerShare: Int64
    /// The client code of the `unknownClient` row.
    public var unknownClient: String
    /// The line of a valid record whose label holds a line break (inside quotes).
    public var multilineRecordLine: Int
}

extension DemoGenerator {
    /// Writes `PIE_<site>_<day>.csv` into `directory` with each fault of the
    /// format doc injected on its own row, plus a valid record spanning two lines.
    public func writeFaultyRegisterFile(
        site: String, day: Day, to directory: URL,
        unknownClient: String = "C9999"
    ) throws -> FaultyRegisterFile {
        let rows = registerRows(site: site, day: day)
        let faults = RegisterFault.allCases
        var at: [Int: RegisterFault] = [:]
        for (k, fault) in faults.enumerated() { at[(k + 1) * rows.count / (faults.count + 2)] = fault }
        let multilineIndex = 2
        var out: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(DemoGenerator.csvHeader.utf8) + [13, 10]
        var line = 2
        var result = FaultyRegisterFile(
            url: directory.appendingPathComponent("PIE_\(site)_\(day.compact).csv"),
            site: site, day: day, lines: [:], validRows: 0, validAmount: 0,
            validEmployerShare: 0, unknownClient: unknownClient,
            multilineRecordLine: 0)
        for (index, original) in rows.enumerated() {
            var r = original
            var bytes: [UInt8] = []
            let fault = at[index]
            // Fault rows get a plain label, so that fields can be edited by position.
            if fault != nil { r.label = fault == .invalidUTF8 ? "Caf@ cr@me" : "Plat du jour" }
            switch fault {
            case .oneCentMismatch?: r.amount += 1
            case .wrongSite?: r.site = "ZZ99"
            case .unknownClient?:
                r.badge = "0999999"; r.client = unknownClient; r.category = "A"
            default: break
            }
            if index == multilineIndex {
                r.label = "Menu du jour\nservi en salle"
                result.multilineRecordLine = line
            }
            if fault == .wrongDate { r.day = day.adding(days: 1) }
            DemoGenerator.appendRow(r, to: &bytes)
            switch fault {
            case .invalidUTF8?:
                // The label as a Latin-1 register writes it: `é` and `è` as single bytes.
                bytes = replaceField(
                    bytes, index: 10, with: [0x43, 0x61, 0x66, 0xE9, 0x20, 0x63, 0x72, 0xE8, 0x6D, 0x65])
            case .wrongFieldCount?:
                if let i = bytes.lastIndex(of: 59) { bytes.removeSubrange(i...) }
            case .unparseableAmount?:
                bytes = replaceField(bytes, index: 12, with: Array("7,0O".utf8))
            case .unparseableDate?:
                bytes = replaceField(bytes, index: 3, with: Array("32/\(day.french.dropFirst(3))".utf8))
            default: break
            }
            out += bytes
            out += [13, 10]
            if let fault { result.lines[fault] = line }
            if fault?.rejects != true {
                result.validRows += 1
                result.validAmount += r.amount
                result.validEmployerShare += r.employerShare
            }
            line += 1 + bytes.filter { $0 == 10 }.count
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(out).write(to: result.url)
        return result
    }

    /// The row with field `index` (0-based, unquoted rows only) replaced.
    private func replaceField(_ row: [UInt8], index: Int, with value: [UInt8]) -> [UInt8] {
        var fields = row.split(separator: 59, omittingEmptySubsequences: false).map(Array.init)
        // Quoted fields may hold `;`: rebuild only when the split is plain.
        guard fields.count == 16, index < fields.count else { return row }
        fields[index] = value
        return Array(fields.joined(separator: [59]))
    }
}
