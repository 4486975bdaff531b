import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a password from the terminal on standard input without echoing it (termios). The terminal settings are
/// restored afterwards, also when SIGINT, SIGTERM or SIGHUP arrives while it is being typed.
enum PasswordPrompt {
    /// The terminal settings to restore from a signal handler (set before the handlers are installed).
    nonisolated(unsafe) private static var savedTerminal = termios()

    /// Prints `prompt` on standard error and reads one line with echo off; nil at end of input.
    static func read(prompt: String) -> String? {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        guard tcgetattr(STDIN_FILENO, &original) == 0 else { return readLine(strippingNewline: true) }
        savedTerminal = original
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        let signals = [SIGINT, SIGTERM, SIGHUP]
        let previous = signals.map { number in
            signal(number) { received in
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &PasswordPrompt.savedTerminal)
                signal(received, SIG_DFL)
                raise(received)
            }
        }
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        let line = readLine(strippingNewline: true)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
        for (number, handler) in zip(signals, previous) { signal(number, handler) }
        // The user's Enter was not echoed either.
        FileHandle.standardError.write(Data("\n".utf8))
        return line
    }
}
