import AlongsideCore
import Foundation

/// One entry of the append-only audit log.
public struct AuditEntry: Sendable, Equatable {
    /// Position in the log, from 1.
    public var seq: Int64
    /// When the change was made.
    public var at: Date
    /// Who made it.
    public var actor: String
    /// The command that made it (`register`, `mentor edit`, …), never its arguments.
    public var command: String
    /// What happened (`insert`, `update`, `delete`, `read`, `export`).
    public var action: String
    /// The record's id (`P12`, `M3`, `staff:alice`), if any.
    public var entity: String?
    /// The record before (JSON, identifiers redacted), if any.
    public var before: String?
    /// The record after (JSON, identifiers redacted), if any.
    public var after: String?
    /// The previous entry's hash.
    public var prevHash: String
    /// This entry's hash.
    public var hash: String

    /// Makes an entry.
    public init(
        seq: Int64, at: Date, actor: String, command: String, action: String, entity: String?,
        before: String?, after: String?, prevHash: String, hash: String
    ) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.command = command
        self.action = action
        self.entity = entity
        self.before = before
        self.after = after
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// Who is acting and when, for the audit log.
public struct ActingContext: Sendable {
    /// The acting user.
    public var actor: String
    /// The command word(s).
    public var command: String
    /// The time of the change.
    public var at: Date

    /// Makes a context.
    public init(actor: String, command: String, at: Date) {
        self.actor = actor
        self.command = command
        self.at = at
    }
}

/// A past decline of a presentation by a mentor.
public struct DeclineRecord: Sendable, Equatable {
    /// The mentor who declined.
    public var mentorID: String
    /// When.
    public var at: Date
    /// Why, if given.
    public var reason: String?

    /// Makes a record.
    public init(mentorID: String, at: Date, reason: String?) {
        self.mentorID = mentorID
        self.at = at
        self.reason = reason
    }
}

/// A correction of a presentation (`unassign`, `void`, `edit`, `reopen`) with its reason.
public struct CorrectionRecord: Sendable, Equatable {
    /// When.
    public var at: Date
    /// Who.
    public var actor: String
    /// Which correction (`unassign`, `void`, `edit`, `reopen`).
    public var kind: String
    /// Why (removed by retention).
    public var reason: String?

    /// Makes a record.
    public init(at: Date, actor: String, kind: String, reason: String?) {
        self.at = at
        self.actor = actor
        self.kind = kind
        self.reason = reason
    }
}

/// Storage errors a person can act on. Every store maps its driver's errors to these, so
/// no SQL text, driver code or password ever reaches a user.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// There is no such record: `kind` is what it is (`mentor`, `presentation`, `staff
    /// member`), `id` how the user named it.
    case notFound(kind: String, id: String)
    /// The record already exists.
    case duplicate(String)
    /// The database is not an Alongside database, is from a newer version, or cannot be
    /// used as named.
    case incompatible(String)
    /// The disk or the database failed (full, unreadable, damaged, unreachable), in plain
    /// words.
    case storage(String)
    /// Another console held what this one needed for longer than the store waits.
    case busy(String)
    /// Another console changed the same records at the same time and the retries ran out.
    case conflict(String)

    /// The message.
    public var description: String {
        switch self {
        case .notFound(let kind, let id): "no \(kind) \(id)"
        case .duplicate(let s), .incompatible(let s), .storage(let s), .busy(let s),
            .conflict(let s):
            s
        }
    }
}

