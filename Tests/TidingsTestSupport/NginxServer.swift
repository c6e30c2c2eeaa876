import Foundation

/// Debian's nginx serving `root` on 127.0.0.1 and a free port, with ETags and
/// gzip for feed types; its config, pid, logs and temp files live in a folder
/// of its own. Started in the foreground, stopped by PID when released.
/// With `tls`, it serves HTTPS and HTTP/2 with a self-signed certificate for
/// 127.0.0.1 made by openssl (`certificatePath`: trust it, or see it refused).
public final class NginxServer: @unchecked Sendable {
    public let port: Int
    private let process = Process()
    private let folder = TemporaryDirectory("tidings-nginx")

    public static var isAvailable: Bool { executable != nil }

    private static var executable: String? {
        ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public let scheme: String
    public var certificatePath: String { folder.path("cert.pem") }

    public init(root: URL, tls: Bool = false) throws {
        guard let nginx = NginxServer.executable else { throw ServerStartError(message: "nginx is not installed") }
        port = closedLocalPort()
        scheme = tls ? "https" : "http"
        let dir = folder.url.path
        if tls {
            let made = try ProcessRunner.run(URL(fileURLWithPath: "/usr/bin/env"), [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", "\(dir)/key.pem", "-out", "\(dir)/cert.pem",
            ])
            guard made.status == 0 else { throw ServerStartError(message: "openssl could not make a certificate: \(made.stderr)") }
        }
        let listen = tls ? """
            listen 127.0.0.1:\(port) ssl http2;
                    ssl_certificate \(dir)/cert.pem;
                    ssl_certificate_key \(dir)/key.pem;
            """ : "listen 127.0.0.1:\(port);"
        for sub in ["body", "proxy", "fastcgi", "uwsgi", "scgi"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/tmp/\(sub)", withIntermediateDirectories: true)
        }
        try folder.write("nginx.conf", """
            worker_processes 1;
            pid \(dir)/nginx.pid;
            error_log \(dir)/error.log warn;
            daemon off;
            events { worker_connections 64; }
            http {
                access_log \(dir)/access.log;
                client_body_temp_path \(dir)/tmp/body;
                proxy_temp_path \(dir)/tmp/proxy;
                fastcgi_temp_path \(dir)/tmp/fastcgi;
                uwsgi_temp_path \(dir)/tmp/uwsgi;
                scgi_temp_path \(dir)/tmp/scgi;
                types { application/rss+xml xml; application/atom+xml atom; }
                default_type application/octet-stream;
                etag on;
                gzip on;
                gzip_min_length 32;
                gzip_types application/rss+xml application/atom+xml;
                # Idle connections stay open for as long as a test runs: under the full suite a test
                # can wait over a minute between two fetches (the default 75 s broke a reuse test once).
                keepalive_timeout 10m;
                server {
                    \(listen)
                    root \(root.path);
                }
            }
            """)
        process.executableURL = URL(fileURLWithPath: nginx)
        process.arguments = ["-e", "\(dir)/error.log", "-p", dir, "-c", "\(dir)/nginx.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let listening = eventually(timeout: 10) { NginxServer.accepts(port: port) }
        guard listening, process.isRunning else {
            let log = (try? String(contentsOfFile: "\(dir)/error.log", encoding: .utf8)) ?? ""
            throw ServerStartError(message: "nginx did not start: \(log)")
        }
    }

    deinit {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    public func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(port)\(path)" }

    /// The access log: one line per request, with the status.
    public var accessLog: String { (try? String(contentsOfFile: folder.path("access.log"), encoding: .utf8)) ?? "" }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
