import Foundation

/// A rejected directory: every problem as `FILE:LINE: message`.
public struct ServiceImportFailure: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Equatable {
        /// The file as the user named it (`dir/services.csv`).
        public var file: String
        /// Physical line, from 1 for the header.
        public var line: Int
        /// What is wrong.
        public var message: String
    }

    /// Every problem found, by file then line.
    public var problems: [Problem]

    /// `FILE:LINE: message` lines.
    public var lines: [String] { problems.map { "\($0.file):\($0.line): \($0.message)" } }

    /// All the lines.
    public var description: String { lines.joined(separator: "\n") }
}

/// Reads a directory of services in Open Referral UK's tabular form (version 1 file and
/// column names, the subset of spec §12), all or nothing.
public enum ServiceDirectoryImport {
    /// The files, in the order they are checked.
    public static let files = [
        "services.csv", "service_areas.csv", "regular_schedules.csv", "service_taxonomies.csv",
    ]
    /// Required columns of each file.
    public static let columns: [String: [String]] = [
        "services.csv": ["id", "name", "description", "status", "email", "url"],
        "service_areas.csv": ["id", "service_id", "service_area"],
        "regular_schedules.csv": [
            "id", "service_id", "freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to",
        ],
        "service_taxonomies.csv": ["id", "service_id", "taxonomy_id"],
    ]
    /// Optional columns of `services.csv`.
    public static let optionalServiceColumns = ["minimum_age", "maximum_age"]

