import Foundation

/// A lived-experience tag from `tags.csv`.
public struct Tag: Sendable, Equatable, Hashable {
    /// The tag id (`alcohol`).
    public var id: String
    /// A short human label.
    public var name: String
    /// Whether the tag reveals special-category data (health, sex life, criminal records).
    public var specialCategory: Bool
}

/// An area from `localities.csv`.
public struct Locality: Sendable, Equatable, Hashable {
    /// The locality id (`blackpool`).
    public var id: String
    /// The display name.
    public var name: String
    /// Latitude in degrees.
    public var lat: Double
    /// Longitude in degrees.
    public var lon: Double
}

/// A problem found in a tags or localities file.
public struct CatalogError: Error, CustomStringConvertible, Equatable {
    /// Line in the file (1 is the header).
    public var line: Int
    /// What is wrong.
    public var message: String
    /// `LINE: message`.
    public var description: String { "\(line): \(message)" }
}

/// The known tags, in file order.
public struct TagCatalog: Sendable {
    /// Tags in the order of the file.
    public let tags: [Tag]
    private let byID: [String: Tag]

    /// Reads a `tags.csv` text (`id,name[,special_category]`).
    public init(csv text: String) throws(CatalogError) {
        let table: CSVTable
        do { table = try CSV.parseTable(text) } catch {
            throw CatalogError(line: error.line, message: error.message)
        }
        do { try table.requireColumns(["id"]) } catch {
            throw CatalogError(line: error.line, message: error.message)
        }
        var tags: [Tag] = []
        var seen: [String: Tag] = [:]
        for row in table.rows {
            let id = table.value(row, "id").trimmingCharacters(in: .whitespaces).lowercased()
            guard Identifiers.isValidTag(id) else {
                throw CatalogError(line: row.line, message: "id: '\(id)' is not a valid tag id")
            }
            guard seen[id] == nil else {
                throw CatalogError(line: row.line, message: "id: '\(id)' is repeated")
            }
            let name = table.value(row, "name")
            let special = table.value(row, "special_category").lowercased() == "yes"
            let tag = Tag(id: id, name: name.isEmpty ? id : name, specialCategory: special)
            tags.append(tag)
            seen[id] = tag
        }
        self.tags = tags
        self.byID = seen
    }

    /// The default catalogue shipped with Alongside.
    public static let standard: TagCatalog = {
        do { return try TagCatalog(csv: DefaultData.tagsCSV) } catch {
            fatalError("the built-in tags.csv is broken: \(error)")
        }
    }()

    /// The tag with that id.
    public func tag(_ id: String) -> Tag? { byID[id.lowercased()] }

    /// All ids in file order.
    public var ids: [String] { tags.map(\.id) }
}

/// The known localities, in file order, with distances between them.
public struct LocalityCatalog: Sendable {
    /// Localities in the order of the file.
    public let localities: [Locality]
    private let byID: [String: Locality]

    /// Reads a `localities.csv` text (`id,name,lat,lon`).
    public init(csv text: String) throws(CatalogError) {
        let table: CSVTable
        do { table = try CSV.parseTable(text) } catch {
            throw CatalogError(line: error.line, message: error.message)
        }
        do { try table.requireColumns(["id", "name", "lat", "lon"]) } catch {
            throw CatalogError(line: error.line, message: error.message)
        }
        var list: [Locality] = []
        var seen: [String: Locality] = [:]
        for row in table.rows {
            let id = table.value(row, "id").trimmingCharacters(in: .whitespaces).lowercased()
            guard Identifiers.isValidTag(id) else {
                throw CatalogError(line: row.line, message: "id: '\(id)' is not a valid id")
            }
            guard seen[id] == nil else {
                throw CatalogError(line: row.line, message: "id: '\(id)' is repeated")
            }
            guard let lat = Double(table.value(row, "lat")), (-90...90).contains(lat) else {
                throw CatalogError(line: row.line, message: "lat: not a latitude in degrees")
            }
            guard let lon = Double(table.value(row, "lon")), (-180...180).contains(lon) else {
                throw CatalogError(line: row.line, message: "lon: not a longitude in degrees")
            }
            let locality = Locality(id: id, name: table.value(row, "name"), lat: lat, lon: lon)
            list.append(locality)
            seen[id] = locality
        }
        self.localities = list
        self.byID = seen
    }

    /// The default catalogue shipped with Alongside (the Fylde coast and neighbours).
    public static let standard: LocalityCatalog = {
        do { return try LocalityCatalog(csv: DefaultData.localitiesCSV) } catch {
            fatalError("the built-in localities.csv is broken: \(error)")
        }
    }()

    /// The locality with that id.
    public func locality(_ id: String) -> Locality? { byID[id.lowercased()] }

    /// All ids in file order.
    public var ids: [String] { localities.map(\.id) }

    /// Great-circle distance in km between two localities, nil if either is unknown.
    public func distanceKm(_ a: String, _ b: String) -> Double? {
        guard let x = byID[a.lowercased()], let y = byID[b.lowercased()] else { return nil }
        return Self.haversineKm(lat1: x.lat, lon1: x.lon, lat2: y.lat, lon2: y.lon)
    }

