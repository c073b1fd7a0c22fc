import DICOM
import Foundation
import Imaging

/// The IHE PDI Web Content option (IHE RAD TF-3 4.47.4.1.2.2): INDEX.HTM at the root and, under
/// IHE_PDI/, one XHTML page per study with JPEG previews of its series, made from the DICOM files
/// on the medium (so the pages show only what the DICOM content holds). All names are 8.3 upper
/// case; nothing runs by itself. Pages are UTF-8 XHTML 1.0 Strict, so Chinese names show in any
/// browser.
public struct WebContentWriter: Sendable {
    public struct Options: Sendable {
        /// Previews per series, evenly spaced through it (0: none, only the pages).
        public var imagesPerSeries: Int = 6
        /// Longest side of a preview in pixels.
        public var previewSize: Int = 512
        /// JPEG quality of previews.
        public var quality: Int = 85
        /// INDEX.HTM links to the on-disc viewer (IHE_PDI/VIEWER.HTM, `ViewerWriter`).
        public var viewerLink = false
        public init(imagesPerSeries: Int = 6, previewSize: Int = 512, quality: Int = 85) {
            self.imagesPerSeries = imagesPerSeries; self.previewSize = previewSize; self.quality = quality
        }
    }

    public var options: Options
    public var index: PDITemplate
    public var study: PDITemplate
    public var style: PDITemplate

    public init(options: Options = Options(), index: PDITemplate, study: PDITemplate, style: PDITemplate) {
        self.options = options; self.index = index; self.study = study; self.style = style
    }

    public static func standard(options: Options = Options()) throws -> WebContentWriter {
        WebContentWriter(options: options, index: try PDITemplate.load("INDEX.HTM"),
                         study: try PDITemplate.load("STUDY.HTM"), style: try PDITemplate.load("STYLE.CSS"))
    }

    /// A preview to make: which file on the medium, and the JPEG's 8.3 name under IHE_PDI/IMAGES.
    struct Preview: Sendable {
        var fileID: FileID
        var name: String
        var study: Int
        var series: Int
    }

    /// What the writer made, for the report.
    public struct Result: Sendable {
        /// Files written, relative to the root.
        public var files: [String]
        /// Previews that could not be made (the page says so), as "FILEID: reason".
        public var warnings: [String]
    }

    /// Writes INDEX.HTM and IHE_PDI/ into `root`, whose DICOM files are already in place.
    public func write(_ contents: DiscContents, info: PDIInfo, root: String,
                      progress: (@Sendable (Int, Int) -> Void)? = nil,
                      isCancelled: @Sendable () -> Bool = { false }) throws -> Result {
        let pdi = root + "/IHE_PDI", images = pdi + "/IMAGES"
        do {
            try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        } catch { throw PDIError.cannotWrite(path: images, reason: error.localizedDescription) }

        // Choose previews: evenly spaced instances with pixel data in each series.
        var previews: [Preview] = []
        var bySeries: [[Int]: [Preview]] = [:]
        for p in contents.patients {
            for s in p.studies {
                for (r, series) in s.series.enumerated() {
                    let candidates = series.fileIDs.indices.filter { series.hasPixels[$0] }
                    for k in Self.spaced(candidates.count, options.imagesPerSeries) {
                        let pv = Preview(fileID: series.fileIDs[candidates[k]], name: String(format: "I%07d.JPG", previews.count + 1),
                                         study: s.index, series: r)
                        previews.append(pv)
                        bySeries[[s.index, r], default: []].append(pv)
                    }
                }
            }
        }
        // Render in parallel; a preview that fails is reported, not fatal.
        let quality = options.quality, size = options.previewSize
        let jobs = previews
        let slots = ConcurrentResults<String>(jobs.count)
        let done = ProgressCounter()
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            if isCancelled() { slots.set(i, "cancelled"); return }
            let pv = jobs[i]
            do {
                let file = try Part10Reader.read(path: root + "/" + pv.fileID.path)
                let image = Resampler.thumbnail(try Renderer.render(file: file, frame: 0, voi: .automatic, format: .automatic),
                                                maxSide: size)
                try JPEGPreviewEncoder.write(image, to: images + "/" + pv.name, options: .init(quality: quality))
            } catch {
                slots.set(i, "\(pv.fileID.path): no preview: \(error)")
            }
            progress?(done.add().items, jobs.count)
        }
        if isCancelled() { throw CancellationError() }
        let failed = Set(previews.indices.filter { slots.get($0) != nil }.map { previews[$0].name })

        var files: [String] = []
        let lang = contents.patients.contains { PDIText.hasCJK($0.name) } ? "zh" : "en"
        try PDIFiles.write(Array(try style.fill([:]).utf8), to: pdi + "/STYLE.CSS")
        files.append("IHE_PDI/STYLE.CSS")

