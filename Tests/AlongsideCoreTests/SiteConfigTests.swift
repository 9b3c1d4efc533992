import AlongsideCore
import Testing

// The site configuration file: defaults, parsing, and the errors a site's admin sees.

private func refusal(_ text: String) -> SiteConfigError? {
    do {
        _ = try SiteConfig(text: text)
        return nil
    } catch {
        return error
    }
}

@Suite("Site configuration")
struct SiteConfigTests {
    @Test func defaults() {
        let c = SiteConfig()
        #expect(c.timeZoneIdentifier == "Europe/London")
        #expect(c.targetMinutes == 60)
        #expect(c.weights == ScoreWeights(experience: 0.5, locality: 0.2, language: 0.1, load: 0.1, continuity: 0.1))
        #expect(c.weights == .standard)
        #expect(c.tagsFile == nil)
        #expect(c.localitiesFile == nil)
    }

    @Test func emptyTextGivesTheDefaults() throws {
        #expect(try SiteConfig(text: "") == SiteConfig())
        #expect(try SiteConfig(text: "# nothing here\n\n   \n") == SiteConfig())
    }

    @Test func parsesEveryKeyWithCommentsAndSpaces() throws {
        let text = """
            # Fylde coast site
            time_zone = Europe/Dublin
              target_minutes=90   # stretched target
            weight.experience = 0.4
            weight.locality = 0.3
            weight.language = 0.1
            weight.load = 0.1
            weight.continuity = 0.1
            tags_file = site-tags.csv
            localities_file = /srv/alongside/localities.csv

            """
        let c = try SiteConfig(text: text)
        #expect(c.timeZoneIdentifier == "Europe/Dublin")
        #expect(c.targetMinutes == 90)
        #expect(c.weights == ScoreWeights(experience: 0.4, locality: 0.3, language: 0.1, load: 0.1, continuity: 0.1))
        #expect(c.tagsFile == "site-tags.csv")
        #expect(c.localitiesFile == "/srv/alongside/localities.csv")
    }

    @Test func keysNotGivenKeepTheirDefaults() throws {
        let c = try SiteConfig(text: "target_minutes = 45\n")
        #expect(c.targetMinutes == 45)
        #expect(c.timeZoneIdentifier == "Europe/London")
        #expect(c.weights == .standard)
    }

    @Test func writtenTextReadsBackTheSame() throws {
        let c = try SiteConfig(text: "target_minutes = 30\nweight.experience = 0.6\nweight.locality = 0.1\ntags_file = t.csv")
        #expect(try SiteConfig(text: c.text) == c)
    }

    @Test func anUnknownKeyIsRefusedWithItsLineAndASuggestion() throws {
        let e = try #require(refusal("target_minutes = 60\nweight.experiense = 0.5\n"))
        #expect(e.line == 2)
        #expect(e.message.contains("unknown key 'weight.experiense'"))
        #expect(e.message.contains("did you mean 'weight_experience'?"))
        #expect(e.description.hasPrefix("line 2: "))
    }

    @Test func weightsThatDoNotAddUpToOneAreRefused() throws {
        let e = try #require(refusal("weight.experience = 0.6\n"))
        #expect(e.message.contains("add up to"))
        #expect(e.message.contains("not 1"))
        let low = try #require(refusal("weight.experience = 0.3\nweight.locality = 0.1\n"))
        #expect(low.message.contains("add up to"))
    }

    @Test(arguments: [
        ("target_minutes = 0", 1),
        ("target_minutes = ninety", 1),
        ("\ntime_zone = Europe/Blackpool", 2),
        ("weight.load = 1.5", 1),
        ("weight.load = -0.1", 1),
        ("just some words", 1),
        ("target_minutes = 60\ntarget_minutes = 90", 2),
    ])
    func badLinesAreRefusedWithTheirLine(_ text: String, _ line: Int) throws {
        let e = try #require(refusal(text))
        #expect(e.line == line)
    }
}
