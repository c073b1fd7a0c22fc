import DICOM
import Foundation
import Imaging
#if canImport(Glibc)
import Glibc
#endif

/// The browsing pages of an imported destination (issue 18): in each study folder an
/// `index.html` (UTF-8 HTML5, self-contained but for its previews) naming the patient, the study
/// date and description and each series with its number, modality, description, object count, a
/// JPEG preview of its middle image (`previews/series-N.jpg`, rendered by `Imaging` as for the IHE
/// PDI Web Content option, IHE RAD TF-3 4.47.4.1.2.2) and links to its files; and `index.html` at
/// the destination's root listing every patient and study. Pages are made from the DICOM files
/// found in the folders (PS3.10), so a later import into the same study refreshes them. Every
/// file is written under a temporary name and renamed durably (`DurableRename`). An image that
/// cannot be rendered gets a text placeholder; pages are never a reason for an import to fail.
public struct ImportPageWriter: Sendable {
    public struct Options: Sendable {
        /// Render JPEG previews (false: pages only).
        public var previews: Bool
        /// Longest side of a preview in pixels.
        public var previewSize: Int
        public var quality: Int
        public init(previews: Bool = true, previewSize: Int = 256, quality: Int = 85) {
            self.previews = previews; self.previewSize = previewSize; self.quality = quality
        }
    }

    /// What was written, relative to the root.
    public struct Result: Sendable, Equatable {
        public var pages: [String] = []
        public var previews: [String] = []
        /// "file: reason" for each preview that could not be made (a placeholder is shown).
        public var placeholders: [String] = []
        /// Pages that could not be written, with the reason.
        public var failures: [String] = []
    }

    public static let pageName = "index.html"
    public static let previewFolder = "previews"

    public let root: String
    public let options: Options

    public init(root: String, options: Options = Options()) {
        self.root = root; self.options = options
    }

    /// The study folders ("Patient/Study") that hold the given destination-relative file paths.
    public static func studyFolders(of paths: [String]) -> Set<String> {
        Set(paths.compactMap { p in
            let c = p.split(separator: "/")
            return c.count >= 3 ? c[0] + "/" + c[1] : nil
        })
    }

    /// Writes (or refreshes) the page and previews of each of `studies`, then the root page.
    public func write(studies: Set<String>) -> Result {
        var result = Result()
        for s in studies.sorted() { writeStudy(s, into: &result) }
        writeRoot(into: &result)
        return result
    }

    // MARK: Reading the folders

    struct Object {
        var path: String       // relative to the study folder
        var instanceNumber: Int
        var frames: Int
    }

    struct Series {
        var uid: String
        var number: String
        var modality: String
        var description: String
        var objects: [Object] = []
    }

    struct Study {
        var patientName = "", patientID = "", date = "", description = ""
        var series: [Series] = []
    }

