import BillingModel
import CXlsxWriter

/// A failure of libxlsxwriter (or of the way it was called), naming the file.
public struct SpreadsheetError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}

/// A column of a sheet: its header and its width (in characters, as Excel counts them).
public struct Column: Sendable, Hashable {
    public var title: String
    public var width: Double
    public init(_ title: String, width: Double = 12) {
        self.title = title
        self.width = width
    }
}

/// How a number is shown. Each becomes one cell format of the workbook.
public enum NumberFormat: Sendable, Hashable {
    case general
    /// `1,234`
    case integer
    /// `1,234.56`: amounts.
    case amount
    /// At least `places` decimals, up to `scale` (`10`, `5.5`, `4.2035`).
    case decimal(places: Int, scale: Int)
    /// `05/10/2026`: a real Excel date (a day serial with the French date format, `jj/mm/aaaa` in a French Excel).
    case date

    var excelFormat: String? {
        switch self {
        case .general: nil
        case .integer: "#,##0"
        case .amount: "#,##0.00"
        case let .decimal(places, scale):
            "#,##0"
                + (scale > 0
                    ? "." + String(repeating: "0", count: places)
                        + String(repeating: "#", count: max(0, scale - places)) : "")
        case .date: "dd/mm/yyyy"
        }
    }
}

/// The look of a cell: its number format, bold, and a highlight (a yellow fill).
public struct CellStyle: Sendable, Hashable {
    public var number: NumberFormat
    public var bold: Bool
    public var highlighted: Bool
    public init(number: NumberFormat = .general, bold: Bool = false, highlighted: Bool = false) {
        self.number = number
        self.bold = bold
        self.highlighted = highlighted
    }
    /// Header rows: bold on a grey fill.
    static let header = CellStyle(bold: true)
}

/// One typed cell. Numbers are written as numbers, dates as Excel dates,
/// amounts as numbers with two decimals.
///
/// Money stays integer cents everywhere in Ardoise. XLSX stores every number
/// as an IEEE double, so an amount becomes `Double(cents) / 100` here, at
/// write time and nowhere else: the nearest double to the decimal amount,
/// which every reader shows back as the same two-decimal number. No sum is
/// left to the spreadsheet: totals are summed in integer cents before they are
/// written, so a total cell is exactly the ledger's figure.
public struct Cell: Sendable, Hashable {
    enum Value: Sendable, Hashable {
        case empty
        case text(String)
        case integer(Int64)
        /// `units / 10^scale`
        case decimal(Int64, scale: Int)
        /// Days since 1970-01-01.
        case date(Int)
    }

    var value: Value
    public var style: CellStyle

    init(_ value: Value, _ number: NumberFormat) {
        self.value = value
        self.style = CellStyle(number: number)
    }

    public static let empty = Cell(.empty, .general)
    public static func text(_ s: String) -> Cell { s.isEmpty ? .empty : Cell(.text(s), .general) }
    /// Nil is an empty cell.
    public static func text(_ s: String?) -> Cell { s.map { text($0) } ?? .empty }
    public static func integer(_ v: Int) -> Cell { Cell(.integer(Int64(v)), .integer) }
    public static func integer(_ v: Int64) -> Cell { Cell(.integer(v), .integer) }
    /// An amount in integer cents, shown with two decimals.
    public static func amount(cents: Int64) -> Cell { Cell(.decimal(cents, scale: 2), .amount) }
    public static func amount(_ m: Money) -> Cell { amount(cents: m.cents) }
    /// A fixed-point number `units / 10^scale`, e.g. a VAT rate in
    /// ten-thousandths of a percent (`decimal(55_000, scale: 4, places: 1)`
    /// is 5.5) or a unit price in ten-thousandths of a euro.
    public static func decimal(_ units: Int64, scale: Int, places: Int) -> Cell {
        Cell(.decimal(units, scale: scale), .decimal(places: places, scale: scale))
    }
    public static func date(_ day: Day) -> Cell { Cell(.date(day.ordinal), .date) }
    public static func date(_ day: Day?) -> Cell { day.map { date($0) } ?? .empty }

