import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `services` / `services import DIR`.
struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "The directory of local services people can be referred on to.",
        subcommands: [ServicesList.self, ServicesImport.self],
        defaultSubcommand: ServicesList.self)
}

struct ServicesList: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Active services matching a need, nearest the person's locality first.",
        discussion: """
            Lists the active services of the directory (see 'services import'). --need keeps \
            those that help with that lived-experience tag; --locality orders them by the \
            distance from that locality to the nearest area each covers (0 km when it covers \
            it); --open-now keeps those open now by their schedules, in the site's time zone.

            Examples:
              services
              services --need debt --locality fleetwood
              services --need perinatal --open-now --format json
            """)
    static let requiredRole = Role.liaison

    @Option(help: "A lived-experience tag the service should help with, e.g. debt.")
    var need: String?
    @Option(help: "The person's locality: nearest services first.")
    var locality: String?
    @Flag(help: "Only services open now.")
    var openNow = false
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let need = try self.need.map { try session.tagList($0, option: "--need") }
        if let need, need.count > 1 {
            throw CommandError.field("--need", "give one tag, e.g. --need debt")
        }
        let locality = try self.locality.map { try session.locality($0, option: "--locality") }
        let now = session.now
        let (services, any) = try session.read { tx in
            let found = try tx.services(need: need?.first, activeOnly: true)
            if !found.isEmpty { return (found, true) }
            return (found, !(try tx.services(need: nil, activeOnly: false).isEmpty))
        }
        let hits = ServiceSearch.find(
            services, need: need?.first, locality: locality, openAt: openNow ? now : nil,
            now: now, localities: session.localities, calendar: session.calendar)
        return ServicesView.render(hits, format: format, session: session, empty: !any)
    }
}

/// Printing services.
enum ServicesView {
    static func km(_ d: Double?) -> String { d.map { String(format: "%.1f", $0) } ?? "" }

    static func hhmm(_ minutes: Int) -> String {
        String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }

    static func scheduleText(_ s: RegularSchedule) -> String {
        let days = s.byday.isEmpty ? "daily" : s.bydayText
        var text = "\(days) \(hhmm(s.opensAt))-\(hhmm(s.closesAt))"
        if let f = s.validFrom { text += " from \(f)" }
        if let t = s.validTo { text += " to \(t)" }
        return text
    }

    static func render(
        _ hits: [ServiceSearch.Hit], format: OutputFormat, session: Session, empty: Bool
    ) -> String {
        switch format {
        case .json:
            return JSONValue.array(
                hits.map { h in
                    let s = h.service
                    return .object([
                        ("service", .string(s.id)), ("name", .string(s.name)),
                        ("description", .string(s.description)), ("status", .string(s.status)),
                        ("email", .string(s.email)), ("url", .string(s.url)),
                        ("minimum_age", s.minimumAge.map { .int($0) } ?? .null),
                        ("maximum_age", s.maximumAge.map { .int($0) } ?? .null),
                        ("areas", .array(s.areas.map { .string($0) })),
                        ("needs", .array(s.taxonomies.map { .string($0) })),
                        ("distance_km", .number(h.distanceKm)),
                        ("open_now", .bool(h.openNow)),
                        (
                            "schedules",
                            .array(
                                s.schedules.map {
                                    .object([
                                        ("freq", .string($0.freq.rawValue)),
                                        ("byday", .string($0.bydayText)),
                                        ("opens_at", .string(hhmm($0.opensAt))),
                                        ("closes_at", .string(hhmm($0.closesAt))),
                                        ("valid_from", .string($0.validFrom?.description)),
                                        ("valid_to", .string($0.validTo?.description)),
                                    ])
                                })
                        ),
                    ])
                }
            ).text
        case .csv:
            return CSV.document(
                header: [
                    "service", "name", "distance_km", "open_now", "needs", "areas", "email", "url",
                    "schedules",
                ],
                rows: hits.map { h in
                    let s = h.service
                    return [
                        s.id, s.name, km(h.distanceKm), h.openNow ? "yes" : "no",
                        s.taxonomies.joined(separator: ";"), s.areas.joined(separator: ";"),
                        s.email ?? "", s.url ?? "",
                        s.schedules.map(scheduleText).joined(separator: ";"),
                    ]
                })
        default:
            if hits.isEmpty {
                return empty
                    ? "The directory is empty; a coordinator loads it with 'services import DIR'."
                    : "No active service matches."
            }
            var t = TextTable(
                ["service", "name", "km", "open now", "needs", "hours"],
                align: [.left, .left, .right, .left, .left, .left])
            for h in hits {
                let s = h.service
                t.add([
                    s.id, s.name, km(h.distanceKm), h.openNow ? "yes" : "no",
                    s.taxonomies.joined(separator: ","),
                    s.schedules.map(scheduleText).joined(separator: "; "),
                ])
            }
            return t.render(style: session.style)
                + "Refer with 'refer P SERVICE --consent given' once the person agrees.\n"
        }
    }
}