    /// Reads the headers of every `.dcm` below `folder` (one level of series folders).
    func readStudy(_ folder: String, firstOnly: Bool = false) -> Study {
        var study = Study()
        var byUID: [String: Int] = [:]
        let fm = FileManager.default
        let subs = ((try? fm.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        var files: [(sub: String, name: String)] = []
        for sub in subs where !sub.hasPrefix(".") && sub != Self.previewFolder {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: folder + "/" + sub, isDirectory: &isDir), isDir.boolValue else { continue }
            let names = ((try? fm.contentsOfDirectory(atPath: folder + "/" + sub)) ?? []).filter { $0.lowercased().hasSuffix(".dcm") }.sorted()
            files += names.map { (sub, $0) }
        }
        if firstOnly {
            // The study's keys from its first readable file.
            for (sub, n) in files {
                guard let ds = try? Part10Reader.read(path: folder + "/" + sub + "/" + n, options: .headerOnly).dataSet else { continue }
                func s(_ t: Tag) -> String { (ds.string(t) ?? "").trimmingPadding }
                study.patientName = s(.patientName); study.patientID = s(.patientID)
                study.date = s(.studyDate); study.description = s(.studyDescription)
                return study
            }
            return study
        }
        // Headers on every core, then put together in order.
        let paths = files.map { folder + "/" + $0.sub + "/" + $0.name }
        let headers = ConcurrentResults<DataSet>(paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in
            if let f = try? Part10Reader.read(path: paths[i], options: .headerOnly) { headers.set(i, f.dataSet) }
        }
        for (i, (sub, n)) in files.enumerated() {
            guard let ds = headers.get(i) else { continue }  // not DICOM: not on the page
            func s(_ t: Tag) -> String { (ds.string(t) ?? "").trimmingPadding }
            if study.patientName.isEmpty && study.patientID.isEmpty {
                study.patientName = s(.patientName); study.patientID = s(.patientID)
                study.date = s(.studyDate); study.description = s(.studyDescription)
            }
            let uid = s(.seriesInstanceUID)
            let k: Int
            if let known = byUID[uid] { k = known } else {
                k = study.series.count; byUID[uid] = k
                study.series.append(Series(uid: uid, number: s(.seriesNumber), modality: s(.modality), description: s(.seriesDescription)))
            }
            study.series[k].objects.append(Object(path: sub + "/" + n, instanceNumber: ds.int(.instanceNumber) ?? Int.max,
                                                  frames: ds.int(Tag(0x0028, 0x0008)) ?? 1))
        }
        study.series.sort { (Int($0.number) ?? Int.max, $0.number, $0.uid) < (Int($1.number) ?? Int.max, $1.number, $1.uid) }
        for i in study.series.indices {
            study.series[i].objects.sort { ($0.instanceNumber, $0.path) < ($1.instanceNumber, $1.path) }
        }
        return study
    }

    // MARK: Writing

    /// `path` resolves (links followed) to a folder inside the real path of the root.
    private func inside(_ path: String) -> Bool {
        guard let r = realpath(root, nil) else { return false }
        let realRoot = String(cString: r); free(r)
        guard let p = realpath(path, nil) else { return false }
        let real = String(cString: p); free(p)
        return real.hasPrefix(realRoot + "/")
    }

    private func writeStudy(_ rel: String, into result: inout Result) {
        let folder = root + "/" + rel
        // Nothing is written through a link that leads out of the destination.
        guard inside(folder) else { result.failures.append("\(rel): resolves outside the destination"); return }
        let study = readStudy(folder)
        guard !study.series.isEmpty else { return }
        let previews = folder + "/" + Self.previewFolder
        if options.previews { mkdir(previews, 0o755) }
        let previewsInside = inside(previews)
        if options.previews && !previewsInside { result.failures.append("\(rel)/\(Self.previewFolder): resolves outside the destination") }
        var kept: Set<String> = []
        var body = "<h1>\(PDIText.html(PDIText.displayName(study.patientName).isEmpty ? "(no name)" : PDIText.displayName(study.patientName)))</h1>\n"
        body += "<p>Patient ID \(PDIText.html(study.patientID)) · Study date \(PDIText.html(PDIText.date(study.date))) · \(PDIText.html(study.description))</p>\n"
        body += "<p>\(study.series.count) series</p>\n"
        for (k, series) in study.series.enumerated() {
            let title = ["Series \(series.number)", series.modality, series.description].filter { !$0.isEmpty && $0 != "Series " }
            body += "<section class=\"series\">\n<h2>\(PDIText.html(title.joined(separator: " — ")))</h2>\n"
            body += "<p>Number \(PDIText.html(series.number)) · Modality \(PDIText.html(series.modality)) · \(series.objects.count) object(s)</p>\n"
            if options.previews, previewsInside, !series.objects.isEmpty {
                let middle = series.objects[series.objects.count / 2]
                let name = "series-\(k + 1).jpg"
                do {
                    let file = try Part10Reader.read(path: folder + "/" + middle.path)
                    let image = Resampler.thumbnail(try Renderer.render(file: file, frame: 0, voi: .automatic, format: .automatic),
                                                    maxSide: options.previewSize)
                    let bytes = try JPEGPreviewEncoder.encode(image, options: .init(quality: options.quality))
                    try Self.writeDurably(bytes, to: previews + "/" + name)
                    kept.insert(name)
                    result.previews.append(rel + "/" + Self.previewFolder + "/" + name)
                    body += "<a href=\"\(Self.href(middle.path))\"><img src=\"\(Self.previewFolder)/\(name)\" alt=\"\(PDIText.html(middle.path))\" width=\"\(image.width)\" height=\"\(image.height)\"></a>\n"
                } catch {
                    result.placeholders.append("\(rel)/\(middle.path): \(error)")
                    body += "<p class=\"placeholder\">No preview for \(PDIText.html(middle.path)): \(PDIText.html("\(error)"))</p>\n"
                }
            }
            body += "<ul class=\"files\">\n"
            for o in series.objects {
                body += "<li><a href=\"\(Self.href(o.path))\">\(PDIText.html(o.path))</a>\(o.frames > 1 ? " (\(o.frames) frames)" : "")</li>\n"
            }
            body += "</ul>\n</section>\n"
        }
        // Previews of series no longer there (renumbered by a later import) are removed.
        for old in (previewsInside ? (try? FileManager.default.contentsOfDirectory(atPath: previews)) ?? [] : [])
            where old.hasPrefix("series-") && old.hasSuffix(".jpg") && !kept.contains(old) {
            unlink(previews + "/" + old)
        }
        let title = "\(PDIText.displayName(study.patientName)) — \(PDIText.date(study.date)) \(study.description)"
        do {
            try Self.writeDurably(Array(Self.page(title: title, body: body).utf8), to: folder + "/" + Self.pageName)
            result.pages.append(rel + "/" + Self.pageName)
        } catch { result.failures.append("\(rel)/\(Self.pageName): \(error)") }
    }

    private func writeRoot(into result: inout Result) {
        let fm = FileManager.default
        var body = "<h1>Imported studies</h1>\n"
        var any = false
        for patient in ((try? fm.contentsOfDirectory(atPath: root)) ?? []).sorted() where !patient.hasPrefix(".") {
            var st = stat()
            guard lstat(root + "/" + patient, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { continue }  // links not followed
            let studies = ((try? fm.contentsOfDirectory(atPath: root + "/" + patient)) ?? []).sorted()
                .filter { fm.fileExists(atPath: root + "/" + patient + "/" + $0 + "/" + Self.pageName) }
            guard !studies.isEmpty else { continue }
            any = true
            let first = readStudy(root + "/" + patient + "/" + studies[0], firstOnly: true)
            let shown = PDIText.displayName(first.patientName)
            body += "<h2>\(PDIText.html(shown.isEmpty ? patient : shown))\(first.patientID.isEmpty ? "" : " (\(PDIText.html(first.patientID)))")</h2>\n<ul>\n"
            for s in studies {
                body += "<li><a href=\"\(Self.href(patient + "/" + s + "/" + Self.pageName))\">\(PDIText.html(s))</a></li>\n"
            }
            body += "</ul>\n"
        }
        if !any { body += "<p>No studies.</p>\n" }
        do {
            try Self.writeDurably(Array(Self.page(title: "Imported studies", body: body).utf8), to: root + "/" + Self.pageName)
            result.pages.append(Self.pageName)
        } catch { result.failures.append("\(Self.pageName): \(error)") }
    }

    static func page(title: String, body: String) -> String {
        let lang = PDIText.hasCJK(title + body) ? "zh" : "en"
        return """
        <!DOCTYPE html>
        <html lang="\(lang)">
        <head>
        <meta charset="utf-8">
        <title>\(PDIText.html(title))</title>
        <style>body{font-family:sans-serif;margin:1em 2em}section{border-top:1px solid #ccc;margin-top:1em}img{background:#000}.placeholder{color:#a00}</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }

    /// A relative URL for a "/"-separated path (each component percent-encoded, RFC 3986).
    static func href(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return path.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
    }

    /// Writes `bytes` to a temporary name beside `path` (one the importer cleans up if left), then
    /// renames it durably over `path`.
    static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/" + ImportIndex.tempPrefix + "page-\(getpid())-\(UInt32.random(in: 0 ... .max))" + ImportIndex.tempSuffix
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw DataSetWriteError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno)); close(fd); unlink(temp)
                throw DataSetWriteError.io(path: path, reason: reason)
            }
            offset += n
        }
        close(fd)
        try DurableRename.commit(temp, to: path, durable: true)
    }
}
