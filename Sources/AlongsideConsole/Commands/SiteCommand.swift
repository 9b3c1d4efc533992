import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `site list` / `site import`: the trust's sites (spec §9).
struct SiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "site",
        abstract: "The trust's sites: list them, or copy a site's own database in.",
        subcommands: [SiteList.self, SiteImport.self])
}

struct SiteList: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The sites that have registered someone, and this console's own.",
        discussion: """
            A site (an emergency department) comes into being with its first registration; \
            this console's site ('alongside --site', else the site setting) is listed even \
            before then. Any of them can be given to --site on queue, board, allocate, \
            handover, summary, register and export, or 'all' for every site.

            Examples:
              site list
              site list --format json
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        var names = try session.read { try $0.sites() }
        let own = session.site
        if own != SiteName.all, !names.contains(own) { names.append(own) }
        names.sort()
        switch format {
        case .json:
            return JSONValue.array(
                names.map { .object([("site", .string($0)), ("console", .bool($0 == own))]) }
            ).text
        case .csv:
            return CSV.document(
                header: ["site", "console"], rows: names.map { [$0, $0 == own ? "yes" : "no"] })
        default:
            return names.map { $0 == own ? "\($0) (this console's)" : $0 }
                .joined(separator: "\n")
        }
    }
}

struct SiteImport: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Copy a site's own Alongside database into this one as site NAME.",
        discussion: """
            For a site that began on its own SQLite file and joins the trust's database. \
            FILE's audit chain is verified first; if it does not verify, nothing is copied \
            and the problems are listed. Then, in one transaction (all or nothing), its \
            presentations are copied in under --site NAME and renumbered after this \
            database's last (the mapping is printed: P3 → P1041), with their declines, \
            corrections, legal holds and onward referrals; its mentors, shifts, leave, \
            sign-ins and staff join the trust's (a shift, leave or sign-in already held is \
            not added twice). A mentor or member of staff in both databases is kept once \
            when the two records are the same, and refused otherwise: every such id is \
            listed and nothing is copied. The site's audit chain is kept as its history, \
            sealed by one entry of this database's chain that holds its head hash and the \
            mapping, so 'check' and 'audit verify' pass afterwards. FILE's settings and \
            services directory are not copied (the trust's apply). FILE itself is not \
            changed, except that a file of an older Alongside is upgraded first, as --db \
            would. A name that already has registrations here is refused.

            --format csv prints the mapping as old,new; json adds the counts.

            Examples:
              site import victoria.sqlite --site victoria
              site import /backups/utc.sqlite --site utc --format json
            """)
    static let requiredRole = Role.admin

    @Argument(help: "The site's Alongside SQLite database file.")
    var file: String
    @Option(
        help: ArgumentHelp(
            "The name of the site the file's presentations are filed under.", valueName: "site"))
    var site: SiteArgument
    @OptionGroup var output: FormatOption

    func validate() throws {
        if site.name == SiteName.all {
            throw invalid(
                "--site",
                "'all' stands for every site; give the site its own name, e.g. --site victoria")
        }
    }

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let name = site.name
        guard let stores = session.stores else {
            throw CommandError("site import: this console cannot open another database")
        }
        func real(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        }
        if real(file) == real(session.store.location) {
            throw CommandError("\(file) is this console's own database; name the site's file")
        }
        let source: any AlongsideStore
        do { source = try stores.openSiteFile(file) } catch StoreError.notFound {
            throw CommandError("\(file): there is no such file; name the site's Alongside database")
        } catch let e as StoreError {
            throw CommandError("\(file): \(e.description)")
        }
        let verified = try source.verifyAudit()
        if !verified.problems.isEmpty {
            throw CommandError(
                "\(file): its audit chain does not verify, so nothing was copied:\n  "
                    + verified.problems.joined(separator: "\n  "))
        }
        let bundle = try source.read { tx in try Self.bundle(name, tx) }
        guard bundle.audit.count == verified.entries else {
            throw CommandError(
                "\(file) changed while it was read; nothing was copied, import again")
        }
        let kept: Int
        let mapping: [(old: Int, new: Int)]
        do {
            (kept, mapping) = try session.write("site import") { tx in
                let kept = try bundle.mentors.filter { try tx.mentor($0.id) != nil }.count
                return (kept, try tx.importSite(bundle))
            }
        } catch StoreError.duplicate(let why) {
            let message =
                why.hasPrefix("these ids")
                ? "\(why); make each the same in both databases (or remove it from "
                    + "\(file)) and import again" : why
            throw CommandError("\(file): nothing was copied: \(message)")
        }
        let ids = mapping.map { (PresentationID.format($0.old), PresentationID.format($0.new)) }
        switch format {
        case .json:
            return JSONValue.object([
                ("site", .string(name)),
                ("presentations", .int(mapping.count)),
                ("mentors", .int(bundle.mentors.count - kept)),
                ("mentors_kept", .int(kept)),
                ("staff", .int(bundle.staff.count)),
                ("shifts", .int(bundle.shifts.count)),
                ("leave", .int(bundle.leave.count)),
                ("audit_entries", .int(bundle.audit.count)),
                (
                    "mapping",
                    .array(ids.map { .object([("old", .string($0.0)), ("new", .string($0.1))]) })
                ),
            ]).text
        case .csv:
            return CSV.document(header: ["old", "new"], rows: ids.map { [$0.0, $0.1] })
        default:
            func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
            var out =
                "Copied \(file) in as site \(name): \(count(mapping.count, "presentation")), "
                + "\(count(bundle.mentors.count - kept, "new mentor"))"
                + (kept > 0 ? " (\(kept) already here, kept once)" : "")
                + ", \(count(bundle.shifts.count, "shift")); its \(bundle.audit.count) audit "
                + (bundle.audit.count == 1 ? "entry is" : "entries are")
                + " kept as the site's history.\n"
            if !ids.isEmpty {
                out += "Renumbered:\n" + ids.map { "  \($0.0) → \($0.1)" }.joined(separator: "\n")
            }
            return out
        }
    }

    /// Everything a site keeps, read through the store's contract.
    static func bundle(_ site: String, _ tx: any StoreReading) throws -> SiteBundle {
        var b = SiteBundle(site: site)
        let always = TimeSpan(start: .distantPast, end: .distantFuture)
        b.mentors = try tx.mentors()
        b.shifts = try tx.shifts(mentor: nil, overlapping: nil)
        b.leave = try tx.leave(mentor: nil, overlapping: nil)
        b.signIns = try tx.signIns(mentor: nil, overlapping: nil)
        b.staff = try tx.staff()
        b.presentations = try tx.presentations(arrivedIn: always, includingVoided: true)
        for p in b.presentations {
            b.declines += try tx.declines(of: p.number).map { (p.number, $0) }
            b.corrections += try tx.corrections(of: p.number).map { (p.number, $0) }
            if let hold = try tx.hold(of: p.number) { b.holds.append((p.number, hold)) }
        }
        b.referrals = try tx.referrals(requestedIn: always)
        b.audit = try tx.auditEntries(since: nil, entity: nil)
        return b
    }
}
