import Foundation
import Testing
import TidingsTestSupport

/// tidingsd as systemd runs it: sd_notify messages, reload on SIGHUP, stop on SIGTERM.
@Suite("Running under systemd", .serialized)
struct SystemdServiceTests {
    let work = TemporaryDirectory("tidings-systemd")
    var db: String { work.path("state/tidings.db") }

    func feed(_ guids: ClosedRange<Int>) -> String {
        var xml = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Feed</title>\n"
        for number in guids {
            xml += "<item><guid>g\(number)</guid><title>Story \(number)</title>"
                + "<description>Story number \(number) in words of its own, \(number) times over.</description></item>\n"
        }
        return xml + "</channel></rss>\n"
    }

    /// A config whose file sources are refreshed every `interval` (a second by default).
    func config(_ sources: [String], interval: String = "1s", daemon extra: String = "") throws -> String {
        var text = "[daemon]\ndatabase = \"state/tidings.db\"\nchange_log = \"state/changes\"\n" + extra
        for id in sources {
            text += "\n[[source]]\nid = \"\(id)\"\nurl = \"file:\(id).xml\"\ninterval = \"\(interval)\"\n"
        }
        return try work.write("tidings.toml", text)
    }

    func articles(of source: String) throws -> Int {
        let result = try ProcessRunner.tidings(["--db", db, "articles", "--source", source, "--json"])
        guard result.status == 0 else { return -1 }
        return (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [Any])?.count ?? -1
    }