/// Reading the database, in domain terms.
public protocol StoreReading {
    /// The mentor with that id (case-insensitive).
    func mentor(_ id: String) throws -> Mentor?
    /// Every mentor, by id.
    func mentors() throws -> [Mentor]
    /// Every mentor (or, with `onShiftOnly`, only those with a shift covering `time`) with
    /// their shifts and leave covering `time` and their caseload.
    func mentorStates(at time: Date, onShiftOnly: Bool) throws -> [MentorState]
    /// One mentor's state at `time`.
    func mentorState(_ id: String, at time: Date) throws -> MentorState?
    /// Shift seconds per mentor for shifts that start in `span`.
    func shiftSeconds(startingIn span: TimeSpan) throws -> [String: Int]
    /// Presentations that arrived in `span` with only their number, ref, times, outcome and
    /// site: enough for trends (of one site or the trust) and repeat checks, cheap to read in
    /// bulk.
    func presentationTimes(arrivedIn span: TimeSpan) throws -> [Presentation]
    /// Open presentations per mentor.
    func caseloads() throws -> [String: Int]
    /// Shifts of one mentor (or all) that overlap `span` (or all), by start.
    func shifts(mentor: String?, overlapping span: TimeSpan?) throws -> [Shift]
    /// Leave of one mentor (or all) that overlaps `span` (or all), by start.
    func leave(mentor: String?, overlapping span: TimeSpan?) throws -> [Leave]
    /// The presentation with that number.
    func presentation(_ number: Int) throws -> Presentation?
    /// Presentations not yet seen and not closed, oldest first.
    func waitingPresentations() throws -> [Presentation]
    /// Presentations that arrived in `span`.
    /// With `includingVoided`, those registered in error too (for exports that must say so).
    func presentations(arrivedIn span: TimeSpan, includingVoided: Bool) throws -> [Presentation]
    /// The mentor's most recent presentations.
    func presentations(mentor: String, limit: Int) throws -> [Presentation]
    /// Declines of a presentation, oldest first.
    func declines(of number: Int) throws -> [DeclineRecord]
    /// Mentors who supported earlier presentations with the same NHS number or ref.
    func previousMentors(nhs: String?, ref: String?, excluding number: Int) throws -> Set<String>
    /// The staff member with that name.
    func staffMember(_ name: String) throws -> StaffMember?
    /// Every staff member, by name.
    func staff() throws -> [StaffMember]
    /// The PIN entry record of a staff name (a fresh one if none is kept).
    func pinAttempts(_ name: String) throws -> PinAttempts
    /// How many entries the audit log holds (cheap: no entry is read).
    func auditCount() throws -> Int
    /// Audit entries, oldest first.
    func auditEntries(since: Date?, entity: String?) throws -> [AuditEntry]
    /// The next free `M` + number id.
    func nextMentorID() throws -> String
    /// How many closed presentations before `cutoff`, not on hold, still hold identifiers
    /// (in the record or in their audit entries).
    func countIdentifiable(closedBefore cutoff: Date) throws -> Int
    /// The directory of local services, in the order imported (spec §12); with `need`, only
    /// those with that taxonomy tag, and with `activeOnly`, only active ones.
    func services(need: String?, activeOnly: Bool) throws -> [Service]
    /// The service with that id (without regard to case).
    func service(_ id: String) throws -> Service?
    /// A presentation's onward referrals, oldest first.
    func referrals(presentation: Int) throws -> [Referral]
    /// Onward referrals made in `span`, oldest first.
    func referrals(requestedIn span: TimeSpan) throws -> [Referral]
    /// Presentations that arrived in `span` with an NHS number or a ref, holding only their
    /// number, identifiers, arrival and site (for re-attendance), by arrival.
    func presentationIdentities(arrivedIn span: TimeSpan) throws -> [Presentation]
    /// Every presentation with that NHS number or that ref (without regard to case),
    /// oldest first.
    func presentations(nhs: String?, ref: String?) throws -> [Presentation]
    /// The settings stored in the database (spec §8), by key; empty before they are seeded.
    func settings() throws -> [String: String]
    /// The legal hold on a presentation, if any.
    func hold(of number: Int) throws -> HoldRecord?
    /// Whether any audit entry is keyed (HMAC-SHA256).
    func hasKeyedEntries() throws -> Bool
    /// Presentations not closed (waiting, assigned or seen), oldest first.
    func openPresentations() throws -> [Presentation]
    /// Corrections made to a presentation, oldest first.
    func corrections(of number: Int) throws -> [CorrectionRecord]
    /// Sign-ins of one mentor (or all) that overlap `span` (or all), by sign-in time; a
    /// sign-in not yet closed overlaps everything after it.
    func signIns(mentor: String?, overlapping span: TimeSpan?) throws -> [SignIn]
    /// The sites that have registered someone (spec §9: a site comes into being with its
    /// first registration), sorted.
    func sites() throws -> [String]
    /// The figures kept for `scope`'s weeks (``WeekFigureScope``) at those of `spans` that
    /// have any, and the version of the data they were read at, to hand back to
    /// ``AlongsideStore/keepWeekFigures(_:scope:readAt:)`` with figures computed in the same
    /// transaction.
    func keptWeekFigures(scope: String, spans: [TimeSpan]) throws -> KeptWeekFigures
    /// Counts into `tally` every presentation that arrived in its spans, voided ones left
    /// out, of the site `site` (compared without regard to case; nil: every site), reading
    /// only their arrival, seen time and site, streamed rather than held.
    func tallyArrivals(into tally: inout WeekFigures.Tally, site: String?) throws
    /// Every week's figures kept, by scope and start (for `check`, which computes each again);
    /// nil figures for a row whose stored waits cannot be read back.
    func allKeptWeekFigures() throws -> [(scope: String, span: TimeSpan, figures: WeekFigures?)]
}

