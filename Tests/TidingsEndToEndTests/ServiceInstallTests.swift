import Foundation
import Testing
import TidingsTestSupport

/// `make install` / `make uninstall` into a scratch root, and the unit checked by systemd's own tools.
@Suite("Installing the service", .serialized)
struct ServiceInstallTests {
    let root = TemporaryDirectory("tidings-install")

    func make(_ arguments: String...) throws -> ProcessResult {
        try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), ["make", "-C", TestPaths.repositoryRoot.path] + arguments + [
            "NO_BUILD=1", "INSTALL_FROM=\(TestPaths.binaries.path)", "DESTDIR=\(root.path(""))", "PREFIX=/usr",
        ])
    }

    @Test("make install puts binaries, unit, sysusers/tmpfiles snippets and the config in place; an existing config is kept; make uninstall keeps config")
    func installAndUninstall() throws {
        let install = try make("install")
        #expect(install.status == 0, "\(install.stdout)\(install.stderr)")
        let files = ["usr/bin/tidingsd", "usr/bin/tidings", "usr/lib/systemd/system/tidingsd.service",
                     "usr/lib/sysusers.d/tidings.conf", "usr/lib/tmpfiles.d/tidings.conf", "etc/tidings/tidings.toml",
                     "usr/share/doc/tidings/README.md", "usr/share/man/man1/tidings.1", "usr/share/man/man1/tidingsd.1",
                     "usr/share/bash-completion/completions/tidings", "usr/share/zsh/vendor-completions/_tidings",
                     "usr/share/fish/vendor_completions.d/tidings.fish", "usr/share/bash-completion/completions/tidingsd"]
        for file in files { #expect(FileManager.default.fileExists(atPath: root.path(file)), "\(file)") }
        let unit = try String(contentsOfFile: root.path("usr/lib/systemd/system/tidingsd.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/bin/tidingsd --config /etc/tidings/tidings.toml"))
        // The man page and completions are generated from the command definitions: every subcommand is in them.
        let manual = try String(contentsOfFile: root.path("usr/share/man/man1/tidings.1"), encoding: .utf8)
        for command in ["search", "import-opml", "export-opml", "export", "stats", "--prometheus"] {
            #expect(manual.contains(command), "\(command) in the man page")
        }
        #expect(manual.contains(".Dt TIDINGS 1"), "an mdoc page in section 1")
        // Bash completes the subcommands of `tidings sources` the way it would at a prompt.
        let completion = try ProcessRunner.run(URL(fileURLWithPath: "/bin/bash"), ["-c", #"""
            source "$1" && COMP_WORDS=(tidings sources "") && COMP_CWORD=2 && COMP_LINE="tidings sources " && COMP_POINT=${#COMP_LINE}
            function=$(complete -p tidings | sed -E 's/.*-F ([^ ]+).*/\1/') && "$function" tidings "" sources && printf '%s\n' "${COMPREPLY[@]}"
            """#, "bash", root.path("usr/share/bash-completion/completions/tidings")])
        #expect(completion.status == 0, "\(completion.stderr)")
        #expect(completion.stdout.contains("import-opml") && completion.stdout.contains("export-opml"), "\(completion.stdout)")

        let edited = "# mine\n"
        try edited.write(toFile: root.path("etc/tidings/tidings.toml"), atomically: true, encoding: .utf8)
        let again = try make("install")
        #expect(again.stdout.contains("kept "), "\(again.stdout)")
        #expect(try String(contentsOfFile: root.path("etc/tidings/tidings.toml"), encoding: .utf8) == edited)

        let uninstall = try make("uninstall")
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        for file in files.filter({ $0 != "etc/tidings/tidings.toml" }) {
            #expect(!FileManager.default.fileExists(atPath: root.path(file)), "\(file) removed")
        }
        #expect(FileManager.default.fileExists(atPath: root.path("etc/tidings/tidings.toml")), "the config stays")
    }

    static let analyze = "/usr/bin/systemd-analyze"

    @Test("systemd-analyze verifies the unit cleanly and rates its exposure 2.0 or lower",
          .enabled(if: FileManager.default.isExecutableFile(atPath: analyze)))
    func unitIsCleanAndHardened() throws {
        // The unit as installed, pointing at the built binary (verify checks that ExecStart exists).
        let text = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("systemd/tidingsd.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/tidingsd", with: TestPaths.tidingsd.path)
        let unit = try root.write("tidingsd.service", text)
        let verify = try ProcessRunner.run(URL(fileURLWithPath: Self.analyze), ["verify", unit])
        #expect(verify.status == 0 && verify.stderr.isEmpty && verify.stdout.isEmpty, "\(verify.stdout)\(verify.stderr)")
        let security = try ProcessRunner.run(URL(fileURLWithPath: Self.analyze), ["security", "--offline=true", unit])
        let line = security.stdout.split(separator: "\n").last { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil && score! <= 2.0, "\(security.stdout.suffix(400))")
    }

    static let nspawn = "/usr/bin/systemd-nspawn"

    @Test("the installed unit under a real systemd (a container): starts, ingests, feeds the watchdog, reloads, stops cleanly, nothing refused by its sandbox",
          .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: nspawn)))
    func bootsUnderSystemd() throws {
        let script = TestPaths.repositoryRoot.appendingPathComponent("Tests/Service/boot-under-systemd.sh")
        let result = try ProcessRunner.run(URL(fileURLWithPath: "/bin/bash"), [script.path, TestPaths.binaries.path])
        print(result.stdout)
        if result.status == 77 { try Test.cancel(Comment(rawValue: result.stdout)) }
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("every directive of the unit has a comment saying why")
    func everyDirectiveCommented() throws {
        let lines = try String(contentsOf: TestPaths.repositoryRoot.appendingPathComponent("systemd/tidingsd.service"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var uncommented: [String] = []
        for (index, line) in lines.enumerated() where line.contains("=") && !line.hasPrefix("#") {
            // A directive is explained by the comment above it or above the group of directives it belongs to.
            var above = index - 1
            while above >= 0, lines[above].contains("="), !lines[above].hasPrefix("#") { above -= 1 }
            if above < 0 || !lines[above].hasPrefix("#") { uncommented.append(line) }
        }
        #expect(uncommented.isEmpty, "\(uncommented)")
    }
}