        // One page per study.
        for p in contents.patients {
            for s in p.studies {
                var html = ""
                for (r, series) in s.series.enumerated() {
                    let title = ["Series \(series.number)", series.modality, series.description].filter { !$0.isEmpty && $0 != "Series " }
                    html += "<h2>\(PDIText.html(title.joined(separator: " — ")))</h2>\n"
                    html += "<p>\(series.fileIDs.count) object(s) in \(PDIText.html(series.fileIDs.first.map { $0.components.dropLast().joined(separator: "/") } ?? ""))</p>\n"
                    let shown = (bySeries[[s.index, r]] ?? []).filter { !failed.contains($0.name) }
                    if shown.isEmpty {
                        html += "<p>No preview for this series.</p>\n"
                    } else {
                        html += "<div class=\"images\">\n"
                        for pv in shown {
                            html += "<a href=\"IMAGES/\(pv.name)\"><img src=\"IMAGES/\(pv.name)\" alt=\"\(PDIText.html(pv.fileID.path))\" class=\"preview\" style=\"max-width: 256px\" /></a>\n"
                        }
                        html += "</div>\n"
                    }
                }
                let page = try study.fill([
                    "LANG": lang,
                    "TITLE": PDIText.html("\(p.name) — \(s.date) \(s.description)".trimmingCharacters(in: .whitespaces)),
                    "PATIENT_NAME": PDIText.html(p.name), "PATIENT_ID": PDIText.html(p.id),
                    "BIRTH_DATE": PDIText.html(p.birthDate), "STUDY_DATE": PDIText.html("\(s.date) \(s.time)"),
                    "STUDY_DESCRIPTION": PDIText.html(s.description), "ACCESSION": PDIText.html(s.accessionNumber),
                    "REFERRING": PDIText.html(s.referringPhysician), "SERIES": html,
                ])
                let name = Self.studyPage(s.index)
                try PDIFiles.write(Array(page.utf8), to: pdi + "/" + name)
                files.append("IHE_PDI/" + name)
            }
        }

        // INDEX.HTM: patients and their studies, with a thumbnail of each study.
        var list = ""
        for p in contents.patients {
            list += "<h2 class=\"patient\"><span class=\"patient-name\">\(PDIText.html(p.name.isEmpty ? "(no name)" : p.name))</span></h2>\n"
            list += "<p>Patient ID \(PDIText.html(p.id))\(p.birthDate.isEmpty ? "" : ", born \(PDIText.html(p.birthDate))")\(p.sex.isEmpty ? "" : ", sex \(PDIText.html(p.sex))")</p>\n"
            list += "<table class=\"studies\">\n<tr><th>Date</th><th>Description</th><th>Modality</th><th>Series</th><th>Objects</th><th>Preview</th></tr>\n"
            for s in p.studies {
                let link = "IHE_PDI/" + Self.studyPage(s.index)
                let thumb = bySeries.keys.filter { $0[0] == s.index }.sorted { $0[1] < $1[1] }
                    .compactMap { bySeries[$0]?.first { !failed.contains($0.name) } }.first
                let img = thumb.map { "<a href=\"\(link)\"><img src=\"IHE_PDI/IMAGES/\($0.name)\" alt=\"preview\" class=\"thumb\" /></a>" } ?? ""
                list += "<tr><td>\(PDIText.html("\(s.date) \(s.time)"))</td><td><a href=\"\(link)\">\(PDIText.html(s.description.isEmpty ? "Study" : s.description))</a></td>"
                list += "<td>\(PDIText.html(s.modalities.joined(separator: ", ")))</td><td>\(s.series.count)</td><td>\(s.instanceCount)</td><td>\(img)</td></tr>\n"
            }
            list += "</table>\n"
        }
        let title = "Medical images" + (info.institution.isEmpty ? "" : " from \(info.institution)")
        let page = try index.fill([
            "LANG": lang, "TITLE": PDIText.html(title), "MEDIUM": info.mediumWord, "CREATED": PDIText.html(info.created),
            "INSTITUTION": PDIText.html(info.institution.isEmpty ? "-" : info.institution),
            "APPLICATION": PDIText.html(info.application), "VERSION": PDIText.html(info.version),
            "VOLUME": info.volumeText, "PATIENTS": list,
            "VIEWER": options.viewerLink
                ? "<p class=\"viewer\"><a href=\"IHE_PDI/VIEWER.HTM\">View images</a> in this browser: every image of every series, with window/level and measurements; nothing is installed and nothing is sent anywhere.</p>"
                : "",
        ])
        try PDIFiles.write(Array(page.utf8), to: root + "/INDEX.HTM")
        files.append("INDEX.HTM")
        files += previews.filter { !failed.contains($0.name) }.map { "IHE_PDI/IMAGES/" + $0.name }
        let warnings = previews.indices.compactMap { slots.get($0) }
        return Result(files: files, warnings: warnings)
    }

    /// "STU00001.HTM".
    static func studyPage(_ n: Int) -> String { String(format: "STU%05d.HTM", n) }

    /// `k` indices evenly spaced over `0..<n` (all when n ≤ k).
    static func spaced(_ n: Int, _ k: Int) -> [Int] {
        guard k > 0, n > 0 else { return [] }
        if n <= k { return Array(0 ..< n) }
        if k == 1 { return [n / 2] }
        return (0 ..< k).map { Int((Double($0) * Double(n - 1) / Double(k - 1)).rounded()) }
    }
}