    /// Haversine distance on a sphere of radius 6371.0088 km.
    public static func haversineKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double)
        -> Double
    {
        let r = 6371.0088
        let p1 = lat1 * .pi / 180
        let p2 = lat2 * .pi / 180
        let dp = (lat2 - lat1) * .pi / 180
        let dl = (lon2 - lon1) * .pi / 180
        let h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2)
        return 2 * r * asin(min(1, sqrt(h)))
    }
}

/// Rules for ids typed by people.
public enum Identifiers {
    /// `id.lowercased()`, the key ids, tags, localities and languages are compared by,
    /// without building a new string when it is already lower-case ASCII (as stored values
    /// almost always are).
    public static func caseKey(_ id: String) -> String {
        for byte in id.utf8 where byte >= 0x80 || (byte >= 65 && byte <= 90) {
            return id.lowercased()
        }
        return id
    }

    /// Subcommand words a mentor id may not be (`leave remove`, `mentor in`, …).
    public static let reservedMentorIDs: Set<String> = ["add", "list", "remove", "in", "out"]

    /// Mentor ids: letters, digits and `-`, 1 to 32 characters, not shaped like a
    /// presentation id (`P12`), so `show` can tell them apart, and not a subcommand word.
    public static func mentorIDProblem(_ id: String) -> String? {
        if id.isEmpty { return "a mentor id cannot be empty" }
        if id.count > 32 { return "'\(id.prefix(40))' is longer than 32 characters" }
        let ok = id.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9")
                || $0 == "-"
        }
        if !ok { return "'\(id)' may hold only letters, digits and '-'" }
        if reservedMentorIDs.contains(id.lowercased()) {
            let words = reservedMentorIDs.sorted().joined(separator: ", ")
            return "'\(id)' is a command word (\(words)); choose another id"
        }
        if let first = id.first, first == "P" || first == "p",
            id.dropFirst().first.map({ $0.isASCIIDigitChar || $0 == "-" }) == true
        {
            return "'\(id)' looks like a presentation id; choose another (for example M\(id.dropFirst()))"
        }
        return nil
    }

    /// Why text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) is
    /// refused, or nil: exported files then open safely (no CSV formula injection).
    public static func spreadsheetFormulaProblem(_ text: String) -> String? {
        guard let first = text.first, "=+-@".contains(first) else { return nil }
        return "starts with '\(first)', which a spreadsheet would run as a formula; remove it"
    }

    /// Orders ids as people expect: `M2` before `M10`, case-insensitively.
    public static func naturalLess(_ a: String, _ b: String) -> Bool {
        NaturalKey(a) < NaturalKey(b)
    }

    /// `items` sorted by their ids in natural order, each id's key computed once.
    public static func sortedNaturally<T>(_ items: [T], id: (T) -> String) -> [T] {
        // Sort positions, not the items: large structs are then moved once, not per swap.
        let keys = items.map { NaturalKey(id($0)) }
        return keys.indices.sorted { keys[$0] < keys[$1] }.map { items[$0] }
    }

    /// Tag and locality ids: lower-case letters, digits and `-`.
    public static func isValidTag(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") || $0 == "-"
            }
    }
}

/// A sort key for ids: runs of digits compare as numbers (`M2` < `M10`), letters without
/// regard to case, and the plain text breaks ties. Built once per id; comparing two keys
/// is a walk over bytes.
public struct NaturalKey: Comparable, Sendable {
    /// Runs of the lower-cased id: digit runs without leading zeros.
    private var parts: [(digits: Bool, bytes: [UInt8])] = []
    private let plain: String

    /// The key of `id`.
    public init(_ id: String) {
        plain = id
        var current: [UInt8] = []
        var inDigits = false
        for byte in id.lowercased().utf8 {
            let isDigit = byte >= 48 && byte <= 57
            if !current.isEmpty && isDigit != inDigits {
                parts.append((inDigits, inDigits ? Self.trimZeros(current) : current))
                current = []
            }
            inDigits = isDigit
            current.append(byte)
        }
        if !current.isEmpty { parts.append((inDigits, inDigits ? Self.trimZeros(current) : current)) }
    }

    private static func trimZeros(_ digits: [UInt8]) -> [UInt8] {
        Array(digits.drop { $0 == 48 })
    }

    /// Natural order.
    public static func < (a: NaturalKey, b: NaturalKey) -> Bool {
        for (p, q) in zip(a.parts, b.parts) where p.bytes != q.bytes || p.digits != q.digits {
            if p.digits && q.digits && p.bytes.count != q.bytes.count {
                return p.bytes.count < q.bytes.count
            }
            return p.bytes.lexicographicallyPrecedes(q.bytes)
        }
        if a.parts.count != b.parts.count { return a.parts.count < b.parts.count }
        return a.plain < b.plain
    }

    /// Equal ids.
    public static func == (a: NaturalKey, b: NaturalKey) -> Bool { a.plain == b.plain }
}
