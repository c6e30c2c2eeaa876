import Dispatch
import GRDB

extension Configuration {
    /// GRDB's defaults with its queues at the default quality of service. GRDB asks for
    /// user-initiated, which libdispatch on Linux turns into a nice value of -2 for its worker
    /// threads: refused to an unprivileged service, with a "Failed to set thread priority" line
    /// in the journal for every new worker, and a daemon has no user waiting on it anyway.
    static func atDefaultPriority() -> Configuration {
        var configuration = Configuration()
        configuration.qos = .default
        return configuration
    }
}