struct ServicesImport: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load the directory of local services (Open Referral UK tables), all or nothing.",
        discussion: """
            DIR holds four CSV files in Open Referral UK's tabular form (version 1 names): \
            services.csv (id,name,description,status,email,url, optionally \
            minimum_age,maximum_age), service_areas.csv (id,service_id,service_area: a \
            locality id or name), regular_schedules.csv \
            (id,service_id,freq,byday,opens_at,closes_at,valid_from,valid_to: freq WEEKLY or \
            DAILY, byday RFC 5545 day codes such as "MO,TU,WE", times HH:MM in the site's \
            zone, opening inclusive and closing exclusive, dates YYYY-MM-DD both included) \
            and service_taxonomies.csv (id,service_id,taxonomy_id: a lived-experience tag). \
            Any bad row rejects the whole directory with every problem listed as \
            FILE:LINE: message, and nothing is written. Importing again replaces the whole \
            directory; referrals already made keep the service's id and name.

            Example:
              services import data/services
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The folder holding the four CSV files.")
    var dir: String

    func execute(_ session: Session) throws -> String {
        let full = (dir as NSString).expandingTildeInPath
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: full, isDirectory: &isDir), isDir.boolValue
        else {
            throw CommandError.field(
                "DIR", "'\(dir)' is not a folder; give the folder that holds services.csv")
        }
        func path(_ file: String) -> String { (dir as NSString).appendingPathComponent(file) }
        var texts: [String: String] = [:]
        for file in ServiceDirectoryImport.files
        where FileManager.default.fileExists(
            atPath: (full as NSString).appendingPathComponent(file))
        {
            texts[file] = try TextFiles.read(path(file), field: "DIR")
        }
        let services: [Service]
        do {
            services = try ServiceDirectoryImport.read(
                texts, display: path, tags: session.tags, localities: session.localities)
        } catch {
            let files = Set(error.problems.map(\.file)).count
            throw CommandError(
                error.lines.joined(separator: "\n") + "\nnothing imported: "
                    + "\(error.problems.count) problem\(error.problems.count == 1 ? "" : "s") in "
                    + "\(files) file\(files == 1 ? "" : "s") of \(dir); fix them and run the "
                    + "import again")
        }
        let replaced = try session.write("services import") { tx in
            let before = try tx.services(need: nil, activeOnly: false).count
            try tx.replaceServices(services)
            return before
        }
        let active = services.filter(\.isActive).count
        let schedules = services.reduce(0) { $0 + $1.schedules.count }
        return "Imported \(services.count) service\(services.count == 1 ? "" : "s") "
            + "(\(active) active, \(schedules) schedule\(schedules == 1 ? "" : "s")) from \(dir)"
            + (replaced > 0 ? ", replacing the \(replaced) held before." : ".")
    }
}