/// Week figures kept by the store (the trend's rows of closed weeks, spec §6), read in one
/// transaction.
public struct KeptWeekFigures: Sendable {
    /// The figures found, by the week's span.
    public var figures: [TimeSpan: WeekFigures]
    /// The data's version when they were read: any committed change moves it.
    public var version: Int64

    /// Makes the result of a read.
    public init(figures: [TimeSpan: WeekFigures], version: Int64) {
        self.figures = figures
        self.version = version
    }
}

/// The key under which a week's figures are kept for the presentations a command covers:
/// `*` for every site of the trust, else the site's name lower-cased.
public enum WeekFigureScope {
    /// Every site's presentations.
    public static let allSites = "*"
    /// One site's.
    public static func site(_ name: String) -> String { name.lowercased() }
    /// The site a key covers (lower-cased), nil for every site's.
    public static func site(ofKey key: String) -> String? { key == allSites ? nil : key }
    /// Whether a presentation's stored `site` is `wanted` (lower-cased; nil: every site).
    public static func matches(_ site: String, _ wanted: String?) -> Bool {
        guard let wanted else { return true }
        return site == wanted || site.lowercased() == wanted
    }
    /// The longest span figures are kept for (a week is at most 169 hours): the stores'
    /// triggers look back only this far for the spans an arrival falls in, and refuse to
    /// keep longer ones.
    public static let longestSpanSeconds: Int64 = 8 * 86_400
}

extension StoreReading {
    /// Presentations that arrived in `span`, voided ones left out (they are in no figure).
    public func presentations(arrivedIn span: TimeSpan) throws -> [Presentation] {
        try presentations(arrivedIn: span, includingVoided: false)
    }

    /// Every mentor with their shifts and leave covering `time` and their caseload.
    public func mentorStates(at time: Date) throws -> [MentorState] {
        try mentorStates(at: time, onShiftOnly: false)
    }
}