    public func highlighted(_ on: Bool = true) -> Cell {
        var c = self
        c.style.highlighted = on
        return c
    }

    public func bold(_ on: Bool = true) -> Cell {
        var c = self
        c.style.bold = on
        return c
    }

    /// The number XLSX stores for a numeric cell (see the type's note on money).
    public var number: Double? {
        switch value {
        case .empty, .text: nil
        case let .integer(v): Double(v)
        case let .decimal(v, scale): Double(v) / Cell.powers[min(max(scale, 0), Cell.powers.count - 1)]
        // Excel's serial: days since 1899-12-30 (exact for every day after 1900-02-28).
        case let .date(ordinal): Double(ordinal + 25_569)
        }
    }

    static let powers: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
}

/// An XLSX workbook being written with libxlsxwriter. Nothing is on disk
/// until `close()` succeeds; a workbook dropped without `close()` writes
/// nothing. In constant-memory mode each sheet's rows are streamed to a
/// temporary file as they are appended (rows only in order, which `Sheet`
/// enforces), so a million-row sheet takes a few megabytes.
public final class Workbook {
    public let path: String
    private var handle: UnsafeMutablePointer<lxw_workbook>?
    private var formats: [CellStyle: UnsafeMutablePointer<lxw_format>] = [:]
    private var sheetNames: Set<String> = []
    private var sheets: [Sheet] = []
    /// Rows per worksheet, header included, before a sheet continues on the next (Excel's limit; lowered in tests).
    var rowLimit = Sheet.maxRows

    public init(path: String, constantMemory: Bool = false) throws {
        self.path = path
        var options = lxw_workbook_options(constant_memory: constantMemory ? 1 : 0, tmpdir: nil, use_zip64: 1)
        guard let h = workbook_new_opt(path, &options) else {
            throw SpreadsheetError(file: path, message: "libxlsxwriter could not create the workbook")
        }
        handle = h
    }

    deinit {
        // Not closed (an error on the way): free everything, write nothing.
        if let h = handle { lxw_workbook_free(h) }
    }

    /// Adds a sheet with a bold header row, frozen, its column widths and an
    /// autofilter over the rows written. A sheet that reaches Excel's row
    /// limit (1,048,576) continues on `name (2)`, `name (3)`, … with the same header.
    public func addSheet(_ name: String, columns: [Column]) throws -> Sheet {
        let sheet = Sheet(workbook: self, name: name, columns: columns)
        try sheet.begin()
        sheets.append(sheet)
        return sheet
    }

    /// Writes the file. Errors of libxlsxwriter name the file.
    public func close() throws {
        guard let h = handle else { throw error("the workbook is already closed") }
        for s in sheets { try s.finish() }
        handle = nil
        let code = workbook_close(h)
        guard code == LXW_NO_ERROR else { throw error(code, "writing the file") }
    }

    // MARK: for Sheet

    func newWorksheet(_ name: String) throws -> UnsafeMutablePointer<lxw_worksheet> {
        guard let h = handle else { throw error("the workbook is closed") }
        let check = workbook_validate_sheet_name(h, name)
        guard check == LXW_NO_ERROR else { throw error(check, "sheet `\(name)`") }
        guard !sheetNames.contains(name.lowercased()), let ws = workbook_add_worksheet(h, name) else {
            throw error("sheet `\(name)` could not be added")
        }
        sheetNames.insert(name.lowercased())
        return ws
    }

    func format(_ style: CellStyle) throws -> UnsafeMutablePointer<lxw_format>? {
        if style == CellStyle() { return nil }
        if let f = formats[style] { return f }
        guard let h = handle, let f = workbook_add_format(h) else { throw error("a cell format could not be added") }
        if let n = style.number.excelFormat { format_set_num_format(f, n) }
        if style.bold { format_set_bold(f) }
        if style.highlighted {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, 0xFFEB9C)  // Excel's "neutral" yellow
        } else if style == CellStyle.header {
            format_set_pattern(f, UInt8(LXW_PATTERN_SOLID.rawValue))
            format_set_bg_color(f, 0xD9D9D9)
        }
        formats[style] = f
        return f
    }

    func error(_ message: String) -> SpreadsheetError { SpreadsheetError(file: path, message: message) }

    func error(_ code: lxw_error, _ context: String) -> SpreadsheetError {
        let reason = lxw_strerror(code).map { String(cString: $0) } ?? "libxlsxwriter error \(code.rawValue)"
        return SpreadsheetError(file: path, message: "\(context): \(reason)")
    }
}

