import ArgumentParser

/// `quit`.
struct Quit: StandaloneCommand {
    static let configuration = CommandConfiguration(
        commandName: "quit", abstract: "Leave the console (Ctrl-D also leaves).")
    func execute(_ console: Console) throws -> String {
        console.quitRequested = true
        return ""
    }
}
