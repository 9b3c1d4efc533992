import AlongsideCore
import Foundation
import Testing

@Suite("Default data")
struct DefaultDataTests {
    /// The package root, found from this file's path (Tests/AlongsideCoreTests/<this file>).
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    private static func fileBytes(_ name: String) throws -> Data {
        try Data(contentsOf: root.appendingPathComponent("data").appendingPathComponent(name))
    }

    private static func haversineKm(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
        let radius = 6371.0088
        let toRadians = Double.pi / 180
        let dLat = (b.0 - a.0) * toRadians
        let dLon = (b.1 - a.1) * toRadians
        let h =
            pow(sin(dLat / 2), 2)
            + cos(a.0 * toRadians) * cos(b.0 * toRadians) * pow(sin(dLon / 2), 2)
        return 2 * radius * asin(min(1, sqrt(h)))
    }

    @Test func embeddedCopiesMatchFilesByteForByte() throws {
        #expect(Data(DefaultData.tagsCSV.utf8) == (try Self.fileBytes("tags.csv")))
        #expect(Data(DefaultData.localitiesCSV.utf8) == (try Self.fileBytes("localities.csv")))
    }

    @Test func tagsHaveEveryRequiredIdAndValidFields() throws {
        let table = try CSV.parseTable(DefaultData.tagsCSV)
        #expect(table.header == ["id", "name", "special_category"])
        try table.requireColumns(["id", "name", "special_category"])
        #expect(table.widthErrors().isEmpty)
        let ids = table.rows.map { table.value($0, "id") }
        #expect(Set(ids).count == ids.count)
        let required = [
            "alcohol", "drugs", "homelessness", "debt", "domestic-abuse", "bereavement",
            "self-harm", "perinatal", "unpaid-carer", "criminal-justice", "armed-forces",
            "loneliness", "gambling", "lgbtq", "employment", "housing", "psychosis",
            "eating-disorder", "suicidal-crisis",
        ]
        for id in required {
            #expect(ids.contains(id), "missing tag \(id)")
        }
        var special: [String: String] = [:]
        for row in table.rows {
            let id = table.value(row, "id")
            #expect(row.fields.count == 3)
            let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
            #expect(!id.isEmpty && id.allSatisfy { allowed.contains($0) })
            #expect(!table.value(row, "name").isEmpty)
            special[id] = table.value(row, "special_category")
        }
        #expect(special.values.allSatisfy { $0 == "yes" || $0 == "no" })
        let mustBeSpecial = [
            "drugs", "alcohol", "self-harm", "psychosis", "eating-disorder", "suicidal-crisis",
            "lgbtq", "criminal-justice", "domestic-abuse",
        ]
        for id in mustBeSpecial {
            #expect(special[id] == "yes", "\(id) should be special category")
        }
        for id in ["housing", "debt", "employment", "loneliness", "homelessness"] {
            #expect(special[id] == "no", "\(id) should not be special category")
        }
    }

    @Test func localitiesHaveEveryRequiredIdAndPlausibleCoordinates() throws {
        let table = try CSV.parseTable(DefaultData.localitiesCSV)
        #expect(table.header == ["id", "name", "lat", "lon"])
        try table.requireColumns(["id", "name", "lat", "lon"])
        var points: [String: (Double, Double)] = [:]
        for row in table.rows {
            #expect(row.fields.count == 4)
            let id = table.value(row, "id")
            #expect(points[id] == nil, "repeated locality \(id)")
            #expect(!table.value(row, "name").isEmpty)
            let lat = try #require(Double(table.value(row, "lat")))
            let lon = try #require(Double(table.value(row, "lon")))
            // Four decimal places, and within Lancashire.
            #expect(table.value(row, "lat").split(separator: ".").last?.count == 4)
            #expect(table.value(row, "lon").split(separator: ".").last?.count == 4)
            #expect((53.5...54.2).contains(lat), "\(id) latitude")
            #expect((-3.1 ... -2.3).contains(lon), "\(id) longitude")
            points[id] = (lat, lon)
        }
        let required = [
            "blackpool", "fleetwood", "thornton-cleveleys", "poulton-le-fylde", "lytham-st-annes",
            "kirkham", "garstang", "preston", "lancaster", "chorley",
        ]
        for id in required {
            #expect(points[id] != nil, "missing locality \(id)")
        }
        let blackpool = try #require(points["blackpool"])
        let preston = try #require(points["preston"])
        let fleetwood = try #require(points["fleetwood"])
        let lancaster = try #require(points["lancaster"])
        #expect((21.0...25.0).contains(Self.haversineKm(blackpool, preston)))
        #expect((10.0...12.0).contains(Self.haversineKm(fleetwood, blackpool)))
        #expect((30.0...36.0).contains(Self.haversineKm(preston, lancaster)))
    }
}