/// Changing the database, in domain terms. Every change writes its audit entry.
public protocol StoreWriting: StoreReading {
    /// Adds a mentor.
    func insertMentor(_ mentor: Mentor) throws
    /// Replaces a mentor's record.
    func updateMentor(_ mentor: Mentor) throws
    /// Adds a shift and returns its id.
    @discardableResult func insertShift(_ shift: Shift) throws -> Int64
    /// Removes shifts (by id); each removal is audited.
    func deleteShifts(_ shifts: [Shift]) throws
    /// Adds leave and returns its id.
    @discardableResult func insertLeave(_ leave: Leave) throws -> Int64
    /// Adds a presentation and returns its number.
    func insertPresentation(_ p: Presentation) throws -> Int
    /// Adds presentations in bulk with ONE audit entry for the batch; returns the first and last numbers.
    func insertPresentations(_ ps: [Presentation]) throws -> ClosedRange<Int>?
    /// Replaces a presentation's record.
    func updatePresentation(_ p: Presentation) throws
    /// Records that a mentor declined a presentation.
    func insertDecline(presentation: Int, mentor: String, at: Date, reason: String?) throws
    /// Adds or replaces a staff member.
    func upsertStaff(_ member: StaffMember) throws
    /// Removes a staff member.
    func removeStaff(_ name: String) throws
    /// Keeps the PIN entry record of a staff name. Not an audited record: callers log the
    /// attempt itself (`denied`).
    func setPinAttempts(_ name: String, _ state: PinAttempts) throws
    /// Removes personal identifiers (NHS number, ref, age band, gender, language, every
    /// free-text reason) from presentations closed before `cutoff` and not on hold, and from
    /// the content of their audit entries, keeping what the summaries need. One audit entry
    /// records the run (and vouches for the erasures, so the chain still verifies).
    func removeIdentifiers(closedBefore cutoff: Date) throws -> RetentionRun
    /// Stores the settings of a new database, in one audited entry.
    func seedSettings(_ values: [(key: String, value: String)]) throws
    /// Stores one setting (audited).
    func setSetting(_ key: String, _ value: String) throws
    /// Puts a presentation on legal hold (audited): retention keeps its identifiers.
    func insertHold(presentation: Int, reason: String, at: Date) throws
    /// Releases a legal hold (audited).
    func removeHold(presentation: Int) throws
    /// Logs an event that changes no record (a read of a person's record, an export).
    func logEvent(action: String, entity: String?, detail: String?) throws
    /// Replaces the whole directory of services; one audit entry holds the counts and a
    /// SHA-256 digest of the rows.
    func replaceServices(_ services: [Service]) throws
    /// Adds an onward referral and returns its number.
    func insertReferral(_ referral: Referral) throws -> Int
    /// Stores a referral's new status.
    func updateReferral(_ referral: Referral) throws
    /// Records a correction of a presentation (who and when come from the acting context).
    func insertCorrection(presentation: Int, kind: String, reason: String) throws
    /// Removes leave (by id); each removal is audited.
    func deleteLeave(_ leave: [Leave]) throws
    /// Records a sign-in and returns its id.
    @discardableResult func insertSignIn(_ signIn: SignIn) throws -> Int64
    /// Records a sign-out (the sign-in's `outAt`).
    func updateSignIn(_ signIn: SignIn) throws
    /// Copies a site's database into this one as `bundle.site` (spec §9, `site import`):
    /// presentations are renumbered (after this database's last), mentors, staff, shifts and
    /// leave added, the copied audit chain kept as that site's history and sealed by one
    /// entry of this database's chain carrying its head hash and the id mapping. Throws
    /// `StoreError.duplicate` listing every mentor or staff id present in both whose records
    /// differ (identical ones are kept once). Returns the mapping, old number → new.
    func importSite(_ bundle: SiteBundle) throws -> [(old: Int, new: Int)]
}

/// A site's database as `site import` reads it (spec §9), every table a site keeps.
public struct SiteBundle: Sendable {
    /// The site the presentations are filed under.
    public var site: String
    public var mentors: [Mentor] = []
    public var shifts: [Shift] = []
    public var leave: [Leave] = []
    public var signIns: [SignIn] = []
    public var staff: [StaffMember] = []
    /// Presentations with their own (old) numbers.
    public var presentations: [Presentation] = []
    /// Declines by old presentation number.
    public var declines: [(presentation: Int, decline: DeclineRecord)] = []
    /// Corrections by old presentation number.
    public var corrections: [(presentation: Int, correction: CorrectionRecord)] = []
    /// Legal holds by old presentation number.
    public var holds: [(presentation: Int, hold: HoldRecord)] = []
    /// Onward referrals (their `presentation` is the old number).
    public var referrals: [Referral] = []
    /// The site's audit chain, oldest first, already verified by the caller.
    public var audit: [AuditEntry] = []

    /// Makes an empty bundle for `site`.
    public init(site: String) { self.site = site }
}