    /// Parses and checks the four files. `texts` maps each file name of `files` to its
    /// text; `display` turns a file name into the path shown in errors. Services come back
    /// in the order of `services.csv`.
    public static func read(
        _ texts: [String: String], display: (String) -> String, tags: TagCatalog,
        localities: LocalityCatalog
    ) throws(ServiceImportFailure) -> [Service] {
        var problems: [ServiceImportFailure.Problem] = []
        func fail(_ file: String, _ line: Int, _ message: String) {
            problems.append(.init(file: display(file), line: line, message: message))
        }
        var tables: [String: CSVTable] = [:]
        var misshapen: [String: [CSVRecord]] = [:]  // rows of the wrong width, by file
        for file in files {
            guard let text = texts[file] else {
                fail(
                    file, 1,
                    "the file is missing; the directory needs \(files.joined(separator: ", "))")
                continue
            }
            do {
                let table = try CSV.parseTable(text)
                try table.requireColumns(columns[file] ?? [])
                var keep: [CSVRecord] = []
                for row in table.rows {
                    if row.fields.count == table.header.count {
                        keep.append(row)
                        continue
                    }
                    // A row of the wrong width is reported and not checked further.
                    misshapen[file, default: []].append(row)
                    fail(
                        file, row.line,
                        "this row has \(row.fields.count) fields but the header has "
                            + "\(table.header.count)"
                            + (row.fields.count > table.header.count
                                ? " (is there a comma that should be in quotes?)" : ""))
                }
                tables[file] = CSVTable(
                    header: table.header, rows: keep, headerLine: table.headerLine)
            } catch {
                fail(file, error.line, error.message)
            }
        }
        guard let servicesTable = tables["services.csv"] else {
            throw ServiceImportFailure(problems: problems)
        }

        func text(_ t: CSVTable, _ row: CSVRecord, _ column: String) -> String {
            CSV.trimmed(t.value(row, column))
        }
        func freeText(
            _ file: String, _ row: CSVRecord, _ column: String, _ value: String, max: Int
        ) -> Bool {
            if value.count > max {
                fail(file, row.line, "\(column) is longer than \(max) characters")
                return false
            }
            if value.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control
            }) {
                fail(file, row.line, "\(column) holds a control character; remove it")
                return false
            }
            if let problem = Identifiers.spreadsheetFormulaProblem(value) {
                fail(file, row.line, "\(column) \(problem)")
                return false
            }
            if NHSNumber.appears(in: value) {
                fail(file, row.line, "\(column) holds what looks like an NHS number; remove it")
                return false
            }
            return true
        }
        func idProblem(_ id: String) -> String? {
            if id.isEmpty { return "is empty" }
            if id.count > 64 { return "is longer than 64 characters" }
            let ok = id.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9")
                    || "-_.:".unicodeScalars.contains($0)
            }
            return ok ? nil : "'\(id)' may hold only letters, digits and - _ . :"
        }

        // services.csv
        var services: [Service] = []
        var index: [String: Int] = [:]  // lower-cased id → position
        let file = "services.csv"
        for row in servicesTable.rows {
            let id = text(servicesTable, row, "id")
            var ok = true
            if let p = idProblem(id) {
                fail(file, row.line, "id \(p)")
                ok = false
            } else if index[id.lowercased()] != nil {
                fail(file, row.line, "service id '\(id)' is given twice")
                ok = false
            }
            let name = text(servicesTable, row, "name")
            if name.isEmpty {
                fail(file, row.line, "name is empty; every service needs one")
                ok = false
            } else if !freeText(file, row, "name", name, max: 200) {
                ok = false
            }
            let description = text(servicesTable, row, "description")
            if !freeText(file, row, "description", description, max: 2000) { ok = false }
            let status = text(servicesTable, row, "status").lowercased()
            if !Service.statuses.contains(status) {
                fail(
                    file, row.line,
                    "status '\(status)' is not one of "
                        + Service.statuses.joined(separator: ", "))
                ok = false
            }
            let email = text(servicesTable, row, "email")
            if !email.isEmpty && (!email.contains("@") || email.contains(" ")) {
                fail(file, row.line, "email '\(email)' is not an e-mail address")
                ok = false
            } else if !freeText(file, row, "email", email, max: 200) {
                ok = false
            }
            let url = text(servicesTable, row, "url")
            if !url.isEmpty && !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                fail(file, row.line, "url '\(url)' should start with https://")
                ok = false
            } else if !freeText(file, row, "url", url, max: 500) {
                ok = false
            }
            func age(_ column: String) -> Int?? {
                let v = text(servicesTable, row, column)
                if v.isEmpty { return .some(nil) }
                guard let n = Int(v), (0...130).contains(n) else {
                    fail(file, row.line, "\(column) '\(v)' is not an age from 0 to 130")
                    return nil
                }
                return .some(n)
            }
            let minimum = age("minimum_age")
            let maximum = age("maximum_age")
            if minimum == nil || maximum == nil { ok = false }
            if let lo = minimum ?? nil, let hi = maximum ?? nil, lo > hi {
                fail(file, row.line, "minimum_age \(lo) is above maximum_age \(hi)")
                ok = false
            }
            if ok {
                index[id.lowercased()] = services.count
                services.append(
                    Service(
                        id: id, name: name, description: description, status: status,
                        email: email.isEmpty ? nil : email, url: url.isEmpty ? nil : url,
                        minimumAge: minimum ?? nil, maximumAge: maximum ?? nil))
            } else if index[id.lowercased()] == nil, idProblem(id) == nil {
                // Known, so rows of the other files that name it are not reported twice.
                index[id.lowercased()] = -1
            }
        }

        // A service row of the wrong width still names its service: rows of the other files
        // that refer to it are not reported again.
        if let column = servicesTable.column("id") {
            for row in misshapen["services.csv"] ?? [] where column < row.fields.count {
                let id = CSV.trimmed(row.fields[column]).lowercased()
                if index[id] == nil { index[id] = -1 }
            }
        }

        /// The service a row of another file names, or nil (reported).
        func owner(_ file: String, _ t: CSVTable, _ row: CSVRecord) -> Int?? {
            let sid = text(t, row, "service_id")
            guard let i = index[sid.lowercased()] else {
                fail(file, row.line, "service_id '\(sid)' is not in services.csv")
                return nil
            }
            return .some(i >= 0 ? i : nil)
        }
        func rowIDs(_ file: String, _ t: CSVTable) -> [Int: Bool] {
            var seen = Set<String>()
            var ok: [Int: Bool] = [:]
            for row in t.rows {
                let id = text(t, row, "id")
                if let p = idProblem(id) {
                    fail(file, row.line, "id \(p)")
                    ok[row.line] = false
                } else if !seen.insert(id.lowercased()).inserted {
                    fail(file, row.line, "id '\(id)' is given twice in \(file)")
                    ok[row.line] = false
                } else {
                    ok[row.line] = true
                }
            }
            return ok
        }

        /// Adds each row's value to its service's list: `resolve` gives the value to keep,
        /// or nil after reporting why the row's value is refused.
        func link(
            _ f: String, _ column: String, _ list: WritableKeyPath<Service, [String]>,
            _ resolve: (String, CSVRecord) -> String?
        ) {
            guard let t = tables[f] else { return }
            let ids = rowIDs(f, t)
            for row in t.rows {
                let o = owner(f, t, row)
                let value = resolve(text(t, row, column), row)
                guard ids[row.line] == true, let i = o ?? nil, let value else { continue }
                if !services[i][keyPath: list].contains(value) {
                    services[i][keyPath: list].append(value)
                }
            }
        }
        let byName = Dictionary(
            localities.localities.map { ($0.name.lowercased(), $0.id) }
        ) { a, _ in a }
        link("service_areas.csv", "service_area", \.areas) { area, row in
            if let id = localities.locality(area)?.id ?? byName[area.lowercased()] { return id }
            fail(
                "service_areas.csv", row.line,
                "service_area '\(area)' is not a known locality id or name"
                    + Suggestion.didYouMean(area.lowercased(), in: localities.ids))
            return nil
        }
        link("service_taxonomies.csv", "taxonomy_id", \.taxonomies) { value, row in
            let tag = value.lowercased()
            if tags.tag(tag) != nil { return tag }
            fail(
                "service_taxonomies.csv", row.line,
                "taxonomy_id '\(tag)' is not a lived-experience tag"
                    + Suggestion.didYouMean(tag, in: tags.ids))
            return nil
        }

        // regular_schedules.csv
        if let t = tables["regular_schedules.csv"] {
            let f = "regular_schedules.csv"
            let ids = rowIDs(f, t)
            for row in t.rows {
                let o = owner(f, t, row)
                var ok = true
                let freqText = text(t, row, "freq").uppercased()
                let freq = RegularSchedule.Frequency(rawValue: freqText)
                if freq == nil {
                    fail(f, row.line, "freq '\(freqText)' is not WEEKLY or DAILY")
                    ok = false
                }
                var days = Set<Weekday>()
                for code in text(t, row, "byday").split(separator: ",") {
                    let c = CSV.trimmed(String(code)).uppercased()
                    if c.isEmpty { continue }
                    guard let d = Weekday(rawValue: c) else {
                        fail(
                            f, row.line,
                            "byday '\(c)' is not an RFC 5545 day code (MO, TU, WE, TH, FR, SA, SU)")
                        ok = false
                        continue
                    }
                    days.insert(d)
                }
                if freq == .weekly && days.isEmpty && ok {
                    fail(f, row.line, "a WEEKLY schedule needs byday, e.g. \"MO,TU,WE,TH,FR\"")
                    ok = false
                }
                func clock(_ column: String, allowMidnightEnd: Bool) -> Int? {
                    let v = text(t, row, column)
                    let parts = v.split(separator: ":", omittingEmptySubsequences: false)
                    if parts.count == 2, parts[0].count == 2, parts[1].count == 2,
                        let h = Int(parts[0]), let m = Int(parts[1]), (0...59).contains(m),
                        (0...23).contains(h) || (allowMidnightEnd && h == 24 && m == 0)
                    {
                        return h * 60 + m
                    }
                    fail(f, row.line, "\(column) '\(v)' is not a time HH:MM (e.g. 09:30)")
                    return nil
                }
                let opens = clock("opens_at", allowMidnightEnd: false)
                let closes = clock("closes_at", allowMidnightEnd: true)
                if opens != nil && opens == closes {
                    fail(f, row.line, "opens_at and closes_at are the same time")
                    ok = false
                }
                func date(_ column: String) -> LocalDate?? {
                    let v = text(t, row, column)
                    if v.isEmpty { return .some(nil) }
                    guard let d = LocalDate(v) else {
                        fail(f, row.line, "\(column) '\(v)' is not a date YYYY-MM-DD")
                        return nil
                    }
                    return .some(d)
                }
                let from = date("valid_from")
                let to = date("valid_to")
                if let a = from ?? nil, let b = to ?? nil, b < a {
                    fail(f, row.line, "valid_to \(b) is before valid_from \(a)")
                    ok = false
                }
                guard ok, ids[row.line] == true, let i = o ?? nil, let freq, let opens,
                    let closes, let from, let to
                else { continue }
                services[i].schedules.append(
                    RegularSchedule(
                        id: text(t, row, "id"), freq: freq, byday: days, opensAt: opens,
                        closesAt: closes == 1440 && opens == 0 ? 1440 : closes, validFrom: from,
                        validTo: to))
            }
        }
        if !problems.isEmpty {
            // By file (in the order checked), then line.
            let order = Dictionary(
                uniqueKeysWithValues: files.enumerated().map { (display($1), $0) })
            let sorted = problems.enumerated().sorted { a, b in
                let (x, y) = (order[a.element.file] ?? 0, order[b.element.file] ?? 0)
                if x != y { return x < y }
                if a.element.line != b.element.line { return a.element.line < b.element.line }
                return a.offset < b.offset
            }.map(\.element)
            throw ServiceImportFailure(problems: sorted)
        }
        return services
    }
}