    @Test("READY after start-up, then STATUS and WATCHDOG; RELOADING and READY around SIGHUP; STOPPING on SIGTERM")
    func notifySequence() throws {
        _ = try work.write("a.xml", feed(1...3))
        let config = try config(["a"])
        let socket = try NotifySocket(path: work.path("notify.sock"))
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config], environment: [
            "NOTIFY_SOCKET": socket.environmentValue, "WATCHDOG_USEC": "1000000",
        ])
        let ready = socket.waitFor("READY=1")
        #expect(ready != nil, "\(daemon.stderr)")
        let alive = socket.waitFor("WATCHDOG=1")
        #expect(alive?.contains { $0.hasPrefix("STATUS=1 sources (") && $0.contains("failing); today") } == true,
                "\(String(describing: alive))")
        #expect(socket.waitFor("WATCHDOG=1", timeout: 3) != nil, "keep-alives keep coming (every 0.5 s)")

        kill(daemon.pid, SIGHUP)
        let reloading = socket.waitFor("RELOADING=1")
        #expect(reloading?.last?.contains("MONOTONIC_USEC=") == true, "\(String(describing: reloading))")
        #expect(socket.waitFor("READY=1") != nil, "READY after the reload")

        kill(daemon.pid, SIGTERM)
        #expect(socket.waitFor("STOPPING=1") != nil)
        #expect(daemon.waitForExit(timeout: 20) == 0, "\(daemon.stderr)")
    }

    @Test("with every service running (notifier, watchdog, metrics file), SIGTERM stops fetching at once")
    func stopIsPrompt() throws {
        _ = try work.write("a.xml", feed(1...3))
        let config = try config(["a"], daemon: "metrics_file = \"state/tidings.prom\"\n")
        let socket = try NotifySocket(path: work.path("notify.sock"))
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config], environment: [
            "NOTIFY_SOCKET": socket.environmentValue, "WATCHDOG_USEC": "30000000",
        ])
        #expect(socket.waitFor("READY=1") != nil, "\(daemon.stderr)")
        func cycles() -> Int { daemon.stderr.components(separatedBy: "cycle.done").count - 1 }
        #expect(eventually(timeout: 30) { cycles() >= 2 }, "\(daemon.stderr)")
        let before = cycles()
        kill(daemon.pid, SIGTERM)
        #expect(daemon.waitForExit(timeout: 20) == 0, "\(daemon.stderr)")
        // Services stop one after another, the scheduler last: one of them sleeping through the stop
        // (the metrics file's 15 s) kept a cycle a second going meanwhile.
        #expect(cycles() <= before + 1, "cycles after SIGTERM: \(cycles() - before)\n\(daemon.stderr)")
    }

    @Test("an abstract NOTIFY_SOCKET (@name) works too; without NOTIFY_SOCKET nothing is sent and nothing fails")
    func abstractSocket() throws {
        _ = try work.write("a.xml", feed(1...2))
        let config = try config(["a"])
        let socket = try NotifySocket(path: "tidings-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", abstract: true)
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config],
                                           environment: ["NOTIFY_SOCKET": socket.environmentValue])
        #expect(socket.waitFor("READY=1") != nil, "\(daemon.stderr)")
        #expect(daemon.stop(signal: SIGTERM, timeout: 20) == 0)

        let plain = try ProcessRunner.tidingsd(["--config", config, "--once"], environment: ["NOTIFY_SOCKET": ""])
        #expect(plain.status == 0, "\(plain.stderr)")
    }

    @Test("SIGHUP adding a source fetches it without a restart; removing one records source.removed and keeps its articles")
    func reloadAddsAndRemoves() throws {
        _ = try work.write("a.xml", feed(1...3))
        _ = try work.write("b.xml", feed(10...11))
        // Nothing is due for an hour: only the reload's wake-up can get "b" fetched in time.
        _ = try config(["a"], interval: "1h")
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", work.path("tidings.toml")])
        #expect(try eventually(timeout: 20) { try articles(of: "a") == 3 }, "\(daemon.stderr)")
        #expect(eventually(timeout: 10) { daemon.stderr.contains("scheduler.sleeping") || daemon.stderr.contains("cycle.done") })

        _ = try config(["a", "b"], interval: "1h")
        kill(daemon.pid, SIGHUP)
        #expect(try eventually(timeout: 20) { try articles(of: "b") == 2 }, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("config.reloaded"))
        #expect(daemon.stderr.contains("sources.added=1"))

        // The store and the log level are read at start: a new value waits for a restart, said so, and the
        // running store still records the removal.
        _ = try config(["b"], interval: "1h", daemon: "log_level = \"debug\"\n")
        kill(daemon.pid, SIGHUP)
        #expect(eventually(timeout: 20) { daemon.stderr.contains("sources.removed=1") }, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("config.restart_needed file=debug key=daemon.log_level running=info"), "\(daemon.stderr)")
        let removed = try TidingsJSON.lines(db: db, ["changes", "--event", "source.removed", "--json"])
        #expect(removed.map { $0["source"] as? String } == ["a"])
        #expect(try articles(of: "a") == 3, "a removed source keeps its articles")
        #expect(daemon.stop(signal: SIGTERM, timeout: 20) == 0)
    }

    @Test("SIGHUP with a broken config reports file, line and key, and the running sources go on")
    func reloadBrokenConfig() throws {
        _ = try work.write("a.xml", feed(1...3))
        let config = try config(["a"])
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config])
        #expect(try eventually(timeout: 20) { try articles(of: "a") == 3 }, "\(daemon.stderr)")

        _ = try work.write("tidings.toml", "[daemon]\ndatabase = \"state/tidings.db\"\nconcurrency = \"lots\"\n")
        kill(daemon.pid, SIGHUP)
        #expect(eventually(timeout: 20) { daemon.stderr.contains("config.reload_failed") }, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("\(config):3:1: error: daemon.concurrency: expected integer"), "\(daemon.stderr)")
        // Source "a" is still refreshed every second with the running config.
        _ = try work.write("a.xml", feed(1...5))
        #expect(try eventually(timeout: 20) { try articles(of: "a") == 5 }, "\(daemon.stderr)")
        #expect(daemon.process.isRunning)
        #expect(daemon.stop(signal: SIGTERM, timeout: 20) == 0)
    }

    @Test("SIGTERM in the middle of a cycle: exit 0 within the deadline, every article reported added is in the store")
    func stopDuringCycle() throws {
        let server = try FeedServer(root: work.url)
        let sources = (1...40).map { ("s\($0)", server.url("/rolling/s\($0)?items=150&new=150")) }
        let config = try work.write("t.toml", tidingsConfig(database: db, sources: sources, daemon: """
            concurrency = 2
            per_host_concurrency = 2
            host_spacing = "0s"
            timeout = "5s"
            """))
        let daemon = try BackgroundProcess(TestPaths.tidingsd, ["--config", config])
        #expect(eventually(timeout: 30) { daemon.stderr.contains("refresh.done") }, "\(daemon.stderr)")
        let stopped = Date()
        let status = daemon.stop(signal: SIGTERM, timeout: 30)
        #expect(status == 0, "\(daemon.stderr)")
        // The deadline is the transfer timeout plus 5 s.
        #expect(Date().timeIntervalSince(stopped) < 10 + 5, "exit within the deadline (with slack for a loaded machine)")
        let done = daemon.stderr.split(separator: "\n").filter { $0.contains("refresh.done") }
        #expect(done.count < 40, "the stop landed in the middle of the cycle and started nothing new")
        let reported = done.compactMap { line in
            line.split(separator: " ").first { $0.hasPrefix("added=") }.flatMap { Int($0.dropFirst(6)) }
        }.reduce(0, +)
        let stored = try #require(try TidingsJSON.document(db: db, ["articles", "--json"]) as? [Any]).count
        #expect(reported > 0 && stored == reported, "reported \(reported), stored \(stored)")
    }
}