/// A database the console can use: one transaction per command.
///
/// The isolation contract every store keeps (SQLite by its one writer, PostgreSQL by locks):
/// - write transactions are serialised with respect to each other (per database, or at
///   least per mentor and per audit chain): a body that reads a mentor's caseload, checks the
///   hard rules and assigns sees no other writer's change between its read and its commit;
/// - a store may run a write body more than once (after a serialisation failure or a
///   deadlock), so a body writes no files, prints nothing and appends no warnings: it only
///   reads and writes through its transaction and returns a value;
/// - a wait for another console's lock is a wait, never an error, up to the store's limit,
///   after which it throws `StoreError.busy`;
/// - ids (mentor, staff, service) compare without regard to case; times are whole seconds;
/// - no shift lasts longer than `Shift.longestRealSeconds`, so "shifts covering t" only
///   looks back that far;
/// - numbers given by bulk inserts are consecutive;
/// - the audit log is one chain per database, appended in the same transaction as the change.
public protocol AlongsideStore: AnyObject, Sendable {
    /// What the console names the database by (a file path, or a URL without password).
    var location: String { get }
    /// Whether this is the trust's shared database (spec §9) rather than a site's file.
    var isShared: Bool { get }
    /// Runs `body` in one read transaction.
    func read<T>(_ body: (any StoreReading) throws -> T) throws -> T
    /// Runs `body` in one write transaction; audit entries carry `context`. Nothing is
    /// written if `body` throws. The body may be run again (see the isolation contract).
    func write<T>(_ context: ActingContext, _ body: (any StoreWriting) throws -> T) throws -> T
    /// Checks the database's integrity and the audit chain; returns problems (empty = fine).
    func check() throws -> [String]
    /// Checks the audit chain only; returns problems (empty = fine) and the entry count.
    func verifyAudit() throws -> (problems: [String], entries: Int)
    /// Writes a consistent copy of the database to `path` (mode 0600) under a temporary
    /// name renamed into place when complete; a failure leaves any previous file untouched.
    func backup(to path: String) throws
    /// Checks the audit chain, and that each anchor is still in it; returns problems.
    func verifyAudit(anchors: [AuditAnchor]) throws -> (problems: [String], entries: Int)
    /// The log's head, as an anchor to keep outside the database; nil for an empty log.
    func auditAnchor() throws -> AuditAnchor?
    /// The key of the keyed chain, for every later entry and verification.
    func setAuditKey(_ key: AuditKeyState)
    /// A number that changes whenever another connection commits a change (SQLite's
    /// `PRAGMA data_version`): a cheap test for the live board to know when to redraw.
    func changeCounter() throws -> Int64
    /// Keeps the figures of closed weeks, computed from data read at `version`
    /// (``KeptWeekFigures/version``), in a short transaction of its own; keeps nothing if
    /// any change has been committed since (figures of rows that changed meanwhile would be
    /// wrong). Not audited: they are derived, never shown as records, and dropped by the
    /// database itself (triggers) whenever a presentation that arrived in their span is
    /// inserted, deleted or changes its arrival, seen time, voiding or site. `check`
    /// computes every kept week again and reports any that differ.
    func keepWeekFigures(
        _ figures: [(span: TimeSpan, figures: WeekFigures)], scope: String, readAt version: Int64
    ) throws
}

/// Opens the store a `--db` value names: the composition root (the executable) decides
/// which kinds exist; the console only asks.
public protocol StoreOpening: Sendable {
    /// Whether a store already exists at `location` (a new one is never made silently).
    func exists(_ location: String, environment: [String: String]) -> Bool
    /// Opens (creating and migrating when needed) the store at `location`.
    func open(_ location: String, environment: [String: String]) throws -> any AlongsideStore
    /// Opens an existing site's SQLite file as the source of `site import` (spec §9); never
    /// creates one (a missing file is `StoreError.notFound(kind: "database file", …)`). A
    /// file of an older Alongside is upgraded as `--db` would upgrade it.
    func openSiteFile(_ path: String) throws -> any AlongsideStore
}

/// A legal hold on a presentation.
public struct HoldRecord: Sendable, Equatable {
    /// Why it is held.
    public var reason: String
    /// Since when.
    public var at: Date

    /// Makes a record.
    public init(reason: String, at: Date) {
        self.reason = reason
        self.at = at
    }
}

/// What a retention run did.
public struct RetentionRun: Sendable, Equatable {
    /// Presentations whose identifiers were removed.
    public var presentations: Int
    /// Audit entries whose identifying content was erased.
    public var entriesErased: Int
    /// Entries written before v4-audit about those presentations, whose content their hash
    /// covers, so it stays.
    public var entriesKept: Int

    /// Makes a record of a run.
    public init(presentations: Int, entriesErased: Int, entriesKept: Int) {
        self.presentations = presentations
        self.entriesErased = entriesErased
        self.entriesKept = entriesKept
    }
}
