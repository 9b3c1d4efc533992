import AlongsideConsole
import Foundation

exit(Launcher.main(arguments: Array(CommandLine.arguments.dropFirst())))
