import CCairo
import Foundation

/// A PDF file of one or more pages, each of its own physical size in millimetres (Cairo's PDF
/// surface; fonts are embedded as subsets with ToUnicode maps, so text can be searched and
/// extracted). Written to a temporary name and renamed into place by `finish()`.
///
///     let pdf = try PDFDocument(path: "label.pdf", fonts: try .shared(), title: "Disc label")
///     try pdf.addPage(size: .disc) { c in try c.drawText("王小明", at: Point(x: 20, y: 30), style: TextStyle(size: 14)) }
///     try pdf.finish()
///
/// Thread-safety: not `Sendable`; build one document on one task. Documents on different tasks
/// may share a `FontLibrary`.
public final class PDFDocument {
    public let path: String
    public let fonts: FontLibrary
    public private(set) var pageCount = 0
    private let temporaryPath: String
    private let surface: OpaquePointer       // cairo_surface_t*
    private var finished = false

    public init(path: String, fonts: FontLibrary, title: String? = nil, creator: String? = nil) throws {
        try AtomicOutput.checkFolder(of: path)
        self.path = path; self.fonts = fonts
        temporaryPath = AtomicOutput.temporaryPath(for: path)
        guard let s = cairo_pdf_surface_create(temporaryPath, 595, 842) else {
            throw GraphicsError.cannotWrite(path: path, reason: "cairo_pdf_surface_create returned nothing")
        }
        let status = cairo_surface_status(s)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(s)
            AtomicOutput.discard(temporaryPath)
            throw GraphicsError.cannotWrite(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        surface = s
        if let title { cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title) }
        if let creator { cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, creator) }
    }

    deinit {
        if !finished {
            cairo_surface_finish(surface)
            AtomicOutput.discard(temporaryPath)
        }
        cairo_surface_destroy(surface)
    }

    /// Adds a page of `size` millimetres and draws it with `draw`.
    public func addPage(size: Size, _ draw: (Canvas) throws -> Void) throws {
        guard !finished else { throw GraphicsError.alreadyFinished("PDF \(path)") }
        guard size.width > 0, size.height > 0, size.width < 5080, size.height < 5080 else {
            throw GraphicsError.invalidSize(widthMM: size.width, heightMM: size.height, reason: "PDF pages must be 0…5080 mm (200 in) a side")
        }
        let perMM = 72 / Size.millimetresPerInch
        cairo_pdf_surface_set_size(surface, size.width * perMM, size.height * perMM)
        let canvas = try Canvas(surface: surface, size: size, unitsPerMillimetre: perMM, fonts: fonts, antialiasText: true)
        try draw(canvas)
        try canvas.check("drawing page \(pageCount + 1) of \(path)")
        cairo_show_page(canvas.cr)
        try canvas.check("ending page \(pageCount + 1) of \(path)")
        pageCount += 1
    }

    /// Writes the PDF and renames it into place. The document cannot be used afterwards.
    public func finish() throws {
        guard !finished else { throw GraphicsError.alreadyFinished("PDF \(path)") }
        finished = true
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            AtomicOutput.discard(temporaryPath)
            throw GraphicsError.cannotWrite(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
        try AtomicOutput.commit(temporaryPath, to: path)
    }
}