/// A sheet of a workbook: rows are appended in order under the header.
public final class Sheet {
    /// Excel's row limit, header included.
    public static let maxRows = Int(LXW_ROW_MAX)

    /// Weak: the workbook owns its sheets; a sheet kept after its workbook is gone only throws.
    private weak var owner: Workbook?
    public let name: String
    public let columns: [Column]
    private var worksheet: UnsafeMutablePointer<lxw_worksheet>?
    private var part = 1
    /// The next row to write in the current worksheet (0 is the header).
    private var row: UInt32 = 0
    /// Data rows written, over all parts.
    public private(set) var rowCount = 0
    /// Continuation sheets used (1 when the rows fit in one).
    public var parts: Int { part }

    init(workbook: Workbook, name: String, columns: [Column]) {
        self.owner = workbook
        self.name = name
        self.columns = columns
    }

    private var workbook: Workbook {
        get throws {
            guard let w = owner else {
                throw SpreadsheetError(file: "?", message: "sheet `\(name)`: its workbook is gone")
            }
            return w
        }
    }

    func begin() throws {
        let workbook = try self.workbook
        let ws = try workbook.newWorksheet(part == 1 ? name : "\(name) (\(part))")
        worksheet = ws
        let header = try workbook.format(.header)
        for (i, c) in columns.enumerated() {
            let col = lxw_col_t(i)
            var code = worksheet_set_column(ws, col, col, c.width, nil)
            guard code == LXW_NO_ERROR else { throw workbook.error(code, "sheet `\(name)`, column \(i + 1)") }
            code = worksheet_write_string(ws, 0, col, c.title, header)
            guard code == LXW_NO_ERROR else { throw workbook.error(code, "sheet `\(name)`, header `\(c.title)`") }
        }
        worksheet_freeze_panes(ws, 1, 0)
        row = 1
    }

    /// Closes the current part: the autofilter over its header and rows.
    func finish() throws {
        guard let ws = worksheet, !columns.isEmpty else { return }
        let workbook = try self.workbook
        let code = worksheet_autofilter(ws, 0, 0, max(row, 1) - 1, lxw_col_t(columns.count - 1))
        guard code == LXW_NO_ERROR else { throw workbook.error(code, "sheet `\(name)`, autofilter") }
    }

    /// Appends one row (at most as many cells as columns).
    public func append(_ cells: [Cell]) throws {
        let workbook = try self.workbook
        guard cells.count <= columns.count else {
            throw workbook.error("sheet `\(name)`: a row of \(cells.count) cells under \(columns.count) columns")
        }
        if Int(row) >= workbook.rowLimit {
            try finish()
            part += 1
            try begin()
        }
        guard let ws = worksheet else { throw workbook.error("sheet `\(name)` is closed") }
        for (i, cell) in cells.enumerated() {
            try write(cell, ws, lxw_col_t(i), workbook)
        }
        row += 1
        rowCount += 1
    }

    private func write(_ cell: Cell, _ ws: UnsafeMutablePointer<lxw_worksheet>, _ col: lxw_col_t, _ workbook: Workbook)
        throws
    {
        let format = try workbook.format(cell.style)
        let code: lxw_error
        switch cell.value {
        case .empty:
            guard format != nil else { return }
            code = worksheet_write_blank(ws, row, col, format)
        case let .text(s):
            code = worksheet_write_string(ws, row, col, s, format)
        default:
            code = worksheet_write_number(ws, row, col, cell.number ?? 0, format)
        }
        guard code == LXW_NO_ERROR else {
            throw workbook.error(code, "sheet `\(name)`, row \(row + 1), column `\(columns[Int(col)].title)`")
        }
    }
}
