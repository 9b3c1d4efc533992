import Foundation
import Testing

@testable import AlongsideConsole

/// A pipe fed with `text` by another thread (more than a pipe holds); the writer closes its
/// end when done, so reading to the end of input waits for it.
private func pipeFeeding(_ text: String) throws -> Int32 {
    var ends: [Int32] = [-1, -1]
    try #require(pipe(&ends) == 0)
    let fd = ends[1]
    let bytes = Array(text.utf8)
    Thread.detachNewThread {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            offset += n
        }
        close(fd)
    }
    return ends[0]
}

@Suite("BufferedInput")
struct BufferedInputTests {
    @Test("a PIN line read between script lines (SecretPrompt's path) takes just its line")
    func secretBetweenScriptLines() throws {
        let fd = try pipeHolding("staff pin alice\n1234\r\nqueue\n5678\nquit")
        defer { close(fd) }
        let reader = PlainLineReader(fileHandle: fd)
        #expect(reader.readLine(prompt: "") == .line("staff pin alice"))
        #expect(readRawLine(from: fd) == "1234")
        #expect(reader.readLine(prompt: "") == .line("queue"))
        #expect(readRawLine(from: fd) == "5678")
        #expect(reader.readLine(prompt: "") == .line("quit"))
        #expect(readRawLine(from: fd) == nil)
        #expect(reader.readLine(prompt: "") == .endOfInput)
    }

    @Test("lines longer than a block and many lines across block edges come back whole")
    func acrossBlocks() throws {
        let long = String(repeating: "é", count: BufferedInput.blockSize)  // two blocks of bytes
        var text = long + "\n"
        var expected: [LineReadResult] = [.line(long)]
        for i in 0..<20_000 {
            text += "register --locality blackpool --needs alcohol --ref R\(i)\r\n"
            expected.append(.line("register --locality blackpool --needs alcohol --ref R\(i)"))
        }
        let fd = try pipeFeeding(text)
        defer { close(fd) }
        let reader = PlainLineReader(fileHandle: fd)
        var got: [LineReadResult] = []
        while true {
            let result = reader.readLine(prompt: "")
            got.append(result)
            if result == .endOfInput { break }
        }
        #expect(got == expected + [.endOfInput])
    }

    @Test("bytes read ahead from a closed descriptor are not returned for a reused number")
    func staleBufferDropped() throws {
        let first = try pipeHolding("a\nleft over\n")
        #expect(readRawLine(from: first) == "a")
        // The number `first` now names another pipe.
        let second = try pipeHolding("b\n")
        #expect(dup2(second, first) == first)
        close(second)
        defer { close(first) }
        #expect(readRawLine(from: first) == "b")
        #expect(readRawLine(from: first) == nil)
    }
}
