import Foundation

/// A value the ledger binds to a `?` of a statement: integers, text, bytes, or NULL (an absent optional).
/// Booleans are stored as 0 and 1 on both engines.
protocol SQLArgument {
    var sqlValue: SQLValue { get }
}

extension SQLValue: SQLArgument { var sqlValue: SQLValue { self } }
extension Int64: SQLArgument { var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLArgument { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Int32: SQLArgument { var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Bool: SQLArgument { var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension String: SQLArgument { var sqlValue: SQLValue { .text(self) } }
extension Substring: SQLArgument { var sqlValue: SQLValue { .text(String(self)) } }
extension Data: SQLArgument { var sqlValue: SQLValue { .bytes([UInt8](self)) } }
extension Array: SQLArgument where Element == UInt8 { var sqlValue: SQLValue { .bytes(self) } }
extension Optional: SQLArgument where Wrapped: SQLArgument { var sqlValue: SQLValue { self?.sqlValue ?? .null } }

/// A stored value read back as a Swift type. A value of another type (text where an integer is
/// expected, NULL in a non-optional) throws `SQLEngineError` naming the column: never a default.
protocol SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws
}

extension SQLValue {
    func malformed(_ column: String, expected: String) -> SQLEngineError {
        SQLEngineError(
            message: "malformed stored value in column `\(column)`: expected \(expected), found \(self)", sql: "")
    }
}

extension SQLValue: SQLDecodable { init(sqlValue: SQLValue, column: String) { self = sqlValue } }
extension Int64: SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws {
        guard case .integer(let v) = sqlValue else { throw sqlValue.malformed(column, expected: "an integer") }
        self = v
    }
}
extension Int: SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws {
        guard case .integer(let v) = sqlValue, let i = Int(exactly: v) else {
            throw sqlValue.malformed(column, expected: "an integer")
        }
        self = i
    }
}
extension Bool: SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws {
        guard case .integer(let v) = sqlValue, v == 0 || v == 1 else {
            throw sqlValue.malformed(column, expected: "0 or 1")
        }
        self = v == 1
    }
}
extension String: SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws {
        guard case .text(let v) = sqlValue else { throw sqlValue.malformed(column, expected: "text") }
        self = v
    }
}
extension Data: SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws {
        switch sqlValue {
        case .bytes(let v): self = Data(v)
        // SQLite gives back a BLOB written as text (a hand-made row) as text.
        case .text(let v): self = Data(v.utf8)
        default: throw sqlValue.malformed(column, expected: "bytes")
        }
    }
}
extension Array: SQLDecodable where Element == UInt8 {
    init(sqlValue: SQLValue, column: String) throws {
        if case .bytes(let v) = sqlValue {
            self = v
        } else {
            self = [UInt8](try Data(sqlValue: sqlValue, column: column))
        }
    }
}
extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    init(sqlValue: SQLValue, column: String) throws {
        if case .null = sqlValue { self = nil } else { self = try Wrapped(sqlValue: sqlValue, column: column) }
    }
}

/// The column names of a statement's rows, shared by its rows; found by name as SQLite and
/// PostgreSQL give them back (PostgreSQL lowercases unquoted aliases: lookups ignore case).
final class SQLColumns: @unchecked Sendable {
    let names: [String]
    /// Made at the first lookup by name: most rows are read by position. (One query's rows are read on one thread.)
    private lazy var index: [String: Int] = {
        var index: [String: Int] = [:]
        for (i, n) in names.enumerated() where index[n.lowercased()] == nil { index[n.lowercased()] = i }
        return index
    }()

    init(_ names: [String]) { self.names = names }

    func position(of name: String) -> Int? {
        if let i = index[name] { return i }
        return index[name.lowercased()]
    }
}

/// One row of a query: its values by position or by column name, read with a type
/// (`try row["amount"] as Int64`, `try row[0] as String?`) that throws on a value of another type.
struct SQLRow: CustomStringConvertible {
    let columns: SQLColumns
    let values: [SQLValue]

    var count: Int { values.count }

    func value(_ column: String) throws -> SQLValue {
        guard let i = columns.position(of: column) else {
            throw SQLEngineError(
                message: "no column `\(column)` in the row (\(columns.names.joined(separator: ", ")))", sql: "")
        }
        return values[i]
    }

    func get<T: SQLDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try T(sqlValue: try value(column), column: column)
    }

    func get<T: SQLDecodable>(_ position: Int, as type: T.Type = T.self) throws -> T {
        guard position >= 0, position < values.count else {
            throw SQLEngineError(message: "no column \(position) in a row of \(values.count)", sql: "")
        }
        return try T(sqlValue: values[position], column: columns.names[position])
    }

    /// `try row["amount"] as Int64`: the column's value as the type asked, or a thrown error.
    subscript<T: SQLDecodable>(_ column: String) -> T {
        get throws { try get(column) }
    }

    /// `try row[0] as String?`: the value at a position as the type asked, or a thrown error.
    subscript<T: SQLDecodable>(_ position: Int) -> T {
        get throws { try get(position) }
    }

    /// Whether the row has this column.
    func has(_ column: String) -> Bool { columns.position(of: column) != nil }

    /// The row as a stored record (`Codable` with camelCase properties for snake_case columns).
    func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T { try T(from: SQLRowDecoder(row: self)) }

    var description: String {
        "[" + zip(columns.names, values).map { "\($0)=\($1)" }.joined(separator: ", ") + "]"
    }
}

