import AlongsideCore
import AlongsideStore
import ArgumentParser

/// A site's name as typed (spec §9): letters, digits and `-`, at most 32, read without
/// regard to case; anything else is refused while parsing, before the database opens.
struct SiteArgument: ExpressibleByArgument, Sendable, Equatable {
    /// The name, lower-cased (`all` for the whole trust).
    var name: String

    init?(argument: String) {
        guard SiteName.isValid(argument) else { return nil }
        name = argument.lowercased()
    }
}

/// The presentations a command covers (spec §9): one site's, or every site's of the trust.
enum SiteScope: Equatable, Sendable {
    /// One emergency department's.
    case site(String)
    /// Every site's (`--site all`).
    case all

    /// The site's name, or `all`.
    var name: String {
        switch self {
        case .site(let name): name
        case .all: SiteName.all
        }
    }

    /// Whether it covers several sites.
    var isAll: Bool { self == .all }

    /// Whether `p` belongs to a site covered.
    func covers(_ p: Presentation) -> Bool {
        switch self {
        case .site(let name): p.site.lowercased() == name
        case .all: true
        }
    }

    /// The presentations of `list` that belong to a site covered, in their order.
    func filter(_ list: [Presentation]) -> [Presentation] {
        isAll ? list : list.filter(covers)
    }
}

/// What a command covers and whether its views name the site.
struct SiteCoverage: Sendable {
    /// The site(s) covered.
    var scope: SiteScope
    /// Whether to name the site in titles (and handover's JSON): another site has registered
    /// people too, or every site is covered. A single-site database's views stay exactly as
    /// they were, whatever its site is called.
    var named: Bool

    /// `site north`, or `all sites`.
    var label: String { scope.isAll ? "all sites" : "site \(scope.name)" }
}

/// `--site NAME`, shared by every command that covers a site (queue, board, allocate,
/// handover, summary, register, export): for that command alone, instead of the console's
/// site (`alongside --site`, else the `site` setting).
struct SiteOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The site (emergency department), or all for every site of the trust "
                + "(default: this console's site).", valueName: "site"))
    var site: SiteArgument?

    /// The site named: this option, else the console's.
    func name(_ session: Session) -> String { site?.name ?? session.site }

    /// The site(s) the command covers. A site is known once it has registered someone; the
    /// console's own site is always accepted (a new department starts with an empty queue);
    /// any other name is refused with the nearest known site, never shown an empty queue.
    func resolve(_ session: Session, _ tx: any StoreReading) throws -> SiteCoverage {
        let name = name(session)
        if name == SiteName.all { return SiteCoverage(scope: .all, named: true) }
        let known = try tx.sites()
        guard name == session.site || known.contains(name) else {
            throw Self.unknown(name, known: known, session: session)
        }
        return SiteCoverage(scope: .site(name), named: known.contains { $0 != name })
    }

    /// The refusal of a site that has registered nobody. The name is not echoed (it may be
    /// something else typed in the wrong place); the nearest site is suggested.
    static func unknown(_ name: String, known: [String], session: Session) -> CommandError {
        var names = known
        if session.site != SiteName.all, !names.contains(session.site) {
            names.append(session.site)
        }
        names.sort()
        return CommandError.field(
            "--site",
            "no site of that name has registered anyone" + Suggestion.didYouMean(name, in: names)
                + "; the sites are \(names.joined(separator: ", ")), or 'all' for every site")
    }

    /// The site a registration is filed under: one site, never `all`. A name not yet known
    /// starts a new site (the caller says so).
    func registrationSite(_ session: Session) throws -> String {
        try Self.registrationSite(site?.name, session)
    }

    /// The site rows are filed under: `name` (as given to `--site`), else the console's.
    static func registrationSite(_ given: String?, _ session: Session) throws -> String {
        let name = given ?? session.site
        let example = session.config.site == SiteName.all ? SiteName.main : session.config.site
        if name == SiteName.all {
            throw CommandError.field(
                "--site",
                "a person is registered at one site, not at 'all'; name the site, e.g. "
                    + "--site \(example)")
        }
        return name
    }
}
