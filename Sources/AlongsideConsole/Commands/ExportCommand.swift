import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `export fhir` / `export ecds`: a week's records in forms NHS systems take (spec §13).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "A week's presentations as a FHIR R4 Bundle or as ECDS rows.",
        subcommands: [ExportFHIR.self, ExportECDS.self])
}

/// The options both exports take.
struct ExportOptions: ParsableArguments {
    @Option(help: "The week, YYYY-Www (default: the last complete week).")
    var week: ISOWeek?
    @Option(help: "Write the export to this file (mode 0600) instead of printing it.")
    var out: String?
    @OptionGroup var sites: SiteOption
}

/// What both exports share: the week, the site(s), the output file, the audit entry.
enum ExportRun {
    static func run(
        kind: String, options: ExportOptions, session: Session, includingVoided: Bool = false,
        make: (ISOWeek, [Presentation], SiteScope, any StoreReading) throws -> String
    ) throws -> String {
        let out = options.out
        let week = try SummaryData.week(
            options.week?.description, session: session, field: "--week")
        let bounds = session.calendar.interval(of: week)
        let span = TimeSpan(start: bounds.start, end: bounds.end)
        return try session.write("export \(kind)") { tx in
            let scope = try options.sites.resolve(session, tx).scope
            // Only the week's presentations (by arrival) of the site(s) covered, and what
            // belongs to them.
            let presentations = scope.filter(
                try tx.presentations(arrivedIn: span, includingVoided: includingVoided))
            let text = try make(week, presentations, scope, tx)
            let which = scope.isAll ? "all sites" : "site \(scope.name)"
            try tx.logEvent(
                action: "export", entity: nil,
                detail: "export \(kind) \(week)"
                    + (scope == .site(session.config.site) ? "" : " of \(which)")
                    + ": \(presentations.count) presentations"
                    + (out == nil ? " (printed)" : " (to a file)"))
            guard let out else { return text }
            // Inside the transaction: if the file cannot be written, the log keeps no export.
            try TextFiles.writePrivate(text, to: out, field: "--out")
            return "Wrote \(kind.uppercased()) for \(week) (\(presentations.count) presentation"
                + "\(presentations.count == 1 ? "" : "s")) to \(out)."
        }
    }
}

struct ExportFHIR: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir",
        abstract: "A week's presentations and onward referrals as a FHIR R4 Bundle (JSON).",
        discussion: """
            A Bundle of type collection: for each presentation that arrived in the week, a \
            ServiceRequest (SNOMED CT 871731000000106, or the referral_snomed setting) and a \
            Task for the peer support, their Patient (identified by NHS number, else by the \
            local ref), and a ServiceRequest for each onward referral made in the week (one \
            for a person from an earlier week names that presentation by its identifier). \
            Nothing from other weeks. The export is written to the audit log.

            The presentations are this console's site's (spec §9); --site NAME exports \
            another site's and --site all the trust's. Each record's identifiers carry its \
            own site (urn:alongside:SITE:presentation, …).

            Examples:
              export fhir
              export fhir --week 2026-W46 --out w46.fhir.json
              export fhir --site all --out trust.fhir.json
            """)
    static let requiredRole = Role.admin

    @OptionGroup var options: ExportOptions

    func execute(_ session: Session) throws -> String {
        let now = session.now
        return try ExportRun.run(
            kind: "fhir", options: options, session: session,
            // A presentation registered in error is sent as entered-in-error, so a system
            // that took it from an earlier export can remove it.
            includingVoided: true
        ) {
            week, presentations, scope, tx in
            // Each record goes to the week of its own time: presentations by arrival,
            // onward referrals by when they were made.
            let bounds = session.calendar.interval(of: week)
            let inWeek = Set(presentations.map(\.number))
            // Referrals of the covered site(s)' presentations only (an earlier week's too).
            var earlier: [Int: Presentation] = [:]
            let referrals = try tx.referrals(
                requestedIn: TimeSpan(start: bounds.start, end: bounds.end)
            ).filter { r in
                if inWeek.contains(r.presentation) { return true }
                if earlier[r.presentation] == nil, let p = try tx.presentation(r.presentation) {
                    earlier[r.presentation] = p
                }
                return earlier[r.presentation].map(scope.covers) ?? false
            }
            return NHSExports.fhirBundle(
                presentations: presentations, referrals: referrals,
                earlierPresentations: earlier.values.filter(scope.covers)
                    .sorted { $0.number < $1.number },
                snomed: session.config.referralSnomed,
                calendar: session.calendar, generatedAt: now
            ).text + (options.out == nil ? "" : "\n")
        }
    }
}

struct ExportECDS: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecds",
        abstract: "A week's presentations as Emergency Care Data Set rows (CSV).",
        discussion: """
            One row per presentation that arrived in the week, with the columns \
            presentation,nhs_number,ed_arrival,service_request,referral_assessment,\
            referred_to_service,outcome: service_request is the referral to peer support \
            (ECDS SERVICE REQUEST DATE/TIME), referral_assessment when the mentor saw the \
            person (ECDS REFERRAL ASSESSMENT DATE/TIME), referred_to_service the SNOMED CT \
            code; times ISO 8601 with their offset; nhs_number empty when not known. Written \
            as spreadsheets read best (UTF-8 with BOM, CRLF). The export is audited.

            The rows are this console's site's (spec §9); --site NAME exports another \
            site's, and --site all the trust's with a last column, site.

            Examples:
              export ecds --week 2026-W46 --out w46-ecds.csv
              export ecds --site all
            """)
    static let requiredRole = Role.admin

    @OptionGroup var options: ExportOptions

    func execute(_ session: Session) throws -> String {
        try ExportRun.run(kind: "ecds", options: options, session: session) {
            _, presentations, scope, _ in
            var rows = NHSExports.ecdsRows(
                presentations, snomed: session.config.referralSnomed, calendar: session.calendar)
            if scope.isAll {
                rows = zip(rows, presentations).map { $0 + [$1.site] }
            }
            let doc = CSV.document(
                header: NHSExports.ecdsColumns + (scope.isAll ? ["site"] : []), rows: rows,
                crlf: options.out != nil)
            return options.out == nil ? doc : "\u{FEFF}" + doc
        }
    }
}
