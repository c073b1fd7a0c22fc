import Foundation

/// Lists the regular files named on the command line: files as given, folders recursively,
/// hidden files skipped, in a stable order.
enum FileWalker {
    static func files(in paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw CLIError.missingInput(path)
            }
            if !isDir.boolValue { out.append(path); continue }
            // Enumerate the resolved folder (the enumerator does not enter a symlinked root) but
            // report paths under the name the user gave.
            guard let e = fm.enumerator(atPath: (path as NSString).resolvingSymlinksInPath) else { continue }
            var found: [String] = []
            for case let rel as String in e {
                if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
                let full = (path as NSString).appendingPathComponent(rel)
                var sub: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { found.append(full) }
            }
            out += found.sorted()
        }
        return out
    }
}

/// Errors of the command-line layer.
enum CLIError: Error, CustomStringConvertible {
    case missingInput(String)
    case outputExists(String)
    case failures(Int, of: Int)

    var description: String {
        switch self {
        case .missingInput(let p): return "\(p): no such file or folder"
        case .outputExists(let p): return "\(p) exists; choose a new output folder or remove it"
        case .failures(let n, let total): return "\(n) of \(total) files failed (see the messages above)"
        }
    }
}
