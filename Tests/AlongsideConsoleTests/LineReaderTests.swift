import Testing

import AlongsideConsole

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` into a fresh pipe, closes its write end and returns the read end.
func pipeHolding(_ text: String) throws -> Int32 {
    var ends: [Int32] = [-1, -1]
    try #require(pipe(&ends) == 0)
    let bytes = Array(text.utf8)
    let written = bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
    #expect(written == bytes.count)
    close(ends[1])
    return ends[0]
}

/// Reads everything `reader` returns until the end of input (at most 100 results).
private func drain(_ reader: LineReader) -> [LineReadResult] {
    var results: [LineReadResult] = []
    for _ in 0..<100 {
        let result = reader.readLine(prompt: "alongside> ")
        results.append(result)
        if result == .endOfInput { break }
    }
    return results
}

/// A path for a scratch file in the temporary directory, removed first.
private func scratchPath(_ name: String) -> String {
    let path = "/tmp/alongside-linereader-\(getpid())-\(name)"
    unlink(path)
    return path
}

private func fileMode(_ path: String) -> mode_t? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return info.st_mode & 0o777
}

@Suite("PlainLineReader")
struct PlainLineReaderTests {
    @Test("reads LF and CRLF lines, empty lines and a last line without a newline")
    func mixedLineEndings() throws {
        let fd = try pipeHolding("register\r\n\nmatch --needs alcohol\n\r\nquit")
        defer { close(fd) }
        let reader = PlainLineReader(fileHandle: fd)
        #expect(!reader.isInteractive)
        #expect(
            drain(reader) == [
                .line("register"), .line(""), .line("match --needs alcohol"), .line(""),
                .line("quit"), .endOfInput,
            ])
        #expect(reader.readLine(prompt: "") == .endOfInput)
    }

    @Test("an empty pipe is at once the end of input")
    func emptyPipe() throws {
        let fd = try pipeHolding("")
        defer { close(fd) }
        #expect(drain(PlainLineReader(fileHandle: fd)) == [.endOfInput])
    }

    @Test("a final newline does not make an extra empty line")
    func finalNewline() throws {
        let fd = try pipeHolding("one\ntwo\n")
        defer { close(fd) }
        #expect(drain(PlainLineReader(fileHandle: fd)) == [.line("one"), .line("two"), .endOfInput])
    }

    @Test("keeps UTF-8 text and leaves the rest of the input to the next reader")
    func utf8AndSharing() throws {
        let fd = try pipeHolding("note Zoë café\nnext\n")
        defer { close(fd) }
        #expect(PlainLineReader(fileHandle: fd).readLine(prompt: "") == .line("note Zoë café"))
        #expect(PlainLineReader(fileHandle: fd).readLine(prompt: "") == .line("next"))
    }
}

@Suite("ArrayLineReader")
struct ArrayLineReaderTests {
    @Test("returns its lines in order, then the end of input, recording prompts")
    func replay() {
        let reader = ArrayLineReader(["mentor list", "", "quit"])
        #expect(!reader.isInteractive)
        #expect(reader.readLine(prompt: "a> ") == .line("mentor list"))
        #expect(reader.readLine(prompt: "b> ") == .line(""))
        #expect(reader.readLine(prompt: "c> ") == .line("quit"))
        #expect(reader.readLine(prompt: "d> ") == .endOfInput)
        #expect(reader.readLine(prompt: "e> ") == .endOfInput)
        #expect(reader.prompts == ["a> ", "b> ", "c> ", "d> ", "e> "])
    }

    @Test("an empty array is the end of input")
    func empty() {
        #expect(drain(ArrayLineReader([])) == [.endOfInput])
    }
}

@Suite("HistoryPolicy")
struct HistoryPolicyTests {
    @Test(
        "ordinary lines may be stored",
        arguments: [
            "register",
            "match --needs alcohol,drugs --locality blackpool",
            "mentor show M-0042",
            "wait --minutes 240",
            "phone 01253 300000",
            "ref 9434765918",  // fails the Modulus-11 check
            "ref 12345678901234",  // longer than ten digits
        ])
    func storable(line: String) {
        #expect(HistoryPolicy.mayStore(line))
    }

    @Test(
        "sensitive or blank lines are never stored",
        arguments: [
            "",
            "   \t ",
            "register --nhs 9434765919",
            "register --nhs=9434765919",
            "register --NHS 123",
            "register --nhs",
            "match 9434765919",
            "match 943 476 5919",
            "match 943-476-5919",
            "x9434765919y",
            "register 4010232137 --needs drugs",
        ])
    func notStorable(line: String) {
        #expect(!HistoryPolicy.mayStore(line))
    }

    @Test("$ALONGSIDE_HISTORY wins, else ~/.alongside_history")
    func fromEnvironment() {
        let explicit = HistoryPolicy.fromEnvironment([
            "ALONGSIDE_HISTORY": "/var/tmp/alongside.hist", "HOME": "/home/liaison",
        ])
        #expect(explicit.path == "/var/tmp/alongside.hist")
        #expect(explicit.maxLines == 1000)

        let home = HistoryPolicy.fromEnvironment(["HOME": "/home/liaison"])
        #expect(home.path == "/home/liaison/.alongside_history")

        let emptyVariable = HistoryPolicy.fromEnvironment([
            "ALONGSIDE_HISTORY": "", "HOME": "/home/liaison/",
        ])
        #expect(emptyVariable.path == "/home/liaison/.alongside_history")

        let tilde = HistoryPolicy.fromEnvironment([
            "ALONGSIDE_HISTORY": "~/h/alongside", "HOME": "/home/liaison",
        ])
        #expect(tilde.path == "/home/liaison/h/alongside")

        let noHome = HistoryPolicy.fromEnvironment([:])
        #expect(noHome.path.hasSuffix("/.alongside_history"))
    }

    @Test("the history file is created with mode 0600")
    func createsPrivateFile() throws {
        let path = scratchPath("new")
        defer { unlink(path) }
        #expect(HistoryPolicy(path: path).ensureFile())
        #expect(fileMode(path) == 0o600)
    }

    @Test("an existing history file is tightened to 0600 and keeps its lines")
    func tightensExistingFile() throws {
        let path = scratchPath("existing")
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode_t(0o644))
        try #require(fd >= 0)
        let text = Array("mentor list\n".utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, mode_t(0o644))
        close(fd)

        #expect(HistoryPolicy(path: path).ensureFile())
        #expect(fileMode(path) == 0o600)
        let readBack = open(path, O_RDONLY)
        defer { close(readBack) }
        #expect(PlainLineReader(fileHandle: readBack).readLine(prompt: "") == .line("mentor list"))
    }

    @Test("a file that cannot be created is reported")
    func unwritableDirectory() {
        #expect(!HistoryPolicy(path: "/nonexistent-dir-\(getpid())/history").ensureFile())
    }
}
