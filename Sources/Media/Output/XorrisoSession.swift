import CIsoburn
import Foundation

/// The one xorriso object of the process (libisoburn's xorriso API over libburn), used under
/// `Libisofs.lock`: the API is not thread-safe, libburn keeps global drive state, and
/// `Xorriso_startup_libraries` is meant to run once.
///
/// Signal handling is left to the application (`Xorriso__preset_signal_behavior(0)`), and
/// xorriso's result and info channels are redirected into lists for each command, so it prints
/// nothing; the lines come back to the caller.
final class XorrisoSession: @unchecked Sendable {
    struct Output {
        var status: Int32
        /// Result channel (what xorriso prints on stdout).
        var results: [String]
        /// Info channel (stderr): NOTE, SORRY, FAILURE… and UPDATE lines.
        var infos: [String]
        /// Problem severity after the command ("" or "NOTE" when all went well).
        var severity: String

        var failed: Bool {
            status <= 0 || ["SORRY", "FAILURE", "FATAL", "ABORT", "MISHAP"].contains(severity)
        }
        /// The lines that explain a failure.
        var problems: [String] {
            let p = infos.filter { $0.contains(": SORRY :") || $0.contains(": FAILURE :") || $0.contains(": FATAL :") || $0.contains(": MISHAP :") }
            return p.isEmpty ? infos.suffix(3).map { $0 } : p
        }
    }

    private let handle: OpaquePointer

    private static let shared: Result<XorrisoSession, OpticalDriveError> = {
        _ = Xorriso__preset_signal_behavior(0, 0)
        var x: OpaquePointer?
        let name = strdup("xorriso")
        defer { free(name) }
        guard Xorriso_new(&x, name, 0) > 0, let x else {
            return .failure(.xorriso(operation: "Xorriso_new", messages: ["cannot create the xorriso object"]))
        }
        guard Xorriso_startup_libraries(x, 0) > 0 else {
            return .failure(.xorriso(operation: "Xorriso_startup_libraries", messages: ["libburn/libisofs did not start"]))
        }
        return .success(XorrisoSession(handle: x))
    }()

    private init(handle: OpaquePointer) { self.handle = handle }

    /// Runs `body` with the session under the process-wide libisofs/xorriso lock.
    static func with<T>(_ body: (XorrisoSession) throws(OpticalDriveError) -> T) throws(OpticalDriveError) -> T {
        Libisofs.lock.lock()
        defer { Libisofs.lock.unlock() }
        let session = try shared.get()
        return try body(session)
    }

    /// Interprets `arguments` (commands and their parameters, as on xorriso's command line).
    /// `onInfo` sees info lines while the command runs (polled from another thread; xorriso
    /// allows `Xorriso_fetch_outlists` concurrently).
    func run(_ arguments: [String], onInfo: (@Sendable (String) -> Void)? = nil) -> Output {
        var stack: Int32 = 0
        _ = Xorriso_set_problem_status(handle, strdupOnce.empty, 0)
        _ = Xorriso_push_outlists(handle, &stack, 3)

        let collected = LinesBox()
        let stopped = DispatchSemaphore(value: 0)
        if let onInfo {
            let h = UncheckedPointer(handle)
            let s = stack
            Thread {
                defer { stopped.signal() }
                while !collected.stop {
                    usleep(300_000)
                    var r: OpaquePointer?, i: OpaquePointer?
                    if Xorriso_fetch_outlists(h.pointer, s, &r, &i, 3) > 0 {
                        let info = Self.lines(i)
                        collected.append(results: Self.lines(r), infos: info)
                        info.forEach(onInfo)
                    }
                    Xorriso_lst_destroy_all(&r, 0)
                    Xorriso_lst_destroy_all(&i, 0)
                }
            }.start()
        }

        let argv = (["xorriso"] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv
        var idx: Int32 = 1
        let status = cArgs.withUnsafeMutableBufferPointer { buf in
            Xorriso_interpreter(handle, Int32(arguments.count + 1), buf.baseAddress, &idx, 0)
        }
        _ = Xorriso_eval_problem_status(handle, status, 1)

        if onInfo != nil {
            collected.stop = true
            stopped.wait()
        }
        var r: OpaquePointer?, i: OpaquePointer?
        _ = Xorriso_pull_outlists(handle, stack, &r, &i, 0)
        let lastInfos = Self.lines(i)
        lastInfos.forEach { onInfo?($0) }
        var results = collected.results + Self.lines(r)
        var infos = collected.infos + lastInfos
        Xorriso_lst_destroy_all(&r, 0)
        Xorriso_lst_destroy_all(&i, 0)
        results = results.flatMap { $0.split(separator: "\n").map(String.init) }
        infos = infos.flatMap { $0.split(separator: "\n").map(String.init) }

        var severity = [CChar](repeating: 0, count: 80)
        _ = Xorriso_get_problem_status(handle, &severity, 0)
        return Output(status: status, results: results, infos: infos, severity: severity.nulTerminatedString)
    }

    private static func lines(_ list: OpaquePointer?) -> [String] {
        var out: [String] = []
        var item = list
        while let it = item {
            if let t = Xorriso_lst_get_text(it, 0) { out.append(String(cString: t)) }
            item = Xorriso_lst_get_next(it, 0)
        }
        return out
    }

    private struct CStrings: @unchecked Sendable { let empty = strdup("")! }
    private let strdupOnce = CStrings()
}

private struct UncheckedPointer: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ p: OpaquePointer) { pointer = p }
}

private final class LinesBox: @unchecked Sendable {
    private let lock = NSLock()
    private var r: [String] = [], i: [String] = [], stopRequested = false
    var stop: Bool {
        get { lock.withLock { stopRequested } }
        set { lock.withLock { stopRequested = newValue } }
    }
    func append(results: [String], infos: [String]) { lock.withLock { r += results; i += infos } }
    var results: [String] { lock.withLock { r } }
    var infos: [String] { lock.withLock { i } }
}