// MARK: - Records

/// snake_case of a camelCase property name, as the records' columns are named (`fileId` → `file_id`).
func snakeCase(_ name: String) -> String {
    // Property names are ASCII: byte by byte (asked for every column of every record read: `Character.isUppercase`
    // looks up Unicode properties, a few per cent of `verify`).
    var bytes: [UInt8] = []
    bytes.reserveCapacity(name.utf8.count + 4)
    for b in name.utf8 {
        guard b < 0x80 else { return snakeCaseOfUnicode(name) }
        if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") {
            bytes.append(UInt8(ascii: "_"))
            bytes.append(b + 32)
        } else {
            bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// `snakeCase` of a name with non-ASCII characters.
private func snakeCaseOfUnicode(_ name: String) -> String {
    var out = ""
    out.reserveCapacity(name.count + 4)
    for c in name {
        if c.isUppercase {
            out.append("_")
            out.append(contentsOf: c.lowercased())
        } else {
            out.append(c)
        }
    }
    return out
}

/// Reads a `Decodable` record from a row: the record's properties are the row's columns in snake_case;
/// strings, integers, booleans (0/1), bytes (`Data`) and string-valued enums; a missing or NULL column is nil
/// for an optional property and an error for any other.
private struct SQLRowDecoder: Decoder {
    let row: SQLRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(row: row))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SQLEngineError(message: "a stored record is read by column names", sql: "")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw SQLEngineError(message: "a stored record is read by column names", sql: "")
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.columns.names.compactMap { Key(stringValue: $0) } }

        func column(_ key: Key) -> String { snakeCase(key.stringValue) }
        func contains(_ key: Key) -> Bool { row.has(column(key)) }
        func decodeNil(forKey key: Key) throws -> Bool {
            guard row.has(column(key)) else { return true }
            if case .null = try row.value(column(key)) { return true }
            return false
        }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try row.get(column(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try row.get(column(key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try row.get(column(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try row.get(column(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            throw SQLEngineError(message: "the ledger stores no floating point (column `\(column(key))`)", sql: "")
        }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
            throw SQLEngineError(message: "the ledger stores no floating point (column `\(column(key))`)", sql: "")
        }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try narrow(key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try narrow(key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try narrow(key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try narrow(key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try narrow(key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try narrow(key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try narrow(key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try narrow(key) }

        func narrow<T: FixedWidthInteger>(_ key: Key) throws -> T {
            let v: Int64 = try row.get(column(key))
            guard let n = T(exactly: v) else {
                throw SQLValue.integer(v).malformed(column(key), expected: "a smaller integer")
            }
            return n
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let name = column(key)
            if type == Data.self, let v = try row.get(name) as Data as? T { return v }
            if type == [UInt8].self, let v = try row.get(name) as [UInt8] as? T { return v }
            // String-valued enums and other single values read through a single-value container; a value with
            // fields of its own is stored as JSON text, as GRDB stores it (`InvoiceLine.facts`).
            let value = try row.value(name)
            do {
                return try T(from: Single(value: value, column: name))
            } catch {
                guard case .text(let json) = value else { throw error }
                do {
                    return try JSONDecoder().decode(T.self, from: Data(json.utf8))
                } catch {
                    throw value.malformed(name, expected: "the JSON of \(T.self)")
                }
            }
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            throw SQLEngineError(message: "no nested values in a stored record (column `\(column(key))`)", sql: "")
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw SQLEngineError(message: "no nested values in a stored record (column `\(column(key))`)", sql: "")
        }
        func superDecoder() throws -> any Decoder { throw SQLEngineError(message: "no super decoder", sql: "") }
        func superDecoder(forKey key: Key) throws -> any Decoder {
            throw SQLEngineError(message: "no super decoder", sql: "")
        }
    }

    /// One column's value, for the `Decodable` types made of one value (string enums).
    struct Single: Decoder, SingleValueDecodingContainer {
        let value: SQLValue
        let column: String
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw value.malformed(column, expected: "one value")
        }
        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw value.malformed(column, expected: "one value")
        }
        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }
        func decodeNil() -> Bool { value == .null }
        func decode(_ type: Bool.Type) throws -> Bool { try Bool(sqlValue: value, column: column) }
        func decode(_ type: String.Type) throws -> String { try String(sqlValue: value, column: column) }
        func decode(_ type: Int.Type) throws -> Int { try Int(sqlValue: value, column: column) }
        func decode(_ type: Int64.Type) throws -> Int64 { try Int64(sqlValue: value, column: column) }
        func decode(_ type: Double.Type) throws -> Double {
            throw value.malformed(column, expected: "no floating point")
        }
        func decode(_ type: Float.Type) throws -> Float { throw value.malformed(column, expected: "no floating point") }
        func decode(_ type: Int8.Type) throws -> Int8 { try n() }
        func decode(_ type: Int16.Type) throws -> Int16 { try n() }
        func decode(_ type: Int32.Type) throws -> Int32 { try n() }
        func decode(_ type: UInt.Type) throws -> UInt { try n() }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try n() }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try n() }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try n() }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try n() }
        func n<T: FixedWidthInteger>() throws -> T {
            let v = try Int64(sqlValue: value, column: column)
            guard let n = T(exactly: v) else { throw value.malformed(column, expected: "a smaller integer") }
            return n
        }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
    }
}

/// The columns and values of an `Encodable` record, in its properties' order, for an INSERT both engines read.
struct SQLRecordEncoder {
    static func columns(of record: some Encodable) throws -> [(column: String, value: SQLValue)] {
        let box = Box()
        try record.encode(to: Encoder(box: box))
        // Synthesized encoding leaves nil optionals out: they are NULL columns all the same (an UPDATE sets them).
        var fields = box.fields
        let named = Set(fields.map(\.column))
        for child in Mirror(reflecting: record).children {
            guard let label = child.label, !named.contains(snakeCase(label)) else { continue }
            if isNil(child.value) { fields.append((snakeCase(label), .null)) }
        }
        return fields
    }

    /// Whether a reflected property's value is an Optional holding nil.
    static func isNil(_ value: Any) -> Bool {
        let m = Mirror(reflecting: value)
        return m.displayStyle == .optional && m.children.isEmpty
    }

    final class Box { var fields: [(column: String, value: SQLValue)] = [] }

    struct Encoder: Swift.Encoder {
        let box: Box
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(Keyed<Key>(box: box))
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { Unsupported() }
        func singleValueContainer() -> any SingleValueEncodingContainer { Unsupported() }
    }

    struct Failure: Error {}

    /// Records are flat: nested values are refused.
    struct Unsupported: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        var codingPath: [any CodingKey] { [] }
        var count: Int { 0 }
        mutating func encodeNil() throws { throw Failure() }
        mutating func encode<T: Encodable>(_ value: T) throws { throw Failure() }
        mutating func nestedContainer<K: CodingKey>(keyedBy keyType: K.Type) -> KeyedEncodingContainer<K> {
            KeyedEncodingContainer(Keyed<K>(box: Box()))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
        mutating func superEncoder() -> any Swift.Encoder { Encoder(box: Box()) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        var codingPath: [any CodingKey] { [] }
        func put(_ key: Key, _ value: SQLValue) { box.fields.append((snakeCase(key.stringValue), value)) }
        mutating func encodeNil(forKey key: Key) throws { put(key, .null) }
        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
            if let value { try encode(value, forKey: key) } else { put(key, .null) }
        }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            switch value {
            case let v as any SQLArgument: put(key, v.sqlValue)
            case let v as any RawRepresentable:
                guard let s = v.rawValue as? String else { throw Failure() }
                put(key, .text(s))
            default:
                // A value with fields of its own is stored as JSON text, as GRDB stores it.
                let encoder = JSONEncoder()
                encoder.outputFormatting = .sortedKeys
                put(key, .text(String(decoding: try encoder.encode(value), as: UTF8.self)))
            }
        }
        mutating func nestedContainer<K: CodingKey>(keyedBy keyType: K.Type, forKey key: Key) -> KeyedEncodingContainer<
            K
        > {
            KeyedEncodingContainer(Keyed<K>(box: Box()))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Unsupported() }
        mutating func superEncoder() -> any Swift.Encoder { Encoder(box: Box()) }
        mutating func superEncoder(forKey key: Key) -> any Swift.Encoder { Encoder(box: Box()) }
    }
}

// MARK: - Stored words

extension SQLArgument where Self: RawRepresentable, RawValue == String {
    var sqlValue: SQLValue { .text(rawValue) }
}

extension SQLDecodable where Self: RawRepresentable, RawValue == String {
    init(sqlValue: SQLValue, column: String) throws {
        guard let v = Self(rawValue: try String(sqlValue: sqlValue, column: column)) else {
            throw sqlValue.malformed(column, expected: "one of the words of \(Self.self)")
        }
        self = v
    }
}

import BillingModel

extension InvoiceStatus: SQLArgument, SQLDecodable {}
extension InvoiceOrigin: SQLArgument, SQLDecodable {}
extension DocumentKind: SQLArgument, SQLDecodable {}
extension FileStatus: SQLArgument, SQLDecodable {}
extension FileKind: SQLArgument, SQLDecodable {}
extension OutboxStatus: SQLArgument, SQLDecodable {}
extension PlatformFlowKind: SQLArgument, SQLDecodable {}
extension PlatformFlowStatus: SQLArgument, SQLDecodable {}
extension NoticeKind: SQLArgument, SQLDecodable {}
extension NoticeStatus: SQLArgument, SQLDecodable {}
extension LineBasis.Kind: SQLArgument, SQLDecodable {}
