import AlongsideConsole
import Foundation

// A file size limit makes a write fail with a plain error instead of killing the process.
signal(SIGXFSZ, SIG_IGN)
exit(Launcher.main(arguments: Array(CommandLine.arguments.dropFirst())))
